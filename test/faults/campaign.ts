/**
 * The fault campaign: many cycles over several accounts against the simulators, with faults drawn
 * by a seeded schedule (Meta, Kie, callbacks, worker processes, the Temporal server, the DB), then
 * the invariants checked against the simulators' own records, not the agent's DB alone:
 *   duplicate Meta objects, Kie tasks beyond the counted lost-create resubmits, Meta objects the DB
 *   does not know, live ads the agent does not track, cycles that ended without a named reason,
 *   spend-cap breaches by account and simulated day.
 * Workers run as one process per task queue, so a SIGKILL is a real crash; the dev server runs on
 * a SQLite file, so stopping and restarting it loses nothing.
 * `npm run test:faults` runs it at full size (test/faults/main.ts); fault-campaign.test.ts runs a
 * fast part in `npm test`.
 */
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCallbackServer } from '../../client/callback-server';
import { canConnect, freePort, ensureTemporalServer, type RunningServer } from '../../scripts/temporal-server';
import { startKieSimulator, type KieSimulator } from '../../simulators/kie';
import { startMetaSimulator, type MetaSimulator } from '../../simulators/meta';
import { manualWorkflowId, TaskQueues, WORKFLOW_TYPE } from '../../temporal-config/queues';
import { RETRY_NON_RETRYABLE } from '../../temporal-config/retry';
import { AdAccountIdKey } from '../../temporal-config/search-attributes';
import type { AdCycleInput } from '../../workflows/ad-cycle-types';
import { rootCause } from '../../workflows/failure';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
type Group = keyof typeof TaskQueues;
const GROUPS = Object.keys(TaskQueues) as Group[];

export interface CampaignOptions {
  cycles: number;
  accounts: number;
  seed: string;
  /** Worker kills, server restarts and DB locks (the slow faults); off for a quick run. */
  processFaults: boolean;
  log?: (m: string) => void;
}

export interface CampaignReport {
  cycles: number;
  accounts: number;
  faults: Record<string, number>;
  faultsInjected: number;
  outcomes: Record<string, number>;
  violations: Record<string, number>;
  violationDetails: string[];
  kieResubmits: number;
  simDays: number;
  seconds: number;
}

/** sfc32 on a string seed: the schedule of faults is the same for the same seed. */
function rng(seed: string) {
  let h = 1779033703 ^ seed.length;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 3432918353);
  let [a, b, c, d] = [h, h ^ 0x9e3779b9, h ^ 0x85ebca6b, h ^ 0xc2b2ae35];
  const next = () => {
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  return { next, pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!, int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)) };
}
type Rng = ReturnType<typeof rng>;

const HTTP_TIMEOUT_MS = 2_500;
const CREATE_EDGES = ['/campaigns', '/adsets', '/adcreatives', '/ads'] as const;

