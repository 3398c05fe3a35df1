/**
 * The simulated Meta market HookBench runs policies against. Parameters come from the issue and
 * are not tuned to any policy:
 * - 12 hooks, true CTR ~ Beta(6.2, 612) (mean ≈ 1 %);
 * - $5/day ad sets, CPM lognormal with median $10 (σ = 0.25) per creative per day;
 * - 15-minute ticks with a daily delivery profile (quiet nights, busy evenings);
 * - link clicks become visible 1–3 h after they happen;
 * - ad review takes a lognormal time (median 2 h) and rejects 2 % of ads.
 * Scenarios change how the true CTR moves; see `ctrAt` and `SCENARIOS`.
 *
 * Common random numbers: everything random is drawn from streams keyed by the instance and, for
 * creatives, by launch ordinal (the n-th launch of a run), so every policy meets the same hooks,
 * the same CPM path, the same review delays and rejections and the same click uniforms.
 */
import { createRng, type Rng } from '../learning/random';

export const TICK_MS = 15 * 60_000;
export const TICKS_PER_DAY = 96;
export const DAY_MS = 86_400_000;
/** Simulated clock starts at Monday 2026-01-05 00:00 UTC (the account's timezone in the sim). */
export const T0_MS = Date.UTC(2026, 0, 5);

/** The market scenarios of the issue. */
export type Scenario = 'stationary' | 'fatigue' | 'abrupt' | 'drift';
export const SCENARIOS: Scenario[] = ['stationary', 'fatigue', 'abrupt', 'drift'];

export const HOOK_COUNT = 12;
const PRIOR_A = 6.2;
const PRIOR_B = 612;
const CPM_MEDIAN_USD = 10;
const CPM_SIGMA = 0.25;
const REVIEW_MEDIAN_H = 2;
const REVIEW_SIGMA = 0.8;
const REJECT_RATE = 0.02;
const CLICK_DELAY_MIN_TICKS = 4; // 1 h
const CLICK_DELAY_MAX_TICKS = 12; // 3 h
/** Abrupt scenario: every hook's CTR is redrawn at the start of this day. */
const ABRUPT_DAY = 15;
/** Drift scenario: logit random walk reaching this sd after 30 days (the spread between hooks). */
const DRIFT_SD_30D = 0.4;
/** Fatigue scenario: a creative's CTR halves every τ days, τ uniform in [7, 21]. */
const FATIGUE_MIN_DAYS = 7;
const FATIGUE_MAX_DAYS = 21;

/** Share of a day's impressions in each hour (account timezone); normalised below. */
const HOURLY_WEIGHTS = [0.55, 0.4, 0.3, 0.25, 0.25, 0.3, 0.45, 0.65, 0.8, 0.9, 0.95, 1.0, 1.05, 1.05, 1.0, 1.0, 1.05, 1.15, 1.3, 1.45, 1.5, 1.4, 1.1, 0.8];
/** Share of the day's delivery in each 15-minute tick (sums to 1). */
export const TICK_PROFILE: Float64Array = (() => {
  const total = HOURLY_WEIGHTS.reduce((s, w) => s + w, 0);
  const p = new Float64Array(TICKS_PER_DAY);
  for (let t = 0; t < TICKS_PER_DAY; t++) p[t] = HOURLY_WEIGHTS[Math.floor(t / 4)]! / total / 4;
  return p;
})();
/** Share of the day's delivery still ahead at the start of each tick. */
export const REMAINING_PROFILE: Float64Array = (() => {
  const r = new Float64Array(TICKS_PER_DAY + 1);
  for (let t = TICKS_PER_DAY - 1; t >= 0; t--) r[t] = r[t + 1]! + TICK_PROFILE[t]!;
  return r;
})();

/** The true state of the world for one instance: hook CTRs over time. */
export interface Truth {
  scenario: Scenario;
  days: number;
  /** ctr[day][hook]: the fresh-creative CTR of each hook on each day. */
  ctrByDay: Float64Array[];
  key: string;
}

