/**
 * The simulated Meta market HookBench runs policies against. Parameters come from the issue and
 * are not tuned to any policy:
 * - 12 hooks, true CTR ~ Beta(6.2, 612) (mean ≈ 1 %);
 * - $5/day ad sets, CPM lognormal with median $10 (σ = 0.25) per creative per day;
 * - 15-minute ticks with a daily delivery profile (quiet nights, busy evenings);
 * - link clicks become visible 1–3 h after they happen;
 * - ad review takes a lognormal time (median 2 h) and rejects 2 % of ads.
 * Scenarios change how the true CTR moves; see `ctrAt` and `SCENARIOS`. `ctrScale` multiplies the
 * prior's mean CTR keeping its relative spread (the rate-scale runs: mean CTR 0.3 % and 3 %).
 *
 * Results scenarios (`RESULT_SCENARIOS`, HookBench for results): CTRs as in `stationary`, and each
 * hook also has a true conversion rate per link click, CVR ~ Beta(4, 46) clipped to 2–20 % (mean
 * ≈ 8 %), drawn independently of the CTRs (`independent`), or the same twelve draws re-paired by
 * rank: opposite to the CTRs (`clickbait`: the highest-CTR hook converts worst) or in the same
 * order (`aligned`). Every click converts with its hook's CVR; the conversion is reported after a
 * delay (`drawConversionDelayTicks`: 65 % within the day, exponential with mean 2 h; 35 % uniform
 * over days 1–7, all inside Meta's default 7-day click window) and credited to the click's date, so
 * past days' insights rows grow (restatement).
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

/** The CTR scenarios of the issue. */
export type ClickScenario = 'stationary' | 'fatigue' | 'abrupt' | 'drift';
export const SCENARIOS: ClickScenario[] = ['stationary', 'fatigue', 'abrupt', 'drift'];
/** The results scenarios (CTR as in stationary, plus a conversion rate per hook). */
export type ResultScenario = 'independent' | 'clickbait' | 'aligned';
export const RESULT_SCENARIOS: ResultScenario[] = ['independent', 'clickbait', 'aligned'];
export type Scenario = ClickScenario | ResultScenario;

export function isResultScenario(s: Scenario): s is ResultScenario {
  return (RESULT_SCENARIOS as Scenario[]).includes(s);
}

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
/** Results scenarios: conversion rate per link click ~ Beta(4, 46) (mean 8 %), clipped to 2–20 %. */
const CVR_A = 4;
const CVR_B = 46;
/** The conversion-rate prior the results scenarios draw from (before clipping), for reference controllers that are told it. */
export const CVR_PRIOR = { alpha: CVR_A, beta: CVR_B };
const CVR_MIN = 0.02;
const CVR_MAX = 0.2;
/** Conversion reporting delay: a same-day share (exponential, mean 2 h, at most 24 h) and a tail uniform over days 1–7. */
const CONV_SAME_DAY_SHARE = 0.65;
const CONV_SAME_DAY_MEAN_H = 2;
const CONV_TAIL_MAX_DAYS = 7;

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

/** The true state of the world for one instance: hook CTRs over time (and CVRs in the results scenarios). */
export interface Truth {
  scenario: Scenario;
  days: number;
  /** ctr[day][hook]: the fresh-creative CTR of each hook on each day. */
  ctrByDay: Float64Array[];
  /** cvr[hook]: conversions per link click (results scenarios only; constant over time). */
  cvr?: Float64Array;
  key: string;
}

/**
 * Beta prior of the true CTRs with its mean multiplied by `scale` and the same coefficient of
 * variation (scale 1 = Beta(6.2, 612), mean ≈ 1.0 %; 0.3 and 3 give means ≈ 0.3 % and 3 %).
 */
