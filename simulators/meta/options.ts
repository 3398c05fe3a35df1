// Options of the Meta simulator and their defaults (see README.md for what each one changes).

export interface RateLimitOptions {
  /** Score at which an account bucket is blocked. Meta's dev tier is 60; default is generous. */
  maxScore?: number;
  /** Points expire after this many SIM seconds (Meta: 300). */
  decaySec?: number;
  /** Block length in SIM seconds once the score is exceeded (Meta dev tier: 300). */
  blockSec?: number;
  readPoints?: number;
  writePoints?: number;
  /** Which throttle error the breach returns: 17/2446079 (default), 80004/2446079 or 613/1487742. */
  errorCode?: 17 | 80004 | 613;
}

export interface MetaSimOptions {
  port?: number;
  host?: string;
  /** Valid tokens. 'expired-token' (190/463), 'no-permission-token' (200), 'read-only-token'
   *  (reads pass, every write is 200: a token with ads_read but not ads_management) and
   *  'dev-mode-token' (creatives fail with 100/1885183) are always recognised as well. */
  accessTokens?: string[];
  /** Expiry of tokens as debug_token reports it (Unix seconds; absent or 0: never expires). */
  tokenExpiry?: Record<string, number>;
  adAccounts?: string[];
  pageIds?: string[];
  customAudienceIds?: string[];
  /** Versions served; anything else gets code 2635. */
  acceptedVersions?: string[];
  /** Simulated seconds per real second; 0 freezes the clock so only advance() moves it. */
  timeScale?: number;
  reviewDelaySimMs?: [number, number];
  disapprovalRate?: number;
  videoProcessingSimMs?: [number, number];
  /** Fraction of uploaded videos whose processing ends in video_status "error". */
  videoErrorRate?: number;
  /** Chunk size the chunked-upload session asks for (real Meta picks its own). */
  videoChunkBytes?: number;
  trueCtrByHook?: Record<string, number>;
  defaultTrueCtr?: number;
  /** Meta pixels (datasets) the ad accounts own: a list shared with every ad account (default
   *  ['1122334455667788']), or ad account -> its pixels. promoted_object.pixel_id must be one of them. */
  pixelIds?: string[] | Record<string, string[]>;
  /** Hidden conversion rate per link click of ad sets promoted for a pixel event (LEAD or PURCHASE), by hook. */
  trueCvrByHook?: Record<string, number>;
  /** Conversion rate per link click of hooks not in trueCvrByHook (default 0.05). */
  defaultTrueCvr?: number;
  /** Conversions happen up to this many sim days after the click or view (default 7), most within the first day. */
  conversionDelayMaxDays?: number;
  /** View-through conversions as a share of click-through ones (default 0.15). */
  viewThroughShare?: number;
  /** Mean purchase value in account currency (default 60); values are lognormal around it. */
  averageOrderValue?: number;
  /** Sigma of the lognormal purchase value (default 0.5). */
  orderValueSigma?: number;
  /** Range of an ad set's spend on a whole day, as a multiple of its daily budget (default
   *  [0.85, 1.2]); at most Meta's 1.25, so [1.25, 1.25] makes every day the worst day allowed. */
  dailySpendFactor?: [number, number];
  seed?: number;
  startTime?: Date;
  rateLimit?: RateLimitOptions;
  /** Objects younger than this (sim ms) are not yet visible in edge reads (default 0). */
  edgeReadLagSimMs?: number;
  /** Reject ad sets targeting EU countries without dsa_beneficiary/dsa_payor (default true). */
  requireDsaForEu?: boolean;
  /** JSON file to restore state from at start and save it to while running (default: none). */
  stateFile?: string;
  /** Real milliseconds (not scaled by timeScale) each Graph request waits before it is served, uniform
   *  in [min, max]: the network and Meta's own time. Default: none (answered at once). /__sim/* never waits. */
  latencyMs?: [number, number];
}

export interface ResolvedOptions {
  port: number;
  host: string;
  accessTokens: Set<string>;
  tokenExpiry: Record<string, number>;
  adAccounts: string[];
  pageIds: string[];
  customAudienceIds: string[];
  acceptedVersions: string[];
  timeScale: number;
  reviewDelaySimMs: [number, number];
  disapprovalRate: number;
  videoProcessingSimMs: [number, number];
  videoErrorRate: number;
  videoChunkBytes: number;
  trueCtrByHook: Record<string, number>;
  defaultTrueCtr: number;
  /** Pixels shared with every account (`shared`) and per account digits (`byAccount`). */
  pixels: { shared: string[]; byAccount: Record<string, string[]> };
  trueCvrByHook: Record<string, number>;
  defaultTrueCvr: number;
  conversionDelayMaxDays: number;
  viewThroughShare: number;
  averageOrderValue: number;
  orderValueSigma: number;
  dailySpendFactor: [number, number];
  seed: number;
  startTime: Date;
  rateLimit: Required<RateLimitOptions>;
  edgeReadLagSimMs: number;
  requireDsaForEu: boolean;
  stateFile?: string;
  latencyMs?: [number, number];
}

