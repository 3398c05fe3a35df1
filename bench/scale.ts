/**
 * Scale benchmark: how many ad accounts one machine runs on schedule. N accounts, each with its
 * real schedule (client/schedule-ops.ts ensureSchedule), a short interval, and realistic API
 * latencies divided by one time scale; one worker process per task queue (`workers/main.ts
 * <group>`) on the embedded Temporal dev server (scripts/temporal-server.ts); the simulators in a
 * process of their own. N rises step by step until the p99 lag from a schedule's time to its
 * cycle's first workflow task passes 5 s or a cycle is missed. Then, against zero-latency
 * simulators, the orchestration overhead per activity hop beside the same activities called in one
 * process without Temporal.
 *
 *   npm run bench:scale [-- --quick] [--steps 2,5,10,20,40,80,160] [--interval 60] [--time-scale 15]
 *                        [--cycles 3] [--k 10] [--lag-target 5] [--images-rate R] [--campaign-rate R] [--keep]
 *
 * --images-rate / --campaign-rate override the workers' server-side queue rates (IMAGES_RATE_PER_SEC 1.5,
 * CAMPAIGN_RATE_PER_SEC 2), to see what limits N beyond them.
 * --interval is the schedules' interval in wall seconds; --time-scale (default 900 / interval, so the
 * interval stands for production's 15 minutes) divides every simulated duration. --quick: N = 2 and
 * 5, a 10 s interval, 2 cycles per step, K = 3 (about 1.5 minutes).
 */
import { Client, Connection } from '@temporalio/client';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/env';
import { openDb } from '../db/client';
import { cycleInput } from '../client/schedule-ops';
import { ensureTemporalServer, freePort } from '../scripts/temporal-server';
import { manualWorkflowId, TaskQueues } from '../temporal-config/queues';
import { AdAccountIdKey } from '../temporal-config/search-attributes';
import { adCycleWorkflow } from '../workflows/ad-cycle';
import { quantile } from './scale-history';
import { measureOverhead } from './scale-overhead';
import { pidListeningOn, ROOT, spawnTs, stopProc, waitForLog, type Proc } from './scale-procs';
import { cyclesTable, limitOf, overheadTable, processTable, ratesTable, withinTarget } from './scale-report';
import type { SimSet } from './scale-sims';
import { drain, runStep, type StepResult } from './scale-step';

