/**
 * Turns raw creative evidence into the (weighted) successes and trials a Beta posterior uses.
 *
 * Two corrections happen here:
 * - Delayed feedback: impressions younger than the click-reporting delay may still get clicks,
 *   so they are not counted as failures (likewise clicks inside the conversion window).
 * - Non-stationarity (optional): evidence is down-weighted by calendar age (drift) and by the
 *   creative's age when it was served (fatigue), so a hook is judged on what a fresh creative
 *   of it would do now.
 */
import type { CreativeEvidence } from './types';
import type { PolicyParams } from './params';
import type { DayCounts } from './change-point';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Successes and trials after maturity and weighting. */
export interface WeightedCounts {
  /** Weighted link clicks. */
  clicks: number;
  /** Weighted judged impressions (trials). */
  trials: number;
}

/** Which half-lives apply: a hook's value for a new launch, or a live creative's current value. */
export type WeightingMode = 'hook' | 'creative';

/** Impressions whose clicks can no longer be pending. */
export function matureImpressions(ev: CreativeEvidence, nowMs: number, params: PolicyParams): number {
  if (ev.matureImpressions !== undefined) return clamp(ev.matureImpressions, 0, ev.impressions);
  return ev.impressions * maturedFraction(nowMs - ev.launchedAtMs, params.clickReportingDelayHours);
}

/** Clicks whose conversions are out of the attribution window. */
export function matureClicks(ev: CreativeEvidence, nowMs: number, params: PolicyParams): number {
  if (ev.matureClicks !== undefined) return clamp(ev.matureClicks, 0, ev.linkClicks);
  return ev.linkClicks * maturedFraction(nowMs - ev.launchedAtMs, params.conversionDelayHours);
}

/**
 * Judged clicks and trials for one creative.
 *
 * Weighting (both optional): calendar discounting multiplies clicks and impressions of a day by
 * 2^(−days ago / half-life) (a tempered likelihood, for drift); a learned fatigue rate λ
 * (fatigue.ts) turns impressions served at creative age a into e^(−λ·a) "fresh" impressions, so
 * the posterior is about what a fresh creative would do.
 *
 * A creative with zero reported clicks gets no pending-window credit and no weighting: delay can
 * only hide clicks an ad has started to earn, and forgetting an ad that never worked would
 * resurrect it. This keeps a zero-click ad (or hook) from ever outranking one with clicks on the
 * same or fewer impressions, which was the original system's scoring bug.
 */
export function weightedCounts(ev: CreativeEvidence, nowMs: number, params: PolicyParams, mode: WeightingMode, fatigueRatePerDay = 0): WeightedCounts {
  if (ev.linkClicks === 0) return { clicks: 0, trials: ev.impressions };
  const mature = matureImpressions(ev, nowMs, params);
  const halfLife = mode === 'hook' ? params.discountHalfLifeDays : params.creativeHalfLifeDays;
  if (halfLife === null && fatigueRatePerDay === 0) {
    return { clicks: ev.linkClicks, trials: Math.max(mature, ev.linkClicks) };
  }
  if (ev.daily && ev.daily.length > 0) {
    // The sum of the per-day counts, so totals and change detection weigh evidence the same way.
    let clicks = 0;
    let trials = 0;
    for (const day of weightedDays(ev, nowMs, params, mode, fatigueRatePerDay)) {
      clicks += day.clicks;
      trials += day.trials;
    }
    return { clicks, trials };
  }

  // No daily breakdown: assume even delivery since launch and use the average weights.
  const lambdaCal = halfLife === null ? 0 : Math.LN2 / (halfLife * DAY_MS);
  const age = Math.max(nowMs - ev.launchedAtMs, 1);
  const wClicks = averageWeight(age, lambdaCal, 0);
  const wTrials = averageWeight(age, lambdaCal, fatigueRatePerDay / DAY_MS);
  return { clicks: wClicks * ev.linkClicks, trials: Math.max(wTrials * mature, wClicks * ev.linkClicks) };
}

/**
 * Judged clicks and trials split by delivery day (weightedCounts sums them; change-point.ts
 * reads them day by day). Each day's pending impressions come off at that day's weight, newest
 * days first.
 */
