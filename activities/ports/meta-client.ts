/**
 * A small typed client for the Meta Graph (Marketing) API endpoints the agent uses, on got + zod.
 * Not `facebook-nodejs-business-sdk` (no types, pinned versions, a process-wide crash reporter).
 * Nested parameters are sent form-encoded as JSON strings, as the API requires. The same code talks
 * to graph.facebook.com or to the local simulator: only `baseUrl` and the token differ.
 */
import { z } from 'zod';
import { clip, guarded, makeHttp, shapeProblems } from './http';

export interface MetaClientOptions {
  baseUrl: string;
  version: string;
  accessToken: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /**
   * How many times faster than ours the Graph API's clock runs: 1 for Meta; SIM_TIME_SCALE for the
   * simulator, whose "regain access in 5 minutes" means 5 of its minutes.
   */
  clockScale?: number;
}

const ErrorEnvelope = z.object({
  error: z.object({
    message: z.string(),
    type: z.string().optional(),
    code: z.number(),
    error_subcode: z.number().optional(),
    is_transient: z.boolean().optional(),
    error_user_title: z.string().optional(),
    error_user_msg: z.string().optional(),
    fbtrace_id: z.string().optional(),
  }),
});

/** A Graph API error envelope. `retryAfterMs` comes from the usage headers when throttled. */
export class MetaApiError extends Error {
  override readonly name = 'MetaApiError';
  constructor(
    readonly operation: string,
    readonly httpStatus: number,
    readonly code: number,
    readonly subcode: number | undefined,
    readonly isTransient: boolean,
    message: string,
    readonly userMessage?: string,
    readonly retryAfterMs?: number,
  ) {
    super(`Meta ${operation}: ${message}${subcode ? ` (subcode ${subcode})` : ''}${userMessage ? ` — ${userMessage}` : ''}`);
  }
}

const Created = z.object({ id: z.string().regex(/^\d+$/) });
const Success = z.object({ success: z.boolean() });
const ImagesUploaded = z.object({
  images: z.record(z.string(), z.object({ hash: z.string().min(1), url: z.string().optional() })),
});
const NamedList = z.object({
  data: z.array(z.object({ id: z.string(), name: z.string().optional(), status: z.string().optional(), effective_status: z.string().optional() })),
});
const num = z
  .string()
  .regex(/^-?\d+(\.\d+)?$/)
  .transform(Number);
/**
 * `actions` / `action_values` entries: `value` under the ad set's attribution setting, plus one key
 * per window when `action_attribution_windows` is asked for (`"7d_click": "3"`); other keys pass.
 */
const ActionList = z.array(z.object({ action_type: z.string(), value: num }).catchall(z.unknown())).optional();
export type InsightAction = NonNullable<z.infer<typeof ActionList>>[number];
export const InsightRow = z.object({
  ad_id: z.string(),
  adset_id: z.string().optional(),
  campaign_id: z.string().optional(),
  date_start: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  date_stop: z.string(),
  impressions: num,
  reach: num.optional(),
  clicks: num.optional(),
  inline_link_clicks: num.optional(),
  spend: num,
  actions: ActionList,
  action_values: ActionList,
});
export type InsightRow = z.infer<typeof InsightRow>;
const Paging = z.object({ next: z.string().optional(), cursors: z.object({ after: z.string().optional() }).optional() }).optional();
const InsightsPage = z.object({ data: z.array(InsightRow), paging: Paging });

const AdStates = z.object({
  data: z.array(
    z.object({
      id: z.string(),
      adset_id: z.string().optional(),
      effective_status: z.string(),
      // e.g. {"global": {"<policy>": "<why>"}}
      ad_review_feedback: z.record(z.string(), z.record(z.string(), z.string())).optional(),
    }),
  ),
  paging: Paging,
});
export type AdState = z.infer<typeof AdStates>['data'][number];
const AdSetBudgets = z.object({ data: z.array(z.object({ id: z.string(), daily_budget: num.optional() })), paging: Paging });
/**
 * Every status an object can be read in but DELETED (edges never list deleted objects), per edge:
 * Graph checks an `effective_status` filter against the edge's own enum (reference 5.1) and
 * answers code 100 to a value of another node type. Ad creatives have no effective_status at all.
 */
