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
 * The mixture is collapsed to one Beta (its mean, and the regime's expected evidence) so
 * everything downstream (Thompson draws, the loss check, P(best)) keeps working on a single Beta
 * posterior; a hook whose regime is uncertain keeps less evidence and is explored again.
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
  /** Effective clicks and trials: prior + these = the collapsed posterior (mixture mean, expected evidence of the current regime). */
  clicks: number;
  trials: number;
  /** Posterior probability that the current regime started after the first day of evidence. */
  changeProbability: number;
  /** Most probable start of the current regime (ms), when that is not the first day. */
  regimeStartMs: number | null;
}

/** Segments below this share of the posterior are dropped. */
const PRUNE = 1e-10;
/**
 * At most this many segments (the likeliest) are carried from day to day. A steady hook keeps a
 * faint segment for every day of its history otherwise, so a planning pass grew with days² per
 * hook; the dropped ones carried less than 1e-4 of the weight in HookBench's 90-day runs.
 */
const MAX_SEGMENTS = 24;
/** Days older than this before the newest are pooled by calendar week before detection. */
const DAILY_HORIZON_DAYS = 28;
const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
/** Account regimes considered per hook (see changeAwareCountsInMarket). */
const MARKET_STARTS_KEPT = 4;

/**
 * Runs the detector over `days` (any order; same-day rows are summed) with prior Beta(alpha, beta)
 * as the distribution a new regime's CTR is drawn from.
 */
export function changeAwareCounts(days: DayCounts[], prior: { alpha: number; beta: number }, hazardPerDay: number): ChangeAwareCounts {
  const series = compressHistory(poolByDay(days));
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
    segments = keepLikeliest(next.map((s) => ({ ...s, logW: s.logW - norm })).filter((s) => Math.exp(s.logW) > PRUNE));
  }

  let firstRegime = 0;
  let best = segments[0]!;
  for (const s of segments) {
    if (s.start === series[0]!.dayStartMs) firstRegime += Math.exp(s.logW);
    if (s.logW > best.logW) best = s;
  }
  return {
    ...mixtureAsCounts(
      segments.map((s) => ({ weight: Math.exp(s.logW), alpha: s.a, beta: s.b })),
      prior,
      totalClicks,
      totalTrials,
    ),
    changeProbability: Math.min(Math.max(1 - firstRegime, 0), 1),
    regimeStartMs: best.start === series[0]!.dayStartMs ? null : best.start,
  };
}

/** Where the account-wide regime may have begun, with its posterior weight. */
export interface MarketRegimeStart {
  startMs: number;
  weight: number;
}

/**
 * Account-wide change points: the same detector, but a change redraws every hook's CTR at once
 * (a new season, audience or competitor moves all hooks together). A jump seen on the live hooks
 * then also retires the old evidence of hooks not running now, which a per-hook detector cannot
 * see. Returns the posterior over the start day of the current account regime (the first day of
 * evidence = no change).
 */
export function marketRegimeStarts(hooks: DayCounts[][], prior: { alpha: number; beta: number }, hazardPerDay: number): MarketRegimeStart[] {
  const rowsOfDay = new Map<number, Array<{ h: number; k: number; f: number }>>();
  let newest = -Infinity;
  for (const days of hooks) for (const d of days) newest = Math.max(newest, d.dayStartMs);
  hooks.forEach((days, h) => {
    for (const r of compressHistory(poolByDay(days), newest)) {
      const rows = rowsOfDay.get(r.dayStartMs) ?? [];
      rows.push({ h, k: r.clicks, f: Math.max(r.trials - r.clicks, 0) });
      rowsOfDay.set(r.dayStartMs, rows);
    }
  });
  const dayKeys = [...rowsOfDay.keys()].sort((x, y) => x - y);
  if (dayKeys.length < 2 || hazardPerDay <= 0) return dayKeys.length ? [{ startMs: dayKeys[0]!, weight: 1 }] : [];
  const byDay = dayKeys.map((day) => rowsOfDay.get(day)!);
  const logStay = Math.log(1 - hazardPerDay);
  const logJump = Math.log(hazardPerDay);
  // Each segment keeps every hook's (a, b) since the segment began.
  let segments: Array<{ start: number; a: Float64Array; b: Float64Array; logW: number }> = [];
  const fresh = () => ({ a: new Float64Array(hooks.length).fill(prior.alpha), b: new Float64Array(hooks.length).fill(prior.beta) });
  dayKeys.forEach((day, t) => {
    const rows = byDay[t]!;
    const predictive = (a: Float64Array, b: Float64Array) => {
      let sum = 0;
      for (const r of rows) sum += logBetaFn(a[r.h]! + r.k, b[r.h]! + r.f) - logBetaFn(a[r.h]!, b[r.h]!);
      return sum;
    };
    let logTotal = -Infinity;
    for (const seg of segments) logTotal = logAdd(logTotal, seg.logW);
    const next = segments.map((seg) => ({ ...seg, logW: seg.logW + logStay + predictive(seg.a, seg.b) }));
    const init = fresh();
    next.push({ start: day, ...init, logW: (segments.length === 0 ? 0 : logTotal + logJump) + predictive(init.a, init.b) });
    for (const seg of next) {
      for (const r of rows) {
        seg.a[r.h]! += r.k;
        seg.b[r.h]! += r.f;
      }
    }
    let norm = -Infinity;
    for (const seg of next) norm = logAdd(norm, seg.logW);
    // Each surviving segment extended its own arrays in place (the old list is dropped).
    segments = keepLikeliest(next.map((seg) => ({ ...seg, logW: seg.logW - norm })).filter((seg) => Math.exp(seg.logW) > PRUNE));
  });
  return segments.map((seg) => ({ startMs: seg.start, weight: Math.exp(seg.logW) }));
}

