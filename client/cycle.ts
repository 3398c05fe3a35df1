/**
 * npm run cycle [-- --ads N] [--format image|video] [--paused] [--policy NAME]
 * Starts one adCycle now, waits for it, prints its result as ONE JSON line on stdout, and exits 0
 * only when the cycle completed. Brings up the local stack (server, simulators, workers) for the
 * parts that are not already running.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/env';
import { startLocalStack } from '../scripts/local-stack';
import { manualWorkflowId, TaskQueues } from '../temporal-config/queues';
import { AdAccountIdKey } from '../temporal-config/search-attributes';
import { installTemporalLogging, makeLogger } from '../workers/logger';
import { adCycleWorkflow } from '../workflows/ad-cycle';
import type { AdCycleInput } from '../workflows/ad-cycle-types';
import { describeCause, rootCause } from '../workflows/failure';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { ads: { type: 'string' }, paused: { type: 'boolean', default: false }, policy: { type: 'string' }, format: { type: 'string' } },
  });
  const config = loadConfig();
  const logger = makeLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  installTemporalLogging(logger, config.logLevel === 'info' ? 'warn' : config.logLevel);
  if (config.meta.mode === 'simulator' || config.kie.mode === 'simulator') {
    process.stderr.write(`Simulator mode: ${[config.meta.mode === 'simulator' && 'Meta', config.kie.mode === 'simulator' && 'Kie.ai'].filter(Boolean).join(' and ')} served by local simulators (no credentials set).\n`);
  }
  // Workers for every queue in this process: the cycle must not depend on whether other worker
  // processes are up (the server lists pollers for minutes after they are gone). If `npm start`
  // runs too, both serve the queues, which is harmless.
  const stack = await startLocalStack(config, { ui: false, log: (m) => logger.info(m) });
  const interrupted = () => {
    console.log(JSON.stringify({ status: 'INTERRUPTED', error: 'stopped by a signal before the cycle finished' }));
    void stack.shutdown().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  const workflowId = manualWorkflowId(config.account.id, new Date().toISOString().replace(/[:.]/g, '-'));
  try {
    const input = {
      accountId: config.account.id,
      adsPerRun: values.ads === undefined ? config.cycle.adsPerRun : Number(values.ads),
      launchesPaused: values.paused,
      ...(values.policy ? { policy: values.policy } : {}),
      ...(values.format ? { format: values.format } : {}),
    } as AdCycleInput;
    const handle = await stack.client.workflow.start(adCycleWorkflow, {
      workflowId,
      taskQueue: TaskQueues.orchestrator,
      args: [input],
      typedSearchAttributes: [{ key: AdAccountIdKey, value: config.account.id }],
      workflowExecutionTimeout: '30m',
    });
    const result = await handle.result();
    console.log(JSON.stringify({ workflowId, runId: handle.firstExecutionRunId, ...result, status: 'COMPLETED' }));
    return 0;
  } catch (err) {
    // The root cause (type, message, Graph code/subcode), not the "Activity task failed" wrapper.
    const cause = rootCause(err);
    const failure = err instanceof WorkflowFailedError ? (err.cause as { details?: unknown[] } | undefined)?.details?.[0] : undefined;
    const stage = (failure as { stage?: string } | undefined)?.stage;
    console.log(JSON.stringify({ workflowId, status: 'FAILED', error: describeCause(cause), cause, ...(stage ? { stage } : {}) }));
    return 1;
  } finally {
    await stack.shutdown();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof ConfigError ? err.message : (err as Error).stack);
    process.exit(1);
  },
);
