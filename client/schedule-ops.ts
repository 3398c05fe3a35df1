/**
 * The ad-cycle schedule: one per ad account, every RUN_INTERVAL, overlap SKIP (a slow cycle makes the
 * next one skip instead of piling up), a catch-up window so an outage runs at most the latest missed
 * cycle, and pause-on-failure so repeated failures stop spending until a human looks.
 */
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import { TaskQueues, scheduleId, scheduledWorkflowId, WORKFLOW_TYPE } from '../temporal-config/queues';
import { AdAccountIdKey } from '../temporal-config/search-attributes';
import type { AdCycleInput } from '../workflows/ad-cycle-types';

export interface ScheduleSettings {
  accountId: string;
  intervalSeconds: number;
  adsPerRun: number;
}

function scheduleOptions(s: ScheduleSettings, launchesPaused = false): ScheduleOptions {
  const args: [AdCycleInput] = [{ accountId: s.accountId, adsPerRun: s.adsPerRun, launchesPaused }];
  return {
    scheduleId: scheduleId(s.accountId),
    spec: { intervals: [{ every: `${s.intervalSeconds}s` }] },
    action: {
      type: 'startWorkflow',
      workflowType: WORKFLOW_TYPE,
      taskQueue: TaskQueues.orchestrator,
      workflowId: scheduledWorkflowId(s.accountId),
      args,
      typedSearchAttributes: [{ key: AdAccountIdKey, value: s.accountId }],
      // Backstop: no cycle may outlive two intervals.
      workflowExecutionTimeout: `${s.intervalSeconds * 2}s`,
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '10m', pauseOnFailure: true },
  };
}

/** Creates the schedule, or brings an existing one to the configured spec (idempotent). */
export async function ensureSchedule(client: Client, s: ScheduleSettings): Promise<'created' | 'updated'> {
  const opts = scheduleOptions(s);
  try {
    await client.schedule.create(opts);
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(opts.scheduleId).update((prev) => {
      const launchesPaused = (prev.action.args?.[0] as AdCycleInput | undefined)?.launchesPaused ?? false;
      const next = scheduleOptions(s, launchesPaused);
      return { ...prev, spec: next.spec, action: next.action, policies: next.policies };
    });
    return 'updated';
  }
}

/** Sets `launchesPaused` in the input of every future scheduled cycle (insights keep being collected). */
export async function setScheduledLaunchesPaused(client: Client, s: ScheduleSettings, paused: boolean) {
  await client.schedule.getHandle(scheduleId(s.accountId)).update((prev) => ({ ...prev, action: scheduleOptions(s, paused).action }));
}
