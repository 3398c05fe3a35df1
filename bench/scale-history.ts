/**
 * What the scale benchmark reads from a cycle's history: when it started and first ran, when it
 * closed and how, and each activity hop (queue wait = Scheduled -> Started, time inside the
 * activity = Started -> Completed, attempt, the last failure of a retried one).
 */
import type { Client } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';
import type proto from '@temporalio/proto';

type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;

export interface Hop {
  type: string;
  scheduledMs: number;
  startedMs?: number;
  closedMs?: number;
  attempt: number;
  /** The failure that caused the last retry (attempt > 1). */
  lastFailure?: string;
  ok: boolean;
}

export interface CycleTimeline {
  workflowId: string;
  startedMs: number;
  /** The first workflow task started: the cycle's code begins to run. */
  firstTaskMs?: number;
  closedMs?: number;
  status: 'completed' | 'failed' | 'timed out' | 'terminated' | 'canceled' | 'running';
  hops: Hop[];
}

const at = (e: HistoryEvent) => tsToMs(e.eventTime);

export async function cycleTimeline(client: Client, workflowId: string, runId?: string): Promise<CycleTimeline> {
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  const events = history.events ?? [];
  const hops = new Map<string, Hop>(); // by scheduled event id
  const started = new Map<string, Hop>(); // by started event id
  const t: CycleTimeline = { workflowId, startedMs: 0, status: 'running', hops: [] };
  for (const e of events) {
    const id = String(e.eventId);
    if (e.workflowExecutionStartedEventAttributes) t.startedMs = at(e);
    else if (e.workflowTaskStartedEventAttributes) t.firstTaskMs ??= at(e);
    else if (e.activityTaskScheduledEventAttributes) {
      const hop: Hop = { type: e.activityTaskScheduledEventAttributes.activityType?.name ?? '?', scheduledMs: at(e), attempt: 1, ok: false };
      hops.set(id, hop);
      t.hops.push(hop);
    } else if (e.activityTaskStartedEventAttributes) {
      const a = e.activityTaskStartedEventAttributes;
      const hop = hops.get(String(a.scheduledEventId));
      if (!hop) continue;
      hop.startedMs = at(e);
      hop.attempt = a.attempt ?? 1;
      if (a.lastFailure?.message) hop.lastFailure = a.lastFailure.message;
      started.set(id, hop);
    } else {
      const done =
        e.activityTaskCompletedEventAttributes ??
        e.activityTaskFailedEventAttributes ??
        e.activityTaskTimedOutEventAttributes ??
        e.activityTaskCanceledEventAttributes;
      if (done) {
        const hop = started.get(String(done.startedEventId)) ?? hops.get(String(done.scheduledEventId));
        if (!hop) continue;
        hop.closedMs = at(e);
        hop.ok = !!e.activityTaskCompletedEventAttributes;
      }
    }
    if (e.workflowExecutionCompletedEventAttributes) close(t, e, 'completed');
    else if (e.workflowExecutionFailedEventAttributes) close(t, e, 'failed');
    else if (e.workflowExecutionTimedOutEventAttributes) close(t, e, 'timed out');
    else if (e.workflowExecutionTerminatedEventAttributes) close(t, e, 'terminated');
    else if (e.workflowExecutionCanceledEventAttributes) close(t, e, 'canceled');
  }
  return t;
}

function close(t: CycleTimeline, e: HistoryEvent, status: CycleTimeline['status']) {
  t.closedMs = at(e);
  t.status = status;
}

/** Time inside activities (Started -> closed, summed over hops), ms. */
export const activityMs = (t: CycleTimeline) => t.hops.reduce((a, h) => a + (h.startedMs && h.closedMs ? h.closedMs - h.startedMs : 0), 0);

/** Runs `fn` over `items` with at most `limit` at a time, keeping the order of the results. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  });
  await Promise.all(workers);
  return out;
}

/** The q-quantile (0..1) of a list, nearest rank; NaN when empty. */
export function quantile(values: number[], q: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
