/**
 * Builds the dependencies of every activity group from the validated config: the DB, the API
 * clients (real or simulator, same code), the hook library. The one place where config meets
 * activities, so the factories stay testable with whatever a test injects.
 */
import { Client, Connection, ScheduleNotFoundError } from '@temporalio/client';
import { cancellationSignal } from '@temporalio/activity';
import type { Config, ConfiguredAccount } from '../config/env';
import { accountDirectory, type AccountContext } from '../activities/accounts';
import { openDb, type Db } from '../db/client';
import { createCreativeStore } from '../db/creatives';
import { createAnalysisActivities } from '../activities/analysis';
import { createCampaignActivities } from '../activities/campaign';
import { createImageActivities } from '../activities/images';
import { createVideoActivities } from '../activities/video';
import { createKieClient } from '../activities/ports/kie-client';
import { createMetaClient } from '../activities/ports/meta-client';
import { loadHookLibrary, type Hook } from '../learning/hook-library';
import { scheduleId } from '../temporal-config/queues';

/** Signal of the running activity, so a cancelled activity aborts its HTTP call. */
function currentSignal(): AbortSignal | undefined {
  try {
    return cancellationSignal();
  } catch {
    return undefined; // called outside an activity (scripts, tests)
  }
}

/** One account's context for the activities: its caps, hook library and a Meta client with its own token. */
function accountContext(config: Config, a: ConfiguredAccount): AccountContext {
  let library: Hook[] | undefined;
  return {
    id: a.id,
    pageId: a.pageId,
    landingUrl: a.landingUrl,
    customAudienceIds: a.customAudienceIds,
    countries: a.countries,
    callToAction: a.callToAction,
    caps: {
      adSetDailyBudgetCents: a.dailyBudgetCents,
      totalDailySpendCapCents: a.totalDailySpendCapCents,
      maxLiveAds: a.maxLiveAds,
      maxAdSetDailyBudgetCents: a.maxAdSetDailyBudgetCents,
      kieDailyCreditCap: a.kieDailyCreditCap,
    },
    videoShare: a.videoShare,
    objective: a.objective,
    ...(a.pixelId ? { pixelId: a.pixelId } : {}),
    attribution: a.attribution,
    valueOptimised: a.valueOptimised,
    ...(a.tokenExpiresAt ? { tokenExpiresAt: a.tokenExpiresAt } : {}),
    hooks: () => (library ??= loadHookLibrary(a.hookLibraryPath)),
    meta: () =>
      createMetaClient({
        baseUrl: a.meta.baseUrl,
        version: config.meta.version,
        accessToken: a.meta.accessToken,
        timeoutMs: config.httpTimeoutMs,
        signal: currentSignal(),
        clockScale: a.meta.mode === 'simulator' ? config.simTimeScale : 1,
      }),
  };
}

/** `now` exists for tests that run the agent on a simulator's clock; production uses the real one. */
export function buildActivities(config: Config, db: Db = openDb(config.dbPath), now?: () => Date) {
  const accounts = accountDirectory(config.accounts.map((a) => accountContext(config, a)));
  const kie = () => createKieClient({ baseUrl: config.kie.baseUrl, apiKey: config.kie.apiKey, timeoutMs: config.httpTimeoutMs, signal: currentSignal() });
  const creditUsd = config.kie.creditUsd;
  // The one owner of every creative's lifecycle, shared by all activity groups (same clock as theirs).
  const creatives = createCreativeStore(db, now);
  // The one Temporal client activities use: to pause an account's schedule when Meta refuses its token.
  let temporal: Promise<Client> | undefined;
  const client = () =>
    (temporal ??= Connection.connect({ address: config.temporal.address }).then(
      (connection) => new Client({ connection, namespace: config.temporal.namespace, dataConverter: config.temporal.dataConverter }),
    ));
  const schedules = {
    async pause(accountId: string, note: string): Promise<'paused' | 'already-paused' | 'no-schedule'> {
      const handle = (await client()).schedule.getHandle(scheduleId(accountId));
      try {
        if ((await handle.describe()).state.paused) return 'already-paused';
        await handle.pause(note);
        return 'paused';
      } catch (err) {
        if (err instanceof ScheduleNotFoundError) return 'no-schedule';
        throw err;
      }
    },
  };
  return {
    db,
    creatives,
    accounts,
    /** Takes an edited accounts file: new accounts are served, changed caps and libraries apply to the next activity. */
    reloadAccounts: (next: Config) => accounts.replace(next.accounts.map((a) => accountContext(next, a))),
    analysis: createAnalysisActivities({
      db,
      creatives,
      accounts,
      lookbackDays: config.cycle.insightsLookbackDays,
      tokenExpiryWarnDays: config.cycle.tokenExpiryWarnDays,
      schedules,
      creditUsd,
      now,
    }),
    images: createImageActivities({
      db,
      creatives,
      kie,
      accounts,
      creativesDir: config.creativesDir,
      kieConfig: {
        imageModel: config.kie.imageModel,
        imageCredits: config.kie.imageCredits,
        creditUsd,
        minBalance: config.kie.minBalance,
        pollIntervalMs: config.kie.pollIntervalMs,
        imageTimeoutMs: config.kie.imageTimeoutMs,
      },
      now,
    }),
    video: createVideoActivities({
      db,
      creatives,
      kie,
      accounts,
      creativesDir: config.creativesDir,
      video: { model: config.video.model, credits: config.video.credits, pollIntervalMs: config.video.pollIntervalMs, waitLimitMs: config.video.waitLimitMs },
      minBalance: config.kie.minBalance,
      creditUsd,
      callbacks: { url: config.callbacks.url, tokenSecret: config.callbacks.tokenSecret },
      now,
    }),
    campaign: createCampaignActivities({
      db,
      creatives,
      accounts,
      creditUsd,
      metaVideo: { waitLimitMs: config.video.metaWaitLimitMs, pollMs: Math.min(3_000, config.video.pollIntervalMs) },
      createLookup: config.meta.createLookup,
      now,
    }),
  };
}