export function ctrPrior(scale = 1): { alpha: number; beta: number } {
  if (scale === 1) return { alpha: PRIOR_A, beta: PRIOR_B };
  if (!(scale > 0)) throw new Error(`CTR scale must be positive, got ${scale}`);
  const n = PRIOR_A + PRIOR_B;
  const m = PRIOR_A / n;
  const cv2 = (1 - m) / (m * (n + 1));
  const m2 = m * scale;
  if (m2 >= 0.5) throw new Error(`CTR scale ${scale} gives a mean CTR of ${(100 * m2).toFixed(1)} %`);
  const n2 = (1 - m2) / (m2 * cv2) - 1;
  return { alpha: m2 * n2, beta: (1 - m2) * n2 };
}

/** Draws the hooks' true CTR paths (and conversion rates) for one instance. */
export function drawTruth(scenario: Scenario, days: number, instanceKey: string, ctrScale = 1): Truth {
  const rng = createRng(`${instanceKey}/truth`);
  const { alpha, beta } = ctrPrior(ctrScale);
  const base = Array.from({ length: HOOK_COUNT }, () => rng.beta(alpha, beta));
  const after = Array.from({ length: HOOK_COUNT }, () => rng.beta(alpha, beta));
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
  const truth: Truth = { scenario, days, ctrByDay, key: instanceKey };
  if (isResultScenario(scenario)) truth.cvr = drawCvrs(scenario, base, instanceKey);
  return truth;
}

/**
 * Conversion rates per hook from their own stream: twelve independent draws, used as drawn
 * (`independent`) or sorted and handed out by CTR rank, the lowest CVR to the highest CTR
 * (`clickbait`) or the highest CVR to the highest CTR (`aligned`).
 */
export function drawCvrs(scenario: ResultScenario, ctrs: number[], instanceKey: string): Float64Array {
  const rng = createRng(`${instanceKey}/cvr`);
  const draws = Array.from({ length: ctrs.length }, () => Math.min(Math.max(rng.beta(CVR_A, CVR_B), CVR_MIN), CVR_MAX));
  if (scenario === 'independent') return Float64Array.from(draws);
  const byCtr = ctrs.map((_, h) => h).sort((a, b) => ctrs[b]! - ctrs[a]!); // highest CTR first
  const sorted = [...draws].sort((a, b) => (scenario === 'aligned' ? b - a : a - b));
  const cvr = new Float64Array(ctrs.length);
  byCtr.forEach((h, rank) => (cvr[h] = sorted[rank]!));
  return cvr;
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

/**
 * Ticks from a click to its conversion showing in insights: with probability 0.65 exponential with
 * mean 2 h (capped at 24 h; forms filled and sign-ups in the same visit), else uniform over 1–7
 * days (considered purchases, return visits). Mean ≈ 1.5 days; 65 % reported within a day, 77 %
 * within 3 days, all within 7 days (Meta's default 7-day click window, so every conversion is
 * attributed).
 */
export function drawConversionDelayTicks(rng: Rng): number {
  const hours =
    rng.next() < CONV_SAME_DAY_SHARE ? Math.min(-CONV_SAME_DAY_MEAN_H * Math.log(1 - rng.next()), 24) : 24 * (1 + (CONV_TAIL_MAX_DAYS - 1) * rng.next());
  return Math.max(1, Math.round((hours * 3_600_000) / TICK_MS));
}

/** Streams of a launch's conversions (results scenarios only; apart from the click stream so CTR runs are unchanged). */
export function conversionRng(instanceKey: string, ordinal: number): Rng {
  return createRng(`${instanceKey}/launch/${ordinal}/conversions`);
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

/** True results per impression (CTR × CVR) of a fresh creative of each hook on a day (CTR where no CVR). */
export function valueRow(truth: Truth, day: number): Float64Array {
  const ctr = truth.ctrByDay[Math.min(day, truth.days)]!;
  if (!truth.cvr) return ctr;
  return ctr.map((x, h) => x * truth.cvr![h]!);
}

/** Best fresh-creative results per impression (CTR × CVR) on a day, and which hook has it. */
export function bestValueOnDay(truth: Truth, day: number): { hook: number; value: number } {
  const row = valueRow(truth, day);
  let hook = 0;
  for (let h = 1; h < row.length; h++) if (row[h]! > row[hook]!) hook = h;
  return { hook, value: row[hook]! };
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
