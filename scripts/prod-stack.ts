/**
 * npm run stack:prod -- up [--scale GROUP=N ...] | scale GROUP=N | kill GROUP [INDEX] | down | status
 *
 * The production topology on one machine, without Docker: PostgreSQL (Debian's package) on its own
 * port and data folder, the Temporal schema applied with the server's SQL tool, the full Temporal
 * server (built from the Go module proxy, cached) with SQL visibility and the dynamic config from
 * temporal-config/, the namespace and the custom search attributes registered, then one process
 * per task queue (`workers/main.ts <group>`, N of a group with --scale), the endpoints
 * (`workers/serve.ts`: Kie callback, trigger API, schedules) and, for accounts without credentials,
 * the simulators. Point the agent's commands at it with TEMPORAL_ADDRESS (printed by `up`).
 *
 * Where things live: PROD_STACK_DIR (default ./data/prod-stack): state.json, logs/, the agent's
 * DATA_DIR (agent/). PostgreSQL's data folder is PROD_PG_DATA, default <stack>/postgres, or
 * /var/lib/meta-ads-agent/postgres-<port> as root (PostgreSQL will not run as root, so it runs as
 * the `postgres` user, which must be able to reach its folder). Ports: PROD_TEMPORAL_PORT (7233),
 * PROD_PG_PORT (55432); the agent's own ports (callback, API, simulators) come from the usual env.
 * Metrics: each worker process and `serve` gets its own Prometheus port, the lowest free one from
 * PROD_METRICS_PORT (9464) up (one METRICS_PORT for all would let only the first bind it), listed
 * by `status` and in <stack>/prometheus-targets.json for Prometheus's file_sd_configs; `up` and
 * `scale` wait until every one answers there.
 */