/** One fault for the next cycle, by kind: what the simulators are told to do. */
const FAULTS: Record<string, (r: Rng, meta: MetaSimulator, kie: KieSimulator) => void> = {
  'meta-5xx': (r, m) => m.injectFault({ kind: 'http500', match: { path: r.pick(['/insights', '/ads', '/adsets', '/campaigns']) } }),
  'meta-throttle-17': (_r, m) => m.injectFault({ kind: 'rateLimit', code: 17 }),
  'meta-throttle-613': (_r, m) => m.injectFault({ kind: 'rateLimit', code: 613 }),
  'meta-throttle-80004': (_r, m) => m.injectFault({ kind: 'rateLimit', code: 80004, match: { path: '/insights' } }),
  'meta-throttle-4': (_r, m) => m.injectFault({ kind: 'error', code: 4, transient: true, message: 'Application request limit reached' }),
  'meta-throttle-80000': (_r, m) =>
    m.injectFault({ kind: 'error', code: 80000, transient: true, message: 'There have been too many calls from this ad-account.' }),
  'meta-lost-create': (r, m) =>
    m.injectFault({ kind: 'lostResponse', match: { method: 'POST', path: r.pick(CREATE_EDGES), param: { name: 'name', includes: 'maa|' } } }),
  'meta-late-commit': (r, m) =>
    m.injectFault({
      kind: 'lateCommit',
      delayMs: HTTP_TIMEOUT_MS + 1_000,
      match: { method: 'POST', path: r.pick(CREATE_EDGES), param: { name: 'name', includes: 'maa|' } },
    }),
  'meta-creative-transient': (_r, m) => m.injectFault({ kind: 'transient', match: { method: 'POST', path: '/adcreatives' } }),
  'meta-slow': (_r, m) => m.injectFault({ kind: 'slow', delayMs: HTTP_TIMEOUT_MS + 500, match: { method: 'GET' } }),
  'meta-token-expired': (_r, m) =>
    m.injectFault({ kind: 'error', code: 190, subcode: 463, message: 'Error validating access token: Session has expired', match: { path: '/insights' } }),
  'meta-permission': (_r, m) =>
    m.injectFault({ kind: 'error', code: 200, message: 'Requires ads_management permission', match: { method: 'POST', path: '/adsets' } }),
  'kie-402': (_r, _m, k) => k.injectFault({ kind: 'code', code: 402, match: { path: 'createTask' } }),
  'kie-429': (_r, _m, k) => k.injectFault({ kind: 'code', code: 429, match: { path: 'createTask' } }),
  'kie-455': (_r, _m, k) => k.injectFault({ kind: 'code', code: 455, match: { path: 'createTask' } }),
  'kie-5xx': (r, _m, k) => k.injectFault({ kind: 'code', code: r.pick([500, 501, 505]), match: { path: r.pick(['createTask', 'recordInfo']) } }),
  'kie-lost-create': (_r, _m, k) => k.injectFault({ kind: 'lostResponse', match: { path: 'createTask' } }),
  'kie-task-fail': (_r, _m, k) => k.injectFault({ kind: 'taskFail', match: { path: 'createTask' } }),
  'kie-stuck': (_r, _m, k) => k.injectFault({ kind: 'stuck', match: { path: 'createTask' } }),
};
const CALLBACK_MODES = ['drop', 'duplicate', 'late', 'badSignature'] as const;

interface Env {
  dir: string;
  env: Record<string, string>;
  server: RunningServer;
  serverOpts: Parameters<typeof ensureTemporalServer>[0];
  meta: MetaSimulator;
  kie: KieSimulator;
  client: Client;
  connection: Connection;
  callbacks: { url: string; close(): Promise<void> };
  workers: Map<Group, ChildProcess>;
  accounts: Array<{ id: string; capCents: number; maxLiveAds: number }>;
}

