/**
 * The codec endpoint of Temporal's remote codec protocol, so the Web UI (and `temporal workflow show
 * --codec-endpoint`) can show encrypted payloads decoded. Served by `npm run codec`, and by `npm start`
 * when PAYLOAD_ENCRYPTION_KEYS is set, on CODEC_PORT (8888) of CODEC_HOST (127.0.0.1).
 *
 *   POST /encode   {payloads: [{metadata: {k: base64}, data: base64}]} -> the same, encrypted
 *   POST /decode   the same form, encrypted -> decrypted (payloads not encrypted pass unchanged)
 *   OPTIONS *      the CORS preflight of the Web UI's browser requests
 *
 * The Web UI calls it from the browser, from its own origin, with `content-type`, `x-namespace` and
 * (when the UI is told to pass its access token) `authorization`, and with credentials: so a request
 * from an origin in CODEC_CORS_ORIGINS is answered with that origin and the credentials allowed, one
 * from any other origin is refused (403, no CORS headers), and one without an Origin (the CLI, curl)
 * is served. Anyone who reaches this port can decrypt what they send, and nothing here checks the
 * `authorization` header: keep it on loopback, or behind a proxy that authenticates.
 */
import { serve, type ServerType } from '@hono/node-server';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { PayloadDecryptionError } from '../temporal-config/payload-codec';

export interface CodecServerOptions {
  port: number;
  host?: string;
  codec: PayloadCodec;
  /** Browser origins allowed to call (the Web UI's, e.g. http://localhost:8233). */
  corsOrigins: readonly string[];
}

const ALLOWED_HEADERS = 'content-type,x-namespace,authorization';
const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');
/** A payload in the proto JSON form the Web UI sends: metadata values and data base64. */
const JsonPayload = z.object({ metadata: z.record(z.string(), base64).nullish(), data: base64.nullish() });
const Body = z.object({ payloads: z.array(JsonPayload) });
type JsonPayload = z.infer<typeof JsonPayload>;

const fromJson = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});
const toJson = (p: Payload): JsonPayload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')])),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

export function createCodecApi(opts: Omit<CodecServerOptions, 'port' | 'host'>): Hono {
  const origins = new Set(opts.corsOrigins);
  const app = new Hono();

  app.use('*', async (c, next) => {
    const origin = c.req.header('origin');
    c.header('Vary', 'Origin');
    if (origin !== undefined && !origins.has(origin)) return c.json({ error: `origin ${origin} is not allowed (CODEC_CORS_ORIGINS)` }, 403);
    if (origin !== undefined) {
      c.header('Access-Control-Allow-Origin', origin);
      c.header('Access-Control-Allow-Credentials', 'true');
    }
    if (c.req.method === 'OPTIONS') {
      c.header('Access-Control-Allow-Methods', 'POST');
      c.header('Access-Control-Allow-Headers', ALLOWED_HEADERS);
      c.header('Access-Control-Max-Age', '600');
      return c.body(null, 204);
    }
    await next();
  });
  // A history page sends many payloads at once; Temporal's own limit is 2 MB per payload.
  app.use('*', bodyLimit({ maxSize: 32 * 1024 * 1024, onError: (c) => c.json({ error: 'the body is larger than 32 MB' }, 413) }));

  const route = (op: 'encode' | 'decode') => async (c: Context) => {
    let raw: unknown;
    try {
      raw = await c.req.json();
    } catch {
      return c.json({ error: 'the body is not JSON' }, 400);
    }
    const parsed = Body.safeParse(raw);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
      return c.json({ error: 'invalid request body', problems }, 400);
    }
    try {
      const payloads = await opts.codec[op](parsed.data.payloads.map(fromJson));
      return c.json({ payloads: payloads.map(toJson) });
    } catch (err) {
      if (err instanceof PayloadDecryptionError) return c.json({ error: err.message }, 422);
      throw err;
    }
  };
  app.post('/encode', route('encode'));
  app.post('/decode', route('decode'));
  return app;
}

export async function startCodecServer(opts: CodecServerOptions): Promise<{ url: string; close(): Promise<void> }> {
  const app = createCodecApi(opts);
  const host = opts.host ?? '127.0.0.1';
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: opts.port, hostname: host }, () => resolve(s));
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