const LISTED_STATUS = {
  campaigns: ['ACTIVE', 'PAUSED', 'ARCHIVED', 'IN_PROCESS', 'WITH_ISSUES'],
  adsets: ['ACTIVE', 'PAUSED', 'ARCHIVED', 'IN_PROCESS', 'WITH_ISSUES', 'CAMPAIGN_PAUSED'],
  ads: [
    'ACTIVE',
    'PAUSED',
    'ARCHIVED',
    'IN_PROCESS',
    'WITH_ISSUES',
    'PENDING_REVIEW',
    'DISAPPROVED',
    'PREAPPROVED',
    'PENDING_BILLING_INFO',
    'CAMPAIGN_PAUSED',
    'ADSET_PAUSED',
  ],
} as const;
const ANY_AD_STATUS = LISTED_STATUS.ads;

/** The query that finds an edge's objects by exact name, whatever their status. */
export function findByNameParams(edge: Edge, name: string): Params {
  const filtering = [{ field: 'name', operator: 'EQUAL', value: name }];
  if (edge === 'adcreatives') return { fields: 'id,name,status', filtering, limit: 25 };
  return { fields: 'id,name,status,effective_status', filtering, effective_status: LISTED_STATUS[edge], limit: 25 };
}

const VideoList = z.object({ data: z.array(z.object({ id: z.string(), title: z.string().optional() })), paging: Paging });

type Params = Record<string, string | number | boolean | object | undefined>;
/** One page of a Graph list. */
type Page<T> = { data: T[]; paging?: { next?: string; cursors?: { after?: string } } };
export type Edge = 'campaigns' | 'adsets' | 'ads' | 'adcreatives';

