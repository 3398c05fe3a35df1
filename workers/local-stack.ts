/**
 * Brings up what a cycle needs on this machine, reusing whatever is already running:
 *  - the Temporal server at TEMPORAL_ADDRESS, or the embedded dev server (SQLite file under DATA_DIR);
 *  - the Kie.ai and Meta simulators, for each API whose credentials are not set;
 *  - an in-process worker for every task queue (other worker processes may serve the same queues:
 *    the server lists pollers for minutes after they are gone, so their presence proves nothing).
 * Used by `npm start` (everything, plus the schedules) and `npm run cycle` (one cycle): this is
 * where the whole app is wired, so it lives with the workers.
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import got from 'got';
import path from 'node:path';
import type { Config } from '../config/env';
import { startKieSimulator } from '../simulators/kie';
import { startMetaSimulator } from '../simulators/meta';
import { buildWorkflowBundle, createWorker, GROUPS } from './create-workers';
import { buildActivities } from './deps';
import { startApiServer } from '../client/api-server';
import { startCallbackServer } from '../client/callback-server';
import { startCodecServer } from '../client/codec-server';
import { scheduledAccount } from '../client/schedule-ops';
import { servedReport } from '../report/reports';
import { nextCycleRequests } from './next-cycle';
import { canConnect, ensureTemporalServer, type RunningServer } from '../scripts/temporal-server';

export interface LocalStack {
  server: RunningServer;
  client: Client;
  workers: Worker[];
  /** Local services this process started (simulators, callback endpoint), for the start-up log. */
  services: string[];
  /** Resolves when every in-process worker has stopped. */
  running: Promise<void>;
  /** Applies an edited accounts file: the workers serve the new list; the simulator learns new simulated accounts. */
  reloadAccounts(next: Config): Promise<void>;
  shutdown(): Promise<void>;
}

