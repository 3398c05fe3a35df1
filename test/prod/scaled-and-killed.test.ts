/**
 * The production topology, scaled and killed: `npm run stack:prod -- up --scale images=3` brings
 * up PostgreSQL, the full Temporal server on it (SQL visibility), one process per task queue with
 * THREE image workers, the endpoints (`npm run serve`, which creates the two accounts' schedules and
 * starts their first cycles at once) and the simulators. While images are being generated, the
 * image worker process that runs one of those activities (named by the server's pending-activity
 * worker identity, pid@host) is SIGKILLed. Both cycles must complete, and the simulators' own
 * records must show nothing created twice: one Kie task per creative, one campaign, ad set, creative
 * and ad per name. Every worker process and the endpoints serve metrics on ports of their own, and
 * the agent's series of both cycles are there. Run by `npm run test:prod` (also in .ci/run);
 * skipped, saying why, only when PostgreSQL cannot be installed on this machine.
 */
import { Client, Connection } from '@temporalio/client';
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/temporal-server';
import { agentPorts } from '../helpers/process';
import { sample } from '../helpers/prometheus';
import { WORKFLOW_TYPE } from '../../temporal-config/queues';
import type { AdCycleResult } from '../../workflows/ad-cycle-types';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ACCOUNTS = ['act_5550000001', 'act_5550000002'];
const dir = mkdtempSync(path.join(os.tmpdir(), 'maa-prod-'));
let env: Record<string, string>;
let client: Client;
let connection: Connection;
let upOutput: { seconds: number; TEMPORAL_ADDRESS: string } | undefined;
let skipWhy: string | undefined;
let upLog = '';
/** A listener holding one of the metrics ports where the stack's probe does not look (see beforeAll). */
let held: { port: number; server: net.Server } | undefined;

const stack = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'scripts/prod-stack.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 900_000,
  });

