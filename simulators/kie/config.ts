/**
 * Resolves KieSimOptions into a complete config with defaults, plus the seeded PRNG and the
 * time-scaling helper every delay goes through.
 */
import type { CallbackMode, KieShapeVariants, KieSimLogger, KieSimOptions, PriceKey } from './types';

type Range = [number, number];

const SECOND = 1000;
const DAY = 24 * 60 * 60 * SECOND;

/** Defaults from the reference (§7, §9, §10.1). nano-banana-2 and veo3_lite prices are guesses. */
export const DEFAULT_PRICES: Record<PriceKey, number> = {
  'google/nano-banana': 4,
  'google/nano-banana-edit': 4,
  'nano-banana-pro': 18,
  'nano-banana-2': 8,
  veo3_fast: 60,
  veo3: 250,
  veo3_lite: 30,
  '4k': 120,
  '1080p': 0,
};

export interface ResolvedConfig {
  port: number;
  host: string;
  apiKeys: Record<string, number>;
  errorTransport: 'body' | 'http';
  timeScale: number;
  imageStateDelaysMs: { waiting: Range; queuing: Range; generating: Range };
  veoDelaysMs: { veo3_fast: Range; veo3: Range; veo3_lite: Range };
  upgradeDelaysMs: { '1080p': Range; '4k': Range };
  prices: Record<PriceKey, number>;
  chargeOn: 'create' | 'success';
  webhookHmacKey: string | undefined;
  callbackMode: CallbackMode;
  lateCallbackMs: number;
  callbackTimeoutMs: number;
  retentionMs: number;
  downloadUrlTtlMs: number;
  rateLimits: false | { createsPerWindow: number; createWindowMs: number; statusPerSecond: number };
  /** Real ms before each API request is handled; undefined = none. */
  latencyMs: Range | undefined;
  variants: KieShapeVariants;
  logger: KieSimLogger;
}

const silent: KieSimLogger = { info: () => undefined, warn: () => undefined };

export function resolveConfig(opts: KieSimOptions = {}): ResolvedConfig {
  const timeScale = opts.timeScale ?? 1;
  if (!(timeScale > 0)) throw new Error(`timeScale must be > 0, got ${timeScale}`);
  const rl = opts.rateLimits;
  return {
    port: opts.port ?? 0,
    host: opts.host ?? '127.0.0.1',
    apiKeys: { ...(opts.apiKeys ?? { 'sim-kie-key': 10_000 }) },
    errorTransport: opts.errorTransport ?? 'body',
    timeScale,
    imageStateDelaysMs: opts.imageStateDelaysMs ?? {
      waiting: [0, 2 * SECOND],
      queuing: [0, 5 * SECOND],
      generating: [5 * SECOND, 30 * SECOND],
    },
    veoDelaysMs: opts.veoDelaysMs ?? {
      veo3_fast: [60 * SECOND, 120 * SECOND],
      veo3: [120 * SECOND, 300 * SECOND],
      veo3_lite: [45 * SECOND, 75 * SECOND],
    },
    upgradeDelaysMs: opts.upgradeDelaysMs ?? {
      '1080p': [60 * SECOND, 180 * SECOND],
      '4k': [300 * SECOND, 600 * SECOND],
    },
    prices: { ...DEFAULT_PRICES, ...stripUndefined(opts.prices ?? {}) },
    chargeOn: opts.chargeOn ?? 'create',
    webhookHmacKey: opts.webhookHmacKey,
    callbackMode: opts.callbackMode ?? 'once',
    lateCallbackMs: opts.lateCallbackMs ?? 30 * SECOND,
    callbackTimeoutMs: opts.callbackTimeoutMs ?? 15 * SECOND,
    retentionMs: opts.retentionMs ?? 14 * DAY,
    downloadUrlTtlMs: opts.downloadUrlTtlMs ?? 20 * 60 * SECOND,
    rateLimits:
      rl === false
        ? false
        : {
            createsPerWindow: rl?.createsPerWindow ?? 20,
            createWindowMs: rl?.createWindowMs ?? 10 * SECOND,
            statusPerSecond: rl?.statusPerSecond ?? 10,
          },
    latencyMs: latencyRange(opts.latencyMs),
    variants: opts.variants ?? {},
    logger: opts.logger ?? silent,
  };
}

function latencyRange(range: Range | undefined): Range | undefined {
  if (!range) return undefined;
  const [lo, hi] = range;
  if (!(lo >= 0 && lo <= hi)) throw new Error(`latencyMs must satisfy 0 <= min <= max, got [${lo}, ${hi}]`);
  return range;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** mulberry32: small seeded PRNG so delays and fault probabilities are reproducible with `seed`. */
export function makeRng(seed: number | undefined): () => number {
  let a = (seed ?? Math.floor(Math.random() * 2 ** 32)) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Documented duration -> real milliseconds. */
export function scaled(cfg: ResolvedConfig, documentedMs: number): number {
  return documentedMs / cfg.timeScale;
}

/** Uniform pick in a documented range, returned as REAL ms. */
export function pickDelay(cfg: ResolvedConfig, rng: () => number, [lo, hi]: Range, factor = 1): number {
  return scaled(cfg, (lo + rng() * Math.max(0, hi - lo)) * factor);
}
