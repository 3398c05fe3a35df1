/**
 * Builds the dependencies of every activity group from the validated config: the DB, the API
 * clients (real or simulator, same code), the hook library. The one place where config meets
 * activities, so the factories stay testable with whatever a test injects.
 */
import { cancellationSignal } from '@temporalio/activity';
import type { Config } from '../config/env';
import { openDb, type Db } from '../db/client';
import { createCampaignActivities } from '../activities/campaign';
import { createImageActivities } from '../activities/images';
import { createInsightsActivities } from '../activities/insights';
import { createVideoActivities } from '../activities/video';
import { createKieClient } from '../activities/ports/kie-client';
import { createMetaClient } from '../activities/ports/meta-client';
import { loadHookLibrary, type Hook } from '../learning/hook-library';

/** Signal of the running activity, so a cancelled activity aborts its HTTP call. */
function currentSignal(): AbortSignal | undefined {
  try {
    return cancellationSignal();
  } catch {
    return undefined; // called outside an activity (scripts, tests)
  }
}

/** `now` exists for tests that run the agent on a simulator's clock; production uses the real one. */
export function buildActivities(config: Config, db: Db = openDb(config.dbPath), now?: () => Date) {
  let library: Hook[] | undefined;
  const hooks = () => (library ??= loadHookLibrary(config.cycle.hookLibraryPath));
  const meta = () =>
    createMetaClient({ baseUrl: config.meta.baseUrl, version: config.meta.version, accessToken: config.meta.accessToken, timeoutMs: config.httpTimeoutMs, signal: currentSignal() });
  const kie = () => createKieClient({ baseUrl: config.kie.baseUrl, apiKey: config.kie.apiKey, timeoutMs: config.httpTimeoutMs, signal: currentSignal() });
  const caps = {
    adSetDailyBudgetCents: config.cycle.adSetDailyBudgetCents,
    totalDailySpendCapCents: config.cycle.totalDailySpendCapCents,
    maxLiveAds: config.cycle.maxLiveAds,
    maxAdSetDailyBudgetCents: config.cycle.maxAdSetDailyBudgetCents,
  };
  const spendCap = { capCents: caps.totalDailySpendCapCents, adSetDailyBudgetCents: caps.adSetDailyBudgetCents, creditUsd: config.kie.creditUsd };
  return {
    db,
    insights: createInsightsActivities({ db, meta, hooks, lookbackDays: config.cycle.insightsLookbackDays, caps, creditUsd: config.kie.creditUsd, videoShare: config.video.share, now }),
    images: createImageActivities({
      db,
      kie,
      hooks,
      creativesDir: config.creativesDir,
      kieConfig: {
        imageModel: config.kie.imageModel,
        imageCredits: config.kie.imageCredits,
        creditUsd: config.kie.creditUsd,
        dailyCreditCap: config.kie.dailyCreditCap,
        minBalance: config.kie.minBalance,
        pollIntervalMs: config.kie.pollIntervalMs,
        imageTimeoutMs: config.kie.imageTimeoutMs,
      },
      callToActionLabel: ctaLabel(config.account.callToAction),
      spendCap,
      now,
    }),
    video: createVideoActivities({
      db,
      kie,
      hooks,
      creativesDir: config.creativesDir,
      video: { model: config.video.model, credits: config.video.credits, pollIntervalMs: config.video.pollIntervalMs, waitLimitMs: config.video.waitLimitMs },
      limits: { dailyCreditCap: config.kie.dailyCreditCap, minBalance: config.kie.minBalance, spendCap },
      creditUsd: config.kie.creditUsd,
      callbacks: { url: config.callbacks.url, tokenSecret: config.callbacks.tokenSecret },
      now,
    }),
    campaign: createCampaignActivities({
      db,
      meta,
      hooks,
      account: config.account,
      caps,
      creditUsd: config.kie.creditUsd,
      metaVideo: { waitLimitMs: config.video.metaWaitLimitMs, pollMs: Math.min(3_000, config.video.pollIntervalMs) },
      createLookup: config.meta.createLookup,
      now,
    }),
  };
}

const ctaLabel = (cta: string) => cta.toLowerCase().replace(/_/g, ' ').replace(/^\w/, (c) => c.toUpperCase());
