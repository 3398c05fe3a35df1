/**
 * npm run schedule -- <create|describe|pause|unpause|trigger|delete|pause-launches|resume-launches> [note] [--account act_...]
 * Operates the ad-cycle schedule of one configured account (the first by default) on the server
 * at TEMPORAL_ADDRESS.
 */
import { Client, Connection, ScheduleOverlapPolicy } from '@temporalio/client';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/env';
import { pickAccount } from '../config/pick-account';
import { scheduleId } from '../temporal-config/queues';
import { ensureSchedule, scheduledAccount, setScheduledLaunchesPaused } from './schedule-ops';

const OPS = ['create', 'describe', 'pause', 'unpause', 'trigger', 'backfill', 'delete', 'pause-launches', 'resume-launches'] as const;

async function main() {
  const { values, positionals } = parseArgs({
    options: { account: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } },
    allowPositionals: true,
  });
  const [op, note] = positionals;
  if (!OPS.includes(op as (typeof OPS)[number])) {
    console.error(`usage: npm run schedule -- <${OPS.join('|')}> [note] [--account act_...] [--from ISO --to ISO]`);
    process.exit(2);
  }
  const config = loadConfig();
  const account = pickAccount(config.accounts, values.account);
  const settings = scheduledAccount(account);
  const connection = await Connection.connect({ address: config.temporal.address });
  try {
    const client = new Client({ connection, namespace: config.temporal.namespace, dataConverter: config.temporal.dataConverter });
    const handle = client.schedule.getHandle(scheduleId(settings.accountId));
    switch (op) {
      case 'create':
        console.log(`${await ensureSchedule(client, settings)} ${handle.scheduleId}`);
        break;
      case 'describe': {
        const d = await handle.describe();
        console.log(
          JSON.stringify(
            {
              scheduleId: d.scheduleId,
              paused: d.state.paused,
              note: d.state.note,
              spec: d.spec,
              input: d.action.type === 'startWorkflow' ? d.action.args : undefined,
              recentActions: d.info.recentActions.map((a) => ({ scheduledAt: a.scheduledAt, workflowId: a.action.workflow.workflowId })),
              nextActionTimes: d.info.nextActionTimes,
            },
            null,
            2,
          ),
        );
        break;
      }
      case 'pause':
        await handle.pause(note ?? 'paused from npm run schedule');
        console.log(`paused ${handle.scheduleId}`);
        break;
      case 'unpause':
        await handle.unpause(note ?? 'unpaused from npm run schedule');
        console.log(`unpaused ${handle.scheduleId}`);
        break;
      case 'trigger':
        // Same overlap rule as the schedule: a trigger while a cycle runs is skipped, not stacked.
        await handle.trigger(ScheduleOverlapPolicy.SKIP);
        console.log(`triggered ${handle.scheduleId}`);
        break;
      case 'backfill': {
        // The cycles the schedule would have started in [from, to), e.g. after an outage longer than the catch-up window.
        const from = new Date(values.from ?? '');
        const to = new Date(values.to ?? '');
        if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || from >= to) {
          console.error('backfill needs --from and --to, ISO times with --from before --to');
          process.exit(2);
        }
        await handle.backfill({ start: from, end: to, overlap: ScheduleOverlapPolicy.BUFFER_ALL });
        console.log(`backfilled ${handle.scheduleId} from ${from.toISOString()} to ${to.toISOString()}`);
        break;
      }
      case 'delete':
        await handle.delete();
        console.log(`deleted ${handle.scheduleId}`);
        break;
      case 'pause-launches':
      case 'resume-launches':
        await setScheduledLaunchesPaused(client, settings, op === 'pause-launches');
        console.log(`${op === 'pause-launches' ? 'launches paused' : 'launches resumed'} for future cycles of ${handle.scheduleId}`);
        break;
    }
  } finally {
    await connection.close();
  }
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : (err as Error).message);
  process.exit(1);
});
