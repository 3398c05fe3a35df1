/**
 * A complete agent for one test file: the Kie and Meta simulators over HTTP, a temp data folder
 * with its own performance DB, a config loaded through the real config module, and one real Worker
 * per task queue on the shared Temporal server started by global-setup (or, with `ownServer`, on a
 * server of the stack's own: see own-server.ts).
 */
import type { WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Runtime, DefaultLogger, type LogEntry, type Worker } from '@temporalio/worker';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { loadConfig, type Config } from '../../config/env';
import { startKieSimulator, type KieSimOptions, type KieSimulator } from '../../simulators/kie';
import { startMetaSimulator, type MetaSimOptions, type MetaSimulator } from '../../simulators/meta';
import { manualWorkflowId, TaskQueues } from '../../temporal-config/queues';
import { startCallbackServer } from '../../client/callback-server';
import { freePort } from '../../scripts/temporal-server';
import { cycleMetadata } from '../../temporal-config/cycle-metadata';
import { AdAccountIdKey } from '../../temporal-config/search-attributes';
import { createWorker, GROUPS, type Group } from '../../workers/create-workers';
import { buildActivities } from '../../workers/deps';
import { adCycleWorkflow } from '../../workflows/ad-cycle';
import type { AdCycleInput } from '../../workflows/ad-cycle-types';
import { startOwnTemporalServer } from './own-server';
import { workflowBundle } from './workflow-bundle';

let runtimeInstalled = false;

export interface TestStack {
  env: TestWorkflowEnvironment;
  config: Config;
  /** The environment the config was loaded from (for worker processes started by a test). */
  envVars: Record<string, string>;
  meta: MetaSimulator;
  kie: KieSimulator;
  activities: ReturnType<typeof buildActivities>;
  workers: Worker[];
  startCycle(input?: Partial<AdCycleInput>, id?: string): Promise<WorkflowHandleWithFirstExecutionRunId<typeof adCycleWorkflow>>;
  stopWorkers(groups?: Group[]): Promise<void>;
  startWorkers(groups?: Group[]): Promise<void>;
  shutdown(): Promise<void>;
}

let seq = 0;

