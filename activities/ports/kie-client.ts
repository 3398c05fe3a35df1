/**
 * A small typed client for the Kie.ai endpoints the agent uses (Nano Banana "market" jobs, Veo 3.1,
 * credits), on got + zod. A call succeeds only when HTTP is 2xx AND the body `code` is 200: Kie
 * reports most errors inside HTTP 200 bodies, some as HTTP statuses, and this client reads both.
 */
import { z } from 'zod';
import { clip, guarded, makeHttp, shapeProblems } from './http';

export interface KieClientOptions {
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** A Kie envelope error; `code` is the body code (or the HTTP status when the body has none). */
export class KieApiError extends Error {
  override readonly name = 'KieApiError';
  constructor(
    readonly operation: string,
    readonly code: number,
    readonly kieMessage: string,
  ) {
    super(`Kie ${operation}: code ${code} ${kieMessage}`);
  }
}

/** The code of a KieApiError for a 2xx answer that is JSON but not of the documented shape (no retry repeats it). */
export const UNEXPECTED_RESPONSE = -1;

const Envelope = z.object({ code: z.number(), msg: z.string().optional(), message: z.string().optional(), data: z.unknown() });
const TaskCreated = z.object({ taskId: z.string().min(1) });
const MarketRecord = z.object({
  taskId: z.string(),
  model: z.string().optional(),
  state: z.enum(['waiting', 'queuing', 'generating', 'success', 'fail']),
  resultJson: z.string().nullish(),
  failCode: z.union([z.string(), z.number()]).nullish(),
  failMsg: z.string().nullish(),
  costTime: z.number().nullish(),
  completeTime: z.union([z.number(), z.string()]).nullish(),
});
export type MarketRecord = z.infer<typeof MarketRecord>;
const UrlList = z.union([
  z.array(z.string().url()),
  z.string().transform((t, ctx) => {
    // Seen in the wild: resultUrls as a JSON string instead of an array.
    try {
      return z.array(z.string().url()).parse(JSON.parse(t));
    } catch {
      ctx.addIssue({ code: 'custom', message: 'resultUrls is neither an array nor a JSON array string' });
      return z.NEVER;
    }
  }),
]);
const VeoRecord = z.object({
  taskId: z.string(),
  successFlag: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]),
  response: z.object({ resultUrls: UrlList.nullish(), resolution: z.string().nullish() }).passthrough().nullish(),
  errorCode: z.union([z.number(), z.string()]).nullish(),
  errorMessage: z.string().nullish(),
});
export type VeoRecord = z.infer<typeof VeoRecord>;
export const VEO_MODELS = ['veo3_fast', 'veo3'] as const;
export type VeoModel = (typeof VEO_MODELS)[number];

const ResultJson = z.object({ resultUrls: z.array(z.string().url()).min(1) });

export const IMAGE_SIZES = ['1:1', '9:16', '16:9', '3:4', '4:3', '3:2', '2:3', '5:4', '4:5', '21:9', 'auto'] as const;