export async function startLocalStack(
  config: Config,
  /** workers: false serves the endpoints only (`npm run serve`), for worker processes run per queue. */
  opts: { ui: boolean; api?: boolean; workers?: boolean; log: (msg: string) => void },
): Promise<LocalStack> {
  const { log } = opts;
  const closers: Array<() => Promise<void>> = [];
  const services: string[] = [];
  // Simulators first: a worker that starts must find its APIs.
  const simulated = config.accounts.filter((a) => a.meta.mode === 'simulator');
  if (simulated.length && !config.meta.baseUrlGiven && !(await canConnect('127.0.0.1', config.meta.simPort))) {
    // One simulated Graph API for every account without a token, with those accounts' pages and audiences.
    const sim = await startMetaSimulator({
      port: config.meta.simPort,
      timeScale: config.simTimeScale,
      stateFile: path.join(config.dataDir, 'meta-simulator.json'),
      adAccounts: simulated.map((a) => a.id),
      pageIds: [...new Set(simulated.map((a) => a.pageId))],
      customAudienceIds: [...new Set(simulated.flatMap((a) => a.customAudienceIds))],
    });
    closers.push(() => sim.close());
    services.push(`Meta Graph API simulator at ${sim.url} for ${simulated.map((a) => a.id).join(', ')}`);
  }
  if (config.kie.mode === 'simulator' && !config.kie.baseUrlGiven && !(await canConnect('127.0.0.1', config.kie.simPort))) {
    const sim = await startKieSimulator({ port: config.kie.simPort, timeScale: config.simTimeScale });
    closers.push(() => sim.close());
    services.push(`Kie.ai simulator at ${sim.url}`);
  }

  const server = await ensureTemporalServer({
    address: config.temporal.address,
    namespace: config.temporal.namespace,
    startEmbedded: config.temporal.startEmbedded,
    dbFile: config.temporalDbPath,
    uiPort: opts.ui ? config.temporal.uiPort : undefined,
    logFile: path.join(config.dataDir, 'temporal-server.log'),
    log,
  });
  closers.push(() => server.stop());

  const connection = await Connection.connect({ address: config.temporal.address });
  const client = new Client({ connection, namespace: config.temporal.namespace, dataConverter: config.temporal.dataConverter });
  closers.unshift(() => connection.close());

  // Kie's completion callbacks, relayed to the waiting cycles as signals (polling remains the fallback).
  if (config.callbacks.url && !(await canConnect('127.0.0.1', config.callbacks.port))) {
    const cb = await startCallbackServer({
      port: config.callbacks.port,
      host: config.callbacks.host,
      client,
      hmacKey: config.callbacks.hmacKey,
      tokenSecret: config.callbacks.tokenSecret,
      log: (m) => log(m),
    });
    closers.unshift(() => cb.close());
    services.push(`Kie callback endpoint at ${cb.url}`);
  }
  // Payloads are encrypted: the Web UI shows them decoded through this endpoint (README, Payload encryption).
  // Only in the long-running process a user watches in the UI (npm start), not in a one-shot `npm run cycle`.
  const codec = config.temporal.payloadCodec;
  if (opts.ui && codec && !(await canConnect('127.0.0.1', config.codec.port))) {
    const cs = await startCodecServer({ port: config.codec.port, host: config.codec.host, codec, corsOrigins: config.codec.corsOrigins });
    closers.unshift(() => cs.close());
    services.push(`Payloads encrypted (key ${codec.keyId}); codec endpoint for the Web UI at ${cs.url} (for ${config.codec.corsOrigins.join(', ')})`);
  }

  const native = await NativeConnection.connect({ address: config.temporal.address });
  let acts: ReturnType<typeof buildActivities> | undefined;
  const activities = () => (acts ??= buildActivities(config));
  const reloaders: Array<(next: Config) => void> = [];
  const workers: Worker[] = [];
  if (opts.api && config.api.token) {
    let current = config;
    reloaders.push((next) => void (current = next));
    const api = await startApiServer({
      port: config.api.port,
      host: config.api.host,
      token: config.api.token,
      client,
      accounts: () => current.accounts.map(scheduledAccount),
      checkDb: () => void activities().db.$client.prepare('select count(*) from cycles').get(),
      report: servedReport(
        () => activities().db,
        () => current,
      ),
      nextCycle: nextCycleRequests(
        () => activities().db,
        () => current.accounts,
      ),
    });
    closers.unshift(() => api.close());
    services.push(`Trigger API at ${api.url} (bearer API_TOKEN)`);
  } else if (opts.api) services.push('Trigger API off (set API_TOKEN to serve it)');

  if (opts.workers !== false) {
    const workflowBundle = await buildWorkflowBundle();
    for (const g of GROUPS) workers.push(await createWorker(g, native, config, activities, { workflowBundle }));
  }
  // Without workers, nothing else ends the process: it runs until SIGINT or SIGTERM.
  const running = workers.length
    ? Promise.all(workers.map((w) => w.run())).then(() => undefined)
    : new Promise<void>((resolve) => ['SIGINT', 'SIGTERM'].forEach((sig) => process.once(sig, () => resolve())));
  closers.unshift(async () => {
    for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
    await running.catch(() => undefined);
    await native.close();
    acts?.db.$client.close();
  });
  return {
    server,
    client,
    workers,
    services,
    running,
    async reloadAccounts(next) {
      const sim = next.accounts.filter((a) => a.meta.mode === 'simulator');
      if (sim.length && (await canConnect('127.0.0.1', next.meta.simPort))) {
        await got.post(`http://127.0.0.1:${next.meta.simPort}/__sim/accounts`, {
          json: { adAccounts: sim.map((a) => a.id), pageIds: sim.map((a) => a.pageId), customAudienceIds: sim.flatMap((a) => a.customAudienceIds) },
          timeout: { request: 5_000 },
        });
      }
      acts?.reloadAccounts(next);
      reloaders.forEach((r) => r(next));
    },
    async shutdown() {
      for (const close of closers) await close().catch((err) => log(`shutdown: ${(err as Error).message}`));
    },
  };
}
