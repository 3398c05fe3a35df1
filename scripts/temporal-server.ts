/**
 * Makes sure a Temporal server answers at the configured address: uses the one that is there
 * (a docker-compose stack, a `temporal server start-dev` in another terminal, Temporal Cloud...)
 * and starts the embedded dev server only when nothing answers. Either way the project's custom
 * search attributes are registered through the operator API first, so a fresh server works.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import { SEARCH_ATTRIBUTE_CLI_TYPES } from '../temporal-config/search-attributes';
import { resolveTemporalCli } from './temporal-cli';

export interface EnsureServerOptions {
  address: string; // host:port
  namespace: string;
  /** Start the embedded dev server when nothing answers at `address`. */
  startEmbedded: boolean;
  /** SQLite file of the embedded server (state survives restarts); undefined = in-memory. */
  dbFile?: string;
  uiPort?: number; // undefined = headless
  logFile?: string;
  log?: (msg: string) => void;
}

export interface RunningServer {
  address: string;
  /** True when this process started the server (and must stop it). */
  embedded: boolean;
  uiUrl?: string;
  stop(): Promise<void>;
}

export async function ensureTemporalServer(opts: EnsureServerOptions): Promise<RunningServer> {
  const log = opts.log ?? (() => {});
  const [host, portText] = splitAddress(opts.address);
  let child: ChildProcess | undefined;
  if (!(await canConnect(host, portText))) {
    if (!opts.startEmbedded) throw new Error(`No Temporal server answers at ${opts.address} and START_EMBEDDED_TEMPORAL=false`);
    child = startDevServer(opts, host, portText, log);
    await waitUntil(() => canConnect(host, portText), 60_000, `Temporal dev server on ${opts.address}`);
  } else {
    log(`Using the Temporal server already running at ${opts.address}`);
  }
  await ensureSearchAttributes(opts.address, opts.namespace, log);
  return {
    address: opts.address,
    embedded: !!child,
    uiUrl: child && opts.uiPort ? `http://${host}:${opts.uiPort}` : undefined,
    async stop() {
      if (!child || child.exitCode !== null) return;
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

function startDevServer(opts: EnsureServerOptions, host: string, port: number, log: (m: string) => void): ChildProcess {
  const cli = resolveTemporalCli({ log });
  const args = ['server', 'start-dev', '--ip', host, '--port', String(port), '--namespace', opts.namespace, '--log-level', 'warn'];
  if (opts.dbFile) {
    mkdirSync(path.dirname(opts.dbFile), { recursive: true });
    args.push('--db-filename', opts.dbFile, '--sqlite-pragma', 'journal_mode=WAL');
  }
  if (opts.uiPort) args.push('--ui-port', String(opts.uiPort));
  else args.push('--headless');
  let out: 'ignore' | number = 'ignore';
  if (opts.logFile) {
    mkdirSync(path.dirname(opts.logFile), { recursive: true });
    out = openSync(opts.logFile, 'a');
  }
  log(`Starting the embedded Temporal dev server: ${cli} ${args.join(' ')}`);
  // A process group of its own: a Ctrl-C in the terminal signals the agent's group, and the server
  // must outlive the workers' drain (an activity finishing then still reports its result); the
  // agent stops it afterwards (stop()), and on any exit of ours that skipped that.
  const child = spawn(cli, args, { stdio: ['ignore', out, out], detached: true });
  const stopOnExit = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  };
  process.once('exit', stopOnExit);
  child.once('exit', () => process.off('exit', stopOnExit));
  return child;
}

/** Registers any missing custom search attribute (operator API), then waits until they are visible. */
export async function ensureSearchAttributes(address: string, namespace: string, log: (m: string) => void = () => {}) {
  const connection = await Connection.connect({ address });
  try {
    const ops = connection.operatorService;
    const existing = await ops.listSearchAttributes({ namespace });
    const have = new Set(Object.keys(existing.customAttributes ?? {}));
    const IVT = proto.temporal.api.enums.v1.IndexedValueType;
    const toType: Record<string, proto.temporal.api.enums.v1.IndexedValueType> = {
      Keyword: IVT.INDEXED_VALUE_TYPE_KEYWORD,
      KeywordList: IVT.INDEXED_VALUE_TYPE_KEYWORD_LIST,
      Int: IVT.INDEXED_VALUE_TYPE_INT,
      Double: IVT.INDEXED_VALUE_TYPE_DOUBLE,
    };
    const unknown = Object.entries(SEARCH_ATTRIBUTE_CLI_TYPES).filter(([, t]) => !(t in toType));
    if (unknown.length) throw new Error(`search attribute types with no mapping: ${unknown.map(([n, t]) => `${n}=${t}`).join(', ')}`);
    const missing = Object.entries(SEARCH_ATTRIBUTE_CLI_TYPES).filter(([name]) => !have.has(name));
    if (missing.length === 0) return;
    log(`Registering search attributes: ${missing.map(([n]) => n).join(', ')}`);
    await ops.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map(([name, t]) => [name, toType[t]!])),
    });
    await waitUntil(
      async () => {
        const now = await ops.listSearchAttributes({ namespace });
        return missing.every(([n]) => n in (now.customAttributes ?? {}));
      },
      30_000,
      'search attributes to register',
    );
  } finally {
    await connection.close();
  }
}

function splitAddress(address: string): [string, number] {
  const i = address.lastIndexOf(':');
  const host = i > 0 ? address.slice(0, i) : address;
  const port = i > 0 ? Number(address.slice(i + 1)) : 7233;
  return [host === 'localhost' ? '127.0.0.1' : host, port];
}

export function canConnect(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** A free TCP port on 127.0.0.1 (tests and side-by-side servers). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.once('error', reject);
  });
}
