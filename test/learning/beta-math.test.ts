import { describe, expect, it } from 'vitest';
import {
  betaCdf,
  betaMean,
  betaPdf,
  betaQuantile,
  betaVariance,
  chiSquareSurvival,
  logGamma,
  probabilityOfBest,
  probLessThanScaled,
} from '../../learning/beta-math';

/** P(X < m·Y) by brute-force quadrature with the exact Beta CDF (reference for the fast formula). */
function probLessQuadrature(x: { alpha: number; beta: number }, y: { alpha: number; beta: number }, m: number): number {
  const n = 20_000;
  const lo = betaQuantile(1e-9, y.alpha, y.beta);
  const hi = betaQuantile(1 - 1e-9, y.alpha, y.beta);
  const h = (hi - lo) / n;
  let sum = 0;
  for (let i = 0; i <= n; i++) {
    const t = lo + i * h;
    const w = i === 0 || i === n ? 0.5 : 1;
    sum += w * betaPdf(t, y.alpha, y.beta) * betaCdf(m * t, x.alpha, x.beta);
  }
  return sum * h;
}

describe('Beta posterior math', () => {
  it('log-gamma matches factorials and Γ(1/2) = √π', () => {
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(11)).toBeCloseTo(Math.log(3_628_800), 10);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
  });

  it('CDF matches closed forms', () => {
    // Beta(2, 3): F(x) = 6x² − 8x³ + 3x⁴.
    expect(betaCdf(0.4, 2, 3)).toBeCloseTo(0.5248, 10);
    // Beta(a, 1): F(x) = x^a; Beta(1, b): F(x) = 1 − (1 − x)^b.
    expect(betaCdf(0.3, 4.5, 1)).toBeCloseTo(Math.pow(0.3, 4.5), 12);
    expect(betaCdf(0.01, 1, 250)).toBeCloseTo(1 - Math.pow(0.99, 250), 12);
    expect(betaCdf(0.5, 7, 7)).toBeCloseTo(0.5, 12);
  });

  it('quantile inverts the CDF, including at CTR scale', () => {
    expect(betaQuantile(0.5, 1, 99)).toBeCloseTo(1 - Math.pow(0.5, 1 / 99), 10);
    for (const [p, a, b] of [
      [0.05, 6.2, 612],
      [0.95, 26.2, 2612],
      [0.5, 2, 3],
    ] as const) {
      expect(betaCdf(betaQuantile(p, a, b), a, b)).toBeCloseTo(p, 9);
    }
  });

  it('mean and variance are the textbook ones', () => {
    expect(betaMean(6.2, 612)).toBeCloseTo(6.2 / 618.2, 15);
    expect(betaVariance(2, 3)).toBeCloseTo(6 / (25 * 6), 15);
  });

  it('P(θ₁ < m·θ₂) from the fast formula agrees with quadrature for CTR-sized posteriors', () => {
    const cases = [
      { x: { alpha: 11.2, beta: 1607 }, y: { alpha: 21.2, beta: 1597 }, m: 0.7 },
      { x: { alpha: 12, beta: 1400 }, y: { alpha: 30, beta: 2000 }, m: 0.9 },
      { x: { alpha: 6.2, beta: 612 }, y: { alpha: 40, beta: 2600 }, m: 1 },
    ];
    for (const { x, y, m } of cases) {
      expect(Math.abs(probLessThanScaled(x, y, m) - probLessQuadrature(x, y, m))).toBeLessThan(0.01);
    }
  });

  it('P(best) sums to one, is symmetric for equal arms, and matches P(X > Y) for two arms', () => {
    const equal = probabilityOfBest([
      { alpha: 10, beta: 990 },
      { alpha: 10, beta: 990 },
      { alpha: 10, beta: 990 },
    ]);
    equal.forEach((p) => expect(p).toBeCloseTo(1 / 3, 3));

    const a = { alpha: 30, beta: 1970 };
    const b = { alpha: 20, beta: 1980 };
    const [pa, pb] = probabilityOfBest([a, b]);
    expect(pa! + pb!).toBeCloseTo(1, 12);
    expect(pa!).toBeCloseTo(1 - probLessQuadrature(a, b, 1), 3);
  });

  it('chi-square upper tail matches tabulated critical values', () => {
    // Both branches: the series (x / 2 < df / 2 + 1) and the continued fraction.
    expect(chiSquareSurvival(3.841, 1)).toBeCloseTo(0.05, 4);
    expect(chiSquareSurvival(5.991, 2)).toBeCloseTo(0.05, 4);
    expect(chiSquareSurvival(7.815, 3)).toBeCloseTo(0.05, 4);
    expect(chiSquareSurvival(2, 2)).toBeCloseTo(Math.exp(-1), 10);
    expect(chiSquareSurvival(0.1026, 2)).toBeCloseTo(0.95, 3);
    expect(chiSquareSurvival(23.209, 10)).toBeCloseTo(0.01, 4);
    expect(chiSquareSurvival(0, 3)).toBe(1);
  });
});
