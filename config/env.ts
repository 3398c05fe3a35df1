/**
 * The one place that reads the environment. Every entry point calls `loadConfig()` once at start-up;
 * everything else receives the typed, frozen result. Workflows never import this module (they do not
 * read the environment), and no secret from here is ever put into a workflow input or result.
 *
 * Real services are used when their credential is set (`FB_ACCESS_TOKEN`, `KIE_API_KEY`); otherwise
 * the local simulators are used and `mode` says so.
 */
import path from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { parse as parseDotenv } from 'dotenv';
import { z } from 'zod';
import { AesGcmPayloadCodec, codecDataConverter, type EncryptionKey } from '../temporal-config/payload-codec';
import {
  ACCOUNT_OBJECTIVES,
  AccountsFileError,
  CALLS_TO_ACTION,
  httpUrl,
  loadAccountsFile,
  objectiveProblems,
  PixelId,
  resolveToken,
  type AccountConfig,
} from './accounts';

const int = (def: number, min = 0) => z.coerce.number().int().min(min).default(def);
/** A TCP port (0 = any free one): beyond 65535 the listen call would throw long after start-up. */
const port = (def: number, min = 0) => z.coerce.number().int().min(min).max(65535, 'must be a TCP port (at most 65535)').default(def);
const csv = z
  .string()
  .default('')
  .transform((s) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  );
const bool = (def: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(def ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');
const optionalSecret = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() !== '' ? v.trim() : undefined));

