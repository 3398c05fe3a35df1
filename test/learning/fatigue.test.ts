import { describe, expect, it } from 'vitest';
import { estimateFatigue } from '../../learning/fatigue';
import { resolveParams } from '../../learning/params';
import { createRng } from '../../learning/random';
import type { CreativeEvidence } from '../../learning/types';

const DAY = 86_400_000;
const NOW = 30 * DAY;

/** Creatives of 4 hooks, launched on staggered days, 600 impressions a day, CTR θ·e^(−λ·age). */
function market(lambdaPerDay: number, seed: string): CreativeEvidence[] {
  const rng = createRng(seed);
  const poisson = (mean: number) => {
    let k = 0;
    let p = Math.exp(-mean);
    let cdf = p;
    const u = rng.next();
    while (u > cdf) {
      k++;
      p *= mean / k;
      cdf += p;
    }
    return k;
  };
  const out: CreativeEvidence[] = [];
  for (let c = 0; c < 40; c++) {
    const theta = [0.012, 0.015, 0.009, 0.011][c % 4]!;
    const launch = (c % 20) * DAY;
    const daily = [];
    let impressions = 0;
    let clicks = 0;
    for (let d = launch / DAY; d < 30; d++) {
      const age = d - launch / DAY + 0.5;
      const k = poisson(600 * theta * Math.exp(-lambdaPerDay * age));
      daily.push({ date: '', startMs: d * DAY, impressions: 600, linkClicks: k, conversions: 0, spendCents: 600 });
      impressions += 600;
      clicks += k;
    }
    out.push({
      creativeId: `c${c}`,
      hookId: `h${c % 4}`,
      launchedAtMs: launch,
      impressions,
      linkClicks: clicks,
      conversions: 0,
      spendCents: impressions,
      matureImpressions: impressions,
      daily,
      status: 'live',
    });
  }
  return out;
}

describe('learned creative fatigue', () => {
  it('recovers a known wear-out rate (CTR halving every 14 days)', () => {
    const lambda = Math.LN2 / 14;
    const f = estimateFatigue(market(lambda, 'fatigue'), NOW, resolveParams('thompson'));
    expect(Math.abs(f.mle - lambda)).toBeLessThan(3 * f.se);
    expect(f.ratePerDay).toBeGreaterThan(0.02);
  });

  it('finds no wear-out in a stationary market, so nothing downstream changes', () => {
    const f = estimateFatigue(market(0, 'flat'), NOW, resolveParams('thompson'));
    expect(f.ratePerDay).toBeLessThan(0.005);
  });
});