/** Draws the hooks' true CTR paths for one instance. */
export function drawTruth(scenario: Scenario, days: number, instanceKey: string): Truth {
  const rng = createRng(`${instanceKey}/truth`);
  const base = Array.from({ length: HOOK_COUNT }, () => rng.beta(PRIOR_A, PRIOR_B));
  const after = Array.from({ length: HOOK_COUNT }, () => rng.beta(PRIOR_A, PRIOR_B));
  const logit = base.map((p) => Math.log(p / (1 - p)));
  const stepSd = DRIFT_SD_30D / Math.sqrt(30);
  const ctrByDay: Float64Array[] = [];
  for (let d = 0; d <= days; d++) {
    const row = new Float64Array(HOOK_COUNT);
    for (let h = 0; h < HOOK_COUNT; h++) {
      if (scenario === 'abrupt') row[h] = d < ABRUPT_DAY ? base[h]! : after[h]!;
      else if (scenario === 'drift') {
        if (d > 0) logit[h] = logit[h]! + stepSd * rng.normal();
        row[h] = 1 / (1 + Math.exp(-logit[h]!));
      } else row[h] = base[h]!;
    }
    ctrByDay.push(row);
  }
  return { scenario, days, ctrByDay, key: instanceKey };
}

/** Per-launch randomness, identical for the n-th launch under every policy. */
export interface LaunchDraws {
  rng: Rng;
  reviewTicks: number;
  rejected: boolean;
  /** Fatigue half-life in days (used only by the fatigue scenario). */
  fatigueDays: number;
}

export function drawLaunch(instanceKey: string, ordinal: number): LaunchDraws {
  const rng = createRng(`${instanceKey}/launch/${ordinal}`);
  const reviewHours = Math.min(Math.max(REVIEW_MEDIAN_H * Math.exp(REVIEW_SIGMA * rng.normal()), 0.25), 24);
  const rejected = rng.next() < REJECT_RATE;
  const fatigueDays = FATIGUE_MIN_DAYS + (FATIGUE_MAX_DAYS - FATIGUE_MIN_DAYS) * rng.next();
  return { rng, reviewTicks: Math.max(1, Math.round((reviewHours * 3_600_000) / TICK_MS)), rejected, fatigueDays };
}

/** Draws a CPM in dollars for one creative-day. */
export function drawCpmUsd(rng: Rng): number {
  return CPM_MEDIAN_USD * Math.exp(CPM_SIGMA * rng.normal());
}

/** Click-visibility delay in ticks, uniform over 1–3 h. */
export function drawClickDelayTicks(rng: Rng): number {
  return CLICK_DELAY_MIN_TICKS + Math.floor(rng.next() * (CLICK_DELAY_MAX_TICKS - CLICK_DELAY_MIN_TICKS + 1));
}

/** True CTR of a creative of `hook` at `tick`, launched at `launchTick`. */
export function ctrAt(truth: Truth, hook: number, tick: number, launchTick: number, fatigueDays: number): number {
  const day = Math.min(Math.floor(tick / TICKS_PER_DAY), truth.days);
  const fresh = truth.ctrByDay[day]![hook]!;
  if (truth.scenario !== 'fatigue') return fresh;
  const ageDays = (tick - launchTick) / TICKS_PER_DAY;
  return fresh * Math.pow(2, -ageDays / fatigueDays);
}

/** Best fresh-creative CTR on a given day, and which hook has it. */
export function bestOnDay(truth: Truth, day: number): { hook: number; ctr: number } {
  const row = truth.ctrByDay[Math.min(day, truth.days)]!;
  let hook = 0;
  for (let h = 1; h < row.length; h++) if (row[h]! > row[hook]!) hook = h;
  return { hook, ctr: row[hook]! };
}

/** Hook with the lowest CTR on day 0 (the one a good policy should stop paying for first). */
export function worstAtStart(truth: Truth): number {
  const row = truth.ctrByDay[0]!;
  let hook = 0;
  for (let h = 1; h < row.length; h++) if (row[h]! < row[hook]!) hook = h;
  return hook;
}

/** Poisson draw by inversion (means here are ~0.05 per tick, so this is one uniform). */
export function poisson(rng: Rng, mean: number): number {
  if (mean <= 0) return 0;
  const u = rng.next();
  let p = Math.exp(-mean);
  let cdf = p;
  let k = 0;
  while (u > cdf && k < 1000) {
    k++;
    p *= mean / k;
    cdf += p;
  }
  return k;
}