export async function startTestStack(
  opts: {
    env?: Record<string, string>;
    meta?: MetaSimOptions;
    kie?: KieSimOptions;
    address?: string;
    /** A Temporal server of the stack's own, stopped with it (for the files in vitest.config.ts's OWN_SERVER). */
    ownServer?: boolean;
    groups?: Group[];
    simClock?: boolean;
    metricsPort?: number;
    /** Receives every log entry of the Temporal runtime (installed once per test process). */
    logSink?: (entry: LogEntry) => void;
  } = {},
): Promise<TestStack> {
  if (!runtimeInstalled) {
    // metricsPort: the runtime serves Prometheus /metrics there (once per test process).
    const metrics = opts.metricsPort ? { metrics: { prometheus: { bindAddress: `127.0.0.1:${opts.metricsPort}` } } } : {};
    Runtime.install({ logger: new DefaultLogger('WARN', opts.logSink), telemetryOptions: { ...metrics } });
    runtimeInstalled = true;
  }
  const bundle = await workflowBundle();
  // The own-server files are given no shared server: one that forgot `ownServer` fails here, not by chance.
  if (!opts.address && !opts.ownServer && !inject('temporalAddress'))
    throw new Error('this test file runs beside the files on the shared Temporal server: start its stack with ownServer: true');
  const server = opts.ownServer ? await startOwnTemporalServer() : undefined;
  const address = opts.address ?? server?.address ?? inject('temporalAddress');
  const meta = await startMetaSimulator({ timeScale: 60, ...opts.meta });
  const kie = await startKieSimulator({ timeScale: 200, ...opts.kie });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'maa-test-'));
  const callbackPort = await freePort();
  const envVars: Record<string, string> = {
    DATA_DIR: dataDir,
    CALLBACK_PORT: String(callbackPort),
    KIE_CALLBACK_URL: `http://127.0.0.1:${callbackPort}/kie/callback`,
    VEO_POLL_INTERVAL_MS: '300',
    TEMPORAL_ADDRESS: address,
    META_GRAPH_BASE_URL: meta.url,
    KIE_BASE_URL: kie.url,
    KIE_POLL_INTERVAL_MS: '250',
    LOG_LEVEL: 'warn',
    // Generous caps: tests launch many ads on one account; the cap tests set their own.
    MAX_LIVE_ADS: '100',
    TOTAL_DAILY_SPEND_CAP: '1000000',
    KIE_DAILY_CREDIT_CAP: '100000',
    // A short lookup window after creates with an unknown outcome keeps the fault tests quick.
    META_CREATE_LOOKUP_WINDOW_MS: '3000',
    META_CREATE_LOOKUP_INTERVAL_MS: '500',
    ...opts.env,
  };
  const config = loadConfig(envVars, { dotenvPath: false });
  // With PAYLOAD_ENCRYPTION_KEYS in opts.env the client encrypts too (the workers get it from createWorker).
  const env = await TestWorkflowEnvironment.createFromExistingServer({ address, client: { dataConverter: config.temporal.dataConverter } });
  const callbacks = await startCallbackServer({ port: callbackPort, client: env.client, tokenSecret: config.callbacks.tokenSecret });
  // simClock: the agent reads the Meta simulator's clock, so a test can advance days of delivery.
  const activities = buildActivities(config, undefined, opts.simClock ? () => meta.now() : undefined);
  const running = new Map<Group, { worker: Worker; done: Promise<void> }>();

  const startWorkers = async (groups: Group[] = [...GROUPS]) => {
    for (const g of groups) {
      if (running.has(g)) continue;
      const worker = await createWorker(g, env.nativeConnection, config, () => activities, { workflowBundle: bundle });
      running.set(g, { worker, done: worker.run() });
    }
  };
  const stopWorkers = async (groups: Group[] = [...running.keys()]) => {
    for (const g of groups) {
      const r = running.get(g);
      if (!r) continue;
      r.worker.shutdown();
      await r.done;
      running.delete(g);
    }
  };
  await startWorkers(opts.groups);

  return {
    env,
    config,
    envVars,
    meta,
    kie,
    activities,
    get workers() {
      return [...running.values()].map((r) => r.worker);
    },
    startCycle(input = {}, id) {
      return env.client.workflow.start(adCycleWorkflow, {
        workflowId: id ?? manualWorkflowId(config.account.id, `test-${process.pid}-${Date.now()}-${seq++}`),
        taskQueue: TaskQueues.orchestrator,
        args: [{ accountId: config.account.id, adsPerRun: 1, ...input } as AdCycleInput],
        typedSearchAttributes: [{ key: AdAccountIdKey, value: config.account.id }],
        workflowExecutionTimeout: '5m',
        ...cycleMetadata({ accountId: config.account.id, adsPerRun: 1, ...input, startedBy: 'a test' }),
      });
    },
    stopWorkers,
    startWorkers,
    async shutdown() {
      await stopWorkers();
      await callbacks.close();
      await env.teardown();
      activities.db.$client.close();
      await meta.close();
      await kie.close();
      await server?.stop();
    },
  };
}

/**
 * A stack that lives through days of delivery in a moment: the agent reads the Meta simulator's
 * clock, which stands still (from 2026-11-20) until the test advances it, and every ad passes
 * review in one simulated minute. `meta` and `env` add to or override that.
 */
export function startSimulatedDaysStack(opts: { env?: Record<string, string>; meta?: MetaSimOptions } = {}): Promise<TestStack> {
  return startTestStack({
    simClock: true,
    env: opts.env,
    meta: { timeScale: 0, startTime: new Date('2026-11-20T00:00:00Z'), disapprovalRate: 0, reviewDelaySimMs: [60_000, 60_000], ...opts.meta },
  });
}