/** `keyId:base64,...`: each key exactly 32 bytes, ids unique. Messages name the key id, never the key. */
const encryptionKeys = z
  .string()
  .optional()
  .transform((s, ctx) => {
    const keys: EncryptionKey[] = [];
    const entries = (s ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
    entries.forEach((entry, i) => {
      const at = entry.indexOf(':');
      const id = entry.slice(0, Math.max(at, 0)).trim();
      const b64 = entry.slice(at + 1).trim();
      const bytes = /^[A-Za-z0-9+/]+={0,2}$/.test(b64) ? Buffer.from(b64, 'base64') : undefined;
      const problem = !/^[A-Za-z0-9._-]+$/.test(id)
        ? `entry ${i + 1} must be keyId:base64-of-32-bytes (a key id of letters, digits, . _ -)`
        : !bytes || bytes.length !== 32
          ? `key "${id}" must be base64 of exactly 32 bytes (it is ${bytes ? `${bytes.length} bytes` : 'not base64'}; make one with openssl rand -base64 32)`
          : keys.some((k) => k.id === id)
            ? `key id "${id}" is given twice`
            : undefined;
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
      else keys.push({ id, key: bytes! });
    });
    return keys;
  });

const EnvSchema = z.object({
  // Credentials of the seed system. Empty = use the simulator for that API.
  /** When FB_ACCESS_TOKEN expires, if known (ISO date): warned about TOKEN_EXPIRY_WARN_DAYS ahead. */
  FB_TOKEN_EXPIRES_AT: z
    .string()
    .refine((v) => !Number.isNaN(Date.parse(v)), 'an ISO date like 2027-02-01')
    .optional(),
  /** Days before a token's expiry (from Graph's debug_token or configuration) that every cycle warns. */
  TOKEN_EXPIRY_WARN_DAYS: z.coerce.number().int().min(0).default(14),
  KIE_API_KEY: optionalSecret,
  FB_ACCESS_TOKEN: optionalSecret,
  AD_ACCOUNT_ID: z
    .string()
    .regex(/^act_\d+$/, 'must look like act_<digits>')
    .default('act_1234567890'),
  PAGE_ID: z.string().regex(/^\d+$/, 'must be a numeric page id').default('122100000000000001'),
  DATA_DIR: z.string().min(1).default('./data'),
  DB_PATH: z.string().optional(),
  RUN_INTERVAL: int(900, 60), // seconds between scheduled cycles
  ADS_PER_RUN: int(1, 0),
  DAILY_BUDGET: int(500, 100), // cents per ad set per day ($5.00)
  // cents per day: what live ad sets may spend on their worst day (Meta may overspend a daily
  // budget by 25 %) + today's generation cost; 4 ads x $5 x 1.25 + $1 of images = $26
  TOTAL_DAILY_SPEND_CAP: int(2600, 0),
  MAX_LIVE_ADS: int(4, 0),
  MAX_ADSET_DAILY_BUDGET: int(1500, 100), // ceiling when scaling a winner, cents
  LANDING_URL: httpUrl().default('https://example.com/free-trial?utm_source=meta'),
  CUSTOM_AUDIENCE_IDS: csv,
  TARGET_COUNTRIES: csv.pipe(z.array(z.string().regex(/^[A-Z]{2}$/, 'ISO country codes like US,CA'))),
  CALL_TO_ACTION: z.enum(CALLS_TO_ACTION).default('LEARN_MORE'),
  HOOK_LIBRARY_PATH: z.string().default('hooks/library.json'),
  // The approval gate of the one-account default (accounts files set `approval` per account).
  APPROVAL_REQUIRED: bool(false),
  APPROVAL_TIMEOUT: z
    .string()
    .regex(/^\d+(ms|s|m|h)$/, 'a duration like 30m or 4h')
    .default('4h'),
  APPROVAL_DEFAULT: z.enum(['skip', 'approve']).default('skip'),
  // What the one-account default (and every accounts-file entry that leaves it out) optimises.
  OBJECTIVE: z.enum(ACCOUNT_OBJECTIVES).default('traffic'),
  PIXEL_ID: PixelId.optional(), // required for leads and sales
  ATTRIBUTION_CLICK_DAYS: z.enum(['1', '7', '28'], { error: 'must be 1, 7 or 28 (days after a click)' }).default('7').transform(Number),
  ATTRIBUTION_VIEW_DAYS: z.enum(['0', '1'], { error: 'must be 0 or 1 (days after a view)' }).default('1').transform(Number),
  VALUE_OPTIMISED: bool(false), // sales: optimise purchase value (VALUE) instead of purchases
  // JSON or YAML list of ad accounts (see accounts.example.json); unset = the one account above.
  ACCOUNTS_FILE: z.string().optional(),
  INSIGHTS_LOOKBACK_DAYS: int(3, 1), // Meta restates the last days (late conversions)

  // host:port as gRPC takes it; a URL (http://...) or a bare host would only fail at the first connection.
  TEMPORAL_ADDRESS: z
    .string()
    .trim()
    .regex(/^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):\d{1,5}$/, 'must be host:port, e.g. 127.0.0.1:7233 (no scheme, no path)')
    .default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_UI_PORT: port(8233, 1),
  // Payload encryption (AES-256-GCM, see temporal-config/payload-codec.ts). Unset = payloads stored as they are.
  PAYLOAD_ENCRYPTION_KEYS: encryptionKeys,
  PAYLOAD_ENCRYPTION_KEY_ID: z.string().trim().optional(), // the key that encrypts; default: the first
  // The codec endpoint for the Web UI (npm run codec; npm start when keys are set).
  CODEC_PORT: port(8888, 0),
  CODEC_HOST: z.string().default('127.0.0.1'),
  CODEC_CORS_ORIGINS: z
    .string()
    .default('http://localhost:8233')
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.url('origins like http://localhost:8233').transform((u) => new URL(u).origin))),

  META_GRAPH_BASE_URL: httpUrl().optional(),
  META_GRAPH_VERSION: z
    .string()
    .regex(/^v\d+\.0$/, 'must look like v26.0')
    .default('v26.0'),
  KIE_BASE_URL: httpUrl().optional(),
  KIE_IMAGE_MODEL: z.enum(['google/nano-banana']).default('google/nano-banana'),
  KIE_CREDIT_USD: z.coerce.number().positive().default(0.005),
  KIE_DAILY_CREDIT_CAP: int(500, 0),
  KIE_MIN_BALANCE: int(100, 0),
  KIE_IMAGE_CREDITS: int(4, 0),
  KIE_POLL_INTERVAL_MS: int(3000, 10),
  KIE_IMAGE_TIMEOUT_MS: int(10 * 60_000, 1000),
  HTTP_TIMEOUT_MS: int(30_000, 100),
  // After a Meta create whose outcome is unknown (timeout, lost socket, 5xx) the retry looks the
  // object up by name this long before creating anew: it may commit late or show on edges late.
  META_CREATE_LOOKUP_WINDOW_MS: int(30_000, 0),
  META_CREATE_LOOKUP_INTERVAL_MS: int(3_000, 10),

  // Video (Veo 3.1 through Kie.ai)
  VIDEO_SHARE: z.coerce.number().min(0).max(1).default(0), // share of launches made as video
  VEO_MODEL: z.enum(['veo3_fast', 'veo3']).default('veo3_fast'),
  VEO_CREDITS_FAST: int(60, 0),
  VEO_CREDITS_QUALITY: int(250, 0),
  VEO_POLL_INTERVAL_MS: int(15_000, 10),
  VEO_WAIT_LIMIT_MS: int(15 * 60_000, 1000), // Kie: give up after 10-15 min
  META_VIDEO_WAIT_LIMIT_MS: int(10 * 60_000, 1000),
  // Where Kie can POST completion callbacks (public URL of `npm start`'s callback endpoint). Unset = polling only.
  KIE_CALLBACK_URL: httpUrl().optional(),
  CALLBACK_PORT: port(8790, 0),
  /** Where the Kie callback endpoint listens (0.0.0.0 in a container that Kie must reach). */
  CALLBACK_HOST: z.string().default('127.0.0.1'),
  KIE_WEBHOOK_HMAC_KEY: optionalSecret, // Kie's webhook signature key, when enabled on the account
  CALLBACK_TOKEN_SECRET: optionalSecret, // signs per-task callback tokens when no HMAC key is set

  // The trigger API (npm start): off unless API_TOKEN is set; every route but /healthz needs it as a bearer token.
  API_TOKEN: optionalSecret,
  API_PORT: port(8791, 0),
  API_HOST: z.string().default('127.0.0.1'),

  META_SIM_PORT: port(8788, 0),
  /** Where `npm run simulators` listens (0.0.0.0 when other containers call it). */
  SIM_HOST: z.string().default('127.0.0.1'),
  /** The Kie simulator's address as its callers reach it (its result-file links use it); default http://<SIM_HOST>:<KIE_SIM_PORT>. */
  KIE_SIM_PUBLIC_URL: httpUrl().optional(),
  KIE_SIM_PORT: port(8789, 0),
  SIM_TIME_SCALE: z.coerce.number().positive().default(60),

  // Per-queue worker tuning: concurrency (slots) and server-side queue rate (activities/s).
  ANALYSIS_CONCURRENCY: int(4, 1),
  IMAGES_CONCURRENCY: int(4, 1),
  VIDEO_CONCURRENCY: int(20, 1), // waits are mostly idle
  CAMPAIGN_CONCURRENCY: int(2, 1),
  IMAGES_RATE_PER_SEC: z.coerce.number().positive().default(1.5), // Kie: 20 creates / 10 s per account
  CAMPAIGN_RATE_PER_SEC: z.coerce.number().positive().default(2),

  // Prometheus /metrics of this process (SDK and maa_* series). `npm start` serves it on 9464 when
  // unset; a `npm run worker:<group>` process only when set (processes on one host need one port each).
  METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  START_EMBEDDED_TEMPORAL: bool(true),
});