export function createKieClient(opts: KieClientOptions) {
  const http = makeHttp(opts.timeoutMs, opts.signal);
  const base = opts.baseUrl.replace(/\/$/, '');
  const headers = { authorization: `Bearer ${opts.apiKey}` };

  async function call<T>(
    operation: string,
    req: () => Promise<{ statusCode: number; body: string; headers: Record<string, string | string[] | undefined> }>,
    schema: z.ZodType<T>,
  ): Promise<T> {
    const res = await guarded('Kie', operation, req);
    let body: unknown;
    try {
      body = JSON.parse(res.body);
    } catch {
      // A cut or garbled body may pass on a retry (code 500); an error page keeps its HTTP status.
      const type = String(res.headers['content-type'] ?? 'no content type').split(';')[0];
      throw new KieApiError(
        operation,
        res.statusCode >= 400 ? res.statusCode : 500,
        `non-JSON response (HTTP ${res.statusCode}, ${type}, ${res.body.length} bytes)`,
      );
    }
    // JSON of another shape on a 2xx is a contract Kie (or whatever answers at KIE_BASE_URL) does
    // not keep: asking again gets the same answer, so it is UNEXPECTED_RESPONSE, which no retry repeats.
    const env = Envelope.safeParse(body);
    if (!env.success)
      throw new KieApiError(
        operation,
        res.statusCode >= 400 ? res.statusCode : UNEXPECTED_RESPONSE,
        `response is not a Kie envelope: ${shapeProblems(env.error)}`,
      );
    const msg = clip(env.data.msg ?? env.data.message ?? '');
    if (res.statusCode >= 400 || env.data.code !== 200) throw new KieApiError(operation, env.data.code !== 200 ? env.data.code : res.statusCode, msg);
    const data = schema.safeParse(env.data.data);
    if (!data.success) throw new KieApiError(operation, UNEXPECTED_RESPONSE, `unexpected data shape: ${shapeProblems(data.error)}`);
    return data.data;
  }

  return {
    /** Creates a Nano Banana text-to-image task. Accepted is not finished: poll `imageTask`. */
    createImageTask: (p: { model: 'google/nano-banana'; prompt: string; imageSize: (typeof IMAGE_SIZES)[number]; callBackUrl?: string }) =>
      call(
        'create image task',
        () =>
          http.post(`${base}/api/v1/jobs/createTask`, {
            headers,
            json: {
              model: p.model,
              ...(p.callBackUrl ? { callBackUrl: p.callBackUrl } : {}),
              input: { prompt: p.prompt, output_format: 'png', image_size: p.imageSize },
            },
          }),
        TaskCreated,
      ).then((d) => d.taskId),

    imageTask: (taskId: string) =>
      call('read image task', () => http.get(`${base}/api/v1/jobs/recordInfo`, { headers, searchParams: { taskId } }), MarketRecord),

    /** Submits a Veo 3.1 text-to-video job at 9:16 (both spellings of the ratio: the docs disagree). */
    createVideoTask: (p: { model: VeoModel; prompt: string; callBackUrl?: string; seeds?: number }) =>
      call(
        'create video task',
        () =>
          http.post(`${base}/api/v1/veo/generate`, {
            headers,
            json: {
              prompt: p.prompt,
              model: p.model,
              generationType: 'TEXT_2_VIDEO',
              aspect_ratio: '9:16',
              aspectRatio: '9:16',
              enableTranslation: false,
              ...(p.seeds ? { seeds: p.seeds } : {}),
              ...(p.callBackUrl ? { callBackUrl: p.callBackUrl } : {}),
            },
          }),
        TaskCreated,
      ).then((d) => d.taskId),

    /** Veo status; record-info is the final authority over callbacks. `null` = Kie has no such record yet. */
    videoTask: (taskId: string) =>
      call('read video task', () => http.get(`${base}/api/v1/veo/record-info`, { headers, searchParams: { taskId } }), VeoRecord.nullable()),

    /** Remaining credit balance (an integer). */
    credits: () => call('read credits', () => http.get(`${base}/api/v1/chat/credit`, { headers }), z.number()),

    /** Downloads a result file. No Authorization header: result hosts are public CDNs. */
    async download(url: string): Promise<Buffer> {
      const res = await guarded('Kie', 'download result', () => http.get(url, { responseType: 'buffer' }));
      if (res.statusCode !== 200) throw new KieApiError('download result', res.statusCode, 'result file not available');
      return res.body;
    },
  };
}

export type KieClient = ReturnType<typeof createKieClient>;

/** The result URLs of a finished market task (resultJson is JSON text). */
export function resultUrls(record: MarketRecord): string[] {
  let json: unknown;
  try {
    json = JSON.parse(record.resultJson || '{}');
  } catch {
    // A SyntaxError here would be retried as if it could pass; the record says the same on every read.
    throw new KieApiError('read image task', UNEXPECTED_RESPONSE, `success with a resultJson that is not JSON (${record.resultJson?.length ?? 0} characters)`);
  }
  const parsed = ResultJson.safeParse(json);
  if (!parsed.success) throw new KieApiError('read image task', 500, 'success without resultUrls');
  return parsed.data.resultUrls;
}
