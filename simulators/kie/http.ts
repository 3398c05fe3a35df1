/**
 * HTTP plumbing: the {code,msg,data} envelope, route results, body parsing and writing a
 * result in either error transport ('body': HTTP 200 always; 'http': HTTP status = body code).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ResolvedConfig } from './config';

export interface Envelope {
  code: number;
  msg: string;
  data: unknown;
}

export type RouteResult =
  { kind: 'json'; body: Envelope } | { kind: 'raw'; status: number; contentType: string; body: Buffer | string; headers?: Record<string, string> };

/** Default texts per envelope code (§8); used by errors and by 'code' faults without `msg`. */
export const CODE_MESSAGES: Record<number, string> = {
  400: 'Bad request',
  401: 'You do not have access permissions',
  402: 'The current credits are insufficient. Please top up.',
  404: 'Not found',
  405: 'Method not allowed',
  408: 'Upstream did not return a result for more than 10 minutes',
  413: 'Request body too large',
  422: 'Validation error',
  429: 'Rate limit exceeded',
  451: 'Failed to fetch the image. Please check access restrictions.',
  455: 'Service is currently under maintenance. Please try again later.',
  500: 'Internal server error, please try again later',
  501: 'Generation failed',
  505: 'The feature is currently disabled',
};

export function ok(data: unknown): RouteResult {
  return { kind: 'json', body: { code: 200, msg: 'success', data } };
}

export function fail(code: number, msg?: string, data: unknown = null): RouteResult {
  return { kind: 'json', body: { code, msg: msg ?? CODE_MESSAGES[code] ?? 'Error', data } };
}

export function raw(status: number, contentType: string, body: Buffer | string): RouteResult {
  return { kind: 'raw', status, contentType, body };
}

const MAX_BODY_BYTES = 1024 * 1024;

/** Reads the request body; resolves `undefined` for an empty body, throws 'too-large' past 1 MiB. */
export async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new Error('too-large');
    chunks.push(buf);
  }
  return size === 0 ? undefined : Buffer.concat(chunks).toString('utf8');
}

/** Parsed JSON, or a marker object when the text is not JSON. */
export function parseJson(text: string | undefined): { ok: true; value: unknown } | { ok: false } {
  if (text === undefined) return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

export function writeResult(cfg: ResolvedConfig, res: ServerResponse, result: RouteResult): void {
  if (result.kind === 'raw') {
    res.writeHead(result.status, {
      'content-type': result.contentType,
      'content-length': Buffer.byteLength(result.body),
      ...result.headers,
    });
    res.end(result.body);
    return;
  }
  const { code, msg, data } = result.body;
  const textField = cfg.variants.messageField ?? 'msg';
  const payload = JSON.stringify({ code, [textField]: msg, data });
  const status = cfg.errorTransport === 'http' && code >= 100 && code <= 999 ? code : 200;
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
  });
  res.end(payload);
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Bearer key from the Authorization header, or undefined. */
export function bearerKey(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer\s+(.+)$/i.exec(h.trim());
  return m?.[1]?.trim();
}