const ACTIVITY_GROUPS = ['analysis', 'images', 'campaign', 'video'] as const;
/** Documented latencies (divided by the time scale): a Graph call, a Kie HTTP answer. */
const META_LATENCY_MS: [number, number] = [200, 600];
const KIE_LATENCY_MS: [number, number] = [100, 400];
const log = (m: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${m}`);

function options() {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      steps: { type: 'string' },
      interval: { type: 'string' },
      'time-scale': { type: 'string' },
      cycles: { type: 'string' },
      k: { type: 'string' },
      'lag-target': { type: 'string', default: '5' },
      'images-rate': { type: 'string' },
      'campaign-rate': { type: 'string' },
      keep: { type: 'boolean', default: false },
    },
  });
  const q = values.quick;
  const interval = Number(values.interval ?? (q ? 10 : 60));
  return {
    quick: q,
    steps: (values.steps ?? (q ? '2,5' : '2,5,10,20,40,80,160')).split(',').map(Number),
    interval,
    timeScale: Number(values['time-scale'] ?? 900 / interval),
    cycles: Number(values.cycles ?? (q ? 2 : 3)),
    k: Number(values.k ?? (q ? 3 : 10)),
    lagTargetMs: Number(values['lag-target']) * 1000,
    keep: values.keep,
    /** Override the workers' server-side queue rates (IMAGES_RATE_PER_SEC, CAMPAIGN_RATE_PER_SEC) to see the next limit. */
    queueRates: {
      ...(values['images-rate'] ? { IMAGES_RATE_PER_SEC: values['images-rate'] } : {}),
      ...(values['campaign-rate'] ? { CAMPAIGN_RATE_PER_SEC: values['campaign-rate'] } : {}),
    } as Record<string, string>,
  };
}

const scaled = ([lo, hi]: [number, number], by: number): [number, number] => [lo / by, hi / by];
const accountId = (group: number, i: number) => `act_7${String(group).padStart(2, '0')}${String(i).padStart(5, '0')}`;

async function main() {
  const o = options();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'maa-bench-scale-'));
  const logDir = path.join(dir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const stepAccounts = o.steps.map((n, s) => Array.from({ length: n }, (_, i) => accountId(s + 1, i)));
  const [warmup, viaTemporal, direct] = [accountId(97, 0), accountId(98, 0), accountId(99, 0)];
  const all = [...stepAccounts.flat(), warmup, viaTemporal, direct];
  // No token: every account runs against the Meta simulator, whatever the environment holds. The caps leave room
  // for every launch of the run and no more (planning decides launches up to the free capacity, then takes adsPerRun).
  const maxLiveAds = Math.max(o.cycles, o.k + 1) + 4;
  const accountsFile = path.join(dir, 'accounts.json');
  const entry = (id: string) => ({
    id,
    pageId: '122100000000000001',
    token: { env: 'MAA_BENCH_NO_TOKEN' },
    maxLiveAds,
    totalDailySpendCap: maxLiveAds * 1_900 + 1_000,
    kieDailyCreditCap: 10_000,
    runInterval: Math.max(60, o.interval),
    adsPerRun: 1,
  });
  writeFileSync(accountsFile, JSON.stringify({ accounts: all.map(entry) }, null, 2));

  const [temporalPort, metaPort, kiePort, meta0Port, kie0Port, callbackPort] = (await Promise.all(Array.from({ length: 6 }, () => freePort()))) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const address = `127.0.0.1:${temporalPort}`;
  const rateLimit = { maxScore: 9000, decaySec: 300, blockSec: 60 }; // Meta's standard access tier, on the simulator's clock
  const sets: SimSet[] = [
    {
      name: 'scaled',
      metaPort,
      kiePort,
      timeScale: o.timeScale,
      adAccounts: all,
      metaLatencyMs: scaled(META_LATENCY_MS, o.timeScale),
      kieLatencyMs: scaled(KIE_LATENCY_MS, o.timeScale),
      metaRateLimit: rateLimit,
      kieCredits: 100_000_000,
      seed: 1,
    },
    {
      name: 'zero',
      metaPort: meta0Port,
      kiePort: kie0Port,
      timeScale: o.timeScale,
      adAccounts: all,
      instantImages: true,
      metaRateLimit: rateLimit,
      kieCredits: 100_000_000,
      seed: 2,
    },
  ];
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(FB_ACCESS_TOKEN|KIE_|META_|TEMPORAL_|ACCOUNTS_FILE|METRICS_PORT|DATA_DIR|DB_PATH|PAYLOAD_|LOG_)/.test(k)),
  ) as Record<string, string>;
  const workerEnv = (meta: number, kie: number): Record<string, string> => ({
    ...base,
    TEMPORAL_ADDRESS: address,
    START_EMBEDDED_TEMPORAL: 'false',
    DATA_DIR: path.join(dir, 'agent'),
    ACCOUNTS_FILE: accountsFile,
    META_GRAPH_BASE_URL: `http://127.0.0.1:${meta}`,
    KIE_BASE_URL: `http://127.0.0.1:${kie}`,
    // The agent's polling intervals are durations too: scaled like the simulators'.
    KIE_POLL_INTERVAL_MS: String(Math.max(10, Math.round(3_000 / o.timeScale))),
    VEO_POLL_INTERVAL_MS: String(Math.max(10, Math.round(15_000 / o.timeScale))),
    CALLBACK_PORT: String(callbackPort),
    LOG_LEVEL: 'info',
    LOG_FORMAT: 'json',
  });
  const envScaled = { ...workerEnv(metaPort, kiePort), ...o.queueRates };
  // The overhead phase measures Temporal itself: without the server-side queue rates (images 1.5/s, campaign 2/s), whose waits the steps show.
  const envZero = { ...workerEnv(meta0Port, kie0Port), IMAGES_RATE_PER_SEC: '100000', CAMPAIGN_RATE_PER_SEC: '100000' };
  const configZero = loadConfig(envZero, { dotenvPath: path.join(ROOT, '.env') });
  if (configZero.kie.mode !== 'simulator' || configZero.accounts.some((a) => a.meta.mode !== 'simulator'))
    throw new Error('the benchmark runs against the simulators only');
  // Migrate the agent's DB once here: the worker processes start together and would otherwise all migrate a fresh file at once.
  openDb(configZero.dbPath).$client.close();

  const procs: Proc[] = [];
  let server: Awaited<ReturnType<typeof ensureTemporalServer>> | undefined;
  let connection: Connection | undefined;
  const cleanup = async () => {
    // Nothing runs any more: a short grace, then SIGKILL (a worker otherwise waits out its polls).
    await Promise.all(procs.map((p) => stopProc(p, 5_000)));
    await connection?.close();
    await server?.stop();
    if (!o.keep) rmSync(dir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
  try {
    log(`working folder ${dir}${o.keep ? '' : ' (removed at the end; --keep keeps it)'}`);
    server = await ensureTemporalServer({
      address,
      namespace: 'default',
      startEmbedded: true,
      dbFile: path.join(dir, 'temporal.sqlite'),
      logFile: path.join(logDir, 'temporal-server.log'),
      log,
    });
    const serverPid = pidListeningOn(temporalPort);
    const sims = spawnTs('simulators', 'bench/scale-sims.ts', [JSON.stringify(sets)], base, logDir);
    procs.push(sims);
    await waitForLog(sims, '"ready":true', 60_000);
    connection = await Connection.connect({ address });
    const client = new Client({ connection, namespace: 'default' });

    const startGroup = (g: string, env: Record<string, string>) => {
      const p = spawnTs(`worker-${g}`, 'workers/main.ts', [g], env, logDir);
      procs.push(p);
      return p;
    };
    const ready = (ps: Proc[]) => Promise.all(ps.map((p) => waitForLog(p, 'worker started', 240_000)));
    log('starting the worker processes (orchestrator + activity workers on the zero-latency simulators)');
    const orchestrator = startGroup('orchestrator', envScaled);
    let activityWorkers = ACTIVITY_GROUPS.map((g) => startGroup(g, envZero));
    await ready([orchestrator, ...activityWorkers]);

    log(`orchestration overhead: ${o.k} image cycles through Temporal and the same activities called directly`);
    const overhead = await measureOverhead({ client, config: configZero, temporalAccount: viaTemporal, directAccount: direct, k: o.k, log });

    log('restarting the activity workers on the simulators with scaled latencies');
    await Promise.all(activityWorkers.map((p) => stopProc(p)));
    activityWorkers = ACTIVITY_GROUPS.map((g) => startGroup(g, envScaled));
    await ready(activityWorkers);
    const w = await client.workflow.start(adCycleWorkflow, {
      workflowId: manualWorkflowId(warmup, `bench-scale-warmup-${Date.now()}`),
      taskQueue: TaskQueues.orchestrator,
      args: [cycleInput({ accountId: warmup, intervalSeconds: o.interval, adsPerRun: 1 })],
      typedSearchAttributes: [{ key: AdAccountIdKey, value: warmup }],
      workflowExecutionTimeout: '5m',
    });
    await w.result();

    const measured = [
      { name: 'server', pid: serverPid ?? -1 },
      ...[orchestrator, ...activityWorkers].map((p) => ({ name: p.name.replace('worker-', ''), pid: p.pid })),
      { name: 'simulators', pid: sims.pid },
      { name: 'bench client', pid: process.pid },
    ];
    const target = { lagP99Ms: o.lagTargetMs };
    const steps: StepResult[] = [];
    for (const [i, n] of o.steps.entries()) {
      await drain(client, 60_000);
      const r = await runStep(
        {
          client,
          intervalSeconds: o.interval,
          cycles: o.cycles,
          procs: measured,
          metaUrl: `http://127.0.0.1:${metaPort}`,
          kieUrl: `http://127.0.0.1:${kiePort}`,
          log,
        },
        stepAccounts[i]!,
      );
      steps.push(r);
      log(`N=${n}: ${r.run}/${r.expected} cycles, missed ${r.missed}, failed ${r.failed}, lag p99 ${(quantile(r.lagMs, 0.99) / 1000).toFixed(2)} s`);
      if (!withinTarget(r, target)) break;
    }
    printReport(o, { steps, overhead, serverPid, target });
  } finally {
    await cleanup();
  }
}

function printReport(
  o: ReturnType<typeof options>,
  r: { steps: StepResult[]; overhead: Awaited<ReturnType<typeof measureOverhead>>; serverPid?: number; target: { lagP99Ms: number } },
) {
  const cores = os.cpus().length;
  const ok = r.steps.filter((x) => withinTarget(x, r.target));
  const best = ok.at(-1);
  const broke = r.steps.find((x) => !withinTarget(x, r.target));
  const S = o.timeScale;
  const out = (line = '') => console.log(line);
  out(
    `# bench:scale${o.quick ? ' --quick' : ''}, ${new Date().toISOString().slice(0, 16)}Z, ${cores} cores (${os.cpus()[0]?.model ?? '?'}), Node ${process.version}`,
  );
  out();
  out(
    `Server: the embedded Temporal dev server (temporal CLI start-dev, SQLite file) started by scripts/temporal-server.ts, pid ${r.serverPid ?? 'not found'}.`,
  );
  const overridden = Object.entries(o.queueRates).map(([k, v]) => `${k}=${v}`);
  out(
    `Workers: one process per task queue (workers/main.ts orchestrator|analysis|images|campaign|video), default concurrency, ${overridden.length ? `queue rates overridden: ${overridden.join(', ')}` : 'default queue rates (images 1.5/s, campaign 2/s, server-side for the whole queue)'}.`,
  );
  out(
    `Schedules: client/schedule-ops.ts ensureSchedule, every ${o.interval} s, ${o.cycles} scheduled cycles per account per step; each cycle is an image cycle (adsPerRun 1).`,
  );
  out(
    `Time scale ${S}: every simulated duration is divided by ${S} (Meta calls ${META_LATENCY_MS.join('-')} ms -> ${scaled(META_LATENCY_MS, S)
      .map((x) => x.toFixed(0))
      .join('-')} ms, Kie HTTP answers ${KIE_LATENCY_MS.join('-')} ms -> ${scaled(KIE_LATENCY_MS, S)
      .map((x) => x.toFixed(0))
      .join(
        '-',
      )} ms, Nano Banana images 5-37 s, Veo 60-120 s, Meta video processing 20-120 s and ad review 10-30 min likewise, the agent's Kie polling 3 s -> ${Math.round(3000 / S)} ms),`,
  );
  out(
    `so the ${o.interval} s interval stands for ${((o.interval * S) / 60).toFixed(0)} min of production. An account here runs ${S}x as often as in production: N accounts put the average request load of ${S}·N production accounts on the workers and on Kie's per-key limits (which the simulator enforces in real time); the bursts at each scheduled time are N cycles in both. Meta's BUC windows run on the simulator's clock (x${S}), so per-account Meta usage is production's.`,
  );
  out(
    `Target: p99 lag (schedule time -> first workflow task started) <= ${r.target.lagP99Ms / 1000} s, no cycle missed or failed. With few cycles per step, p99 is close to the maximum.`,
  );
  out();
  out('## Cycles and lag');
  out();
  out(cyclesTable(r.steps, r.target));
  out();
  out('## Request rates against the APIs, from the simulators (GET /__sim/state, /__sim/calls, /__sim/usage)');
  out();
  out(ratesTable(r.steps));
  out();
  out('## CPU (% of one core over the window) · peak RSS (MiB) per process');
  out();
  out(processTable(r.steps));
  out();
  out('## Orchestration overhead per activity hop (zero-latency simulators)');
  out();
  out(overheadTable(r.overhead));
  out();
  const rates = { images: Number(o.queueRates.IMAGES_RATE_PER_SEC ?? 1.5), campaign: Number(o.queueRates.CAMPAIGN_RATE_PER_SEC ?? 2) };
  const limit = broke ? limitOf(broke, r.target, cores, rates) : `not reached: every step up to N=${r.steps.at(-1)?.n} stayed within the target`;
  out(`Largest N within the target: ${best ? best.n : 'none'}${broke ? `; at N=${broke.n}: ${limit}` : `; ${limit}`}.`);
  out();
  out(
    `SUMMARY: bench:scale${o.quick ? ' --quick' : ''}: largest N within target = ${best?.n ?? 'none'} accounts on ${cores} cores at time scale ${S} (${o.interval} s interval ~ ${S * (best?.n ?? 0)} production accounts on a 15-min interval by request rate)` +
      `${broke ? `, broken at N=${broke.n} (lag p99 ${(quantile(broke.lagMs, 0.99) / 1000).toFixed(1)} s, missed ${broke.missed})` : ''}; ` +
      `orchestration ${r.overhead.temporal.overheadPerHopMs.toFixed(0)} ms per activity hop, a Temporal cycle ${r.overhead.ratio.toFixed(1)}x the same activities called directly.`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