beforeAll(async () => {
  const accountsFile = path.join(dir, 'accounts.json');
  writeFileSync(
    accountsFile,
    JSON.stringify({
      accounts: ACCOUNTS.map((id, i) => ({
        id,
        name: `Prod test ${i + 1}`,
        pageId: `12210000000000010${i}`,
        customAudienceIds: [`23840000000000010${i}`],
        dailyBudget: 500,
        totalDailySpendCap: 5000,
        maxLiveAds: 6,
        videoShare: 0,
        runInterval: 86_400, // only the first cycle runs during the test
        adsPerRun: 2,
      })),
    }),
  );
  // The stack gives each process its own metrics port from PROD_METRICS_PORT up (one METRICS_PORT
  // for every process would be bound by the first only); the Web UI is not part of this stack.
  const { METRICS_PORT, TEMPORAL_UI_PORT: _noUi, ...ports } = await agentPorts();
  env = {
    ...ports,
    PROD_METRICS_PORT: METRICS_PORT!,
    PROD_STACK_DIR: dir,
    PROD_PG_PORT: String(await freePort()),
    PROD_PG_DATA: process.getuid?.() === 0 ? `/var/lib/meta-ads-agent/postgres-test-${process.pid}` : path.join(dir, 'postgres'),
    PROD_TEMPORAL_PORT: '27233',
    ACCOUNTS_FILE: accountsFile,
    // Images take seconds (not milliseconds), so the kill lands while one is being generated.
    SIM_TIME_SCALE: '3',
    KIE_POLL_INTERVAL_MS: '500',
    LOG_LEVEL: 'info',
  };
  // The third metrics port is taken on another loopback address: free to the stack's probe of
  // 127.0.0.1, taken for the worker's bind of 0.0.0.0. CI met this once (its holder unknown);
  // `up` must start that worker again on another port.
  const port = Number(METRICS_PORT) + 2;
  const server = net.createServer().listen(port, '127.0.0.2');
  await once(server, 'listening');
  held = { port, server };
  const r = stack('up', '--scale', 'images=3');
  upLog = r.stderr;
  if (r.status === 3) {
    skipWhy = r.stderr.trim();
    return;
  }
  expect(r.status, `${r.stderr}\n${r.stdout}`).toBe(0);
  upOutput = JSON.parse(r.stdout);
  // Hold the image generations in flight for a while (Kie's status answers come slowly), so the
  // kill below lands mid-activity however fast this machine is.
  await fetch(`http://127.0.0.1:${env.KIE_SIM_PORT}/__sim/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ kind: 'slow', delayMs: 8_000, match: { path: 'recordInfo' }, times: 6 }),
  });
  connection = await Connection.connect({ address: upOutput!.TEMPORAL_ADDRESS });
  client = new Client({ connection });
}, 900_000);

afterAll(async () => {
  held?.server.close();
  await connection?.close();
  if (env) {
    const r = stack('down');
    if (r.status !== 0) console.error(r.stderr);
  }
}, 120_000);

describe('production stack on PostgreSQL, scaled and killed', () => {
  it('completes both accounts’ cycles with an image worker SIGKILLed mid-activity, and creates nothing twice', async (ctx) => {
    if (skipWhy) {
      console.warn(`SKIPPED: PostgreSQL is not available here: ${skipWhy}`);
      ctx.skip();
    }
    const status = JSON.parse(stack('status').stdout) as { processes: Array<{ name: string; pid: number; alive: boolean; rssMiB: number; metrics?: string }> };
    const images = status.processes.filter((p) => p.name.startsWith('worker-images-'));
    expect(images).toHaveLength(3);
    expect(images.every((p) => p.alive)).toBe(true);

    // Metrics: a port per worker process and serve, each answering, and all of them in the file
    // Prometheus discovers its targets from.
    const withMetrics = status.processes.filter((p) => p.name !== 'simulators');
    const expected = ['orchestrator-0', 'analysis-0', 'images-0', 'images-1', 'images-2', 'video-0', 'campaign-0'].map((w) => `worker-${w}`);
    expect(withMetrics.map((p) => p.name).sort()).toEqual([...expected, 'serve'].sort());
    expect(new Set(withMetrics.map((p) => p.metrics)).size).toBe(withMetrics.length);
    // `up` returns once every one of them serves, the one whose port was held started again elsewhere.
    expect(upLog).toMatch(new RegExp(`metrics port ${held!.port} was taken when it started; starting it again on another port`));
    expect(withMetrics.map((p) => p.metrics)).not.toContain(`http://127.0.0.1:${held!.port}/metrics`);
    for (const p of withMetrics) expect((await fetch(p.metrics!)).status, `${p.name} at ${p.metrics}`).toBe(200);
    const targets = JSON.parse(readFileSync(path.join(dir, 'prometheus-targets.json'), 'utf8')) as Array<{ targets: string[]; labels: { process: string } }>;
    expect(targets.map((t) => `http://${t.targets[0]}/metrics ${t.labels.process}`).sort()).toEqual(withMetrics.map((p) => `${p.metrics} ${p.name}`).sort());

    // The schedules' first cycles (started at once by npm run serve).
    const cycles = async () => {
      const ids: string[] = [];
      for await (const w of client.workflow.list({ query: `WorkflowType = '${WORKFLOW_TYPE}'` })) ids.push(w.workflowId);
      return ids;
    };
    await expect.poll(async () => (await cycles()).length, { timeout: 60_000, interval: 500 }).toBe(2);
    const ids = await cycles();

    // Find an image activity in flight and the worker process that runs it.
    let victim: number | undefined;
    const deadline = Date.now() + 90_000;
    while (!victim && Date.now() < deadline) {
      for (const id of ids) {
        const d = await client.workflow.getHandle(id).describe();
        const raw = d.raw.pendingActivities ?? [];
        const running = raw.find(
          (a) => a.activityType?.name === 'generateImageCreative' && a.lastWorkerIdentity && String(a.state) !== 'PENDING_ACTIVITY_STATE_SCHEDULED',
        );
        // Worker identities are "<group>@<pid>" (workers/create-workers.ts).
        const pid = running ? Number(/@(\d+)$/.exec(running.lastWorkerIdentity!)?.[1]) : NaN;
        if (images.some((p) => p.pid === pid)) victim = pid;
      }
      if (!victim) await new Promise((r) => setTimeout(r, 200));
    }
    expect(victim, 'an image generation in flight on one of the three image workers').toBeDefined();
    process.kill(victim!, 'SIGKILL');

    // Both cycles complete (the killed attempt times out on its heartbeat; another worker resumes the same Kie task).
    const results = await Promise.all(ids.map((id) => client.workflow.getHandle(id).result() as Promise<AdCycleResult>));
    for (const r of results) {
      expect(r.status).toBe('completed');
      expect(r.slots.filter((s) => s.status === 'launched')).toHaveLength(2);
    }
    expect(new Set(results.map((r) => r.accountId))).toEqual(new Set(ACCOUNTS));
    const history = await client.workflow.getHandle(ids.find((id) => results.find((r) => r.cycleId === id))!).fetchHistory();
    expect(history.events?.length).toBeGreaterThan(10);

    // The simulators' own records: nothing created twice.
    const meta = (await (await fetch(`http://127.0.0.1:${env.META_SIM_PORT}/__sim/state`)).json()) as { objects: Record<string, Array<{ name?: string }>> };
    for (const kind of ['campaign', 'adset', 'adcreative', 'ad']) {
      const names = (meta.objects[kind] ?? []).map((o) => o.name);
      expect(names.length, kind).toBe(4);
      expect(new Set(names).size, `${kind} names are unique`).toBe(names.length);
    }
    // Kie: one task per creative, plus a resubmit only where the kill lost a create's answer (Kie has
    // no idempotency key and no task listing, so a create whose response never arrived cannot be
    // found again). The agent counts those on the creative's generation row and in the spend cap.
    const kie = (await (await fetch(`http://127.0.0.1:${env.KIE_SIM_PORT}/__sim/state`)).json()) as { tasks: unknown[] };
    const db = new Database(path.join(dir, 'agent', 'performance.db'), { readonly: true });
    const gen = db.prepare('select count(*) as rows, sum(submit_attempts) as attempts from generation_tasks').get() as { rows: number; attempts: number };
    db.close();
    const resubmits = gen.attempts - gen.rows;
    expect(gen.rows).toBe(4);
    expect(resubmits).toBeLessThanOrEqual(1); // only the killed attempt can have lost an answer
    expect(kie.tasks).toHaveLength(4 + resubmits);

    // The agent's series of both cycles, summed over the processes that serve metrics (the victim is gone).
    const scrapeAll = async () => Promise.all(withMetrics.filter((p) => p.pid !== victim).map(async (p) => (await fetch(p.metrics!)).text()));
    for (const account of ACCOUNTS) {
      // Counters reach the exporter on its next collection.
      await expect
        .poll(async () => (await scrapeAll()).reduce((n, t) => n + (sample(t, 'maa_launches_total', { account, format: 'image' }) ?? 0), 0), {
          timeout: 15_000,
          interval: 500,
        })
        .toBe(2);
    }
    expect((await scrapeAll()).join('\n')).toMatch(/temporal_activity_execution_latency\S*activity_type="generateImageCreative"/);

    // The retried activity ran on another image worker: the killed process is gone, the other two remain.
    const after = JSON.parse(stack('status').stdout) as { processes: Array<{ name: string; pid: number; alive: boolean }> };
    expect(after.processes.find((p) => p.pid === victim)?.alive ?? false).toBe(false);
    expect(after.processes.filter((p) => p.name.startsWith('worker-images-') && p.alive)).toHaveLength(2);
    console.log(
      JSON.stringify({
        upSeconds: upOutput?.seconds,
        killedPid: victim,
        kieTasks: kie.tasks.length,
        kieResubmits: resubmits,
        cycles: results.map((r) => ({ id: r.cycleId, outcome: r.outcome })),
      }),
    );
  }, 600_000);
});
