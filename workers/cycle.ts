/**
 * npm run cycle [-- --account act_... --ads N --format image|video --hook HOOK_ID --paused --policy NAME]
 * Starts one adCycle now for one configured account (the first by default), waits for it, prints
 * its result as ONE JSON line on stdout, and exits 0 only when the cycle completed. Brings up the
 * local stack (server, simulators, workers) for the parts that are not already running.
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/env';
import { pickAccount } from '../config/pick-account';
import { runCycle } from '../client/run-cycle';
import { cycleInput, scheduledAccount } from '../client/schedule-ops';
import type { AdCycleInput } from '../workflows/ad-cycle-types';
import { startLocalStack } from './local-stack';
import { installTemporalLogging, makeLogger } from './logger';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      account: { type: 'string' },
      ads: { type: 'string' },
      paused: { type: 'boolean', default: false },
      policy: { type: 'string' },
      format: { type: 'string' },
      hook: { type: 'string' },
    },
  });
  const config = loadConfig();
  const account = pickAccount(config.accounts, values.account);
  const level = config.logLevel === 'info' ? 'warn' : config.logLevel;
  const logger = makeLogger(level);
  installTemporalLogging(logger, level);
  if (account.meta.mode === 'simulator' || config.kie.mode === 'simulator') {
    process.stderr.write(
      `Simulator mode: ${[account.meta.mode === 'simulator' && `Meta (${account.id})`, config.kie.mode === 'simulator' && 'Kie.ai'].filter(Boolean).join(' and ')} served by local simulators (no credentials set).\n`,
    );
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
  try {
    const input = cycleInput(scheduledAccount(account), {
      adsPerRun: values.ads === undefined ? undefined : Number(values.ads),
      launchesPaused: values.paused,
      policy: values.policy as AdCycleInput['policy'],
      format: values.format as AdCycleInput['format'],
      hookId: values.hook,
    });
    const { ok, line } = await runCycle(stack.client, input);
    console.log(JSON.stringify(line));
    return ok ? 0 : 1;
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
