/**
 * The agent's own Prometheus series, emitted through the Temporal runtime's metric meter so they
 * are scraped from the same `/metrics` endpoint as the SDK's (METRICS_PORT of each worker process).
 * Names carry the `maa_` prefix; every series has an `account` label. Called inside activities only
 * (the meter is the running activity's, which also adds namespace, task queue and activity type).
 */
import { metricMeter } from '@temporalio/activity';

/** One cycle's figures at its end: what it launched and where the account stands today. */
export interface CycleFigures {
  accountId: string;
  outcome: string;
  launched: Array<{ format: string }>;
  liveAds: number;
  committedCents: number;
  capCents: number;
  kieCreditsToday: number;
}

export function recordCycleMetrics(f: CycleFigures): void {
  const account = { account: f.accountId };
  metricMeter.createCounter('maa_cycles_total', 'cycles', 'Cycles ended, by outcome (failed included)').withTags(account).add(1, { outcome: f.outcome });
  const launches = metricMeter.createCounter('maa_launches_total', 'ads', 'Ads launched, by format').withTags(account);
  for (const l of f.launched) launches.add(1, { format: l.format });
  const gauge = (name: string, unit: string, help: string, value: number) => metricMeter.createGauge(name, 'int', unit, help).withTags(account).set(value);
  gauge('maa_live_ads', 'ads', 'Live ads (launching or launched) at the end of the latest cycle', f.liveAds);
  gauge('maa_spend_committed_today_cents', 'cents', 'Spend committed today: live ad sets at their worst day, paused ads, generation', f.committedCents);
  gauge('maa_spend_cap_cents', 'cents', "The account's daily spend cap", f.capCents);
  gauge('maa_kie_credits_today', 'credits', 'Kie credits committed today (lost-response resubmits included)', f.kieCreditsToday);
}

/** Counts an activity failure by its type (MetaRateLimited, GenerationFailed, ...). */
export function countFailure(type: string, accountId?: string): void {
  try {
    metricMeter
      .createCounter('maa_failures_total', 'failures', 'Activity failures, by failure type')
      .add(1, { type, ...(accountId ? { account: accountId } : {}) });
  } catch {
    // Outside an activity (a unit test calling the code directly): nothing to count with.
  }
}
