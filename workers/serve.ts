/**
 * npm run serve: the agent's endpoints without workers, for a deployment that runs one worker
 * process per task queue (`npm run worker:<group>`, scaled per queue) against its own Temporal
 * server: the Kie callback endpoint, the trigger API (when API_TOKEN is set) and the schedules,
 * kept in step with the accounts file. It never starts a dev server: TEMPORAL_ADDRESS must answer.
 */
import { ConfigError, loadConfig } from '../config/env';
import { scheduledAccount, syncSchedules } from '../client/schedule-ops';
import { startLocalStack } from './local-stack';
import { installTemporalLogging, makeLogger } from './logger';

async function run() {
  const config = loadConfig();
  const logger = makeLogger(config.logLevel);
  installTemporalLogging(logger, config.logLevel, config.metricsPort);
  const stack = await startLocalStack(
    { ...config, temporal: { ...config.temporal, startEmbedded: false } },
    { ui: false, api: true, workers: false, log: (m) => logger.info(m) },
  );
  stack.services.forEach((s) => logger.info(s));
  const report = await syncSchedules(stack.client, config.accounts.map(scheduledAccount), { firstCycleNow: true });
  logger.info({ ...report, server: config.temporal.address }, 'endpoints serving, schedules in step (workers run as their own processes)');
  await stack.running;
  await stack.shutdown();
}

run().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
