/**
 * The endpoint Kie.ai calls when a task ends (POST /kie/callback?wf=<workflow id>&slot=<n>&token=<t>).
 * It verifies the call, then signals the waiting cycle so its video wait ends at once. Polling stays
 * the fallback, so a dropped callback only costs time; duplicates and late callbacks are harmless
 * (the signal handler keeps one entry per task, and a finished cycle is simply not signalled), and
 * a callback already relayed is not relayed again (409: a replay). Bodies over 1 MB are refused (413).
 *
 * Verification: Kie's webhook signature (X-Webhook-Timestamp / X-Webhook-Signature, HMAC-SHA256 of
 * `<taskId>.<timestamp>`) when a key is configured; otherwise the per-task token in the URL, which
 * only our submitVideo activity can compute.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { kieCallbackSignal } from '../workflows/ad-cycle';
import { callbackToken } from '../temporal-config/callback-token';

export interface CallbackServerOptions {
  port: number;
  /** Listen address; default 127.0.0.1. */
  host?: string;
  client: Client;
  hmacKey?: string;
  tokenSecret: string;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

const Body = z.object({
  code: z.number().int(),
  msg: z.string().optional(),
  data: z.object({ taskId: z.string().min(1).optional(), task_id: z.string().min(1).optional() }).passthrough(),
});
const Query = z.object({ wf: z.string().min(1), slot: z.coerce.number().int().min(0), token: z.string().optional() });

const MAX_SKEW_S = 300;
/** Kie's callback bodies are a few kilobytes; a bigger one is refused unread rather than held in memory. */
const MAX_BODY_BYTES = 1024 * 1024;
/** How long a relayed callback is remembered to refuse its replay (token callbacks carry no timestamp). */
const REPLAY_MEMORY_MS = 60 * 60_000;
const REPLAY_MEMORY_ENTRIES = 10_000;

/** Callbacks already relayed, by their signature (or, with per-task tokens, by what they say): a replay is refused. */
function replayGuard(now = () => Date.now()) {
  const seen = new Map<string, number>(); // key -> forgotten at (ms); insertion order = age
  const prune = () => {
    for (const [key, until] of seen) {
      if (until > now() && seen.size <= REPLAY_MEMORY_ENTRIES) break;
      seen.delete(key);
    }
  };
  return {
    seen: (key: string) => (prune(), (seen.get(key) ?? 0) > now()),
    remember: (key: string) => void seen.set(key, now() + REPLAY_MEMORY_MS),
  };
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function startCallbackServer(opts: CallbackServerOptions): Promise<{ url: string; close(): Promise<void> }> {
  const log = opts.log ?? (() => {});
  const replays = replayGuard();
  const server = http.createServer((req, res) => {
    const reply = (status: number, body: object) => {
      if (res.headersSent) return;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    // A client that goes away mid-body must not take the process with it (an unhandled 'error').
    req.on('error', () => undefined);
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/kie/callback') return reply(404, { error: 'not found' });
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return reply(405, { error: `method ${req.method}: the callback endpoint takes POST only` });
    }
    const tooLarge = () => reply(413, { error: `the body is larger than ${MAX_BODY_BYTES} bytes` });
    if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) {
      tooLarge();
      return void req.resume(); // read and dropped, never held
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) return tooLarge(); // chunked: refused once it passes the limit, the rest dropped
      chunks.push(c);
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) return;
      void (async () => {
        const query = Query.safeParse(Object.fromEntries(url.searchParams));
        let json: unknown;
        try {
          json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          return reply(400, { error: 'body is not JSON' });
        }
        const body = Body.safeParse(json);
        if (!query.success || !body.success) {
          const problems = [
            ...(query.success ? [] : query.error.issues.map((i) => `query ${i.path.join('.')}: ${i.message}`)),
            ...(body.success ? [] : body.error.issues.map((i) => `body ${i.path.join('.') || '(body)'}: ${i.message}`)),
          ];
          return reply(400, { error: 'unexpected callback shape', problems: problems.slice(0, 10) });
        }
        const taskId = body.data.data.taskId ?? body.data.data.task_id!;
        if (!taskId) return reply(400, { error: 'no taskId' });
        if (!verified(req, taskId, query.data)) {
          log('rejected an unverified Kie callback', { taskId, workflowId: query.data.wf });
          return reply(401, { error: 'signature or token mismatch' });
        }
        // The same signed call (or, with tokens, the same report of the same task) relayed twice:
        // harmless to the cycle, but a replay is someone else's traffic, so it is refused.
        const replayKey = opts.hmacKey
          ? `sig:${String(req.headers['x-webhook-signature'])}`
          : `task:${query.data.wf}|${query.data.slot}|${taskId}|${body.data.code}`;
        if (replays.seen(replayKey)) {
          log('refused a replayed Kie callback', { taskId, workflowId: query.data.wf });
          return reply(409, { error: 'this callback was already received' });
        }
        try {
          await opts.client.workflow.getHandle(query.data.wf).signal(kieCallbackSignal, { slot: query.data.slot, taskId, code: body.data.code });
          log('Kie callback relayed to the cycle', { taskId, workflowId: query.data.wf, code: body.data.code });
        } catch (err) {
          // A late callback for a finished cycle: nothing to do, and Kie must not retry.
          if (!(err instanceof WorkflowNotFoundError) && !/not found|already completed/i.test((err as Error).message)) {
            log('could not signal the cycle', { taskId, error: (err as Error).message });
            return reply(503, { error: 'try again' });
          }
        }
        replays.remember(replayKey);
        reply(200, { code: 200, msg: 'ok' });
      })();
    });
  });

  function verified(req: http.IncomingMessage, taskId: string, q: z.infer<typeof Query>): boolean {
    if (opts.hmacKey) {
      const ts = String(req.headers['x-webhook-timestamp'] ?? '');
      const sig = String(req.headers['x-webhook-signature'] ?? '');
      if (!/^\d+$/.test(ts) || Math.abs(Date.now() / 1000 - Number(ts)) > MAX_SKEW_S) return false;
      const expected = createHmac('sha256', opts.hmacKey).update(`${taskId}.${ts}`).digest('base64');
      return safeEqual(sig, expected);
    }
    return !!q.token && safeEqual(q.token, callbackToken(opts.tokenSecret, q.wf, q.slot));
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/kie/callback`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