export function weightedDays(ev: CreativeEvidence, nowMs: number, params: PolicyParams, mode: WeightingMode, fatigueRatePerDay = 0): DayCounts[] {
  const launchDay = Math.floor(ev.launchedAtMs / DAY_MS) * DAY_MS;
  if (!ev.daily || ev.daily.length === 0) {
    const c = weightedCounts(ev, nowMs, params, mode, fatigueRatePerDay);
    return [{ dayStartMs: launchDay, clicks: c.clicks, trials: c.trials }];
  }
  const zeroClicks = ev.linkClicks === 0;
  const halfLife = mode === 'hook' ? params.discountHalfLifeDays : params.creativeHalfLifeDays;
  const lambdaCal = zeroClicks || halfLife === null ? 0 : Math.LN2 / (halfLife * DAY_MS);
  const lambdaFat = zeroClicks ? 0 : fatigueRatePerDay / DAY_MS;
  const rows = ev.daily.map((day) => {
    const startMs = day.startMs ?? Date.parse(`${day.date}T00:00:00Z`);
    const t = rowMidpointMs(ev, startMs, nowMs);
    const wCal = Math.exp(-lambdaCal * (nowMs - t));
    const w = wCal * Math.exp(-lambdaFat * (t - ev.launchedAtMs));
    return { dayStartMs: startMs, clicks: wCal * day.linkClicks, trials: w * day.impressions, weight: w };
  });
  // A zero-click creative gets no pending-window credit (see weightedCounts).
  const pending = zeroClicks ? rows.map(() => 0) : pendingPerDay(ev, nowMs, params);
  // Taking the pending impressions off the newest days can leave a day with its reported clicks
  // and almost no impressions (a day 3 hours old: 15 clicks on 312 impressions, all "pending"),
  // i.e. a 100 % CTR that the change detector reads as a jump. A day is never judged above the
  // creative's CTR on its mature impressions.
  const matureCtr = Math.min(ev.linkClicks / Math.max(matureImpressions(ev, nowMs, params), 1), 1);
  return rows.map((r, i) => {
    const trials = r.trials - r.weight * pending[i]!;
    const floor = matureCtr > 0 ? r.clicks / matureCtr : r.clicks;
    return { dayStartMs: r.dayStartMs, clicks: r.clicks, trials: Math.min(Math.max(trials, floor, r.clicks), Math.max(r.trials, r.clicks)) };
  });
}

/**
 * Impressions per `ev.daily` row whose clicks may still be pending: the newest impressions, so
 * they come off the latest rows first.
 */
export function pendingPerDay(ev: CreativeEvidence, nowMs: number, params: PolicyParams): number[] {
  const daily = ev.daily ?? [];
  const out = daily.map(() => 0);
  let pending = ev.impressions - matureImpressions(ev, nowMs, params);
  for (let i = daily.length - 1; i >= 0 && pending > 0; i--) {
    out[i] = Math.min(pending, daily[i]!.impressions);
    pending -= out[i]!;
  }
  return out;
}

/** Middle of the part of a day (starting at startMs) during which the creative existed. */
export function rowMidpointMs(ev: CreativeEvidence, startMs: number, nowMs: number): number {
  const from = Math.max(startMs, ev.launchedAtMs);
  const to = Math.max(Math.min(startMs + DAY_MS, nowMs), from);
  return (from + to) / 2;
}

/** Mean of exp(-λc·(age - s) - λf·s) for s uniform on [0, age]. */
function averageWeight(age: number, lambdaCal: number, lambdaFat: number): number {
  const d = lambdaCal - lambdaFat;
  if (Math.abs(d * age) < 1e-9) return Math.exp(-lambdaCal * age);
  return (Math.exp(-lambdaFat * age) - Math.exp(-lambdaCal * age)) / (d * age);
}

/** Share of evenly delivered impressions older than the delay. */
function maturedFraction(ageMs: number, delayHours: number): number {
  const delay = delayHours * HOUR_MS;
  if (ageMs <= delay) return 0;
  return 1 - delay / ageMs;
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(Math.max(x, lo), hi);
}

/** Hours since launch. */
export function ageHours(ev: CreativeEvidence, nowMs: number): number {
  return (nowMs - ev.launchedAtMs) / HOUR_MS;
}