function startWorker(e: Env, g: Group): void {
  const logFile = path.join(e.dir, `worker-${g}.log`);
  const child = spawn(process.execPath, ['--import', 'tsx', 'workers/main.ts', g], {
    cwd: ROOT,
    env: { ...process.env, ...e.env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr!.on('data', (d: Buffer) => writeFileSync(logFile, d, { flag: 'a' }));
  e.workers.set(g, child);
}

async function setUp(o: CampaignOptions): Promise<Env> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'maa-faults-'));
  const ids = Array.from({ length: o.accounts }, (_, i) => `act_90000000${String(i + 1).padStart(2, '0')}`);
  // One account in three has a tight cap (two ad sets at their worst day), so the spend cap binds;
  // the others have room, so launches, pauses and raises keep happening under the faults.
  const caps = ids.map((id, i) => (i % 3 === 0 ? { id, capCents: 1_400, maxLiveAds: 3 } : { id, capCents: 6_000, maxLiveAds: 8 }));
  const meta = await startMetaSimulator({
    timeScale: 600, // ten simulated minutes a second: the campaign spans simulated days
    adAccounts: ids,
    pageIds: ids.map((_, i) => `1221000000000009${String(i).padStart(2, '0')}`),
    customAudienceIds: ['238400000000000001'],
    disapprovalRate: 0.05,
  });
  const kie = await startKieSimulator({ timeScale: 200 });
  const port = await freePort();
  const serverOpts = {
    address: `127.0.0.1:${port}`,
    namespace: 'default',
    startEmbedded: true,
    dbFile: path.join(dir, 'temporal.sqlite'),
    logFile: path.join(dir, 'temporal.log'),
  };
  const server = await ensureTemporalServer(serverOpts);
  const accountsFile = path.join(dir, 'accounts.json');
  writeFileSync(
    accountsFile,
    JSON.stringify({
      accounts: caps.map((c, i) => ({
        id: c.id,
        pageId: `1221000000000009${String(i).padStart(2, '0')}`,
        totalDailySpendCap: c.capCents,
        maxLiveAds: c.maxLiveAds,
        dailyBudget: 500,
        videoShare: 0.15,
        adsPerRun: 1,
      })),
    }),
  );
  const callbackPort = await freePort();
  mkdirSync(path.join(dir, 'data'), { recursive: true });
  const env = {
    TEMPORAL_ADDRESS: serverOpts.address,
    START_EMBEDDED_TEMPORAL: 'false',
    DATA_DIR: path.join(dir, 'data'),
    ACCOUNTS_FILE: accountsFile,
    META_GRAPH_BASE_URL: meta.url,
    KIE_BASE_URL: kie.url,
    KIE_CALLBACK_URL: `http://127.0.0.1:${callbackPort}/kie/callback`,
    CALLBACK_PORT: String(callbackPort),
    KIE_POLL_INTERVAL_MS: '300',
    VEO_POLL_INTERVAL_MS: '300',
    KIE_IMAGE_TIMEOUT_MS: '20000',
    VEO_WAIT_LIMIT_MS: '30000',
    META_VIDEO_WAIT_LIMIT_MS: '30000',
    HTTP_TIMEOUT_MS: String(HTTP_TIMEOUT_MS),
    META_CREATE_LOOKUP_WINDOW_MS: '4000',
    META_CREATE_LOOKUP_INTERVAL_MS: '500',
    LOG_LEVEL: 'warn',
    LOG_FORMAT: 'json',
    // The simulator's clock: its throttling waits ("regain access in N minutes") are in its minutes.
    SIM_TIME_SCALE: '600',
  };
  const connection = await Connection.connect({ address: serverOpts.address });
  const client = new Client({ connection });
  const callbacks = await startCallbackServer({ port: callbackPort, client, tokenSecret: 'sim-callback-secret' });
  const e: Env = { dir, env, server, serverOpts, meta, kie, client, connection, callbacks, workers: new Map(), accounts: caps };
  for (const g of GROUPS) startWorker(e, g);
  return e;
}