/**
 * A hook's evidence under both kinds of change: a mixture over the account regime's start (from
 * marketRegimeStarts) of the per-hook detector run on the evidence since that start, collapsed
 * to one Beta like changeAwareCounts.
 */
export function changeAwareCountsInMarket(
  days: DayCounts[],
  market: MarketRegimeStart[],
  prior: { alpha: number; beta: number },
  hazardPerDay: number,
): ChangeAwareCounts {
  const series = compressHistory(poolByDay(days));
  const own = changeAwareCounts(series, prior, hazardPerDay);
  if (series.length === 0 || market.length === 0) return own;
  const first = series[0]!.dayStartMs;
  // The few likeliest account regimes carry nearly all the weight; rerunning the hook's detector
  // for every faint one would cost a pass per day of history.
  const starts = [...market].sort((x, y) => y.weight - x.weight).filter((m, i) => i < MARKET_STARTS_KEPT && m.weight >= 0.01);
  if (starts.length === 0) return own;
  const components: MixtureComponent[] = [];
  let unchanged = 0;
  let weightSum = 0;
  let latest = { startMs: first, weight: 0 };
  for (const m of starts) {
    const part =
      m.startMs <= first
        ? own
        : changeAwareCounts(
            series.filter((d) => d.dayStartMs >= m.startMs),
            prior,
            hazardPerDay,
          );
    components.push({ weight: m.weight, alpha: prior.alpha + part.clicks, beta: prior.beta + part.trials - part.clicks });
    if (m.startMs <= first) unchanged += m.weight * (1 - own.changeProbability);
    weightSum += m.weight;
    if (m.startMs > first && m.weight > latest.weight) latest = m;
  }
  const totalClicks = series.reduce((s, d) => s + d.clicks, 0);
  const totalTrials = series.reduce((s, d) => s + d.trials, 0);
  const changeProbability = Math.min(Math.max(1 - unchanged / weightSum, 0), 1);
  // The account-wide start if that is the likelier story, else the hook's own.
  const regimeStartMs = latest.weight >= 0.5 ? Math.max(latest.startMs, own.regimeStartMs ?? 0) : own.regimeStartMs;
  return {
    ...mixtureAsCounts(components, prior, totalClicks, totalTrials),
    changeProbability,
    regimeStartMs,
  };
}

/** One Beta of a mixture, with its weight. */
interface MixtureComponent {
  weight: number;
  alpha: number;
  beta: number;
}

/**
 * Collapses a mixture of Betas to one Beta and returns it as clicks and trials on top of the
 * prior, never more evidence than was observed and never less than none.
 *
 * The mean is the mixture's. The evidence kept is the *expected* evidence of the current regime,
 * Σ weight × (its trials), so forgetting follows the evidence of a change: with a 1 % chance that
 * the regime began today, 1 % of the old evidence goes. Moment matching instead lets the small
 * weight of a regime that began today, whose spread is the prior's, set the variance: with a
 * flat prior one failure on a new day cut 12,000 trials to about 290, and a strong hook could
 * then lose a few draws and never be tried again.
 */
function mixtureAsCounts(
  components: MixtureComponent[],
  prior: { alpha: number; beta: number },
  totalClicks: number,
  totalTrials: number,
): { clicks: number; trials: number } {
  const priorStrength = prior.alpha + prior.beta;
  let weightSum = 0;
  let mean = 0;
  let evidence = 0;
  for (const c of components) {
    const n = c.alpha + c.beta;
    weightSum += c.weight;
    mean += c.weight * (c.alpha / n);
    evidence += c.weight * Math.max(n - priorStrength, 0);
  }
  mean /= weightSum;
  evidence /= weightSum;
  const trials = Math.min(evidence, totalTrials);
  return {
    clicks: Math.min(Math.max(mean * (trials + priorStrength) - prior.alpha, 0), totalClicks, trials),
    trials,
  };
}

/** The likeliest MAX_SEGMENTS segments, in their original order (weights stay as they are; callers normalise). */
function keepLikeliest<T extends { logW: number }>(segments: T[]): T[] {
  if (segments.length <= MAX_SEGMENTS) return segments;
  const cut = segments.map((s) => s.logW).sort((a, b) => b - a)[MAX_SEGMENTS - 1]!;
  let kept = 0;
  return segments.filter((s) => s.logW >= cut && kept++ < MAX_SEGMENTS);
}

/**
 * Pools the days older than DAILY_HORIZON_DAYS before `newestMs` (default: the series' newest
 * day) by calendar week, so a planning pass costs about the same at 90 days of history as at 40:
 * a change that old is dated to its week, which is all a decision today needs.
 */
export function compressHistory(series: DayCounts[], newestMs?: number): DayCounts[] {
  if (series.length === 0) return series;
  const cutoff = (newestMs ?? series[series.length - 1]!.dayStartMs) - DAILY_HORIZON_DAYS * DAY_MS;
  if (series[0]!.dayStartMs >= cutoff) return series;
  const out: DayCounts[] = [];
  for (const d of series) {
    if (d.dayStartMs >= cutoff) {
      out.push(d);
      continue;
    }
    const week = Math.floor(d.dayStartMs / WEEK_MS) * WEEK_MS;
    const last = out[out.length - 1];
    if (last && Math.floor(last.dayStartMs / WEEK_MS) * WEEK_MS === week) {
      last.clicks += d.clicks;
      last.trials += d.trials;
    } else out.push({ ...d });
  }
  return out;
}

/** Sums same-day rows and sorts by day. */
export function poolByDay(days: DayCounts[]): DayCounts[] {
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
