/**
 * Empirical-Bayes prior for hook CTRs: fitted from the hooks already tested, so a new hook starts
 * from "a typical hook in this account" instead of from nothing.
 *
 * Method of moments with a random-effects (DerSimonian–Laird) variance split: the spread of
 * observed CTRs minus the binomial noise is the between-hook variance, which fixes the prior's
 * strength. Means are weighted by 1/(noise + between-hook variance) so that the hooks a policy
 * has favoured (and therefore measured most) do not drag the prior mean towards themselves.
 */
import type { PolicyParams } from './params';

/** Successes and trials of one hook. */
export interface HookCounts {
  clicks: number;
  trials: number;
}

/** A hook's evidence counts in the fit once it expects this many successes at the pooled rate (200 impressions at a 1 % CTR). */
const MIN_EXPECTED_SUCCESSES_FOR_FIT = 2;
/** Fewer judged hooks than this and the spread between hooks cannot be estimated. */
const MIN_HOOKS_FOR_FIT = 3;

type PriorBounds = Pick<PolicyParams, 'minPriorStrength' | 'maxPriorStrength' | 'fallbackPrior' | 'priorPseudoHooks'>;

/** The prior for this cycle: a fixed one, a flat one, or fitted from the hooks' counts. */
export function resolvePrior(params: PriorBounds & Pick<PolicyParams, 'prior'>, hooks: HookCounts[]): { alpha: number; beta: number } {
  if (params.prior === 'flat') return { alpha: 1, beta: 1 };
  if (params.prior !== 'fitted') return { ...params.prior };
  return fitPrior(hooks, params) ?? adaptiveFallback(hooks, params.fallbackPrior, params.priorPseudoHooks);
}

/**
 * The prior before a fit is possible: the fallback's relative spread (its coefficient of
 * variation) around the typical rate of the hooks tried so far, the fallback's mean counting as
 * `priorPseudoHooks` more hooks.
 *
 * Why not the fallback itself: Beta(1, 99) says "about 1 %, rarely above 3 %". On arms whose
 * rates are 20–40 % (a conversion rate, or an account with high CTRs) the first hook tried then
 * beats every untried hook's draw for ever, the others are never tried, and the fit that would
 * correct the prior never happens (a 10,000-pull trace gave all 10,000 to one arm, not the best).
 * Around the hooks' typical rate, untried hooks draw as high as tried ones, so they get tried.
 * Hooks count equally (not by impressions): the hook a policy favours is measured most, and an
 * impression-weighted mean would make every untried hook look as good as the favourite, so a
 * clear winner would be paused for hooks nobody has seen. Near the fallback's mean this is the
 * fallback.
 */
export function adaptiveFallback(hooks: HookCounts[], fallback: { alpha: number; beta: number }, pseudoHooks: number): { alpha: number; beta: number } {
  const fbStrength = fallback.alpha + fallback.beta;
  const fbMean = fallback.alpha / fbStrength;
  let sum = pseudoHooks * fbMean;
  let count = pseudoHooks;
  for (const h of hooks) {
    if (h.trials <= 0) continue;
    // Each hook's rate, shrunk a little towards the fallback (a tenth of its pseudo-counts) so a
    // hook seen on a few trials does not swing the mean.
    sum += (h.clicks + FALLBACK_SHARE_PER_HOOK * fallback.alpha) / (h.trials + FALLBACK_SHARE_PER_HOOK * fbStrength);
    count += 1;
  }
  const mean = clamp(sum / count, 1e-6, 1 - 1e-6);
  const strength = rescaleStrength(fbStrength, fbMean, mean);
  return { alpha: mean * strength, beta: (1 - mean) * strength };
}

/** Share of the fallback's pseudo-counts each hook's own rate is shrunk with in adaptiveFallback. */
const FALLBACK_SHARE_PER_HOOK = 0.1;

/**
 * The strength (alpha + beta) a Beta of mean `toMean` needs for the same coefficient of variation
 * as a Beta of strength `strength` and mean `fromMean`: priors and their bounds are stated at a
 * 1 % CTR, and a rate of another scale keeps their relative spread, not their absolute one.
 */