export type Env = z.infer<typeof EnvSchema>;
/** Every variable name the schema reads (test/compose.test.ts checks docker-compose.yml uses no other). */
export const ENV_KEYS = Object.keys(EnvSchema.shape) as ReadonlyArray<keyof Env>;

/** Raised when the environment is invalid; the message names every bad variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

/** Parses and validates the environment (plus `.env`, unless `dotenvPath` is false). Throws ConfigError. */
export function loadConfig(env: Record<string, string | undefined> = process.env, opts: { dotenvPath?: string | false } = {}) {
  const fromFile = opts.dotenvPath === false ? {} : readDotenv(opts.dotenvPath ?? '.env');
  // Real environment wins over .env, as every dotenv user expects; an empty value means "not set".
  const merged = { ...definedOnly(fromFile), ...definedOnly(env) };
  const parsed = EnvSchema.safeParse(merged);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`));
  }
  try {
    return Object.freeze(toConfig(parsed.data, merged));
  } catch (err) {
    if (err instanceof AccountsFileError) throw new ConfigError(err.problems.map((p) => `ACCOUNTS_FILE ${err.file}: ${p}`));
    throw err;
  }
}

/** How the agent reaches Meta for one account: its own token, real Graph or the simulator. */
export interface MetaAccess {
  mode: 'real' | 'simulator';
  baseUrl: string;
  accessToken: string;
}
/** A configured account with the way to reach Meta for it. */
export type ConfiguredAccount = AccountConfig & { meta: MetaAccess };

/** The account list: the accounts file, or the single-account variables as its one entry. */
function toAccounts(e: Env, env: Record<string, string | undefined>): ConfiguredAccount[] {
  const simulatedAudiences = ['238400000000000001'];
  const defaults = {
    customAudienceIds: e.CUSTOM_AUDIENCE_IDS,
    countries: e.TARGET_COUNTRIES.length ? e.TARGET_COUNTRIES : ['US'],
    landingUrl: e.LANDING_URL,
    callToAction: e.CALL_TO_ACTION,
    dailyBudgetCents: e.DAILY_BUDGET,
    totalDailySpendCapCents: e.TOTAL_DAILY_SPEND_CAP,
    maxLiveAds: e.MAX_LIVE_ADS,
    maxAdSetDailyBudgetCents: e.MAX_ADSET_DAILY_BUDGET,
    kieDailyCreditCap: e.KIE_DAILY_CREDIT_CAP,
    hookLibraryPath: path.resolve(e.HOOK_LIBRARY_PATH),
    policy: undefined,
    videoShare: e.VIDEO_SHARE,
    intervalSeconds: e.RUN_INTERVAL,
    adsPerRun: e.ADS_PER_RUN,
    approval: e.APPROVAL_REQUIRED ? { timeout: e.APPROVAL_TIMEOUT, onTimeout: e.APPROVAL_DEFAULT } : undefined,
    objective: e.OBJECTIVE,
    pixelId: e.PIXEL_ID,
    attribution: { clickDays: e.ATTRIBUTION_CLICK_DAYS as 1 | 7 | 28, viewDays: e.ATTRIBUTION_VIEW_DAYS as 0 | 1 },
    valueOptimised: e.VALUE_OPTIMISED,
  };
  if (!e.ACCOUNTS_FILE) {
    const env: Record<string, string> = { pixelId: 'PIXEL_ID', valueOptimised: 'VALUE_OPTIMISED' };
    const problems = objectiveProblems(defaults).map(([field, message]) => `${env[field]}: ${message.replace('objective is', 'OBJECTIVE is')}`);
    if (problems.length) throw new ConfigError(problems);
  }
  const listed: AccountConfig[] = e.ACCOUNTS_FILE
    ? loadAccountsFile(e.ACCOUNTS_FILE, defaults)
    : [
        {
          ...defaults,
          id: e.AD_ACCOUNT_ID,
          name: e.AD_ACCOUNT_ID,
          pageId: e.PAGE_ID,
          enabled: true,
          ...(e.FB_TOKEN_EXPIRES_AT ? { tokenExpiresAt: e.FB_TOKEN_EXPIRES_AT } : {}),
        },
      ];
  return listed.map((a) => {
    const token = resolveToken(a.token, env, e.FB_ACCESS_TOKEN);
    const mode = token ? ('real' as const) : ('simulator' as const);
    return {
      ...a,
      // The simulator knows its own audiences; a real account must name its own.
      customAudienceIds: a.customAudienceIds.length || mode === 'real' ? a.customAudienceIds : simulatedAudiences,
      meta: {
        mode,
        baseUrl: e.META_GRAPH_BASE_URL ?? (mode === 'simulator' ? `http://127.0.0.1:${e.META_SIM_PORT}` : 'https://graph.facebook.com'),
        accessToken: token ?? 'sim-meta-token',
      },
    };
  });
}

