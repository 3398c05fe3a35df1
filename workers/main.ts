/**
 * npm run worker:<group>: one process serving one task queue (orchestrator, analysis, images,
 * video, campaign), so each group retries, times out and scales on its own. Run several copies of a
 * group to scale it; its concurrency and queue rate come from config.
 */
import { NativeConnection } from '@temporalio/worker';
import { ConfigError, loadConfig } from '../config/env';
import { checkHookLibraries } from '../config/hook-libraries';
import { createWorker, GROUPS, type Group } from './create-workers';
import { buildActivities } from './deps';
import { installTemporalLogging, makeLogger } from './logger';

async function run() {
  const group = process.argv[2] as Group;
  if (!GROUPS.includes(group)) throw new Error(`usage: tsx workers/main.ts <${GROUPS.join('|')}>`);
  const config = loadConfig();
  checkHookLibraries(config.accounts);
  const logger = makeLogger(config.logLevel);
  installTemporalLogging(logger, config.logLevel, config.metricsPort);
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  let acts: ReturnType<typeof buildActivities> | undefined;
  try {
    const worker = await createWorker(group, connection, config, () => (acts ??= buildActivities(config)));
    logger.info({ group, taskQueue: worker.options.taskQueue, meta: config.meta.mode, kie: config.kie.mode }, 'worker started');
    await worker.run();
  } finally {
    acts?.db.$client.close();
    await connection.close();
  }
}

run().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
