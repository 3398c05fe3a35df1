/**
 * What an activity knows about the ad account it works for. Activities serve every configured
 * account from one worker fleet, so each call looks its account up by the id in its input; nothing
 * (caps, hooks, token, Meta client) is shared between accounts by accident. Built by workers/deps.ts
 * from the validated accounts configuration.
 */
import type { AttributionWindows, Objective } from '../learning';
import type { Hook } from '../learning/hook-library';
import { domainFailure } from './errors';
import type { MetaClient } from './ports/meta-client';

/** The account's caps, in cents and counts. */
export interface AccountCaps {
  adSetDailyBudgetCents: number;
  totalDailySpendCapCents: number;
  maxLiveAds: number;
  maxAdSetDailyBudgetCents: number;
  /** Kie credits this account may commit a day (the balance itself is per API key). */
  kieDailyCreditCap: number;
}

export interface AccountContext {
  id: string;
  pageId: string;
  landingUrl: string;
  customAudienceIds: string[];
  countries: string[];
  callToAction: string;
  caps: AccountCaps;
  /** Share of launches made as video when a cycle does not force a format. */
  videoShare: number;
  /** The account's hook library (read once, validated). */
  hooks(): Hook[];
  /** A Meta client with this account's own token. */
  meta(): MetaClient;
  /** The token's expiry when configuration knows it (ISO), for when Graph's debug_token does not say. */
  tokenExpiresAt?: string;
  /** What the account's campaigns optimise and what counts as a result (activities/objectives.ts). */
  objective: Objective;
  /** The pixel whose events are the results of a leads or sales account (always set for those). */
  pixelId?: string;
  /** How long after a click / a view Meta credits a result to the ad. */
  attribution: AttributionWindows;
  /** Sales: optimise purchase value (VALUE) instead of the number of purchases. */
  valueOptimised: boolean;
}

/** Looks an account up by id; an unknown one is a non-retryable InvalidInput. */
export type Accounts = (accountId: string) => AccountContext;

/** The lookup, and `replace` for when the accounts file is edited while the workers run. */
export function accountDirectory(contexts: AccountContext[]): Accounts & { replace(next: AccountContext[]): void } {
  let byId = new Map(contexts.map((c) => [c.id, c]));
  const lookup: Accounts = (accountId) => {
    const found = byId.get(accountId);
    if (!found) throw domainFailure('InvalidInput', `account ${accountId} is not configured (known: ${[...byId.keys()].join(', ')})`);
    return found;
  };
  return Object.assign(lookup, { replace: (next: AccountContext[]) => void (byId = new Map(next.map((c) => [c.id, c]))) });
}
