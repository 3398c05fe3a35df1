/**
 * npm run deploy:check [-- --limit N] [--workflows PATH]
 *
 * The gate before a deploy: fetches the most recent adCycle histories from the server at
 * TEMPORAL_ADDRESS (running ones first: they are the ones new workers will pick up mid-way, then
 * the latest closed ones) and replays them against the workflow code about to be deployed. Any
 * nondeterminism (a command added, removed or reordered without patched()) refuses the deploy:
 * it prints each failing workflow id with the error and exits 1. Exit 0 prints how many histories
 * replayed and how long it took. --workflows replays another workflow module (the tests use it to
 * show a refusal); by default the one the workers load.
 */
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { DefaultLogger, makeTelemetryFilterString, Runtime, Worker } from '@temporalio/worker';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/env';
import { WORKFLOW_TYPE } from '../temporal-config/queues';
import { buildWorkflowBundle, WORKFLOWS_PATH } from './create-workers';

export interface DeployCheck {
  replayed: number;
  running: number;
  failures: Array<{ workflowId: string; runId: string; error: string }>;
  seconds: number;
}

export async function deployCheck(client: Client, opts: { limit: number; workflowsPath: string; dataConverter?: DataConverter }): Promise<DeployCheck> {
  const t0 = Date.now();
  const executions: Array<{ workflowId: string; runId: string }> = [];
  let running = 0;
  for (const query of [
    `WorkflowType = '${WORKFLOW_TYPE}' AND ExecutionStatus = 'Running'`,
    `WorkflowType = '${WORKFLOW_TYPE}' AND ExecutionStatus != 'Running'`,
  ]) {
    for await (const w of client.workflow.list({ query })) {
      if (executions.length >= opts.limit) break;
      // Visibility may still list a just-closed run as running: each run once.
      if (executions.some((e) => e.runId === w.runId)) continue;
      executions.push({ workflowId: w.workflowId, runId: w.runId });
      if (query.endsWith("= 'Running'")) running++;
    }
  }
  const histories = (async function* () {
    for (const e of executions) yield { workflowId: e.workflowId, history: await client.workflow.getHandle(e.workflowId, e.runId).fetchHistory() };
  })();
  const failures: DeployCheck['failures'] = [];
  for await (const r of Worker.runReplayHistories(
    { workflowBundle: await buildWorkflowBundle(opts.workflowsPath), dataConverter: opts.dataConverter },
    histories,
  )) {
    if (r.error) failures.push({ workflowId: r.workflowId, runId: r.runId, error: `${(r.error as Error).name}: ${(r.error as Error).message}` });
  }
  return { replayed: executions.length, running, failures, seconds: Math.round((Date.now() - t0) / 100) / 10 };
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { limit: { type: 'string', default: '100' }, workflows: { type: 'string' } } });
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new ConfigError([`--limit: a whole number above 0, got ${values.limit}`]);
  const config = loadConfig();
  // The replayer logs each nondeterminism it meets; stdout is kept for the one JSON answer.
  Runtime.install({
    logger: new DefaultLogger('ERROR', (e) => process.stderr.write(`${e.level} ${e.message}\n`)),
    telemetryOptions: { logging: { forward: {}, filter: makeTelemetryFilterString({ core: 'ERROR' }) } },
  });
  const connection = await Connection.connect({ address: config.temporal.address });
  try {
    const client = new Client({ connection, namespace: config.temporal.namespace, dataConverter: config.temporal.dataConverter });
    const workflowsPath = values.workflows ? path.resolve(values.workflows) : WORKFLOWS_PATH;
    const check = await deployCheck(client, { limit, workflowsPath, dataConverter: config.temporal.dataConverter });
    console.log(JSON.stringify({ ok: check.failures.length === 0, server: config.temporal.address, workflows: workflowsPath, ...check }));
    if (check.failures.length) console.error(`Deploy refused: ${check.failures.length} of ${check.replayed} histories do not replay on this code.`);
    return check.failures.length ? 1 : 0;
  } finally {
    await connection.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof ConfigError ? err.message : (err as Error).stack);
    process.exit(2);
  },
);
