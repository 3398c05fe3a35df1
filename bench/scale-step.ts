/**
 * One step of the scale benchmark: N accounts, each with its real schedule (client/schedule-ops.ts
 * ensureSchedule: interval spec, overlap SKIP, catch-up window, pause-on-failure), watched for
 * `cycles` scheduled times. Measures, per cycle, the lag from the schedule's time to the cycle's
 * first workflow task, and over the window the CPU and RSS of every process and the request rates
 * the simulators saw (Kie tasks from GET /__sim/state, Meta calls from GET /__sim/calls, Meta's
 * usage headers from GET /__sim/usage).
 */
import type { Client, ScheduleDescription } from '@temporalio/client';
import { ensureSchedule } from '../client/schedule-ops';
import { scheduleId } from '../temporal-config/queues';
import { cycleTimeline, mapLimit, quantile, type CycleTimeline } from './scale-history';
import { UsageWindow } from './scale-procs';

export interface StepContext {
  client: Client;
  intervalSeconds: number;
  cycles: number;
  procs: Array<{ name: string; pid: number }>;
  metaUrl: string;
  kieUrl: string;
  log: (m: string) => void;
}

export interface StepResult {
  n: number;
  expected: number;
  run: number;
  missed: number;
  skippedOverlap: number;
  failed: number;
  launched: number;
  /** Schedule time -> first workflow task started, ms. */
  lagMs: number[];
  /** Schedule time -> workflow execution started (the scheduler's part of the lag), ms. */
  startLagMs: number[];
  cycleMs: number[];
  /** Per activity type: p99 queue wait (Scheduled -> Started) and p50 time inside, ms. */
  activities: Array<{ type: string; queueWaitP99: number; insideP50: number }>;
  retries: Array<{ type: string; cause: string }>;
  kie: { creates: number; maxPer10s: number; avgPer10s: number };
  meta: { requests: number; perSecond: number; errors: number; bucCallPct: number; bucTimePct: number; appCallPct: number };
  usage: ReturnType<UsageWindow['end']>;
}

const sleepUntil = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms - Date.now())));
const getJson = async <T>(url: string, method = 'GET'): Promise<T> => (await fetch(url, { method })).json() as Promise<T>;

