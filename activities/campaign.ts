/**
 * Campaign activities (queue `ad-campaign`): every Meta write. A launch reserves the ad set's
 * budget under the caps (the store's launch guard, atomically with the move to `launching`), then
 * builds campaign -> ad set -> creative -> ad, all PAUSED, and activates them only once the whole
 * chain exists (launch.ts); each create is idempotent through the ledger. applyActions pauses and
 * raises within the caps and Meta's budget-edit limit (budget-actions.ts).
 */
import { heartbeat, log } from '@temporalio/activity';
import type { Db } from '../db/client';
import type { MetaObjectKind } from '../db/creative-ids';
import type { CreativeStore } from '../db/creatives';
import type { Accounts } from './accounts';
import { applyAction, type ApplyActionsResult, type CreativeAction } from './budget-actions';
import { sweepDuplicates } from './duplicates';
import { domainFailure, mapErrors, nothingCreated } from './errors';
import { launchChain, type LaunchCtx } from './launch';
import type { EnsureOptions } from './ledger';
import type { MetaVideoWait } from './meta-video';
import { campaignObjective } from './objectives';

export { metaName } from '../db/creative-ids';
export type { ApplyActionsResult, CreativeAction } from './budget-actions';

export interface CampaignDeps {
  db: Db;
  creatives: CreativeStore;
  accounts: Accounts;
  creditUsd: number;
  /** How long to wait for Meta to process an uploaded video, and how often to look. */
  metaVideo?: MetaVideoWait;
  /** How long a retry looks for an object whose create's outcome is unknown before creating it anew. */
  createLookup?: { windowMs: number; intervalMs: number };
  now?: () => Date;
}

/** Input of launchCreative: which generated creative to put live. */
export interface LaunchCreativeInput {
  accountId: string;
  creativeId: string;
}
/** Ids of everything one launch created on Meta. */
export interface LaunchCreativeResult {
  creativeId: string;
  campaignId: string;
  adsetId: string;
  adCreativeId: string;
  adId: string;
  imageHash?: string;
  videoId?: string;
  dailyBudgetCents: number;
}
export interface ApplyActionsInput {
  accountId: string;
  cycleId: string;
  actions: CreativeAction[];
}

interface CampaignCtx extends LaunchCtx {
  deps: CampaignDeps;
  now: () => Date;
}

export function createCampaignActivities(deps: CampaignDeps) {
  const lookup = deps.createLookup ?? { windowMs: 30_000, intervalMs: 3_000 };
  /** Ledger options of every Meta create: a bounded lookup window, heartbeating while it waits. */
  const ensureOpts = (step: MetaObjectKind): EnsureOptions => ({
    window: { tries: 1 + Math.floor(lookup.windowMs / lookup.intervalMs), intervalMs: lookup.intervalMs, onWait: () => heartbeat(`looking up ${step}`) },
    nothingCreated,
  });
  const ctx: CampaignCtx = { deps, db: deps.db, creatives: deps.creatives, metaVideo: deps.metaVideo, ensureOpts, now: deps.now ?? (() => new Date()) };
  return {
    /** Fails (MetaAuthorizationError) unless the token may create on the account; creates nothing. */
    async checkWriteAccess({ accountId }: { accountId: string }): Promise<void> {
      await mapErrors(() => {
        const account = deps.accounts(accountId);
        return account.meta().validateWriteAccess(accountId, campaignObjective(account));
      });
    },
    launchCreative: (input: LaunchCreativeInput): Promise<LaunchCreativeResult> => mapErrors(() => launchCreative(ctx, input)),
    /** Pauses losers and scales winners, idempotently, within caps and Meta's budget-edit limit. */
    applyActions: (input: ApplyActionsInput): Promise<ApplyActionsResult> => mapErrors(() => applyActions(ctx, input)),
  };
}

async function launchCreative(ctx: CampaignCtx, { accountId, creativeId }: LaunchCreativeInput): Promise<LaunchCreativeResult> {
  const { deps, creatives } = ctx;
  const account = deps.accounts(accountId);
  const meta = account.meta();
  const reservation = creatives.reserveLaunch(creativeId, account.caps, deps.creditUsd);
  if ('refused' in reservation) {
    throw domainFailure('SpendCapReached', `not launched: ${reservation.refused}`, {
      liveAds: reservation.liveAds,
      committedCents: reservation.committedCents,
    });
  }
  const row = creatives.get(creativeId)!;
  const hook = account.hooks().find((h) => h.id === row.hookId);
  if (!hook) throw domainFailure('InvalidInput', `hook ${row.hookId} is not in the hook library`);
  const { filePath } = row;
  if (!filePath) throw domainFailure('InvalidInput', `creative ${creativeId} has no rendered file`);
  const chain = await launchChain(ctx, account, meta, { ...row, filePath }, hook, reservation.budgetCents);
  creatives.launched(creativeId, chain);
  // A retried create may have left a twin under the same name: delete all but the recorded one.
  const removed = await sweepDuplicates(deps.db, meta, { accountId, cycleId: row.cycleId, creativeId }, ctx.now());
  if (removed.length) log.warn('duplicate Meta objects deleted', { creativeId, removed: removed.map((r) => r.deletedId) });
  log.info('creative launched', { creativeId, campaignId: chain.campaignId, adId: chain.adId });
  return { creativeId, ...chain, dailyBudgetCents: reservation.budgetCents };
}

async function applyActions(ctx: CampaignCtx, { accountId, cycleId, actions }: ApplyActionsInput): Promise<ApplyActionsResult> {
  const account = ctx.deps.accounts(accountId);
  const actionCtx = { creatives: ctx.creatives, creditUsd: ctx.deps.creditUsd, account, meta: account.meta(), cycleId };
  const result: ApplyActionsResult = { applied: [], skipped: [] };
  for (const action of actions) {
    const outcome = await applyAction(actionCtx, action);
    if ('applied' in outcome) result.applied.push(outcome.applied);
    else result.skipped.push(outcome.skipped);
  }
  return result;
}

export type CampaignActivities = ReturnType<typeof createCampaignActivities>;