async function tearDown(e: Env) {
  // SIGTERM, then SIGKILL whatever has not exited within a second.
  const exited = [...e.workers.values()].map((w) =>
    w.exitCode !== null || w.signalCode !== null ? Promise.resolve() : new Promise<void>((resolve) => w.once('exit', () => resolve())),
  );
  for (const w of e.workers.values()) w.kill('SIGTERM');
  await Promise.race([Promise.all(exited), sleep(1_000)]);
  for (const w of e.workers.values()) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
  await e.callbacks.close();
  await e.connection.close();
  await e.server.stop();
  await e.meta.close();
  await e.kie.close();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One process fault, applied while cycles run. */
async function processFault(e: Env, r: Rng, count: (k: string) => void): Promise<void> {
  const kind = r.pick(['kill-worker', 'kill-worker', 'kill-worker', 'restart-server', 'db-busy'] as const);
  if (kind === 'kill-worker') {
    const g = r.pick(GROUPS);
    count(`kill-worker-${g}`);
    e.workers.get(g)?.kill('SIGKILL');
    await sleep(r.int(500, 2_000));
    startWorker(e, g);
  } else if (kind === 'restart-server') {
    count('restart-server');
    await e.server.stop();
    // The old process may still hold the port for a moment: start the new one only once it is free.
    const port = Number(e.serverOpts.address.split(':')[1]);
    for (let i = 0; i < 100 && (await canConnect('127.0.0.1', port)); i++) await sleep(200);
    await sleep(r.int(1_000, 3_000));
    e.server = await ensureTemporalServer(e.serverOpts);
  } else {
    count('db-busy');
    // Another connection holds the write lock for longer than the agent's busy timeout (5 s) at times.
    const db = new Database(path.join(e.env.DATA_DIR!, 'performance.db'));
    db.pragma('busy_timeout = 10000');
    db.exec('BEGIN IMMEDIATE');
    await sleep(r.int(3_000, 7_000));
    db.exec('COMMIT');
    db.close();
  }
}

export async function runCampaign(o: CampaignOptions): Promise<CampaignReport> {
  const log = o.log ?? (() => {});
  const t0 = Date.now();
  const r = rng(o.seed);
  const faults: Record<string, number> = {};
  const count = (k: string) => void (faults[k] = (faults[k] ?? 0) + 1);
  const e = await setUp(o);
  const simStart = e.meta.now().getTime();
  const ids: Array<{ workflowId: string; accountId: string }> = [];
  const outcomes: Record<string, number> = {};
  const violationDetails: string[] = [];
  try {
    let started = 0;
    let done = 0;
    // Process faults run beside the cycles, one at a time, at seeded moments. The wait for the next
    // one ends early once the cycles are done (no fault follows then), so the run does not idle.
    let stopProcessFaults = false;
    let stopWaiting = () => {};
    const processFaults = (async () => {
      while (o.processFaults && !stopProcessFaults) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, r.int(15_000, 35_000));
          stopWaiting = () => (clearTimeout(timer), resolve());
        });
        if (!stopProcessFaults) await processFault(e, r, count).catch((err: Error) => log(`process fault: ${err.message}`));
      }
    })();
    const perAccount = async (account: string) => {
      while (started < o.cycles) {
        const n = started++;
        // 0–2 API faults and maybe a callback mode or a forged callback for this cycle.
        for (let k = r.int(0, 2); k > 0; k--) {
          const kind = r.pick(Object.keys(FAULTS));
          FAULTS[kind]!(r, e.meta, e.kie);
          count(kind);
        }
        if (r.next() < 0.25) {
          const mode = r.pick(CALLBACK_MODES);
          await fetch(`${e.kie.url}/__sim/callback-mode`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mode }) });
          count(`kie-callback-${mode}`);
        }
        if (r.next() < 0.1) {
          const res = await fetch(`${e.callbacks.url}?token=forged`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ code: 200, data: { taskId: `forged-${n}`, state: 'success' } }),
          });
          count('kie-callback-forged');
          if (res.status < 400) violationDetails.push(`forged callback accepted with HTTP ${res.status}`);
        }
        const workflowId = manualWorkflowId(account, `fault-${o.seed}-${n}`);
        ids.push({ workflowId, accountId: account });
        const input: AdCycleInput = { accountId: account, adsPerRun: r.next() < 0.15 ? 0 : r.int(1, 2) } as AdCycleInput;
        const handle = await startWithRetry(e, workflowId, input);
        const outcome = await handle.result().then(
          (res: { outcome: string }) => res.outcome,
          (err: unknown) => (err instanceof WorkflowFailedError ? `failed:${rootCause(err).type ?? 'unnamed'}` : `error:${(err as Error).name}`),
        );
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
        done++;
        if (done % 10 === 0) log(`${done}/${o.cycles} cycles, ${Object.values(faults).reduce((a, b) => a + b, 0)} faults so far`);
        await fetch(`${e.kie.url}/__sim/callback-mode`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ mode: 'once' }),
        });
      }
    };
    await Promise.all(e.accounts.map((a) => perAccount(a.id)));
    stopProcessFaults = true;
    stopWaiting();
    await processFaults;

    // Quiet, then one clean cycle per account: reconciliation adopts orphans, sweeps late twins.
    e.meta.clearFaults();
    await fetch(`${e.kie.url}/__sim/faults`, { method: 'DELETE' });
    for (const g of GROUPS) if (e.workers.get(g)?.exitCode !== null) startWorker(e, g);
    await sleep(HTTP_TIMEOUT_MS + 2_000); // late commits land
    for (const a of e.accounts) {
      const h = await startWithRetry(e, manualWorkflowId(a.id, `fault-${o.seed}-settle`), { accountId: a.id, adsPerRun: 0 } as AdCycleInput);
      await h.result().catch((err: Error) => violationDetails.push(`settling cycle of ${a.id} failed: ${err.message}`));
    }
    e.meta.advance(3_600_000); // every delivered slot visible
    const violations = await check(e, ids, violationDetails);
    const dbFile = new Database(path.join(e.env.DATA_DIR!, 'performance.db'), { readonly: true });
    const gen = dbFile.prepare('select count(*) as rows, coalesce(sum(submit_attempts), 0) as attempts from generation_tasks').get() as {
      rows: number;
      attempts: number;
    };
    dbFile.close();
    return {
      cycles: ids.length,
      accounts: e.accounts.length,
      faults,
      faultsInjected: Object.values(faults).reduce((a, b) => a + b, 0),
      outcomes,
      violations,
      violationDetails,
      kieResubmits: gen.attempts - gen.rows,
      simDays: Math.round(((e.meta.now().getTime() - simStart) / 86_400_000) * 10) / 10,
      seconds: Math.round((Date.now() - t0) / 1000),
    };
  } finally {
    await tearDown(e);
  }
}

