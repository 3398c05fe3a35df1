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

/** Hooks below this many judged impressions carry too little information to fit on. */
const MIN_TRIALS_FOR_FIT = 200;
/** Fewer judged hooks than this and the spread between hooks cannot be estimated. */
const MIN_HOOKS_FOR_FIT = 3;

/** The prior for this cycle: a fixed one, a flat one, or fitted from the hooks' counts. */
export function resolvePrior(params: PolicyParams, hooks: HookCounts[]): { alpha: number; beta: number } {
  if (params.prior === 'flat') return { alpha: 1, beta: 1 };
  if (params.prior !== 'fitted') return { ...params.prior };
  return fitPrior(hooks, params) ?? { ...params.fallbackPrior };
}

/** Fits Beta(alpha, beta) to per-hook counts; null when there is too little data. */
export function fitPrior(
  hooks: HookCounts[],
  bounds: Pick<PolicyParams, 'minPriorStrength' | 'maxPriorStrength' | 'fallbackPrior' | 'priorPseudoHooks'>,
): { alpha: number; beta: number } | null {
  const usable = hooks.filter((h) => h.trials >= MIN_TRIALS_FOR_FIT);
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
    mu = Math.min(Math.max(num / den, 1e-6), 1 - 1e-6);
  }

  // A handful of hooks gives a very noisy spread estimate (it swung between 100 and the cap in
  // HookBench), so it is shrunk towards the fallback prior's spread as if that were
  // `priorPseudoHooks` more hooks.
  const fb = bounds.fallbackPrior;
  const fbStrength = fb.alpha + fb.beta;
  const fbMean = fb.alpha / fbStrength;
  const tau2Fallback = (fbMean * (1 - fbMean)) / (fbStrength + 1);
  const w = bounds.priorPseudoHooks;
  const tau2Shrunk = ((k - 1) * tau2 + w * tau2Fallback) / (k - 1 + w);
  const strengthRaw = tau2Shrunk > 0 ? (mu * (1 - mu)) / tau2Shrunk - 1 : bounds.maxPriorStrength;
  const strength = Math.min(Math.max(strengthRaw, bounds.minPriorStrength), bounds.maxPriorStrength);
  return { alpha: mu * strength, beta: (1 - mu) * strength };
}
