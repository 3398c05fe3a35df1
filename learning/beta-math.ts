/**
 * Closed-form and numerical helpers for Beta posteriors.
 *
 * The decision path only needs cheap quantities (means, one incomplete-beta call per pause
 * check). The reporting path (bounds, P(best)) can afford quadrature because it runs once per
 * cycle, not once per creative per simulated hour.
 */

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
  9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** Natural log of the Gamma function (Lanczos, g = 7), accurate to ~1e-14 for x > 0. */
export function logGamma(x: number): number {
  if (x < 0.5) {
    // Reflection keeps the approximation in its accurate range.
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  }
  const z = x - 1;
  let sum = LANCZOS[0]!;
  for (let i = 1; i < 9; i++) sum += LANCZOS[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** log B(a, b). */
export function logBetaFn(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

/** Continued fraction for the incomplete beta (modified Lentz, Numerical Recipes 6.4). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-14) break;
  }
  return h;
}

/** Regularized incomplete beta I_x(a, b) = P(X <= x) for X ~ Beta(a, b). */
export function betaCdf(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const logFront = a * Math.log(x) + b * Math.log1p(-x) - logBetaFn(a, b);
  // The continued fraction converges fast only on one side of the mean; use symmetry otherwise.
  if (x < (a + 1) / (a + b + 2)) {
    return (Math.exp(logFront) * betaContinuedFraction(x, a, b)) / a;
  }
  return 1 - (Math.exp(logFront) * betaContinuedFraction(1 - x, b, a)) / b;
}

/** Density of Beta(a, b) at x. */
export function betaPdf(x: number, a: number, b: number): number {
  if (x <= 0 || x >= 1) return 0;
  return Math.exp((a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - logBetaFn(a, b));
}

/** Mean of Beta(a, b). */
export function betaMean(a: number, b: number): number {
  return a / (a + b);
}

/** Variance of Beta(a, b). */
export function betaVariance(a: number, b: number): number {
  const s = a + b;
  return (a * b) / (s * s * (s + 1));
}

/** Mean of Beta(a, b) plus k standard deviations: the optimistic score of the results redraw and HookBench's references. */
export function betaMeanPlusSd(a: number, b: number, k = 1): number {
  const m = a / (a + b);
  return m + k * Math.sqrt((m * (1 - m)) / (a + b + 1));
}

/** Quantile of Beta(a, b) by bisection on the CDF (60 halvings: exact to double precision). */
export function betaQuantile(p: number, a: number, b: number): number {
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 60; i++) {
    const mid = 0.5 * (lo + hi);
    if (betaCdf(mid, a, b) < p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/**
 * P(X < m·Y) for independent X ~ Beta(a1, b1), Y ~ Beta(a2, b2).
 *
 * Uses the rare-event (Gamma) limit: for CTR-sized means, Beta(a, b) ≈ Gamma(a)/(a + b), and the
 * ratio of two Gammas gives a single incomplete-beta call. Error is below 0.01 once b >> a
 * (checked against quadrature in the tests), which the pause rule guarantees through its
 * impression floor; that makes it cheap enough to run for every creative every cycle.
 */
export function probLessThanScaled(x: { alpha: number; beta: number }, y: { alpha: number; beta: number }, m: number): number {
  const r = (m * (x.alpha + x.beta)) / (y.alpha + y.beta);
  return betaCdf(r / (1 + r), x.alpha, y.alpha);
}

/** Gauss–Legendre nodes/weights on [-1, 1], 24 points (exact for polynomials of degree 47). */
const GL_NODES: number[] = [];
const GL_WEIGHTS: number[] = [];
(function computeGaussLegendre(n: number) {
  for (let i = 1; i <= n; i++) {
    let z = Math.cos((Math.PI * (i - 0.25)) / (n + 0.5));
    let dp = 0;
    for (let it = 0; it < 100; it++) {
      let p1 = 1;
      let p2 = 0;
      for (let j = 1; j <= n; j++) {
        const p3 = p2;
        p2 = p1;
        p1 = ((2 * j - 1) * z * p2 - (j - 1) * p3) / j;
      }
      dp = (n * (z * p1 - p2)) / (z * z - 1);
      const z1 = z;
      z = z1 - p1 / dp;
      if (Math.abs(z - z1) < 1e-15) break;
    }
    GL_NODES.push(z);
    GL_WEIGHTS.push(2 / ((1 - z * z) * dp * dp));
  }
})(24);

/**
 * P(arm i has the largest value) for independent Beta posteriors, by quadrature:
 * P_i = ∫ f_i(x) Π_{j≠i} F_j(x) dx over each arm's own ±8 sd window (24-point Gauss–Legendre).
 * Results are renormalised to sum to 1 to absorb the small quadrature error.
 */
export function probabilityOfBest(arms: Array<{ alpha: number; beta: number }>): number[] {
  if (arms.length === 0) return [];
  if (arms.length === 1) return [1];
  const raw = arms.map((arm, i) => {
    const mean = betaMean(arm.alpha, arm.beta);
    const sd = Math.sqrt(betaVariance(arm.alpha, arm.beta));
    const lo = Math.max(0, mean - 8 * sd);
    const hi = Math.min(1, mean + 8 * sd);
    const half = 0.5 * (hi - lo);
    const mid = 0.5 * (hi + lo);
    let total = 0;
    for (let k = 0; k < GL_NODES.length; k++) {
      const xk = mid + half * GL_NODES[k]!;
      let prod = betaPdf(xk, arm.alpha, arm.beta);
      for (let j = 0; j < arms.length && prod > 0; j++) {
        if (j === i) continue;
        const other = arms[j]!;
        prod *= betaCdf(xk, other.alpha, other.beta);
      }
      total += GL_WEIGHTS[k]! * prod;
    }
    return total * half;
  });
  const sum = raw.reduce((s, v) => s + v, 0);
  return sum > 0 ? raw.map((v) => v / sum) : arms.map(() => 1 / arms.length);
}

/**
 * Upper tail P(X > x) of a chi-square with `df` degrees of freedom: the regularized upper
 * incomplete gamma Q(df/2, x/2), by its series below a + 1 and its continued fraction above
 * (Numerical Recipes 6.2).
 */
export function chiSquareSurvival(x: number, df: number): number {
  if (x <= 0) return 1;
  const a = df / 2;
  const z = x / 2;
  const logFront = a * Math.log(z) - z - logGamma(a);
  if (z < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 10_000; n++) {
      term *= z / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-15) break;
    }
    return Math.max(0, 1 - sum * Math.exp(logFront));
  }
  const tiny = 1e-300;
  let b = z + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return Math.min(1, Math.exp(logFront) * h);
}
