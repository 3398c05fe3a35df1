/**
 * The trigger API: steer the agent over HTTP from your own tools. Runs in the `npm start` process
 * beside the Kie callback endpoint, on API_PORT, and only when API_TOKEN is set.
 *
 *   GET  /healthz                          no token; checks the Temporal connection and the DB
 *   POST /cycles                           {account, ads?, format?, policy?} -> 202 {workflowId}
 *   GET  /cycles/:workflowId               the cycle's status (stage, slots, pause, failure)
 *   POST /cycles/:workflowId/pause         {reason?}: hold its generations and launches
 *   POST /cycles/:workflowId/resume
 *   POST /cycles/:workflowId/slots/:slot/approve   {by?, reason?}: a creative waiting at the approval gate
 *   POST /cycles/:workflowId/slots/:slot/reject    {by?, reason?}
 *   POST /accounts/:account/launches/pause   future scheduled cycles launch nothing
 *   POST /accounts/:account/launches/resume
 *   POST /accounts/:account/next-cycle       {hook?, format?, by?}: what the account's next cycle uses
 *   GET  /accounts/:account/next-cycle       the pending request, if any
 *   DELETE /accounts/:account/next-cycle     withdraw it
 *   GET  /report                           the report's index over accounts (self-contained HTML)
 *   GET  /report/:account                  one account's report page
 *
 * Every route but /healthz needs `Authorization: Bearer <API_TOKEN>`, compared in constant time
 * and never logged. Bodies are validated with zod; a 400 names the bad field.
 *
 * Hono rather than a hand-written router: typed routes and middleware in a few kilobytes with no
 * dependencies, and it runs on Node through @hono/node-server (Fastify would do too, but brings a
 * plugin system this handful of routes does not need).
 */
import { serve, type ServerType } from '@hono/node-server';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { POLICIES } from '../temporal-config/policies';
import { decideLaunchUpdate, pauseLaunchesSignal, resumeLaunchesSignal, statusQuery } from '../workflows/ad-cycle';
import { rootCause } from '../workflows/failure';
import { startCycle } from './run-cycle';
import { cycleInput, setScheduledLaunchesPaused, type ScheduleSettings } from './schedule-ops';

export interface ApiServerOptions {
  port: number;
  host?: string;
  token: string;
  client: Client;
  /** The configured accounts (a cycle may only be started for one of them). */
  accounts: () => ReadonlyArray<ScheduleSettings & { enabled: boolean }>;
  /** Throws when the performance DB cannot be read (injected: the client does not open the DB). */
  checkDb: () => void | Promise<void>;
  /** Requests for an account's next cycle (injected: they are checked against the hook library and kept in the DB). */
  nextCycle?: {
    request(
      accountId: string,
      r: { hookId?: string; format?: 'image' | 'video'; requestedBy: string },
    ): { ok: true; nextCycle: unknown } | { ok: false; problems: string[] };
    pending(accountId: string): unknown;
    clear(accountId: string): boolean;
  };
  /** The report pages (injected: they are drawn from the DB); without it /report is 404. */
  report?: { index(): string; account(accountId: string): string | undefined };
}

const MAX_BODY_BYTES = 64 * 1024;

const StartCycle = z
  .object({
    account: z.string().regex(/^act_\d+$/, 'must look like act_<digits>'),
    ads: z.number().int().min(0).max(10).optional(),
    format: z.enum(['image', 'video']).optional(),
    policy: z.enum(POLICIES).optional(),
    hook: z.string().min(1).optional(),
    launchesPaused: z.boolean().optional(),
  })
  .strict();
const NextCycle = z
  .object({ hook: z.string().min(1).max(100).optional(), format: z.enum(['image', 'video']).optional(), by: z.string().max(100).optional() })
  .strict()
  .refine((b) => b.hook || b.format, { message: 'give a hook, a format or both', path: ['hook'] });
const Pause = z.object({ reason: z.string().max(500).optional() }).strict();
const Decision = z.object({ by: z.string().max(100).optional(), reason: z.string().max(500).optional() }).strict();

