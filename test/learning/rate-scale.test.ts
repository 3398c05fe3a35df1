/**
 * The learning core on rates far from the 1 % its defaults are stated at (issue 14, part 4): a
 * conversion rate of 5–40 %, an account with a 0.3 % CTR. Two failures were seen on Bernoulli
 * arms: the fixed Beta(1, 99) fallback let the first arm tried win every draw (9,997 of 10,000
 * pulls to one arm, not the best), and the change-point collapse by moment matching cut a hook's
 * 12,000 trials to about 300 on one failure. These tests fail on either.
 */
import { describe, expect, it } from 'vitest';
import { changeAwareCounts, compressHistory, type DayCounts } from '../../learning/change-point';
import { chooseHooks } from '../../learning/choice';
import { adaptiveFallback, fitPrior, resolvePrior } from '../../learning/prior';
import { resolveParams } from '../../learning/params';
import { createRng } from '../../learning/random';
import type { CreativeEvidence, PolicyName } from '../../learning/types';
import { DAY, NOW, hooks } from './fixtures';

/** Pulls Bernoulli arms through chooseHooks (10 trials per choice): pulls per arm, in all and in the last quarter. */
function pullArms(rates: number[], pulls: number, policy: PolicyName): { all: number[]; late: number[] } {
  const late = rates.map(() => 0);
  const hs = hooks(rates.length);
  const rng = createRng(`arms/${rates.join(',')}`);
  const n = rates.map(() => 0);
  const k = rates.map(() => 0);
  for (let t = 0; t < pulls / 10; t++) {
    const evidence: CreativeEvidence[] = rates.map((_, i) => ({
      creativeId: `c${i}`,
      hookId: `h${i}`,
      launchedAtMs: NOW - 30 * DAY,
      impressions: n[i]!,
      linkClicks: k[i]!,
      conversions: 0,
      spendCents: 0,
      status: 'paused',
    }));
    const i = Number(chooseHooks({ hooks: hs, evidence, count: 1, seed: `s${t}`, nowMs: NOW, policy }).choices[0]!.hookId.slice(1));
    if (t >= (0.75 * pulls) / 10) late[i]! += 10;
    for (let j = 0; j < 10; j++) {
      n[i]! += 1;
      if (rng.next() < rates[i]!) k[i]! += 1;
    }
  }
  return { all: n, late };
}

describe('rates of another scale', () => {
  for (const [label, rates] of [
    ['conversion-like rates (5–15 %)', [0.05, 0.08, 0.1, 0.12, 0.15]],
    ['high rates (20–40 %)', [0.2, 0.25, 0.3, 0.35, 0.4]],
    ['a low CTR (0.2–0.4 %)', [0.002, 0.003, 0.004]],
  ] as const) {
    for (const policy of ['thompson', 'thompson-changepoint'] as const) {
      it(`${label}, ${policy}: every arm is tried and the best gets most of the last of 12,000 pulls`, () => {
        const { all, late } = pullArms([...rates], 12_000, policy);
        expect(all.every((p) => p >= 20)).toBe(true);
        expect(late[late.length - 1]!).toBeGreaterThan(0.6 * 3_000);
      });
    }
  }

  it('the fallback follows the hooks tried, keeping its relative spread, and is the fallback at 1 %', () => {
    const fb = { alpha: 1, beta: 99 };
    const at1 = adaptiveFallback([{ clicks: 10, trials: 1000 }], fb, 3);
    expect(at1.alpha / (at1.alpha + at1.beta)).toBeCloseTo(0.01, 3);
    expect(at1.alpha + at1.beta).toBeGreaterThan(90);
    const at30 = adaptiveFallback(
      [
        { clicks: 300, trials: 1000 },
        { clicks: 310, trials: 1000 },
      ],
      fb,
      3,
    );
    const mean = at30.alpha / (at30.alpha + at30.beta);
    expect(mean).toBeGreaterThan(0.1);
    // Same coefficient of variation as Beta(1, 99): about 1.
    const sd = Math.sqrt((mean * (1 - mean)) / (at30.alpha + at30.beta + 1));
    expect(sd / mean).toBeGreaterThan(0.8);
  });

  it('fits at any scale once three hooks have a couple of expected successes', () => {
    const bounds = resolveParams('thompson');
    // 30 trials each at 20–30 %: far below the 200 impressions a 1 % CTR needs, and enough here.
    const fit = fitPrior(
      [
        { clicks: 6, trials: 30 },
        { clicks: 9, trials: 30 },
        { clicks: 8, trials: 30 },
      ],
      bounds,
    );
    expect(fit).not.toBeNull();
    expect(fit!.alpha / (fit!.alpha + fit!.beta)).toBeGreaterThan(0.2);
    // The strength bounds are relative too: not the 50-impression minimum of a 1 % prior's scale.
    expect(fit!.alpha + fit!.beta).toBeLessThan(50);
    expect(resolvePrior(bounds, [{ clicks: 0, trials: 0 }]).alpha).toBeGreaterThan(0);
  });

  it('forgetting follows the evidence of a change: one failure on a new day keeps a steady hook’s evidence', () => {
    const series: DayCounts[] = Array.from({ length: 12 }, (_, d) => ({ dayStartMs: d * DAY, clicks: 500, trials: 1000 }));
    series.push({ dayStartMs: 12 * DAY, clicks: 0, trials: 1 });
    const r = changeAwareCounts(series, { alpha: 1, beta: 1 }, 0.01);
    // Moment matching kept about 290 of 12,001 trials here.
    expect(r.trials).toBeGreaterThan(11_000);
    expect(r.clicks / r.trials).toBeCloseTo(0.5, 1);
  });

  it('still forgets at once after a real jump', () => {
    const series: DayCounts[] = Array.from({ length: 20 }, (_, d) => ({ dayStartMs: d * DAY, clicks: d < 14 ? 10 : 30, trials: 1000 }));
    const r = changeAwareCounts(series, { alpha: 1, beta: 99 }, 0.01);
    expect(r.changeProbability).toBeGreaterThan(0.99);
    expect(r.trials).toBeLessThan(6500);
    expect((1 + r.clicks) / (100 + r.trials)).toBeGreaterThan(0.025);
  });

  it('bounds the detector’s work: 90 days of history become at most 28 days and 10 weeks', () => {
    const series: DayCounts[] = Array.from({ length: 90 }, (_, d) => ({ dayStartMs: Date.UTC(2026, 0, 1) + d * DAY, clicks: 5, trials: 500 }));
    const rows = compressHistory(series);
    expect(rows.length).toBeLessThanOrEqual(28 + 11);
    expect(rows.reduce((s, r) => s + r.trials, 0)).toBe(90 * 500);
    expect(rows.slice(-28)).toEqual(series.slice(-28));
  });
});