export function createMetaClient(opts: MetaClientOptions) {
  const http = makeHttp(opts.timeoutMs, opts.signal);
  const root = `${opts.baseUrl.replace(/\/$/, '')}/${opts.version}`;
  const scaled = (ms: number | undefined) => (ms === undefined ? undefined : Math.max(1_000, Math.round(ms / (opts.clockScale ?? 1))));

  /** Form-encode: objects and arrays become JSON strings; booleans true/false. */
  const encode = (params: Params) =>
    Object.fromEntries(
      Object.entries(params)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : String(v)]),
    );

  async function call<T>(operation: string, method: 'GET' | 'POST' | 'DELETE', url: string, params: Params, schema: z.ZodType<T>): Promise<T> {
    const res = await guarded('Meta', operation, () =>
      method === 'POST'
        ? http.post(url, { form: { ...encode(params), access_token: opts.accessToken } })
        : http(url, { method, searchParams: { ...encode(params), access_token: opts.accessToken } }),
    );
    // An answer that is no Graph answer (a proxy's HTML page, a cut body) is worth a retry when
    // it may pass: a 5xx gateway page, a 408/429, a garbled 2xx (code 1, transient). A 4xx page
    // (wrong URL, a proxy refusing us) comes back the same however often it is asked (code -1).
    const passing = res.statusCode < 400 || res.statusCode >= 500 || res.statusCode === 408 || res.statusCode === 429;
    let body: unknown;
    try {
      body = JSON.parse(res.body);
    } catch {
      const type = String(res.headers['content-type'] ?? 'no content type').split(';')[0];
      throw new MetaApiError(
        operation,
        res.statusCode,
        passing ? 1 : -1,
        undefined,
        passing,
        `non-JSON response (HTTP ${res.statusCode}, ${type}, ${res.body.length} bytes)`,
      );
    }
    const err = ErrorEnvelope.safeParse(body);
    if (err.success) {
      const e = err.data.error;
      const userMessage = e.error_user_msg === undefined ? undefined : clip(e.error_user_msg);
      throw new MetaApiError(
        operation,
        res.statusCode,
        e.code,
        e.error_subcode,
        !!e.is_transient,
        clip(e.message),
        userMessage,
        scaled(retryAfter(res.headers)),
      );
    }
    if (res.statusCode >= 400)
      throw new MetaApiError(operation, res.statusCode, passing ? 1 : -1, undefined, passing, `HTTP ${res.statusCode} without error envelope`);
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      throw new MetaApiError(operation, res.statusCode, -1, undefined, false, `unexpected response shape: ${shapeProblems(parsed.error)}`);
    }
    return parsed.data;
  }

  const act = (accountId: string) => `${root}/${accountId}`;

  /** A GET list, following every page (100 rows a page, at most 1,000 pages). */
  async function allPages<T>(operation: string, url: string, params: Params, schema: z.ZodType<Page<T>>, onPage?: (n: number) => void): Promise<T[]> {
    const rows: T[] = [];
    let after: string | undefined;
    for (let page = 0; page < 1000; page++) {
      const res = await call(operation, 'GET', url, { ...params, limit: 100, after }, schema);
      rows.push(...res.data);
      onPage?.(rows.length);
      after = res.paging?.next ? res.paging.cursors?.after : undefined;
      if (!after) break;
    }
    return rows;
  }

  /** allPages for the objects with these ids, 50 ids a request (filtering on id IN). */
  async function byIds<T>(operation: string, url: string, ids: string[], params: Params, schema: z.ZodType<Page<T>>): Promise<T[]> {
    const rows: T[] = [];
    for (let i = 0; i < ids.length; i += 50) {
      rows.push(...(await allPages(operation, url, { ...params, filtering: [{ field: 'id', operator: 'IN', value: ids.slice(i, i + 50) }] }, schema)));
    }
    return rows;
  }

  return {
    createCampaign: (accountId: string, p: Params) => call('create campaign', 'POST', `${act(accountId)}/campaigns`, p, Created),
    createAdSet: (accountId: string, p: Params) => call('create ad set', 'POST', `${act(accountId)}/adsets`, p, Created),
    createCreative: (accountId: string, p: Params) => call('create creative', 'POST', `${act(accountId)}/adcreatives`, p, Created),
    createAd: (accountId: string, p: Params) => call('create ad', 'POST', `${act(accountId)}/ads`, p, Created),

    /** Uploads image bytes (base64); the response map is keyed by the upload name. */
    async uploadImage(accountId: string, name: string, bytes: Buffer): Promise<string> {
      const res = await call('upload image', 'POST', `${act(accountId)}/adimages`, { bytes: bytes.toString('base64'), name }, ImagesUploaded);
      const first = Object.values(res.images)[0];
      if (!first) throw new MetaApiError('upload image', 200, -1, undefined, false, 'no image in response');
      return first.hash;
    },

    /** Finds objects on an account edge by exact name, including paused and archived ones (not deleted). */
    async findByName(accountId: string, edge: Edge, name: string) {
      const rows = await allPages(`find ${edge} by name`, `${act(accountId)}/${edge}`, findByNameParams(edge, name), NamedList);
      return rows.filter((d) => d.name === name);
    },

    /** Every object on an edge whose name contains `fragment` (the agent's "maa|" names), whatever its status but deleted. */
    async findByNameContaining(accountId: string, edge: Edge, fragment: string) {
      const params = { ...findByNameParams(edge, fragment), filtering: [{ field: 'name', operator: 'CONTAIN', value: fragment }], limit: 100 };
      const rows = await allPages(`list ${edge} named ${fragment}*`, `${act(accountId)}/${edge}`, params, NamedList);
      return rows.filter((d) => d.name?.includes(fragment));
    },

    /** What Graph's debug_token says of this client's own token (reference §14): validity, expiry (Unix s, 0 = never), scopes. */
    debugToken: () =>
      call(
        'debug token',
        'GET',
        `${root}/debug_token`,
        { input_token: opts.accessToken },
        z.object({
          data: z.object({ is_valid: z.boolean(), expires_at: z.number().int().optional(), scopes: z.array(z.string()).optional() }).passthrough(),
        }),
      ).then((r) => r.data),

    /** Deletes an object (campaign, ad set, ad, ad creative, video); a deleted campaign takes its children along. */
    deleteObject: (id: string) => call('delete object', 'DELETE', `${root}/${id}`, {}, Success),

    /**
     * Proves the token may write to the account without creating anything: a campaign create with
     * execution_options=["validate_only"] runs every check a real create does (reference 9).
     */
    validateWriteAccess: (accountId: string, objective = 'OUTCOME_TRAFFIC') =>
      call(
        'check write access',
        'POST',
        `${act(accountId)}/campaigns`,
        {
          name: 'maa|write-access-check',
          // The account's own campaign objective: the check is the create a launch makes first.
          objective,
          status: 'PAUSED',
          special_ad_categories: [],
          is_adset_budget_sharing_enabled: false,
          execution_options: ['validate_only'],
        },
        Success,
      ),

    /** Uploads a video that Meta fetches itself from `fileUrl` (a public URL, e.g. Kie's result file). */
    uploadVideoFromUrl: (accountId: string, p: { fileUrl: string; title: string }) =>
      call('upload video', 'POST', `${act(accountId)}/advideos`, { file_url: p.fileUrl, title: p.title, name: p.title }, Created),

    /** Videos are not idempotent: before re-uploading, look for those with the same title (the edge takes no name filter). */
    async findVideosByTitle(accountId: string, title: string): Promise<string[]> {
      const rows = await allPages('find video by title', `${act(accountId)}/advideos`, { fields: 'id,title' }, VideoList);
      return rows.filter((v) => v.title === title).map((v) => v.id);
    },

    videoStatus: (videoId: string) =>
      call(
        'read video status',
        'GET',
        `${root}/${videoId}`,
        { fields: 'id,status' },
        z.object({ id: z.string(), status: z.object({ video_status: z.string() }).passthrough() }),
      ).then((v) => v.status.video_status),

    videoThumbnails: (videoId: string) =>
      call(
        'read video thumbnails',
        'GET',
        `${root}/${videoId}/thumbnails`,
        {},
        z.object({ data: z.array(z.object({ uri: z.string().url(), is_preferred: z.boolean().optional() })) }),
      ).then((r) => r.data),

    setStatus: (id: string, status: 'ACTIVE' | 'PAUSED' | 'ARCHIVED') => call(`set status ${status}`, 'POST', `${root}/${id}`, { status }, Success),
    setDailyBudget: (adsetId: string, cents: number) => call('set daily budget', 'POST', `${root}/${adsetId}`, { daily_budget: cents }, Success),

    getStatus: (id: string) =>
      call(
        'read status',
        'GET',
        `${root}/${id}`,
        { fields: 'id,status,effective_status' },
        z.object({ id: z.string(), status: z.string(), effective_status: z.string().optional() }),
      ),

    /** Delivery and review state of the given ads (every status but deleted). */
    adStates: (accountId: string, adIds: string[]): Promise<AdState[]> =>
      byIds(
        'read ad states',
        `${act(accountId)}/ads`,
        adIds,
        { fields: 'id,adset_id,effective_status,ad_review_feedback', effective_status: ANY_AD_STATUS },
        AdStates,
      ),

    /** Current daily budgets (cents) of the given ad sets. */
    async adSetBudgets(accountId: string, adsetIds: string[]): Promise<Map<string, number>> {
      const rows = await byIds(
        'read ad set budgets',
        `${act(accountId)}/adsets`,
        adsetIds,
        { fields: 'id,daily_budget', effective_status: LISTED_STATUS.adsets },
        AdSetBudgets,
      );
      return new Map(rows.flatMap((a) => (a.daily_budget !== undefined ? [[a.id, a.daily_budget] as const] : [])));
    },

    /**
     * Ad-level daily insights over [since, until], following every page. `windows` (a results
     * account's attribution windows, e.g. ["7d_click","1d_view"]) asks for per-window action counts
     * and for `action_values` (purchase values); without it the read is a traffic account's.
     */
    adInsights: (accountId: string, since: string, until: string, onPage?: (n: number) => void, windows?: string[]): Promise<InsightRow[]> =>
      allPages(
        'read insights',
        `${act(accountId)}/insights`,
        {
          level: 'ad',
          time_range: { since, until },
          time_increment: 1,
          fields: `ad_id,adset_id,campaign_id,date_start,date_stop,impressions,reach,clicks,inline_link_clicks,spend,actions${windows?.length ? ',action_values' : ''}`,
          ...(windows?.length ? { action_attribution_windows: windows } : {}),
        },
        InsightsPage,
        onPage,
      ),
  };
}

export type MetaClient = ReturnType<typeof createMetaClient>;

/** Throttle headers: BUC `estimated_time_to_regain_access` is in minutes. */
function retryAfter(headers: Record<string, string | string[] | undefined>): number | undefined {
  const raw = headers['x-business-use-case-usage'];
  if (typeof raw !== 'string') return undefined;
  try {
    const parsed = JSON.parse(raw) as Record<string, Array<{ estimated_time_to_regain_access?: number }>>;
    const minutes = Math.max(
      0,
      ...Object.values(parsed)
        .flat()
        .map((u) => u.estimated_time_to_regain_access ?? 0),
    );
    return minutes > 0 ? minutes * 60_000 : undefined;
  } catch {
    return undefined;
  }
}
