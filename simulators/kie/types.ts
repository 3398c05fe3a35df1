/**
 * Public types of the Kie.ai simulator: options, fault rules, the in-process control handle,
 * and the task records kept in memory. See README.md beside this file for what each option does.
 */

/** Market (Nano Banana) models the simulator accepts on POST /api/v1/jobs/createTask. */
export const MARKET_MODELS = ['google/nano-banana', 'google/nano-banana-edit', 'nano-banana-pro', 'nano-banana-2'] as const;
export type MarketModel = (typeof MARKET_MODELS)[number];

/** Veo 3.1 models the simulator accepts on POST /api/v1/veo/generate. */
export const VEO_MODELS = ['veo3', 'veo3_fast', 'veo3_lite'] as const;
export type VeoModel = (typeof VEO_MODELS)[number];

/** Keys of the price table (credits per task). */
export type PriceKey = MarketModel | VeoModel | '4k' | '1080p';

export type CallbackMode = 'once' | 'drop' | 'duplicate' | 'late' | 'badSignature';

/** Minimal structured logger (pino-compatible); the simulator is silent without one. */
export interface KieSimLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

/** Response shape variants seen in the wild (§10.3); all off by default. */
export interface KieShapeVariants {
  /** Envelope text field name: 'msg' (schema, default) or 'message' (some doc examples). */
  messageField?: 'msg' | 'message';
  /** Veo `response.resultUrls` / `originUrls` as a JSON string instead of an array. */
  veoResultUrlsAsString?: boolean;
  /** Veo createTime / completeTime as Unix ms numbers instead of 'YYYY-MM-DD HH:mm:ss' strings. */
  veoTimesAsNumbers?: boolean;
  /** Market `failCode` / `failMsg` null instead of "" on success (older doc example). */
  marketFailCodeNull?: boolean;
}

export interface KieSimOptions {
  /** 0 = random free port (default). */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /** The address callers reach it at, for its result-file links (behind a container name, say); default http://host:port. */
  publicUrl?: string;
  /** Valid key -> starting credit balance; default { 'sim-kie-key': 10_000 }. */
  apiKeys?: Record<string, number>;
  /** 'body' (default): HTTP 200 with the error in body `code`; 'http': HTTP status = body code. */
  errorTransport?: 'body' | 'http';
  /** Real delay = documented delay / timeScale, for every *Ms option below (default 1). */
  timeScale?: number;
  /** Market state durations in documented ms; defaults 0–2 s, 0–5 s, 5–30 s. */
  imageStateDelaysMs?: { waiting: [number, number]; queuing: [number, number]; generating: [number, number] };
  /** Veo generation durations in documented ms; defaults 60–120 s, 120–300 s, 45–75 s. */
  veoDelaysMs?: { veo3_fast: [number, number]; veo3: [number, number]; veo3_lite: [number, number] };
  /** Veo 1080p / 4K upgrade durations in documented ms; defaults 60–180 s and 300–600 s. */
  upgradeDelaysMs?: { '1080p': [number, number]; '4k': [number, number] };
  /** Credits per task; defaults in prices.ts (nano-banana 4, veo3_fast 60, veo3 250, 4K 120, 1080p 0). */
  prices?: Partial<Record<PriceKey, number>>;
  /** When credits are taken (default 'create'); failed tasks are refunded / never charged. */
  chargeOn?: 'create' | 'success';
  /** When set, callbacks carry X-Webhook-Timestamp / X-Webhook-Signature (§6.3). */
  webhookHmacKey?: string;
  /** Default 'once'. 'late' delivers lateCallbackMs after the terminal state. */
  callbackMode?: CallbackMode;
  /** Documented ms between terminal state and a 'late' callback (default 30 s). */
  lateCallbackMs?: number;
  /** Callback delivery timeout in documented ms (default 15 s; never below 1 s real). */
  callbackTimeoutMs?: number;
  /** Result-file and Veo-record retention in documented ms (default 14 days). */
  retentionMs?: number;
  /** Validity of /common/download-url links in documented ms (default 20 min). */
  downloadUrlTtlMs?: number;
  /** Rate limits in REAL time (not scaled); false disables them. Defaults 20 creates / 10 s, 10 status calls / s. */
  rateLimits?: false | { createsPerWindow?: number; createWindowMs?: number; statusPerSecond?: number };
  /** REAL milliseconds (not scaled) each API request waits before it is handled, uniform in [min, max]: the
   *  network and Kie's own answer time. Default: none (answered at once). Admin routes never wait. */
  latencyMs?: [number, number];
  /** Seed for the delay / probability PRNG (default: random). */
  seed?: number;
  variants?: KieShapeVariants;
  logger?: KieSimLogger;
}

/**
 * A fault rule. Rules are checked in insertion order; a rule applies when every `match` field
 * matches, its `probability` roll succeeds and it has `times` left (default 1; negative = forever).
 * At most one 'slow' rule and one other rule apply to a request.
 */
export interface KieFaultRule {
  match: {
    /** Substring of the request path, e.g. '/api/v1/veo/generate'. */
    path?: string;
    method?: string;
    /** Model of the create body, or of the task a status call asks about. */
    model?: string;
  };
  kind: 'code' | 'taskFail' | 'stuck' | 'lostResponse' | 'slow' | 'drop';
  /** 'code': envelope code to answer (402, 429, 455, 500, 501, 505, ...). 'taskFail' on Veo: errorCode. */
  code?: number;
  /** 'taskFail' on Market: failCode string ('500' default, '422'). */
  failCode?: string;
  /** 'taskFail' on Veo: successFlag 2 (default) or 3. */
  successFlag?: 2 | 3;
  /** Overrides the default error text ('code' msg, failMsg, errorMessage). */
  msg?: string;
  times?: number;
  /** 0..1, default 1. */
  probability?: number;
  /** 'slow': real milliseconds (not scaled) to wait before handling the request. */
  delayMs?: number;
}

export type TaskFamily = 'market' | 'veo';

/** What tasks() returns for each task ever created. */
export interface KieTaskView {
  taskId: string;
  family: TaskFamily;
  model: string;
  /** Market: waiting/queuing/generating/success/fail. Veo: generating/success/fail/generate_fail. */
  state: string;
  /** Veo only: 0 generating, 1 success, 2 failed, 3 generation failed. */
  successFlag?: number;
  createdAt: number;
  body: unknown;
  resultUrls: string[];
  apiKey: string;
}

export interface KieCallbackRecord {
  taskId: string;
  url: string;
  status: number | 'error';
  at: number;
  body: unknown;
  headers: Record<string, string>;
  error?: string;
}

export interface KieSimulator {
  /** Base URL, e.g. http://127.0.0.1:40124 ; clients call `${url}/api/v1/jobs/createTask`. */
  url: string;
  close(): Promise<void>;
  injectFault(rule: KieFaultRule): void;
  clearFaults(): void;
  /** Every task ever created. */
  tasks(): KieTaskView[];
  /** Balance of apiKey (default: the first configured key). */
  credits(apiKey?: string): number;
  setCredits(apiKey: string, credits: number): void;
  /** Every callback attempt. */
  callbacks(): KieCallbackRecord[];
  setCallbackMode(mode: KieSimOptions['callbackMode']): void;
}