import { spawn, spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { chownSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { loadConfig } from '../config/env';
import { TaskQueues } from '../temporal-config/queues';
import { canConnect, ensureSearchAttributes, waitUntil } from './temporal-server';
import { resolveServerBinaries } from './temporal-server-build';

/** The worker groups, one task queue each (workers/create-workers.ts serves them). */
type Group = keyof typeof TaskQueues;
const GROUPS = Object.keys(TaskQueues) as Group[];

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const log = (m: string) => process.stderr.write(`${m}\n`);
const isRoot = process.getuid?.() === 0;

interface Proc {
  name: string;
  group?: Group;
  pid: number;
  log: string;
  /** Where the process serves Prometheus /metrics (workers and serve). */
  metricsPort?: number;
  /** How an agent process was started, so it can be started again. */
  script?: string;
  args?: string[];
}
interface State {
  dir: string;
  pgData: string;
  pgPort: number;
  temporalPort: number;
  metricsBasePort: number;
  address: string;
  namespace: string;
  agentDataDir: string;
  server?: Proc;
  processes: Proc[];
  startedAt?: string;
  upSeconds?: number;
}

function settings(): State {
  const dir = path.resolve(process.env.PROD_STACK_DIR ?? path.join(ROOT, 'data', 'prod-stack'));
  const pgPort = Number(process.env.PROD_PG_PORT ?? 55432);
  const temporalPort = Number(process.env.PROD_TEMPORAL_PORT ?? 7233);
  const pgData = path.resolve(process.env.PROD_PG_DATA ?? (isRoot ? `/var/lib/meta-ads-agent/postgres-${pgPort}` : path.join(dir, 'postgres')));
  return {
    dir,
    pgData,
    pgPort,
    temporalPort,
    metricsBasePort: Number(process.env.PROD_METRICS_PORT ?? 9464),
    address: `127.0.0.1:${temporalPort}`,
    namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
    agentDataDir: path.join(dir, 'agent'),
    processes: [],
  };
}

const stateFile = (s: { dir: string }) => path.join(s.dir, 'state.json');
function loadState(): State {
  const fresh = settings();
  return existsSync(stateFile(fresh)) ? { ...fresh, ...(JSON.parse(readFileSync(stateFile(fresh), 'utf8')) as State) } : fresh;
}
function saveState(s: State) {
  writeFileSync(stateFile(s), JSON.stringify(s, null, 2));
  // Prometheus file-based discovery (file_sd_configs): one target per live process with metrics,
  // rewritten whenever processes come and go, so a scrape config never lists ports by hand.
  const targets = s.processes
    .filter((p) => p.metricsPort && alive(p.pid))
    .map((p) => ({ targets: [`127.0.0.1:${p.metricsPort}`], labels: { process: p.name, ...(p.group ? { group: p.group } : {}) } }));
  writeFileSync(path.join(s.dir, 'prometheus-targets.json'), JSON.stringify(targets, null, 2));
}

/** Whether a process with this pid still exists (signal 0 tests without signalling). */
export const alive = (pid: number | undefined) => {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

// --- PostgreSQL ------------------------------------------------------------------------------

const PG_USER = process.env.PROD_PG_USER ?? 'temporal';
const PG_PASSWORD = process.env.PROD_PG_PASSWORD ?? 'temporal';

/** Debian's PostgreSQL binaries, installed with apt-get when missing and we are root. */
function pgBin(): string {
  const find = () => {
    const base = '/usr/lib/postgresql';
    const versions = existsSync(base) ? readdirSync(base).sort((a, b) => Number(b) - Number(a)) : [];
    return versions.map((v) => path.join(base, v, 'bin')).find((b) => existsSync(path.join(b, 'pg_ctl')));
  };
  let bin = find();
  if (!bin && isRoot) {
    log('PostgreSQL is not installed: apt-get install -y postgresql ...');
    let r = spawnSync('apt-get', ['install', '-y', 'postgresql'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (r.status !== 0) {
      spawnSync('apt-get', ['update'], { stdio: 'inherit' });
      r = spawnSync('apt-get', ['install', '-y', 'postgresql'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    }
    bin = find();
  }
  if (!bin) throw new PgUnavailable('PostgreSQL is not installed (apt-get install -y postgresql) and could not be installed here');
  return bin;
}

export class PgUnavailable extends Error {
  override readonly name = 'PgUnavailable';
}

/** Runs a PostgreSQL binary as the postgres user when we are root (it refuses to run as root). */
function pg(bin: string, args: string[], opts: SpawnSyncOptions = {}) {
  const [cmd, argv] = isRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  const r = spawnSync(cmd, argv, { encoding: 'utf8', ...opts });
  if (r.status !== 0) throw new Error(`${path.basename(bin)} ${args.join(' ')} failed: ${r.stderr || r.stdout}`);
  return r;
}

function ensurePostgres(s: State) {
  const bin = pgBin();
  if (!existsSync(path.join(s.pgData, 'PG_VERSION'))) {
    mkdirSync(s.pgData, { recursive: true });
    const pwfile = path.join(path.dirname(s.pgData), `.pgpass-${s.pgPort}`);
    writeFileSync(pwfile, `${PG_PASSWORD}\n`, { mode: 0o600 });
    if (isRoot) {
      const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
      const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
      chownSync(s.pgData, uid, gid);
      chownSync(pwfile, uid, gid);
    }
    log(`Initialising PostgreSQL in ${s.pgData}`);
    pg(path.join(bin, 'initdb'), ['-D', s.pgData, '-U', PG_USER, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '-E', 'UTF8']);
  }
  if (!spawnSync(path.join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(s.pgPort)]).status) return;
  log(`Starting PostgreSQL on 127.0.0.1:${s.pgPort}`);
  pg(path.join(bin, 'pg_ctl'), [
    '-D',
    s.pgData,
    '-l',
    path.join(s.pgData, 'server.log'),
    '-w',
    '-o',
    `-p ${s.pgPort} -c listen_addresses=127.0.0.1 -k ${s.pgData} -c max_connections=200`,
    'start',
  ]);
}

function stopPostgres(s: State) {
  if (!existsSync(path.join(s.pgData, 'postmaster.pid'))) return;
  pg(path.join(pgBin(), 'pg_ctl'), ['-D', s.pgData, '-w', '-m', 'fast', 'stop']);
}

/** The two databases and their schemas, at the version this server needs (idempotent). */
function applySchema(s: State, sqlTool: string, schemaDir: string) {
  const base = ['--plugin', 'postgres12', '--ep', '127.0.0.1', '-p', String(s.pgPort), '-u', PG_USER, '--pw', PG_PASSWORD];
  for (const [db, dir] of [
    ['temporal', 'temporal'],
    ['temporal_visibility', 'visibility'],
  ] as const) {
    const run = (args: string[], okIf?: RegExp) => {
      const r = spawnSync(sqlTool, [...base, '--db', db, ...args], { encoding: 'utf8' });
      const out = `${r.stdout}${r.stderr}`;
      if (r.status !== 0 && !(okIf && okIf.test(out))) throw new Error(`temporal-sql-tool ${args[0]} ${db} failed: ${out.slice(-2000)}`);
    };
    run(['create-database'], /already exists/);
    run(['setup-schema', '-v', '0.0'], /already exists/);
    run(['update-schema', '-d', path.join(schemaDir, dir, 'versioned')]);
  }
}

// --- Temporal server and agent processes -----------------------------------------------------

function spawnLogged(s: State, name: string, cmd: string, args: string[], env: Record<string, string>): Proc {
  const logs = path.join(s.dir, 'logs');
  mkdirSync(logs, { recursive: true });
  const file = path.join(logs, `${name}.log`);
  const fd = openSync(file, 'a');
  const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', fd, fd], detached: true });
  closeSync(fd);
  child.unref();
  return { name, pid: child.pid!, log: file };
}

function agentEnv(s: State): Record<string, string> {
  return {
    TEMPORAL_ADDRESS: s.address,
    TEMPORAL_NAMESPACE: s.namespace,
    START_EMBEDDED_TEMPORAL: 'false',
    DATA_DIR: process.env.DATA_DIR ?? s.agentDataDir,
    LOG_FORMAT: 'json',
  };
}

async function startServer(s: State, server: string) {
  if (s.server && alive(s.server.pid) && (await canConnect('127.0.0.1', s.temporalPort))) return;
  const env = {
    PG_PORT: String(s.pgPort),
    PG_USER,
    PG_PASSWORD,
    TEMPORAL_PORT: String(s.temporalPort),
    TEMPORAL_HTTP_PORT: String(s.temporalPort + 10),
    TEMPORAL_MEMBERSHIP_BASE: String(s.temporalPort - 300),
    TEMPORAL_METRICS_PORT: String(s.temporalPort + 767),
    TEMPORAL_DYNAMIC_CONFIG: path.join(ROOT, 'temporal-config', 'dynamicconfig', 'development-sql.yaml'),
  };
  log(`Starting the Temporal server on ${s.address} (PostgreSQL persistence and visibility)`);
  s.server = spawnLogged(
    s,
    'temporal-server',
    server,
    ['--config-file', path.join(ROOT, 'temporal-config', 'server-postgres.yaml'), '--allow-no-auth', 'start'],
    env,
  );
  saveState(s);
  await waitUntil(async () => (await canConnect('127.0.0.1', s.temporalPort)) || !alive(s.server!.pid), 120_000, 'the Temporal server to listen');
  if (!alive(s.server.pid)) throw new Error(`the Temporal server exited; see ${s.server.log}`);
}

/** The namespace (registered once; the server takes a few seconds to see it) and the search attributes. */
async function ensureNamespace(s: State) {
  const connection = await Connection.connect({ address: s.address });
  try {
    const ws = connection.workflowService;
    await waitUntil(
      async () => {
        try {
          await ws.getSystemInfo({});
          return true;
        } catch {
          return false;
        }
      },
      60_000,
      'the Temporal frontend',
    );
    try {
      await ws.registerNamespace({ namespace: s.namespace, workflowExecutionRetentionPeriod: msToTs('7 days') });
      log(`Registered namespace ${s.namespace}`);
    } catch (err) {
      if (!/already exists|AlreadyExists/i.test((err as Error).message)) throw err;
    }
    await waitUntil(
      async () => {
        try {
          await ws.describeNamespace({ namespace: s.namespace });
          await ws.listWorkflowExecutions({ namespace: s.namespace, pageSize: 1 });
          return true;
        } catch {
          return false;
        }
      },
      60_000,
      `namespace ${s.namespace}`,
    );
  } finally {
    await connection.close();
  }
  await ensureSearchAttributes(s.address, s.namespace, log);
}

/** The agent's config as its processes will load it (the simulators' ports, whether any API is simulated). */
const agentConfig = (s: State) => loadConfig({ ...process.env, ...agentEnv(s) }, { dotenvPath: false });

async function startAgentProcess(
  s: State,
  name: string,
  script: string,
  args: string[] = [],
  opts: { group?: Group; metrics?: boolean; avoidPorts?: Set<number> } = {},
): Promise<Proc> {
  const metricsPort = opts.metrics ? await nextMetricsPort(s, opts.avoidPorts) : undefined;
  // The simulators serve no metrics; an empty METRICS_PORT is "not set" for config/env.ts.
  const env = { ...agentEnv(s), METRICS_PORT: metricsPort ? String(metricsPort) : '' };
  const p = spawnLogged(s, name, process.execPath, ['--import', 'tsx', script, ...args], env);
  const proc: Proc = { ...p, script, args, ...(opts.group ? { group: opts.group } : {}), ...(metricsPort ? { metricsPort } : {}) };
  s.processes.push(proc);
  saveState(s);
  return proc;
}

/** The lowest port from PROD_METRICS_PORT up that no live process of the stack holds and nothing answers on at 127.0.0.1 (awaitMetrics handles the holders this probe misses). */
async function nextMetricsPort(s: State, avoid = new Set<number>()): Promise<number> {
  const taken = new Set([...avoid, ...s.processes.filter((p) => alive(p.pid)).map((p) => p.metricsPort)]);
  let port = s.metricsBasePort;
  while (taken.has(port) || (await canConnect('127.0.0.1', port))) port++;
  return port;
}

/**
 * Waits until every process that serves metrics answers on its port, so `up` and `scale` return
 * with the workers running. The probe of 127.0.0.1 cannot see every holder of a port (a listener on
 * another address, a socket bound without listening, one that started meanwhile), so a worker can
 * still exit at start with "Address already in use": it is started again on the next free port.
 */
async function awaitMetrics(s: State) {
  const refused = new Set<number>();
  for (let attempt = 1; ; attempt++) {
    const serving = s.processes.filter((p) => p.metricsPort);
    const answers = async (p: Proc) => !alive(p.pid) || (await canConnect('127.0.0.1', p.metricsPort!));
    await waitUntil(async () => (await Promise.all(serving.map(answers))).every(Boolean), 120_000, 'the agent processes to serve their metrics');
    const exited = serving.filter((p) => !alive(p.pid));
    if (exited.length === 0) return;
    for (const p of exited) {
      const tail = readFileSync(p.log, 'utf8').slice(-4000);
      if (!/Address already in use/.test(tail) || attempt >= 3 || !p.script) throw new Error(`${p.name} exited at start; see ${p.log}`);
      log(`${p.name}: metrics port ${p.metricsPort} was taken when it started; starting it again on another port`);
      refused.add(p.metricsPort!);
      s.processes = s.processes.filter((q) => q !== p);
      await startAgentProcess(s, p.name, p.script, p.args, { group: p.group, metrics: true, avoidPorts: refused });
    }
  }
}

/** Brings a group to `n` running worker processes (starting or SIGTERM-ing the difference). */
async function scaleGroup(s: State, group: Group, n: number) {
  s.processes = s.processes.filter((p) => alive(p.pid));
  const running = s.processes.filter((p) => p.group === group);
  for (let i = running.length; i < n; i++) await startAgentProcess(s, `worker-${group}-${i}`, 'workers/main.ts', [group], { group, metrics: true });
  for (const p of running.slice(n)) {
    process.kill(p.pid, 'SIGTERM');
    s.processes = s.processes.filter((q) => q !== p);
  }
  saveState(s);
}

function parseScale(args: string[]): Partial<Record<Group, number>> {
  const out: Partial<Record<Group, number>> = {};
  for (const a of args) {
    const m = /^([a-z]+)=(\d+)$/.exec(a);
    if (!m || !GROUPS.includes(m[1] as Group)) throw new Error(`--scale wants GROUP=N with GROUP one of ${GROUPS.join(', ')}, got ${a}`);
    out[m[1] as Group] = Number(m[2]);
  }
  return out;
}

export async function up(scale: Partial<Record<Group, number>> = {}): Promise<State> {
  const t0 = Date.now();
  const s = loadState();
  mkdirSync(s.dir, { recursive: true });
  const bins = resolveServerBinaries(log);
  ensurePostgres(s);
  applySchema(s, bins.sqlTool, bins.postgresSchema);
  await startServer(s, bins.server);
  await ensureNamespace(s);
  s.processes = s.processes.filter((p) => alive(p.pid));
  const config = agentConfig(s);
  if ((config.meta.mode === 'simulator' || config.kie.mode === 'simulator') && !s.processes.some((p) => p.name === 'simulators')) {
    const sim = await startAgentProcess(s, 'simulators', 'simulators/main.ts');
    await waitUntil(
      async () => ((await canConnect('127.0.0.1', config.meta.simPort)) && (await canConnect('127.0.0.1', config.kie.simPort))) || !alive(sim.pid),
      30_000,
      'the simulators',
    );
    if (!alive(sim.pid)) throw new Error(`the simulators exited; see ${sim.log}`);
  }
  for (const g of GROUPS) await scaleGroup(s, g, Math.max(scale[g] ?? 1, s.processes.filter((p) => p.group === g).length || 1));
  if (!s.processes.some((p) => p.name === 'serve')) await startAgentProcess(s, 'serve', 'workers/serve.ts', [], { metrics: true });
  await awaitMetrics(s);
  s.startedAt = new Date().toISOString();
  s.upSeconds = Math.round((Date.now() - t0) / 100) / 10;
  saveState(s);
  return s;
}

export async function down(): Promise<void> {
  const s = loadState();
  const procs = [...s.processes, ...(s.server ? [s.server] : [])].filter((p) => alive(p.pid));
  for (const p of procs) process.kill(p.pid, 'SIGTERM');
  await waitUntil(async () => procs.every((p) => !alive(p.pid)), 20_000, 'the stack to stop').catch(() =>
    procs.forEach((p) => alive(p.pid) && process.kill(p.pid, 'SIGKILL')),
  );
  try {
    stopPostgres(s);
  } catch (err) {
    if (!(err instanceof PgUnavailable)) throw err;
  }
  saveState({ ...s, server: undefined, processes: [] });
}

/** RSS and PSS (MiB: PSS shares shared pages out, so it sums honestly) and CPU seconds of a process, from /proc. */
function usage(pid: number): { rssMiB: number; pssMiB: number; cpuSeconds: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    let pssKb = rssKb;
    try {
      pssKb = Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? rssKb);
    } catch {
      // smaps_rollup needs a newer kernel or more rights: RSS it is.
    }
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    const ticks = Number(stat[11]) + Number(stat[12]);
    return { rssMiB: Math.round(rssKb / 102.4) / 10, pssMiB: Math.round(pssKb / 102.4) / 10, cpuSeconds: Math.round(ticks) / 100 };
  } catch {
    return undefined;
  }
}

/** The postmaster and its children (one per connection), summed. */
function pgUsage(s: State) {
  const pidFile = path.join(s.pgData, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const main = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  const children = spawnSync('pgrep', ['-P', String(main)], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter(Boolean)
    .map(Number);
  const all = [main, ...children].map(usage).filter((u): u is NonNullable<typeof u> => !!u);
  const sum = (k: 'rssMiB' | 'pssMiB') => Math.round(all.reduce((a, u) => a + u[k], 0) * 10) / 10;
  return { pid: main, processes: all.length, rssMiB: sum('rssMiB'), pssMiB: sum('pssMiB') };
}

export async function status() {
  const s = loadState();
  const serverUp = await canConnect('127.0.0.1', s.temporalPort);
  return {
    address: s.address,
    namespace: s.namespace,
    startedAt: s.startedAt,
    upSeconds: s.upSeconds,
    postgres: { port: s.pgPort, data: s.pgData, ...pgUsage(s) },
    server: s.server ? { pid: s.server.pid, alive: alive(s.server.pid), listening: serverUp, ...usage(s.server.pid), log: s.server.log } : null,
    processes: s.processes.map((p) => ({
      name: p.name,
      pid: p.pid,
      alive: alive(p.pid),
      ...usage(p.pid),
      ...(p.metricsPort ? { metrics: `http://127.0.0.1:${p.metricsPort}/metrics` } : {}),
      log: p.log,
    })),
  };
}

/** SIGKILLs one worker process of a group (the newest unless INDEX), as a crash would. */
function kill(group: Group, index?: number): Proc {
  const s = loadState();
  const procs = s.processes.filter((p) => p.group === group && alive(p.pid));
  const victim = index === undefined ? procs.at(-1) : procs[index];
  if (!victim) throw new Error(`no live ${group} worker process`);
  process.kill(victim.pid, 'SIGKILL');
  s.processes = s.processes.filter((p) => p !== victim);
  saveState(s);
  return victim;
}

async function main() {
  const [op, ...rest] = process.argv.slice(2);
  switch (op) {
    case 'up': {
      const scaleArgs = rest.flatMap((a, i) => (rest[i - 1] === '--scale' ? [a] : []));
      const s = await up(parseScale(scaleArgs));
      console.log(JSON.stringify({ up: true, seconds: s.upSeconds, TEMPORAL_ADDRESS: s.address, dataDir: agentEnv(s).DATA_DIR, ...(await status()) }, null, 2));
      break;
    }
    case 'scale': {
      const s = loadState();
      for (const [g, n] of Object.entries(parseScale(rest))) await scaleGroup(s, g as Group, n);
      await awaitMetrics(s);
      console.log(JSON.stringify(await status(), null, 2));
      break;
    }
    case 'kill':
      console.log(JSON.stringify({ killed: kill(rest[0] as Group, rest[1] === undefined ? undefined : Number(rest[1])) }));
      break;
    case 'down':
      await down();
      console.log(JSON.stringify({ down: true }));
      break;
    case 'status':
      console.log(JSON.stringify(await status(), null, 2));
      break;
    default:
      console.error('usage: npm run stack:prod -- up [--scale GROUP=N ...] | scale GROUP=N ... | kill GROUP [INDEX] | down | status');
      process.exit(2);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error((err as Error).message);
    process.exit(err instanceof PgUnavailable ? 3 : 1);
  });
}
