/**
 * npm start: the whole agent in one process on the embedded default. Uses the Temporal server at
 * TEMPORAL_ADDRESS or starts the embedded dev server (Web UI on TEMPORAL_UI_PORT), starts the
 * simulators for APIs without credentials, runs a worker for every task queue, and keeps one
 * schedule per configured account (`ad-cycle-<account>`) in step with the accounts file, also when
 * the file is edited while it runs. Ctrl-C (or SIGTERM, or a closed terminal) stops it cleanly: the
 * workers drain first, then the embedded server stops.
 */
import { unwatchFile, watchFile } from 'node:fs';
import { ConfigError, loadConfig, type Config } from '../config/env';
import { checkHookLibraries } from '../config/hook-libraries';
import { scheduledAccount, syncSchedules } from '../client/schedule-ops';
import { startLocalStack } from './local-stack';
import { installTemporalLogging, makeLogger } from './logger';

/** Where `npm start` serves Prometheus metrics unless METRICS_PORT says otherwise. */
const DEFAULT_METRICS_PORT = 9464;

/** The schedules' view of the configured accounts. */
const scheduled = (config: Config) => config.accounts.map(scheduledAccount);

async function run() {
  const config = loadConfig();
  checkHookLibraries(config.accounts);
  const logger = makeLogger(config.logLevel);
  installTemporalLogging(logger, config.logLevel, config.metricsPort ?? DEFAULT_METRICS_PORT);
  const simulated = config.accounts.filter((a) => a.meta.mode === 'simulator').map((a) => a.id);
  if (simulated.length || config.kie.mode === 'simulator') {
    logger.warn(
      `SIMULATOR MODE: ${[simulated.length && `Meta for ${simulated.join(', ')} (no token set)`, config.kie.mode === 'simulator' && 'Kie.ai (KIE_API_KEY not set)'].filter(Boolean).join(' and ')} ` +
        'served by local simulators. No real ad is created there and nothing is paid for.',
    );
  }
  const stack = await startLocalStack(config, { ui: true, api: true, log: (m) => logger.info(m) });
  stack.services.forEach((s) => logger.info(s));
  const sync = async (c: Config) => {
    // A new account's first cycle starts at once; then every interval.
    const report = await syncSchedules(stack.client, scheduled(c), { firstCycleNow: true });
    logger.info(
      { ...report, accounts: c.accounts.map((a) => ({ id: a.id, name: a.name, enabled: a.enabled, every: `${a.intervalSeconds}s`, meta: a.meta.mode })) },
      'schedules in step with the accounts',
    );
  };
  await sync(config);
  logger.info(
    { webUi: stack.server.uiUrl ?? `(the UI of the server at ${config.temporal.address})`, queues: stack.workers.map((w) => w.options.taskQueue) },
    'agent running (Ctrl-C to stop)',
  );
  const file = config.accountsFile;
  if (file) {
    // An edited accounts file takes effect without a restart; a broken edit is reported and ignored.
    watchFile(file, { interval: 1_000 }, () => {
      void (async () => {
        try {
          const next = loadConfig();
          checkHookLibraries(next.accounts);
          await stack.reloadAccounts(next);
          await sync(next);
        } catch (err) {
          logger.error({ problem: err instanceof ConfigError ? err.message : (err as Error).message }, 'accounts file not applied');
        }
      })();
    });
  }
  // Temporal's runtime stops the workers on the first SIGINT/SIGTERM; then everything else is
  // closed. A closed terminal (SIGHUP) gets the same clean stop.
  process.once('SIGHUP', () => process.kill(process.pid, 'SIGTERM'));
  // After its first signal the runtime stops listening, and Node's default for the next one is to
  // exit at once, skipping the shutdown and leaving the embedded server (in its own process group)
  // running. Under `npm start` one Ctrl-C arrives twice (the terminal's, and the one npm and tsx
  // pass on), so a repeat within a second is that same Ctrl-C; a later one is "stop now".
  let firstSignalAt = 0;
  const onSignal = () => {
    const now = Date.now();
    if (!firstSignalAt) firstSignalAt = now;
    else if (now - firstSignalAt > 1_000) {
      logger.warn('interrupted again: stopping the embedded server now, without waiting for the workers');
      void stack.server.stop().finally(() => process.exit(130));
    }
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
  await stack.running;
  if (file) unwatchFile(file);
  await stack.shutdown();
  logger.info('agent stopped');
}

run().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