/** Waits until no workflow runs on the server (the previous step's cycles have ended). */
export async function drain(client: Client, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { count } = await client.workflow.count('ExecutionStatus = "Running"');
    if (count === 0 || Date.now() > deadline) return count;
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The largest number of `times` (ms, any order) within any `windowMs`. */
function maxInWindow(times: number[], windowMs: number): number {
  const t = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < t.length; i++) {
    while (t[i]! - t[j]! >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

export async function runStep(ctx: StepContext, accounts: string[]): Promise<StepResult> {
  const { client, intervalSeconds, cycles } = ctx;
  const intervalMs = intervalSeconds * 1000;
  // Interval schedules fire on multiples of the interval since the epoch: do not create them across such a time.
  const creationMs = 2_000 + accounts.length * 60;
  const toBoundary = intervalMs - (Date.now() % intervalMs);
  if (toBoundary < creationMs) await sleepUntil(Date.now() + toBoundary + 500);
  await mapLimit(accounts, 8, (accountId) => ensureSchedule(client, { accountId, intervalSeconds, adsPerRun: 1 }));
  const created = await mapLimit(accounts, 8, (a) => client.schedule.getHandle(scheduleId(a)).describe());
  const expected = new Map(accounts.map((a, i) => [a, created[i]!.info.nextActionTimes.slice(0, cycles).map((d) => d.getTime())]));
  const first = Math.min(...[...expected.values()].map((e) => e[0]!));
  const last = Math.max(...[...expected.values()].map((e) => e.at(-1)!));
  ctx.log(`N=${accounts.length}: ${accounts.length} schedules, first cycle ${new Date(first).toISOString()}, last ${new Date(last).toISOString()}`);

  await sleepUntil(first - 200);
  await getJson(`${ctx.metaUrl}/__sim/usage`, 'DELETE');
  const metaCalls0 = (await getJson<{ calls: unknown[] }>(`${ctx.metaUrl}/__sim/calls`)).calls.length;
  const window = new UsageWindow(ctx.procs);
  const windowStart = Date.now();

  // Past the last scheduled time (plus slack for a late scheduler), before the next one: read and delete.
  await sleepUntil(last + intervalMs / 2);
  const described: ScheduleDescription[] = await mapLimit(accounts, 8, (a) => client.schedule.getHandle(scheduleId(a)).describe());
  await mapLimit(accounts, 8, (a) => client.schedule.getHandle(scheduleId(a)).delete());
  await sleepUntil(last + intervalMs);
  const usage = window.end();
  const windowEnd = Date.now();
  const calls = (await getJson<{ calls: Array<{ status: number }> }>(`${ctx.metaUrl}/__sim/calls`)).calls.slice(metaCalls0);
  const metaUsage = await getJson<{
    app: { call_count: number };
    businessUseCase: Record<string, Record<string, { call_count: number; total_time: number }>>;
  }>(`${ctx.metaUrl}/__sim/usage`);
  const kieState = await getJson<{ tasks: Array<{ createdAt: number; apiKey: string }> }>(`${ctx.kieUrl}/__sim/state`);

  const left = await drain(client, 2 * intervalMs + 30_000);
  if (left) ctx.log(`N=${accounts.length}: ${left} cycles still running after the drain timeout`);

  // Each scheduled time of the window matched with the action the schedule took for it.
  const taken = accounts.flatMap((a, i) => {
    const want = new Set(expected.get(a));
    return described[i]!.info.recentActions.filter((r) => want.has(r.scheduledAt.getTime())).map((r) => ({
      scheduledMs: r.scheduledAt.getTime(),
      wf: r.action.workflow,
    }));
  });
  const timelines: Array<{ scheduledMs: number; t: CycleTimeline }> = await mapLimit(taken, 8, async (x) => ({
    scheduledMs: x.scheduledMs,
    t: await cycleTimeline(client, x.wf.workflowId, x.wf.firstExecutionRunId),
  }));
  const hops = timelines.flatMap(({ t }) => t.hops);
  const types = [...new Set(hops.map((h) => h.type))];
  const kieCreates = kieState.tasks.filter((t) => t.createdAt >= windowStart && t.createdAt <= windowEnd);
  const perKey = new Map<string, number[]>();
  for (const t of kieCreates) perKey.set(t.apiKey, [...(perKey.get(t.apiKey) ?? []), t.createdAt]);
  const buc = Object.values(metaUsage.businessUseCase).flatMap((b) => Object.values(b));
  const seconds = (windowEnd - windowStart) / 1000;
  const expectedCount = [...expected.values()].reduce((a, e) => a + e.length, 0);
  return {
    n: accounts.length,
    expected: expectedCount,
    run: taken.length,
    missed: expectedCount - taken.length,
    skippedOverlap: described.reduce((a, d) => a + d.info.numActionsSkippedOverlap + d.info.numActionsMissedCatchupWindow, 0),
    failed: timelines.filter(({ t }) => t.status !== 'completed').length,
    launched: hops.filter((h) => h.type === 'launchCreative' && h.ok).length,
    lagMs: timelines.map(({ scheduledMs, t }) => (t.firstTaskMs ?? Infinity) - scheduledMs),
    startLagMs: timelines.map(({ scheduledMs, t }) => t.startedMs - scheduledMs),
    cycleMs: timelines.map(({ t }) => (t.closedMs ?? Infinity) - t.startedMs),
    activities: types.map((type) => {
      const of = hops.filter((h) => h.type === type && h.startedMs !== undefined);
      return {
        type,
        queueWaitP99: quantile(
          of.map((h) => h.startedMs! - h.scheduledMs),
          0.99,
        ),
        insideP50: quantile(
          of.filter((h) => h.closedMs !== undefined).map((h) => h.closedMs! - h.startedMs!),
          0.5,
        ),
      };
    }),
    retries: hops.filter((h) => h.attempt > 1).map((h) => ({ type: h.type, cause: (h.lastFailure ?? '?').slice(0, 100) })),
    kie: {
      creates: kieCreates.length,
      maxPer10s: Math.max(0, ...[...perKey.values()].map((ts) => maxInWindow(ts, 10_000))),
      avgPer10s: kieCreates.length / (seconds / 10),
    },
    meta: {
      requests: calls.length,
      perSecond: calls.length / seconds,
      errors: calls.filter((c) => c.status >= 400 || c.status === 0).length,
      bucCallPct: Math.max(0, ...buc.map((b) => b.call_count)),
      bucTimePct: Math.max(0, ...buc.map((b) => b.total_time)),
      appCallPct: metaUsage.app.call_count,
    },
    usage,
  };
}
