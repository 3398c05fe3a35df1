import { describe, expect, it } from 'vitest';
import { weightedCounts } from '../../learning/evidence';
import { resolveParams } from '../../learning/params';
import { fitPrior } from '../../learning/prior';
import { createRng } from '../../learning/random';
import { scoreHooks } from '../../learning/scoring';
import { creative, HOUR, hooks, NOW } from './fixtures';

const fixedPrior = { prior: { alpha: 2, beta: 198 } };

describe('scoring', () => {
  it('posterior = prior + clicks / non-clicks, with CTR, CPC, CPA and 90 % bounds', () => {
    const s = scoreHooks({
      hooks: hooks(2),
      evidence: [creative('c1', 'h0', 2000, 30, { conversions: 3, spendCents: 2000, matureClicks: 30 })],
      nowMs: NOW,
      policy: 'thompson',
      params: fixedPrior,
    });
    const h0 = s.hooks.find((h) => h.hookId === 'h0')!;
    expect(h0.alpha).toBe(32);
    expect(h0.beta).toBe(198 + 1970);
    expect(h0.mean).toBeCloseTo(32 / 2200, 12);
    expect(h0.ctr).toBeCloseTo(0.015, 12);
    expect(h0.cpcCents).toBeCloseTo(2000 / 30, 9);
    expect(h0.cpaCents).toBeCloseTo(2000 / 3, 9);
    expect(h0.lower).toBeLessThan(h0.mean);
    expect(h0.upper).toBeGreaterThan(h0.mean);
    expect(h0.conversion!.alpha).toBe(4); // uniform prior + 3 conversions out of 30 mature clicks
    expect(h0.conversion!.beta).toBe(28);
    const h1 = s.hooks.find((h) => h.hookId === 'h1')!;
    expect([h1.alpha, h1.beta]).toEqual([2, 198]); // untested hook = the prior
  });

  it('impressions still inside the click-reporting window are not counted as failures', () => {
    const params = resolveParams('thompson', fixedPrior);
    // 1,000 impressions, 10 clicks reported, only 600 impressions old enough.
    const ev = creative('c1', 'h0', 1000, 10, { matureImpressions: 600 });
    expect(weightedCounts(ev, NOW, params, 'hook')).toEqual({ clicks: 10, trials: 600 });
    // Without an explicit figure, maturity is derived from the 3 h delay: at 6 h old, half is mature.
    const derived = creative('c2', 'h0', 1000, 10, { matureImpressions: undefined, ageHours: 6 });
    expect(weightedCounts(derived, NOW, params, 'hook').trials).toBeCloseTo(500, 9);
    // Likewise clicks inside the 72 h conversion window do not count as non-converting.
    const s = scoreHooks({
      hooks: hooks(1),
      evidence: [creative('c3', 'h0', 5000, 50, { conversions: 2, ageHours: 24 })],
      nowMs: NOW,
      policy: 'thompson',
    });
    expect(s.hooks[0]!.conversion).toBeNull();
  });

  it('a zero-click creative or hook never outranks one with clicks on equal or fewer impressions', () => {
    const rng = createRng('zero-click-property');
    for (let trial = 0; trial < 300; trial++) {
      const withClicksImps = 50 + rng.int(5000);
      const zeroImps = withClicksImps + rng.int(3000);
      const clicks = 1 + rng.int(Math.max(1, Math.floor(withClicksImps / 50)));
      // Mix ages and maturity so the reporting-delay credit is exercised too.
      const zero = creative('z', 'h0', zeroImps, 0, { matureImpressions: undefined, ageHours: 0.5 + rng.next() * 100 });
      const clicked = creative('c', 'h1', withClicksImps, clicks, { matureImpressions: undefined, ageHours: 0.5 + rng.next() * 100 });
      for (const policy of ['thompson', 'thompson-discounted'] as const) {
        const s = scoreHooks({ hooks: hooks(2), evidence: [zero, clicked], nowMs: NOW, policy });
        const byHook = Object.fromEntries(s.hooks.map((h) => [h.hookId, h.mean]));
        expect(byHook.h0!).toBeLessThan(byHook.h1!);
        const byCreative = Object.fromEntries(s.creatives.map((c) => [c.creativeId, c.mean]));
        expect(byCreative.z!).toBeLessThan(byCreative.c!);
      }
    }
  });

  it('the fitted prior recovers the spread of past hooks, and falls back with too few of them', () => {
    const rng = createRng('prior-fit');
    const past = Array.from({ length: 60 }, () => {
      const ctr = rng.beta(6.2, 612);
      const trials = 20_000;
      let clicks = 0;
      // Binomial via normal approximation is enough at this size.
      clicks = Math.max(0, Math.round(trials * ctr + Math.sqrt(trials * ctr * (1 - ctr)) * rng.normal()));
      return { clicks, trials };
    });
    const fit = fitPrior(past, { minPriorStrength: 50, maxPriorStrength: 5000, fallbackPrior: { alpha: 6.2, beta: 612 }, priorPseudoHooks: 0 })!;
    // 60 hooks pin the mean to about ±0.05 percentage points (one standard error).
    expect(Math.abs(fit.alpha / (fit.alpha + fit.beta) - 6.2 / 618.2)).toBeLessThan(0.0015);
    expect(fit.alpha + fit.beta).toBeGreaterThan(350);
    expect(fit.alpha + fit.beta).toBeLessThan(1100);
    expect(fitPrior(past.slice(0, 2), { minPriorStrength: 50, maxPriorStrength: 5000, fallbackPrior: { alpha: 1, beta: 99 }, priorPseudoHooks: 3 })).toBeNull();
  });

  it('P(best) is reported only for hooks past the floor and sums to one over them', () => {
    const s = scoreHooks({
      hooks: hooks(4),
      evidence: [creative('a', 'h0', 3000, 60), creative('b', 'h1', 3000, 30), creative('c', 'h2', 100, 1)],
      nowMs: NOW,
      policy: 'thompson',
    });
    const judged = s.hooks.filter((h) => h.judged);
    expect(judged.map((h) => h.hookId).sort()).toEqual(['h0', 'h1']);
    expect(judged.reduce((sum, h) => sum + h.pBest, 0)).toBeCloseTo(1, 9);
    expect(s.bestHookId).toBe('h0');
    expect(s.hooks.find((h) => h.hookId === 'h3')!.pBest).toBe(0);
  });

  it('discounting forgets old evidence: a hook that stopped working drops even with a good history', () => {
    const daily = (days: Array<[number, number]>) =>
      days.map(([impressions, linkClicks], i) => ({
        date: new Date(NOW - (days.length - 1 - i) * 24 * HOUR).toISOString().slice(0, 10),
        startMs: NOW - (days.length - 1 - i) * 24 * HOUR - 12 * HOUR,
        impressions,
        linkClicks,
        conversions: 0,
        spendCents: impressions,
      }));
    // 20 days at 2 % then 5 days at 0.4 %.
    const rows = daily([...Array.from({ length: 20 }, () => [500, 10] as [number, number]), ...Array.from({ length: 5 }, () => [500, 2] as [number, number])]);
    const ev = creative('c', 'h0', 12_500, 210, { daily: rows, ageHours: 25 * 24 });
    const plain = scoreHooks({ hooks: hooks(1), evidence: [ev], nowMs: NOW, policy: 'thompson', params: fixedPrior });
    const recent = scoreHooks({ hooks: hooks(1), evidence: [ev], nowMs: NOW, policy: 'thompson-discounted', params: fixedPrior });
    expect(recent.creatives[0]!.mean).toBeLessThan(plain.creatives[0]!.mean);
  });
});
