/**
 * npm run schedule -- <create|describe|pause|unpause|trigger|delete|pause-launches|resume-launches>
 * Operates the ad-cycle schedule of AD_ACCOUNT_ID on the server at TEMPORAL_ADDRESS.
 */
import { Client, Connection, ScheduleOverlapPolicy } from '@temporalio/client';
import { loadConfig } from '../config/env';
import { scheduleId } from '../temporal-config/queues';
import { ensureSchedule, setScheduledLaunchesPaused } from './schedule-ops';

const OPS = ['create', 'describe', 'pause', 'unpause', 'trigger', 'delete', 'pause-launches', 'resume-launches'] as const;

async function main() {
  const op = process.argv[2];
  if (!OPS.includes(op as (typeof OPS)[number])) {
    console.error(`usage: npm run schedule -- <${OPS.join('|')}> [note]`);
    process.exit(2);
  }
  const config = loadConfig();
  const settings = { accountId: config.account.id, intervalSeconds: config.cycle.intervalSeconds, adsPerRun: config.cycle.adsPerRun };
  const connection = await Connection.connect({ address: config.temporal.address });
  try {
    const client = new Client({ connection, namespace: config.temporal.namespace });
    const handle = client.schedule.getHandle(scheduleId(settings.accountId));
    const note = process.argv[3];
    switch (op) {
      case 'create':
        console.log(`${await ensureSchedule(client, settings)} ${handle.scheduleId}`);
        break;
      case 'describe': {
        const d = await handle.describe();
        console.log(JSON.stringify({
          scheduleId: d.scheduleId,
          paused: d.state.paused,
          note: d.state.note,
          spec: d.spec,
          input: d.action.type === 'startWorkflow' ? d.action.args : undefined,
          recentActions: d.info.recentActions.map((a) => ({ scheduledAt: a.scheduledAt, workflowId: a.action.workflow.workflowId })),
          nextActionTimes: d.info.nextActionTimes,
        }, null, 2));
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
  console.error((err as Error).message);
  process.exit(1);
});
