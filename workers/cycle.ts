/**
 * npm run cycle [-- --account act_... --ads N --format image|video --hook HOOK_ID --paused --policy NAME]
 * Starts one adCycle now for one configured account (the first by default), waits for it, prints
 * its result as ONE JSON line on stdout, and exits 0 only when the cycle completed. Brings up the
 * local stack (server, simulators, workers) for the parts that are not already running.
 *
 * npm run cycle -- --next [--hook HOOK_ID] [--format image|video] [--account act_...] [--by NAME]
 * npm run cycle -- --next --clear
 * Starts nothing: asks the account's next cycle (scheduled or not) to use this hook and/or format,
 * or withdraws that request. Checked against the hook library now; exits 2 naming a bad field.
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../config/env';
import { checkHookLibraries } from '../config/hook-libraries';
import { openDb } from '../db/client';
import { pickAccount } from '../config/pick-account';
import { runCycle } from '../client/run-cycle';
import { cycleInput, scheduledAccount } from '../client/schedule-ops';
import type { AdCycleInput } from '../workflows/ad-cycle-types';
import { startLocalStack } from './local-stack';
import { installTemporalLogging, makeLogger } from './logger';
import { nextCycleRequests } from './next-cycle';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      account: { type: 'string' },
      ads: { type: 'string' },
      paused: { type: 'boolean', default: false },
      policy: { type: 'string' },
      format: { type: 'string' },
      hook: { type: 'string' },
      next: { type: 'boolean', default: false },
      clear: { type: 'boolean', default: false },
      by: { type: 'string' },
    },
  });
  const config = loadConfig();
  // A bad hook library stops here, naming its file and fields, before a cycle is started.
  checkHookLibraries(config.accounts);
  const account = pickAccount(config.accounts, values.account);
  if (values.next) return nextCycle(config, account.id, values);
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

/** --next: store (or withdraw) a request for the account's next cycle, and say what is pending now. */
function nextCycle(config: Config, accountId: string, v: { hook?: string; format?: string; clear: boolean; by?: string }): number {
  const db = openDb(config.dbPath);
  try {
    const requests = nextCycleRequests(
      () => db,
      () => config.accounts,
    );
    if (v.clear) {
      console.log(JSON.stringify({ account: accountId, cleared: requests.clear(accountId) }));
      return 0;
    }
    const answer = requests.request(accountId, {
      hookId: v.hook,
      format: v.format as 'image' | 'video' | undefined,
      requestedBy: v.by ?? process.env.USER ?? 'npm run cycle',
    });
    if (!answer.ok) {
      console.error(`Not stored:\n  - ${answer.problems.join('\n  - ')}`);
      return 2;
    }
    console.log(JSON.stringify({ account: accountId, nextCycle: answer.nextCycle }));
    return 0;
  } finally {
    db.$client.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof ConfigError ? err.message : (err as Error).stack);
    process.exit(1);
  },
);