/** Starting a cycle can meet a server being restarted: try again for a while. */
async function startWithRetry(e: Env, workflowId: string, input: AdCycleInput) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await e.client.workflow.start<(i: AdCycleInput) => Promise<{ outcome: string }>>(WORKFLOW_TYPE, {
        workflowId,
        taskQueue: TaskQueues.orchestrator,
        args: [input],
        typedSearchAttributes: [{ key: AdAccountIdKey, value: input.accountId }],
        workflowExecutionTimeout: '15m',
      });
    } catch (err) {
      if ((err as Error).name === 'WorkflowExecutionAlreadyStartedError')
        return e.client.workflow.getHandle<(i: AdCycleInput) => Promise<{ outcome: string }>>(workflowId);
      if (attempt > 60) throw err;
      await sleep(1_000);
    }
  }
}

/** A cycle may fail, but only for a reason a person can act on: one of the typed failures. */
const NAMED_FAILURES = new Set<string>(RETRY_NON_RETRYABLE);

async function check(e: Env, ids: Array<{ workflowId: string; accountId: string }>, details: string[]): Promise<Record<string, number>> {
  const v = {
    duplicateMetaObjects: 0,
    kieTasksBeyondResubmits: 0,
    metaObjectsUnknownToDb: 0,
    untrackedLiveAds: 0,
    cyclesWithoutNamedEnd: 0,
    spendCapBreaches: 0,
  };
  const db = new Database(path.join(e.env.DATA_DIR!, 'performance.db'), { readonly: true });
  try {
    // Meta: one object per deterministic name, every "maa|" object known to the DB.
    const known = new Set(
      (db.prepare('select external_id as id from side_effects where external_id is not null').all() as Array<{ id: string }>).map((x) => x.id),
    );
    for (const kind of ['campaign', 'adset', 'adcreative', 'ad'] as const) {
      const alive = e.meta.list(kind).filter((o) => String(o.name ?? '').startsWith('maa|') && o.status !== 'DELETED');
      const byName = new Map<string, number>();
      for (const o of alive) byName.set(String(o.name), (byName.get(String(o.name)) ?? 0) + 1);
      for (const [name, n] of byName)
        if (n > 1) {
          v.duplicateMetaObjects += n - 1;
          details.push(`${n} ${kind}s named ${name}`);
        }
      for (const o of alive)
        if (!known.has(String(o.id))) {
          v.metaObjectsUnknownToDb++;
          details.push(`${kind} ${o.id} (${o.name}) unknown to the DB`);
        }
    }
    // Live ads: every ad Meta delivers is one the agent tracks as launched.
    const tracked = new Set((db.prepare("select meta_ad_id as id from creatives where status = 'launched'").all() as Array<{ id: string }>).map((x) => x.id));
    for (const ad of e.meta.list('ad').filter((a) => a.effective_status === 'ACTIVE'))
      if (!tracked.has(String(ad.id))) {
        v.untrackedLiveAds++;
        details.push(`live ad ${ad.id} not tracked`);
      }
    // Kie: every task the simulator holds is one the agent counted (a creative's submissions, resubmits included).
    const gen = db.prepare('select coalesce(sum(submit_attempts), 0) as attempts from generation_tasks').get() as { attempts: number };
    const kieTasks = ((await (await fetch(`${e.kie.url}/__sim/state`)).json()) as { tasks: unknown[] }).tasks.length;
    if (kieTasks > gen.attempts) {
      v.kieTasksBeyondResubmits = kieTasks - gen.attempts;
      details.push(`${kieTasks} Kie tasks, ${gen.attempts} submissions counted`);
    }
    // Spend: what the simulator says each account's ads spent per simulated day, plus that day's Kie cost, within the cap.
    const kieByDay = new Map(
      (
        db
          .prepare(
            'select account_id as a, substr(created_at, 1, 10) as d, sum(coalesce(actual_credits, estimated_credits)) as credits from generation_tasks group by a, d',
          )
          .all() as Array<{ a: string; d: string; credits: number }>
      ).map((x) => [`${x.a}|${x.d}`, Math.ceil(x.credits * 0.005 * 100)]),
    );
    for (const s of e.meta.spendByDay()) {
      const account = e.accounts.find((a) => a.id.replace(/^act_/, '') === s.accountId.replace(/^act_/, ''));
      if (!account) continue;
      const total = s.spendCents + (kieByDay.get(`${account.id}|${s.day}`) ?? 0);
      if (total > account.capCents) {
        v.spendCapBreaches++;
        details.push(`${account.id} spent ${total} cents on ${s.day}, cap ${account.capCents}`);
      }
    }
  } finally {
    db.close();
  }
  // Every cycle ended: completed, or failed with a named root cause.
  for (const { workflowId } of ids) {
    const h = e.client.workflow.getHandle(workflowId);
    const d = await h.describe();
    if (d.status.name === 'COMPLETED') continue;
    if (d.status.name === 'FAILED') {
      const type = await h.result().then(
        () => undefined,
        (err: unknown) => (err instanceof WorkflowFailedError ? rootCause(err).type : undefined),
      );
      if (type && NAMED_FAILURES.has(type)) continue;
      details.push(`${workflowId} failed without a named cause (${type})`);
    } else details.push(`${workflowId} ended ${d.status.name}`);
    v.cyclesWithoutNamedEnd++;
  }
  return v;
}

