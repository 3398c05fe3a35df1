import { describe, expect, it } from 'vitest';
import { changeAwareCounts, changeAwareCountsInMarket, marketRegimeStarts, type DayCounts } from '../../learning/change-point';
import { buildModel } from '../../learning/model';
import { resolveParams } from '../../learning/params';
import type { CreativeEvidence } from '../../learning/types';
import { DAY, NOW, hooks } from './fixtures';

const PRIOR = { alpha: 6.2, beta: 612 };
const HAZARD = 1 / 30;

/** `n` days of 500 impressions at the given clicks per day, starting at day index `from`. */
function days(from: number, n: number, clicksPerDay: number): DayCounts[] {
  return Array.from({ length: n }, (_, i) => ({ dayStartMs: (from + i) * DAY, clicks: clicksPerDay, trials: 500 }));
}

describe('change-aware hook evidence', () => {
  it('keeps all the evidence of a steady hook', () => {
    const r = changeAwareCounts(days(0, 12, 5), PRIOR, HAZARD);
    expect(r.changeProbability).toBeLessThan(0.3);
    // Most of the 6,000 impressions still count (a small change can never be ruled out), and the
    // mean stays at the observed 1 %.
    expect(r.trials).toBeGreaterThan(4000);
    expect((PRIOR.alpha + r.clicks) / (PRIOR.alpha + PRIOR.beta + r.trials)).toBeCloseTo(0.01, 3);
  });

  it('drops the evidence from before a clear jump and dates the new regime', () => {
    const r = changeAwareCounts([...days(0, 10, 10), ...days(10, 4, 2)], PRIOR, HAZARD);
    expect(r.changeProbability).toBeGreaterThan(0.9);
    expect(r.regimeStartMs).toBe(10 * DAY);
    const mean = (PRIOR.alpha + r.clicks) / (PRIOR.alpha + PRIOR.beta + r.trials);
    // 2 % for ten days, 0.4 % since: the posterior follows the new regime, not the 1.5 % average.
    expect(mean).toBeLessThan(0.008);
    expect(r.trials).toBeLessThan(3000);
  });

  it('pools creatives of the same day and ignores the order rows come in', () => {
    const rows = [...days(0, 6, 4), ...days(0, 6, 3), ...days(6, 3, 1)];
    const shuffled = [...rows].reverse();
    expect(changeAwareCounts(shuffled, PRIOR, HAZARD)).toEqual(changeAwareCounts(rows, PRIOR, HAZARD));
  });

  it('never claims more evidence than was observed', () => {
    const rows = [...days(0, 3, 30), ...days(3, 3, 0)];
    const r = changeAwareCounts(rows, PRIOR, 0.5);
    expect(r.trials).toBeLessThanOrEqual(3000);
    expect(r.clicks).toBeLessThanOrEqual(90);
    expect(r.clicks).toBeLessThanOrEqual(r.trials);
  });

  it('changes the hook posterior in the model only when a hazard is set', () => {
    const ev: CreativeEvidence = {
      creativeId: 'c1',
      hookId: 'h0',
      launchedAtMs: NOW - 14 * DAY,
      impressions: 7000,
      linkClicks: 108,
      conversions: 0,
      spendCents: 7000,
      matureImpressions: 7000,
      status: 'live',
      daily: Array.from({ length: 14 }, (_, i) => ({
        date: new Date(NOW - (14 - i) * DAY).toISOString().slice(0, 10),
        startMs: NOW - (14 - i) * DAY,
        impressions: 500,
        linkClicks: i < 10 ? 10 : 2,
        conversions: 0,
        spendCents: 500,
      })),
    };
    const base = resolveParams('thompson', { prior: PRIOR });
    const plain = buildModel({ hooks: hooks(1), evidence: [ev], nowMs: NOW, params: base });
    const aware = buildModel({ hooks: hooks(1), evidence: [ev], nowMs: NOW, params: { ...base, changeHazardPerDay: HAZARD } });
    expect(plain.hooks[0]!.posterior.mean).toBeGreaterThan(0.014);
    expect(plain.hooks[0]!.changeProbability).toBe(0);
    expect(aware.hooks[0]!.posterior.mean).toBeLessThan(0.008);
    expect(aware.hooks[0]!.changeProbability).toBeGreaterThan(0.9);
  });
});

describe('account-wide changes', () => {
  it('finds the day every hook jumped, and keeps the first day when nothing did', () => {
    const jumped = marketRegimeStarts(
      [
        [...days(0, 10, 10), ...days(10, 3, 2)],
        [...days(0, 10, 4), ...days(10, 3, 12)],
      ],
      PRIOR,
      1 / 200,
    );
    const top = jumped.reduce((a, b) => (b.weight > a.weight ? b : a));
    expect(top.startMs).toBe(10 * DAY);
    expect(top.weight).toBeGreaterThan(0.9);

    const steady = marketRegimeStarts([days(0, 13, 10), days(0, 13, 4)], PRIOR, 1 / 200);
    expect(steady.find((m) => m.startMs === 0)!.weight).toBeGreaterThan(0.9);
  });

  it('retires the old evidence of a hook that is not running when the others show the account changed', () => {
    // h2 ran on days 0–9 only; h0 and h1 jumped on day 10 (one down, one up).
    const h2 = days(0, 10, 7);
    const market = marketRegimeStarts([[...days(0, 10, 10), ...days(10, 3, 2)], [...days(0, 10, 4), ...days(10, 3, 12)], h2], PRIOR, 1 / 200);
    const inMarket = changeAwareCountsInMarket(h2, market, PRIOR, HAZARD);
    const alone = changeAwareCounts(h2, PRIOR, HAZARD);
    expect(alone.trials).toBeGreaterThan(3500);
    // Its 5,000 impressions are from the old regime: nearly none of them count any more.
    expect(inMarket.trials).toBeLessThan(500);
    expect(inMarket.changeProbability).toBeGreaterThan(0.9);
    expect(inMarket.regimeStartMs).toBe(10 * DAY);
  });
});