export const SPECIAL_TOKENS = {
  expired: 'expired-token',
  noPermission: 'no-permission-token',
  readOnly: 'read-only-token',
  devMode: 'dev-mode-token',
} as const;

const MINUTE = 60_000;

export function resolveOptions(o: MetaSimOptions = {}): ResolvedOptions {
  const tokens = new Set(o.accessTokens ?? ['sim-meta-token']);
  tokens.add(SPECIAL_TOKENS.noPermission);
  tokens.add(SPECIAL_TOKENS.readOnly);
  tokens.add(SPECIAL_TOKENS.devMode);
  return {
    port: o.port ?? 0,
    host: o.host ?? '127.0.0.1',
    accessTokens: tokens,
    tokenExpiry: o.tokenExpiry ?? {},
    adAccounts: (o.adAccounts ?? ['act_1234567890']).map((a) => (a.startsWith('act_') ? a : `act_${a}`)),
    pageIds: o.pageIds ?? ['122100000000000001'],
    customAudienceIds: o.customAudienceIds ?? ['238400000000000001', '238400000000000002'],
    acceptedVersions: o.acceptedVersions ?? ['v25.0', 'v26.0', 'v27.0'],
    timeScale: o.timeScale ?? 1,
    reviewDelaySimMs: o.reviewDelaySimMs ?? [10 * MINUTE, 30 * MINUTE],
    disapprovalRate: o.disapprovalRate ?? 0.05,
    videoProcessingSimMs: o.videoProcessingSimMs ?? [20_000, 120_000],
    videoErrorRate: o.videoErrorRate ?? 0,
    videoChunkBytes: o.videoChunkBytes ?? 1_048_576,
    trueCtrByHook: o.trueCtrByHook ?? {},
    defaultTrueCtr: o.defaultTrueCtr ?? 0.01,
    pixels: pixelOwners(o.pixelIds),
    trueCvrByHook: o.trueCvrByHook ?? {},
    defaultTrueCvr: o.defaultTrueCvr ?? 0.05,
    conversionDelayMaxDays: positive('conversionDelayMaxDays', o.conversionDelayMaxDays ?? 7),
    viewThroughShare: o.viewThroughShare ?? 0.15,
    averageOrderValue: positive('averageOrderValue', o.averageOrderValue ?? 60),
    orderValueSigma: o.orderValueSigma ?? 0.5,
    dailySpendFactor: dailySpendFactor(o.dailySpendFactor),
    seed: o.seed ?? 1,
    startTime: o.startTime ?? new Date(),
    rateLimit: {
      maxScore: o.rateLimit?.maxScore ?? 100_000,
      decaySec: o.rateLimit?.decaySec ?? 300,
      blockSec: o.rateLimit?.blockSec ?? 300,
      readPoints: o.rateLimit?.readPoints ?? 1,
      writePoints: o.rateLimit?.writePoints ?? 3,
      errorCode: o.rateLimit?.errorCode ?? 17,
    },
    edgeReadLagSimMs: o.edgeReadLagSimMs ?? 0,
    requireDsaForEu: o.requireDsaForEu ?? true,
    stateFile: o.stateFile,
    latencyMs: latencyRange(o.latencyMs),
  };
}

/** The seeded pixel of every account unless told otherwise. */
export const DEFAULT_PIXEL_ID = '1122334455667788';

function pixelOwners(p: MetaSimOptions['pixelIds']): ResolvedOptions['pixels'] {
  if (p === undefined) return { shared: [DEFAULT_PIXEL_ID], byAccount: {} };
  if (Array.isArray(p)) return { shared: p, byAccount: {} };
  return { shared: [], byAccount: Object.fromEntries(Object.entries(p).map(([a, ids]) => [a.replace(/^act_/, ''), ids])) };
}

function positive(name: string, v: number): number {
  if (!(v > 0)) throw new Error(`${name} must be positive, got ${v}`);
  return v;
}

function latencyRange(range: [number, number] | undefined): [number, number] | undefined {
  if (!range) return undefined;
  const [lo, hi] = range;
  if (!(lo >= 0 && lo <= hi)) throw new Error(`latencyMs must satisfy 0 <= min <= max, got [${lo}, ${hi}]`);
  return range;
}

/** Meta may overspend a daily budget by up to 25 % on a day; a simulator that went beyond would test nothing real. */
function dailySpendFactor(range: [number, number] = [0.85, 1.2]): [number, number] {
  const [lo, hi] = range;
  if (!(lo > 0 && lo <= hi && hi <= 1.25)) throw new Error(`dailySpendFactor must satisfy 0 < min <= max <= 1.25, got [${lo}, ${hi}]`);
  return range;
}