/** Constant-time comparison of the presented token with API_TOKEN (hashed first: equal lengths). */
function tokenMatches(presented: string | undefined, expected: string): boolean {
  if (!presented) return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

/** The JSON body, validated; a 400 names every bad field. */
async function body<T>(c: Context, schema: z.ZodType<T>): Promise<{ ok: true; data: T } | { ok: false; res: Response }> {
  let raw: unknown = {};
  const text = await c.req.text();
  if (text.trim()) {
    try {
      raw = JSON.parse(text);
    } catch {
      return { ok: false, res: c.json({ error: 'the body is not JSON' }, 400) };
    }
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, data: parsed.data };
  const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
  return { ok: false, res: c.json({ error: 'invalid request body', problems }, 400) };
}

export function createApi(opts: Omit<ApiServerOptions, 'port' | 'host'>): Hono {
  const app = new Hono();
  const { client } = opts;

  app.get('/healthz', async (c) => {
    const checks: Record<string, string> = {};
    try {
      await client.connection.workflowService.getSystemInfo({});
      checks.temporal = 'ok';
    } catch (err) {
      checks.temporal = `unreachable: ${(err as Error).message}`;
    }
    try {
      await opts.checkDb();
      checks.db = 'ok';
    } catch (err) {
      checks.db = `unreadable: ${(err as Error).message}`;
    }
    const ok = Object.values(checks).every((v) => v === 'ok');
    return c.json({ ok, checks }, ok ? 200 : 503);
  });

  app.use('*', async (c, next) => {
    const header = c.req.header('authorization');
    const presented = /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
    if (!tokenMatches(presented, opts.token)) return c.json({ error: 'missing or wrong bearer token' }, 401, { 'www-authenticate': 'Bearer' });
    await next();
  });
  // Every body here is a few fields: a bigger one is refused before it is read into memory.
  app.use('*', bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => c.json({ error: `the body is larger than ${MAX_BODY_BYTES} bytes` }, 413) }));

  app.post('/cycles', async (c) => {
    const b = await body(c, StartCycle);
    if (!b.ok) return b.res;
    const account = opts.accounts().find((a) => a.accountId === b.data.account);
    if (!account) return c.json({ error: `account: ${b.data.account} is not configured` }, 404);
    const input = cycleInput(account, {
      adsPerRun: b.data.ads,
      launchesPaused: b.data.launchesPaused,
      policy: b.data.policy,
      format: b.data.format,
      hookId: b.data.hook,
    });
    const { workflowId } = await startCycle(client, input, { suffix: `api-${new Date().toISOString().replace(/[:.]/g, '-')}`, startedBy: 'the API' });
    return c.json({ workflowId, input }, 202);
  });

  const cycle = (id: string) => client.workflow.getHandle(id);

  app.get('/cycles/:id', async (c) => {
    const handle = cycle(c.req.param('id'));
    const [desc, status] = await Promise.all([handle.describe(), handle.query(statusQuery)]);
    return c.json({ workflowId: desc.workflowId, runStatus: desc.status.name, ...status });
  });

  app.post('/cycles/:id/pause', async (c) => {
    const b = await body(c, Pause);
    if (!b.ok) return b.res;
    await cycle(c.req.param('id')).signal(pauseLaunchesSignal, { reason: b.data.reason ?? 'paused over the API' });
    return c.json({ ok: true });
  });

  app.post('/cycles/:id/resume', async (c) => {
    await cycle(c.req.param('id')).signal(resumeLaunchesSignal);
    return c.json({ ok: true });
  });

  app.post('/cycles/:id/slots/:slot{[0-9]+}/:op{approve|reject}', async (c) => {
    const b = await body(c, Decision);
    if (!b.ok) return b.res;
    const args = {
      slot: Number(c.req.param('slot')),
      approve: c.req.param('op') === 'approve',
      by: b.data.by ?? 'the API',
      ...(b.data.reason ? { reason: b.data.reason } : {}),
    };
    try {
      const status = await cycle(c.req.param('id')).executeUpdate(decideLaunchUpdate, { args: [args] });
      return c.json({ ok: true, slot: status.slots.find((s) => s.slot === args.slot) });
    } catch (err) {
      // The cycle refused the decision (no such slot, or it is not waiting): say why.
      if (err instanceof WorkflowUpdateFailedError) return c.json({ error: rootCause(err).message }, 409);
      throw err;
    }
  });

  app.post('/accounts/:account/launches/:op{pause|resume}', async (c) => {
    const account = opts.accounts().find((a) => a.accountId === c.req.param('account'));
    if (!account) return c.json({ error: `account: ${c.req.param('account')} is not configured` }, 404);
    const paused = c.req.param('op') === 'pause';
    await setScheduledLaunchesPaused(client, account, paused);
    return c.json({ ok: true, account: account.accountId, launchesPaused: paused });
  });

  app.post('/accounts/:account/next-cycle', async (c) => {
    if (!opts.nextCycle) return c.json({ error: 'next-cycle requests are not served by this process' }, 404);
    const b = await body(c, NextCycle);
    if (!b.ok) return b.res;
    const answer = opts.nextCycle.request(c.req.param('account'), { hookId: b.data.hook, format: b.data.format, requestedBy: b.data.by ?? 'the API' });
    if (!answer.ok) return c.json({ error: 'not stored', problems: answer.problems }, answer.problems.some((p) => p.startsWith('account:')) ? 404 : 400);
    return c.json({ ok: true, nextCycle: answer.nextCycle });
  });
  app.get('/accounts/:account/next-cycle', (c) => c.json({ pending: opts.nextCycle?.pending(c.req.param('account')) ?? null }));
  app.delete('/accounts/:account/next-cycle', (c) => c.json({ cleared: opts.nextCycle?.clear(c.req.param('account')) ?? false }));

  app.get('/report', (c) => (opts.report ? c.html(opts.report.index()) : c.json({ error: 'no report in this process' }, 404)));
  app.get('/report/:account', (c) => {
    const html = opts.report?.account(c.req.param('account'));
    return html ? c.html(html) : c.json({ error: `account: ${c.req.param('account')} is not configured` }, 404);
  });

  // A cycle id that names no workflow is a 404 on every route; anything else unexpected a 500.
  app.onError((err, c) =>
    err instanceof WorkflowNotFoundError ? c.json({ error: `no cycle ${c.req.param('id')}` }, 404) : c.json({ error: err.message }, 500),
  );
  return app;
}

export async function startApiServer(opts: ApiServerOptions): Promise<{ url: string; close(): Promise<void> }> {
  const app = createApi(opts);
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, port: opts.port, hostname: opts.host ?? '127.0.0.1' }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${opts.host ?? '127.0.0.1'}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