export function printReport(rep: CampaignReport, out: (line: string) => void = console.log): void {
  out(`fault campaign: ${rep.cycles} cycles over ${rep.accounts} accounts, ${rep.simDays} simulated days, ${rep.seconds} s`);
  out('faults injected, by kind:');
  for (const [k, n] of Object.entries(rep.faults).sort()) out(`  ${k.padEnd(28)} ${n}`);
  out('cycle outcomes:');
  for (const [k, n] of Object.entries(rep.outcomes).sort()) out(`  ${k.padEnd(28)} ${n}`);
  out(`Kie lost-create resubmits (counted, paid, reported): ${rep.kieResubmits}`);
  out('invariants (violations):');
  for (const [k, n] of Object.entries(rep.violations)) out(`  ${k.padEnd(28)} ${n}`);
  for (const d of rep.violationDetails.slice(0, 20)) out(`  ! ${d}`);
  const violations = Object.values(rep.violations).reduce((a, b) => a + b, 0) + rep.violationDetails.filter((d) => d.startsWith('forged')).length;
  out(`faults: ${rep.cycles} cycles, ${rep.accounts} accounts, ${rep.faultsInjected} faults injected, ${violations} violations`);
}

export const totalViolations = (rep: CampaignReport) =>
  Object.values(rep.violations).reduce((a, b) => a + b, 0) + rep.violationDetails.filter((d) => d.startsWith('forged')).length;
