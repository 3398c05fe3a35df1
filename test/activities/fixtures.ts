/**
 * What an activity test needs besides the activity: a migrated temp DB (db/client.ts openDb), the
 * creative store on it with a fixed clock, one configured account (activities/accounts.ts
 * accountDirectory) whose Meta client is a hand-written fake, a fake Kie client, and builders for
 * creatives in a given state. The fakes are partial objects typed as the real clients; a method a
 * test did not expect throws, so an unexpected call fails the test.
 */
import type { MockActivityEnvironment } from '@temporalio/testing';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { vi } from 'vitest';
import { accountDirectory, type AccountCaps, type AccountContext } from '../../activities/accounts';
import type { KieClient } from '../../activities/ports/kie-client';
import type { MetaClient } from '../../activities/ports/meta-client';
import { openDb, type Db } from '../../db/client';
import { createCreativeStore, type CreativeStore, type NewCreative } from '../../db/creatives';
import type { Hook } from '../../learning/hook-library';
import { hook } from '../learning/fixtures';

export const ACCOUNT = 'act_100200300';
/** Noon on a fixed day: "today" for the spend cap, and every row's stamp. */
export const NOW = new Date('2026-03-10T12:00:00.000Z');
export const HOOKS: Hook[] = [hook('h-image'), hook('h-both', { formats: ['image', 'video'] }), hook('h-video', { formats: ['video'] })];
/** $5 ad sets; the cap fits four of them on their worst day ($6.25 each) plus $1 of generation. */
export const CAPS: AccountCaps = {
  adSetDailyBudgetCents: 500,
  totalDailySpendCapCents: 2600,
  maxLiveAds: 4,
  maxAdSetDailyBudgetCents: 1500,
  kieDailyCreditCap: 1000,
};

/** A fresh DB in its own temp folder, migrated, with the store on it. */
export function tempDb(): { db: Db; creatives: CreativeStore; dir: string; now: () => Date } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'maa-activity-'));
  const db = openDb(path.join(dir, 'agent.sqlite'));
  const now = () => NOW;
  return { db, creatives: createCreativeStore(db, now), dir, now };
}

/** A partial client typed as the real one; every method not given throws when called. */
function fake<T extends object>(name: string, methods: Partial<Record<keyof T, unknown>>): T {
  return new Proxy(methods, {
    get(target, prop) {
      if (prop in target) return target[prop as keyof typeof target];
      if (typeof prop === 'symbol' || prop === 'then') return undefined;
      return () => {
        throw new Error(`unexpected call to ${name}.${prop}`);
      };
    },
  }) as unknown as T;
}

export const fakeMeta = (methods: Partial<Record<keyof MetaClient, unknown>>) => fake<MetaClient>('meta', methods);
export const fakeKie = (methods: Partial<Record<keyof KieClient, unknown>>) => fake<KieClient>('kie', methods);

/** The account directory with one account whose Meta client is `meta`. */
export function accounts(meta: MetaClient, overrides: Partial<AccountContext> = {}) {
  const account: AccountContext = {
    id: ACCOUNT,
    pageId: '1000001',
    landingUrl: 'https://example.com/start',
    customAudienceIds: ['23850000000000001'],
    countries: ['US'],
    callToAction: 'LEARN_MORE',
    caps: CAPS,
    videoShare: 0,
    objective: 'traffic',
    attribution: { clickDays: 7, viewDays: 1 },
    valueOptimised: false,
    hooks: () => HOOKS,
    meta: () => meta,
    ...overrides,
  };
  return accountDirectory([account]);
}

/** A creative of slot `slot` in cycle `cycle`, as the store makes it (generating). */
export function newCreative(cycle: string, slot = 0, overrides: Partial<NewCreative> = {}): NewCreative {
  return { id: `${cycle}:s${slot}`, accountId: ACCOUNT, cycleId: cycle, slot, hookId: 'h-image', format: 'image', ...overrides };
}

/** A generated picture creative (its Kie task settled), ready to launch. */
export function generatedCreative(creatives: CreativeStore, cycle: string, slot = 0, filePath = '/nonexistent.png'): string {
  const c = newCreative(cycle, slot);
  creatives.startGeneration(c);
  creatives.generated(c.id, { credits: 4, usd: 0.02 }, { filePath, kieTaskId: `kie-${cycle}-${slot}` });
  return c.id;
}

/** A creative live on Meta (ad set `adset-<cycle>-<n>`, ad `ad-<cycle>-<n>`) at `budgetCents` a day. */
export function launchedCreative(creatives: CreativeStore, cycle: string, n: number, budgetCents = 500): { id: string; adsetId: string; adId: string } {
  const id = generatedCreative(creatives, cycle, n);
  const reserved = creatives.reserveLaunch(id, { ...CAPS, adSetDailyBudgetCents: budgetCents, totalDailySpendCapCents: 1_000_000, maxLiveAds: 100 }, 0.005);
  if ('refused' in reserved) throw new Error(reserved.refused);
  const ids = { campaignId: `camp-${cycle}-${n}`, adsetId: `adset-${cycle}-${n}`, adCreativeId: `cr-${cycle}-${n}`, adId: `ad-${cycle}-${n}` };
  creatives.launched(id, ids);
  return { id, adsetId: ids.adsetId, adId: ids.adId };
}

/** A vi.fn that resolves to `value` (for the fakes' methods a test expects to be called). */
export const resolves = <T>(value: T) => vi.fn(async () => value);

/** Runs an activity in a MockActivityEnvironment, keeping its result type (`env.run` infers none). */
export function runIn<A extends unknown[], R>(env: MockActivityEnvironment, fn: (...args: A) => Promise<R>, ...args: A): Promise<R> {
  return env.run<A, R, typeof fn>(fn, ...args);
}