/** The payload codec when keys are set; the encrypting key must be one of them. */
function payloadCodec(e: Env): AesGcmPayloadCodec | undefined {
  const keys = e.PAYLOAD_ENCRYPTION_KEYS;
  const keyId = e.PAYLOAD_ENCRYPTION_KEY_ID;
  if (!keys.length) {
    if (keyId) throw new ConfigError(['PAYLOAD_ENCRYPTION_KEY_ID: set, but PAYLOAD_ENCRYPTION_KEYS has no keys']);
    return undefined;
  }
  if (keyId && !keys.some((k) => k.id === keyId)) {
    throw new ConfigError([`PAYLOAD_ENCRYPTION_KEY_ID: "${keyId}" is not a key id of PAYLOAD_ENCRYPTION_KEYS (${keys.map((k) => k.id).join(', ')})`]);
  }
  return new AesGcmPayloadCodec(keys, keyId);
}

function toConfig(e: Env, env: Record<string, string | undefined>) {
  const dataDir = path.resolve(e.DATA_DIR);
  const codec = payloadCodec(e);
  const kieSim = !e.KIE_API_KEY;
  const accounts = toAccounts(e, env);
  const metaSim = accounts.some((a) => a.meta.mode === 'simulator');
  return {
    dataDir,
    dbPath: path.resolve(e.DB_PATH ?? path.join(dataDir, 'performance.db')),
    creativesDir: path.join(dataDir, 'creatives'),
    temporalDbPath: path.join(dataDir, 'temporal.sqlite'),
    /** Where the accounts come from (undefined: the single-account variables). */
    accountsFile: e.ACCOUNTS_FILE ? path.resolve(e.ACCOUNTS_FILE) : undefined,
    /** Every configured account, enabled or not, in file order. */
    accounts,
    /** The first account: the one commands act on without --account. */
    account: accounts[0]!,
    cycle: {
      insightsLookbackDays: e.INSIGHTS_LOOKBACK_DAYS,
      tokenExpiryWarnDays: e.TOKEN_EXPIRY_WARN_DAYS,
    },
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      uiPort: e.TEMPORAL_UI_PORT,
      startEmbedded: e.START_EMBEDDED_TEMPORAL,
      /** The AES-256-GCM payload codec when PAYLOAD_ENCRYPTION_KEYS is set (its keys stay private to it). */
      payloadCodec: codec,
      /** `dataConverter` of every Worker and Client: the codec, or undefined (payloads stored as they are). */
      dataConverter: codecDataConverter(codec),
    },
    /** The codec endpoint for the Web UI. */
    codec: { port: e.CODEC_PORT, host: e.CODEC_HOST, corsOrigins: e.CODEC_CORS_ORIGINS },
    meta: {
      /** 'simulator' when any account is served by the simulator (so the local stack starts it). */
      mode: metaSim ? ('simulator' as const) : ('real' as const),
      version: e.META_GRAPH_VERSION,
      simPort: e.META_SIM_PORT,
      /** META_GRAPH_BASE_URL was given: the Graph API (or a simulator) is elsewhere, start none here. */
      baseUrlGiven: !!e.META_GRAPH_BASE_URL,
      createLookup: { windowMs: e.META_CREATE_LOOKUP_WINDOW_MS, intervalMs: e.META_CREATE_LOOKUP_INTERVAL_MS },
    },
    kie: {
      mode: kieSim ? ('simulator' as const) : ('real' as const),
      apiKey: e.KIE_API_KEY ?? 'sim-kie-key',
      baseUrl: e.KIE_BASE_URL ?? (kieSim ? `http://127.0.0.1:${e.KIE_SIM_PORT}` : 'https://api.kie.ai'),
      imageModel: e.KIE_IMAGE_MODEL,
      creditUsd: e.KIE_CREDIT_USD,
      /** Per API key: Kie credits are one balance per key, whatever the accounts. */
      minBalance: e.KIE_MIN_BALANCE,
      imageCredits: e.KIE_IMAGE_CREDITS,
      pollIntervalMs: e.KIE_POLL_INTERVAL_MS,
      imageTimeoutMs: e.KIE_IMAGE_TIMEOUT_MS,
      simPort: e.KIE_SIM_PORT,
      /** KIE_BASE_URL was given: start no simulator here. */
      baseUrlGiven: !!e.KIE_BASE_URL,
      simHost: e.SIM_HOST,
      simPublicUrl: e.KIE_SIM_PUBLIC_URL,
    },
    video: {
      model: e.VEO_MODEL,
      credits: { veo3_fast: e.VEO_CREDITS_FAST, veo3: e.VEO_CREDITS_QUALITY },
      pollIntervalMs: e.VEO_POLL_INTERVAL_MS,
      waitLimitMs: e.VEO_WAIT_LIMIT_MS,
      metaWaitLimitMs: e.META_VIDEO_WAIT_LIMIT_MS,
    },
    callbacks: {
      // In simulator mode the simulator can reach us on loopback, so callbacks work out of the box.
      url: e.KIE_CALLBACK_URL ?? (kieSim ? `http://127.0.0.1:${e.CALLBACK_PORT}/kie/callback` : undefined),
      port: e.CALLBACK_PORT,
      host: e.CALLBACK_HOST,
      hmacKey: e.KIE_WEBHOOK_HMAC_KEY,
      tokenSecret: e.CALLBACK_TOKEN_SECRET ?? e.KIE_API_KEY ?? 'sim-callback-secret',
    },
    api: { token: e.API_TOKEN, port: e.API_PORT, host: e.API_HOST },
    simTimeScale: e.SIM_TIME_SCALE,
    httpTimeoutMs: e.HTTP_TIMEOUT_MS,
    workers: {
      analysis: { concurrency: e.ANALYSIS_CONCURRENCY },
      images: { concurrency: e.IMAGES_CONCURRENCY, ratePerSecond: e.IMAGES_RATE_PER_SEC },
      video: { concurrency: e.VIDEO_CONCURRENCY },
      campaign: { concurrency: e.CAMPAIGN_CONCURRENCY, ratePerSecond: e.CAMPAIGN_RATE_PER_SEC },
    },
    logLevel: e.LOG_LEVEL,
    metricsPort: e.METRICS_PORT,
  };
}

export type Config = ReturnType<typeof toConfig>;

function readDotenv(file: string): Record<string, string> {
  return existsSync(file) ? parseDotenv(readFileSync(file)) : {};
}

function definedOnly(env: Record<string, string | undefined>) {
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== '')) as Record<string, string>;
}
