/**
 * npm start: the whole agent in one process on the embedded default. Uses the Temporal server at
 * TEMPORAL_ADDRESS or starts the embedded dev server (Web UI on TEMPORAL_UI_PORT), starts the
 * simulators for APIs without credentials, runs a worker for every task queue, and creates or
 * updates the schedule that starts a cycle every RUN_INTERVAL. Ctrl-C stops it cleanly.
 */
import { ConfigError, loadConfig } from '../config/env';
import { ensureSchedule } from '../client/schedule-ops';
import { startLocalStack } from '../scripts/local-stack';
import { scheduleId } from '../temporal-config/queues';
import { installTemporalLogging, makeLogger } from './logger';

async function run() {
  const config = loadConfig();
  const logger = makeLogger(config.logLevel);
  installTemporalLogging(logger, config.logLevel);
  if (config.meta.mode === 'simulator' || config.kie.mode === 'simulator') {
    logger.warn(
      `SIMULATOR MODE: ${[config.meta.mode === 'simulator' && 'Meta (FB_ACCESS_TOKEN not set)', config.kie.mode === 'simulator' && 'Kie.ai (KIE_API_KEY not set)'].filter(Boolean).join(' and ')} ` +
        'are served by local simulators. No real ad is created and nothing is paid for.',
    );
  }
  const stack = await startLocalStack(config, { ui: true, log: (m) => logger.info(m) });
  stack.services.forEach((s) => logger.info(s));
  const how = await ensureSchedule(stack.client, { accountId: config.account.id, intervalSeconds: config.cycle.intervalSeconds, adsPerRun: config.cycle.adsPerRun });
  logger.info(
    {
      schedule: scheduleId(config.account.id),
      every: `${config.cycle.intervalSeconds}s`,
      webUi: stack.server.uiUrl ?? `(the UI of the server at ${config.temporal.address})`,
      queues: stack.workers.map((w) => w.options.taskQueue),
    },
    `schedule ${how}; agent running (Ctrl-C to stop)`,
  );
  await stack.running;
  await stack.shutdown();
}

run().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
