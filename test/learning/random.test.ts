import { describe, expect, it } from 'vitest';
import { createRng } from '../../learning/random';

describe('seeded randomness', () => {
  it('the same seed gives the same stream, another seed a different one', () => {
    const draw = (seed: string) => {
      const rng = createRng(seed);
      return [rng.next(), rng.normal(), rng.gamma(3.5), rng.beta(6.2, 612), rng.int(12)];
    };
    expect(draw('cycle-42')).toEqual(draw('cycle-42'));
    expect(draw('cycle-42')).not.toEqual(draw('cycle-43'));
  });

  it('uniforms stay in [0, 1)', () => {
    const rng = createRng('range');
    for (let i = 0; i < 10_000; i++) {
      const u = rng.next();
      expect(u >= 0 && u < 1).toBe(true);
    }
  });

  it('Gamma and Beta draws have the right mean and variance (Marsaglia–Tsang, with the shape < 1 boost)', () => {
    const rng = createRng('moments');
    const n = 40_000;
    const moments = (draw: () => number) => {
      let s = 0;
      let s2 = 0;
      for (let i = 0; i < n; i++) {
        const x = draw();
        s += x;
        s2 += x * x;
      }
      const mean = s / n;
      return { mean, variance: s2 / n - mean * mean };
    };
    const g = moments(() => rng.gamma(0.5));
    expect(g.mean).toBeCloseTo(0.5, 1);
    expect(g.variance).toBeCloseTo(0.5, 1);
    const b = moments(() => rng.beta(6.2, 612));
    const mean = 6.2 / 618.2;
    expect(Math.abs(b.mean - mean) / mean).toBeLessThan(0.02);
    const variance = (6.2 * 612) / (618.2 * 618.2 * 619.2);
    expect(Math.abs(b.variance - variance) / variance).toBeLessThan(0.05);
  });
});
