/**
 * Change-aware hook evidence: Bayesian online change-point detection (Adams & MacKay 2007) over
 * a hook's daily (clicks, impressions) series.
 *
 * Why: a discount half-life forgets at one fixed speed, too slowly after a sudden change (a
 * competitor, a new audience, a season) and needlessly fast while nothing changes. Here the
 * hook's CTR is piecewise constant with a small daily hazard of jumping to a fresh draw from the
 * shared prior. The posterior is a mixture over "the current regime began on day d"; evidence
 * from before a likely change stops counting as soon as the numbers make the change likely,
 * and keeps counting in full while they do not.
 *
 * The mixture is moment-matched to one Beta so everything downstream (Thompson draws, the loss
 * check, P(best)) keeps working on a single Beta posterior; a hook whose regime is uncertain
 * gets a wider posterior and is explored again.
 */
import { logBetaFn } from './beta-math';

/** One day of a hook's (possibly weighted) evidence. */
export interface DayCounts {
  dayStartMs: number;
  clicks: number;
  trials: number;
}

/** Result of the change-aware fit. */
export interface ChangeAwareCounts {
  /** Effective clicks and trials: prior + these = the moment-matched posterior. */
  clicks: number;
  trials: number;
  /** Posterior probability that the current regime started after the first day of evidence. */
  changeProbability: number;
  /** Most probable start of the current regime (ms), when that is not the first day. */
  regimeStartMs: number | null;
}

/** Segments below this share of the posterior are dropped (keeps the work linear in practice). */
const PRUNE = 1e-10;

/**
 * Runs the detector over `days` (any order; same-day rows are summed) with prior Beta(alpha, beta)
 * as the distribution a new regime's CTR is drawn from.
 */
export function changeAwareCounts(
  days: DayCounts[],
  prior: { alpha: number; beta: number },
  hazardPerDay: number,
): ChangeAwareCounts {
  const series = poolByDay(days);
  const totalClicks = series.reduce((s, d) => s + d.clicks, 0);
  const totalTrials = series.reduce((s, d) => s + d.trials, 0);
  if (series.length < 2 || hazardPerDay <= 0) {
    return { clicks: totalClicks, trials: totalTrials, changeProbability: 0, regimeStartMs: null };
  }

  // Each segment: the regime began at `start`; (a, b) its posterior; w its posterior weight.
  let segments: Array<{ start: number; a: number; b: number; logW: number }> = [];
  const logStay = Math.log(1 - hazardPerDay);
  const logJump = Math.log(hazardPerDay);
  for (const day of series) {
    const k = day.clicks;
    const f = Math.max(day.trials - day.clicks, 0);
    const predictive = (a: number, b: number) => logBetaFn(a + k, b + f) - logBetaFn(a, b);
    const next: typeof segments = [];
    let logTotal = -Infinity;
    for (const s of segments) logTotal = logAdd(logTotal, s.logW);
    if (segments.length === 0) logTotal = 0;
    else for (const s of segments) next.push({ start: s.start, a: s.a + k, b: s.b + f, logW: s.logW + logStay + predictive(s.a, s.b) });
    // A new regime starting today (certain on the first day).
    const jump = segments.length === 0 ? 0 : logTotal + logJump;
    next.push({ start: day.dayStartMs, a: prior.alpha + k, b: prior.beta + f, logW: jump + predictive(prior.alpha, prior.beta) });
    // Normalise and prune.
    let norm = -Infinity;
    for (const s of next) norm = logAdd(norm, s.logW);
    segments = next.map((s) => ({ ...s, logW: s.logW - norm })).filter((s) => Math.exp(s.logW) > PRUNE);
  }

  // Moment-match the mixture of Betas.
  let mean = 0;
  let second = 0;
  let firstRegime = 0;
  let best = segments[0]!;
  for (const s of segments) {
    const w = Math.exp(s.logW);
    const n = s.a + s.b;
    const m = s.a / n;
    mean += w * m;
    second += w * (m * m + (m * (1 - m)) / (n + 1));
    if (s.start === series[0]!.dayStartMs) firstRegime += w;
    if (s.logW > best.logW) best = s;
  }
  const variance = Math.max(second - mean * mean, 1e-12);
  const strength = Math.max((mean * (1 - mean)) / variance - 1, 1e-6);
  const alpha = mean * strength;
  const priorStrength = prior.alpha + prior.beta;
  return {
    // Never more evidence than was observed, never less than none.
    clicks: Math.min(Math.max(alpha - prior.alpha, 0), totalClicks),
    trials: Math.min(Math.max(strength - priorStrength, 0), totalTrials),
    changeProbability: Math.min(Math.max(1 - firstRegime, 0), 1),
    regimeStartMs: best.start === series[0]!.dayStartMs ? null : best.start,
  };
}

function poolByDay(days: DayCounts[]): DayCounts[] {
  const byDay = new Map<number, DayCounts>();
  for (const d of days) {
    if (d.trials <= 0 && d.clicks <= 0) continue;
    const row = byDay.get(d.dayStartMs) ?? { dayStartMs: d.dayStartMs, clicks: 0, trials: 0 };
    row.clicks += d.clicks;
    row.trials += d.trials;
    byDay.set(d.dayStartMs, row);
  }
  return [...byDay.values()].sort((x, y) => x.dayStartMs - y.dayStartMs);
}

function logAdd(x: number, y: number): number {
  if (x === -Infinity) return y;
  if (y === -Infinity) return x;
  const m = Math.max(x, y);
  return m + Math.log(Math.exp(x - m) + Math.exp(y - m));
}
