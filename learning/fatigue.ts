/**
 * Learns how fast creatives wear out, from all creatives at once.
 *
 * Model: a creative of hook h at age a has CTR θ_h · e^(−λ·a), i.e. every fresh creative of a
 * hook starts at the hook's CTR. Given a hook's total clicks, how they spread over its
 * creatives' days depends on λ only (θ_h cancels), so λ is fitted by maximising that conditional
 * likelihood; it is concave in λ. Grouping by hook rather than by creative matters: creatives are
 * paused on their own recent numbers, and a per-creative fit read that selection as wear-out
 * (HookBench's stationary market came out at 20–35 %/day). With no fatigue in the data λ comes
 * out near zero and nothing downstream changes.
 */
import { pendingPerDay, rowMidpointMs } from './evidence';
import type { PolicyParams } from './params';
import type { CreativeEvidence } from './types';

const DAY_MS = 86_400_000;
/** Faster wear than halving in 2 days is not creative fatigue but a broken ad; cap it. */
const MAX_RATE_PER_DAY = Math.LN2 / 2;

/** Fitted wear-out rate. */
export interface FatigueEstimate {
  /** λ per day, shrunk by one standard error towards 0 so only evident fatigue acts. */
  ratePerDay: number;
  /** The unshrunk maximum-likelihood estimate and its standard error. */
  mle: number;
  se: number;
}

/** Fits λ from the daily rows of every creative. */
export function estimateFatigue(evidence: CreativeEvidence[], nowMs: number, params: PolicyParams): FatigueEstimate {
  // Per hook: (impressions, clicks, creative age) for every day of every creative.
  const byHook = new Map<string, { n: number[]; k: number[]; a: number[]; clicks: number }>();
  for (const ev of evidence) {
    if (!ev.daily || ev.daily.length === 0 || ev.linkClicks === 0) continue;
    const g = byHook.get(ev.hookId) ?? { n: [] as number[], k: [] as number[], a: [] as number[], clicks: 0 };
    byHook.set(ev.hookId, g);
    // The newest impressions may still get clicks; leaving them in would make the latest day
    // look worse and fake a wear-out.
    const pending = pendingPerDay(ev, nowMs, params);
    const rows = ev.daily.map((d, i) => ({ ...d, impressions: d.impressions - pending[i]! }));
    for (const d of rows) {
      if (d.impressions <= 0) continue;
      g.n.push(d.impressions);
      g.k.push(d.linkClicks);
      g.a.push((rowMidpointMs(ev, d.startMs ?? Date.parse(`${d.date}T00:00:00Z`), nowMs) - ev.launchedAtMs) / DAY_MS);
      g.clicks += d.linkClicks;
    }
  }
  const groups = [...byHook.values()].filter((g) => g.n.length >= 2 && g.clicks > 0);
  if (groups.length === 0) return { ratePerDay: 0, mle: 0, se: Infinity };

  // Score (gradient) and Fisher information of the conditional log-likelihood at λ.
  const scoreAt = (lambda: number): { grad: number; info: number } => {
    let grad = 0;
    let info = 0;
    for (const g of groups) {
      // Exposure-weighted mean and variance of age under λ.
      let w = 0;
      let wa = 0;
      let wa2 = 0;
      let ka = 0;
      for (let i = 0; i < g.n.length; i++) {
        const e = g.n[i]! * Math.exp(-lambda * g.a[i]!);
        w += e;
        wa += e * g.a[i]!;
        wa2 += e * g.a[i]! * g.a[i]!;
        ka += g.k[i]! * g.a[i]!;
      }
      const mean = wa / w;
      grad += g.clicks * mean - ka;
      info += g.clicks * Math.max(wa2 / w - mean * mean, 0);
    }
    return { grad, info };
  };

  // The gradient falls as λ grows (concave likelihood): Newton steps kept inside a bracket that
  // shrinks by bisection whenever a step would leave it (plain Newton overshoots to the cap).
  let lo = 0;
  let hi = MAX_RATE_PER_DAY;
  let at = scoreAt(0);
  if (at.info <= 0) return { ratePerDay: 0, mle: 0, se: Infinity };
  let lambda = 0;
  if (at.grad > 0) {
    for (let iter = 0; iter < 40; iter++) {
      if (at.grad > 0) lo = lambda;
      else hi = lambda;
      let next = at.info > 0 ? lambda + at.grad / at.info : (lo + hi) / 2;
      if (!(next > lo && next < hi)) next = (lo + hi) / 2;
      if (Math.abs(next - lambda) < 1e-7 || hi - lo < 1e-7) {
        lambda = next;
        break;
      }
      lambda = next;
      at = scoreAt(lambda);
    }
  }
  const info = scoreAt(lambda).info;
  const se = 1 / Math.sqrt(info);
  return { ratePerDay: Math.max(0, lambda - se), mle: lambda, se };
}