export function rescaleStrength(strength: number, fromMean: number, toMean: number): number {
  const cv2 = (1 - fromMean) / (fromMean * (strength + 1));
  return Math.max((1 - toMean) / (toMean * cv2) - 1, 1e-3);
}

/** Fits Beta(alpha, beta) to per-hook counts; null when there is too little data. */
export function fitPrior(hooks: HookCounts[], bounds: PriorBounds): { alpha: number; beta: number } | null {
  let pooledClicks = 0;
  let pooledTrials = 0;
  for (const h of hooks) {
    pooledClicks += h.clicks;
    pooledTrials += h.trials;
  }
  if (!(pooledClicks > 0 && pooledTrials > pooledClicks)) return null;
  const pooled = pooledClicks / pooledTrials;
  // Enough evidence is measured in expected successes, so the threshold means the same at a
  // 0.3 % CTR, a 3 % CTR or a 10 % conversion rate.
  const usable = hooks.filter((h) => h.trials * pooled >= MIN_EXPECTED_SUCCESSES_FOR_FIT);
  const k = usable.length;
  if (k < MIN_HOOKS_FOR_FIT) return null;

  let totalClicks = 0;
  let totalTrials = 0;
  for (const h of usable) {
    totalClicks += h.clicks;
    totalTrials += h.trials;
  }
  let mu = totalClicks / totalTrials;
  if (!(mu > 0 && mu < 1)) return null;

  let tau2 = 0;
  for (let iter = 0; iter < 3; iter++) {
    const noise = mu * (1 - mu);
    // DerSimonian–Laird with the current weights.
    let sw = 0;
    let sw2 = 0;
    let q = 0;
    for (const h of usable) {
      const w = h.trials / noise;
      sw += w;
      sw2 += w * w;
    }
    let wMean = 0;
    for (const h of usable) wMean += (h.trials / noise) * (h.clicks / h.trials);
    wMean /= sw;
    for (const h of usable) {
      const d = h.clicks / h.trials - wMean;
      q += (h.trials / noise) * d * d;
    }
    tau2 = Math.max(0, (q - (k - 1)) / (sw - sw2 / sw));
    // Random-effects mean: each hook weighted by 1 / (its sampling variance + tau²).
    let num = 0;
    let den = 0;
    for (const h of usable) {
      const w = 1 / (noise / h.trials + tau2);
      num += w * (h.clicks / h.trials);
      den += w;
    }
    mu = clamp(num / den, 1e-6, 1 - 1e-6);
  }

  // A handful of hooks gives a very noisy spread estimate (it swung between 100 and the cap in
  // HookBench), so it is shrunk towards the fallback prior's spread as if that were
  // `priorPseudoHooks` more hooks. The fallback's spread is taken relative to the fitted mean
  // (its coefficient of variation), and so are the strength bounds: stated at 1 %, they would
  // make a prior for a 20 % rate far too sure of itself.
  const fb = bounds.fallbackPrior;
  const fbStrength = fb.alpha + fb.beta;
  const fbMean = fb.alpha / fbStrength;
  const fbStrengthHere = rescaleStrength(fbStrength, fbMean, mu);
  const tau2Fallback = (mu * (1 - mu)) / (fbStrengthHere + 1);
  const w = bounds.priorPseudoHooks;
  const tau2Shrunk = ((k - 1) * tau2 + w * tau2Fallback) / (k - 1 + w);
  const minStrength = rescaleStrength(bounds.minPriorStrength, fbMean, mu);
  const maxStrength = rescaleStrength(bounds.maxPriorStrength, fbMean, mu);
  const strengthRaw = tau2Shrunk > 0 ? (mu * (1 - mu)) / tau2Shrunk - 1 : maxStrength;
  const strength = clamp(strengthRaw, minStrength, maxStrength);
  return { alpha: mu * strength, beta: (1 - mu) * strength };
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(Math.max(x, lo), hi);
}
