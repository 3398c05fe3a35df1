/**
 * Seeded randomness for the learning core.
 *
 * Every random choice the agent makes must be replayable from its audit row, so nothing here
 * touches Math.random: a string seed (normally the cycle id) is hashed into the state of a
 * small counter-based generator (sfc32), and Gamma/Beta draws are built on top of it.
 */

/** A source of uniform numbers in [0, 1) plus the distributions the policies need. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Standard normal. */
  normal(): number;
  /** Gamma(shape, 1). */
  gamma(shape: number): number;
  /** Beta(alpha, beta). */
  beta(alpha: number, beta: number): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
}

/** cyrb128: spreads a string over four 32-bit words; cheap and well mixed, not cryptographic. */
export function hashSeed(seed: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < seed.length; i++) {
    const k = seed.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/** Ziggurat tables for the standard normal, 128 layers (Marsaglia and Tsang 2000, zignor setup). */
const ZIG_R = 3.442619855899;
const ZIG_K = new Float64Array(128);
const ZIG_W = new Float64Array(128);
const ZIG_F = new Float64Array(128);
(function setupZiggurat() {
  const m1 = 2147483648;
  const vn = 9.91256303526217e-3;
  let dn = ZIG_R;
  let tn = dn;
  const q = vn / Math.exp(-0.5 * dn * dn);
  ZIG_K[0] = (dn / q) * m1;
  ZIG_K[1] = 0;
  ZIG_W[0] = q / m1;
  ZIG_W[127] = dn / m1;
  ZIG_F[0] = 1;
  ZIG_F[127] = Math.exp(-0.5 * dn * dn);
  for (let i = 126; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(vn / dn + Math.exp(-0.5 * dn * dn)));
    ZIG_K[i + 1] = (dn / tn) * m1;
    tn = dn;
    ZIG_F[i] = Math.exp(-0.5 * dn * dn);
    ZIG_W[i] = dn / m1;
  }
})();

/** Builds a generator from a string seed; equal seeds give equal streams on every platform. */
export function createRng(seed: string): Rng {
  // State lives in a typed array: plain closure variables holding uint32 values above 2^30
  // would be boxed on every call, which made draws 5x slower in HookBench profiles.
  const st = new Int32Array(hashSeed(seed));
  /** One signed 32-bit output of sfc32 (Chris Doty-Humphrey's small fast counting generator). */
  const nextInt32 = (): number => {
    const a = st[0]!;
    const b = st[1]!;
    const c = st[2]!;
    const d = (st[3]! + 1) | 0;
    const t = (((a + b) | 0) + d) | 0;
    st[0] = b ^ (b >>> 9);
    st[1] = (c + (c << 3)) | 0;
    st[2] = (((c << 21) | (c >>> 11)) + t) | 0;
    st[3] = d;
    return t;
  };
  const next = (): number => (nextInt32() >>> 0) / 4294967296;
  // Warm up: the first outputs of sfc32 still carry structure from the hash.
  for (let i = 0; i < 12; i++) next();

  // Ziggurat method (Marsaglia and Tsang 2000): ~99 % of normals cost one integer draw and a
  // multiply, which matters because the loss check draws thousands of Betas per cycle.
  const normal = (): number => {
    let hz = nextInt32();
    let iz = hz & 127;
    if (Math.abs(hz) < ZIG_K[iz]!) return hz * ZIG_W[iz]!;
    for (;;) {
      const x = hz * ZIG_W[iz]!;
      if (iz === 0) {
        // Tail beyond r: Marsaglia's exponential-rejection sampler.
        let tx = 0;
        let ty = 0;
        do {
          tx = -Math.log(1 - next()) / ZIG_R;
          ty = -Math.log(1 - next());
        } while (ty + ty < tx * tx);
        return hz > 0 ? ZIG_R + tx : -ZIG_R - tx;
      }
      if (ZIG_F[iz]! + next() * (ZIG_F[iz - 1]! - ZIG_F[iz]!) < Math.exp(-0.5 * x * x)) return x;
      hz = nextInt32();
      iz = hz & 127;
      if (Math.abs(hz) < ZIG_K[iz]!) return hz * ZIG_W[iz]!;
    }
  };

  const gamma = (shape: number): number => {
    if (!(shape > 0)) throw new RangeError(`gamma shape must be > 0, got ${shape}`);
    if (shape < 1) {
      // Boost: Gamma(k) = Gamma(k + 1) * U^(1/k) (Marsaglia and Tsang, section 6).
      const u = next();
      return gamma(shape + 1) * Math.pow(u === 0 ? Number.MIN_VALUE : u, 1 / shape);
    }
    // Marsaglia and Tsang (2000), "A simple method for generating gamma variables".
    const dd = shape - 1 / 3;
    const cc = 1 / Math.sqrt(9 * dd);
    for (;;) {
      let x = 0;
      let v = 0;
      do {
        x = normal();
        v = 1 + cc * x;
      } while (v <= 0);
      v = v * v * v;
      const u = next();
      const x2 = x * x;
      if (u < 1 - 0.0331 * x2 * x2) return dd * v;
      if (Math.log(u) < 0.5 * x2 + dd * (1 - v + Math.log(v))) return dd * v;
    }
  };

  const beta = (alpha: number, betaParam: number): number => {
    const x = gamma(alpha);
    const y = gamma(betaParam);
    return x / (x + y);
  };

  const int = (n: number): number => Math.floor(next() * n);

  return { next, normal, gamma, beta, int };
}
