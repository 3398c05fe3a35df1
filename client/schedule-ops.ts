/**
 * The ad-cycle schedule: one per ad account, every RUN_INTERVAL, overlap SKIP (a slow cycle makes the
 * next one skip instead of piling up), a catch-up window so an outage runs at most the latest missed
 * cycle, and pause-on-failure so repeated failures stop spending until a human looks.
 */
import { ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import { TaskQueues, scheduleId, scheduledWorkflowId, WORKFLOW_TYPE } from '../temporal-config/queues';
import { cycleMetadata } from '../temporal-config/cycle-metadata';
import { AdAccountIdKey } from '../temporal-config/search-attributes';
import type { AdCycleInput } from '../workflows/ad-cycle-types';

export interface ScheduleSettings {
  accountId: string;
  intervalSeconds: number;
  adsPerRun: number;
  /** The account's hook-choice policy; absent = the learning module's default. */
  policy?: AdCycleInput['policy'];
  /** The account's approval gate, if it has one. */
  approval?: AdCycleInput['approval'];
}

/** What a caller may change of an account's cycle; undefined keeps the account's own setting. */
export interface CycleOverrides {
  adsPerRun?: number;
  launchesPaused?: boolean;
  policy?: AdCycleInput['policy'];
  format?: AdCycleInput['format'];
  hookId?: string;
}

/** The input of one cycle of an account: its settings, with a caller's overrides. Used by the schedule, `npm run cycle` and the API. */
export function cycleInput(s: ScheduleSettings, o: CycleOverrides = {}): AdCycleInput {
  const policy = o.policy ?? s.policy;
  return {
    accountId: s.accountId,
    adsPerRun: o.adsPerRun ?? s.adsPerRun,
    launchesPaused: o.launchesPaused ?? false,
    ...(policy ? { policy } : {}),
    ...(o.format ? { format: o.format } : {}),
    ...(o.hookId ? { hookId: o.hookId } : {}),
    ...(s.approval ? { approval: s.approval } : {}),
  };
}

/** The schedules' view of a configured account. */
export function scheduledAccount(a: {
  id: string;
  intervalSeconds: number;
  adsPerRun: number;
  policy?: AdCycleInput['policy'];
  approval?: AdCycleInput['approval'];
  enabled: boolean;
}): ScheduledAccount {
  return { accountId: a.id, intervalSeconds: a.intervalSeconds, adsPerRun: a.adsPerRun, policy: a.policy, approval: a.approval, enabled: a.enabled };
}

function scheduleOptions(s: ScheduleSettings, launchesPaused = false): ScheduleOptions {
  const args: [AdCycleInput] = [cycleInput(s, { launchesPaused })];
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
      ...cycleMetadata({ ...args[0], adsPerRun: s.adsPerRun, startedBy: 'its schedule' }),
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '10m', pauseOnFailure: true },
  };
}

/** Creates the schedule, or brings an existing one to the configured spec (idempotent). */
export async function ensureSchedule(client: Client, s: ScheduleSettings, opts_: { triggerImmediately?: boolean } = {}): Promise<'created' | 'updated'> {
  const opts = scheduleOptions(s);
  try {
    // A new schedule may run its first cycle at once instead of waiting for the first interval.
    await client.schedule.create(opts_.triggerImmediately ? { ...opts, state: { ...opts.state, triggerImmediately: true } } : opts);
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

/** One configured account as the schedules see it. */
export interface ScheduledAccount extends ScheduleSettings {
  enabled: boolean;
}

/** Notes this agent leaves on a schedule it pauses itself; only such a pause is lifted by a later sync. */
const DISABLED_NOTE = 'account disabled in the accounts file';
const REMOVED_NOTE = 'account removed from the accounts file';
const LIVE_ADS_HINT = 'its live ads keep delivering unwatched: re-enable it with adsPerRun 0 to keep watching them, or pause them in Ads Manager';

export interface SyncReport {
  created: string[];
  updated: string[];
  paused: Array<{ scheduleId: string; why: string }>;
}

/**
 * Keeps one schedule per account in step with the accounts file: an enabled account gets its
 * schedule (created, with its first cycle at once when `firstCycleNow`; or updated to its interval and input; unpaused if this sync had paused it for
 * being disabled); a disabled or removed account has its schedule paused with a note saying why.
 * A schedule paused by a person (or by pause-on-failure) stays paused.
 */
export async function syncSchedules(client: Client, accounts: ScheduledAccount[], opts: { firstCycleNow?: boolean } = {}): Promise<SyncReport> {
  const report: SyncReport = { created: [], updated: [], paused: [] };
  const configured = new Set(accounts.map((a) => scheduleId(a.accountId)));
  for (const a of accounts) {
    const id = scheduleId(a.accountId);
    if (!a.enabled) {
      if (await pauseIfRunning(client, id, `${DISABLED_NOTE}; ${LIVE_ADS_HINT}`)) report.paused.push({ scheduleId: id, why: DISABLED_NOTE });
      continue;
    }
    const how = await ensureSchedule(client, a, { triggerImmediately: opts.firstCycleNow });
    report[how].push(id);
    const handle = client.schedule.getHandle(id);
    const { state } = await handle.describe();
    if (state.paused && (state.note?.startsWith(DISABLED_NOTE) || state.note?.startsWith(REMOVED_NOTE)))
      await handle.unpause('account enabled in the accounts file');
  }
  for await (const s of client.schedule.list()) {
    if (!s.scheduleId.startsWith(scheduleId('act_')) || configured.has(s.scheduleId)) continue;
    if (await pauseIfRunning(client, s.scheduleId, `${REMOVED_NOTE}; ${LIVE_ADS_HINT}`)) report.paused.push({ scheduleId: s.scheduleId, why: REMOVED_NOTE });
  }
  return report;
}

/** Pauses a schedule that exists and runs; true when it did. */
async function pauseIfRunning(client: Client, id: string, note: string): Promise<boolean> {
  const handle = client.schedule.getHandle(id);
  try {
    const { state } = await handle.describe();
    if (state.paused) return false;
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return false;
    throw err;
  }
  await handle.pause(note);
  return true;
}
