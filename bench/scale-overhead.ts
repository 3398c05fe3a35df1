/**
 * The scale benchmark's orchestration-overhead phase, against zero-latency simulators: K image
 * cycles through Temporal (worker processes per queue), each followed by the same activities called
 * in sequence in this process without Temporal (the activity factories of workers/deps.ts, each call
 * in a MockActivityEnvironment only because the activities heartbeat), on a second account with the
 * same history length. Overhead per hop = (cycle wall time - time inside activities) / activity hops.
 */
import type { Client } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import type { Config } from '../config/env';
import { cycleInput } from '../client/schedule-ops';
import { manualWorkflowId, TaskQueues } from '../temporal-config/queues';
import { AdAccountIdKey } from '../temporal-config/search-attributes';
import { buildActivities } from '../workers/deps';
import { adCycleWorkflow } from '../workflows/ad-cycle';
import { activityMs, cycleTimeline, quantile, type CycleTimeline } from './scale-history';

export interface OverheadResult {
  k: number;
  hops: number;
  temporal: { wallMs: number; insideMs: number; overheadPerHopMs: number; queueWaitPerHopMs: number };
  direct: { wallMs: number; insideMs: number };
  /** Per activity type: median queue wait and time inside it in Temporal, and the time called directly. */
  perActivity: Array<{ type: string; queueWaitMs: number; temporalMs: number; directMs: number }>;
  /** Temporal cycle wall time / direct sequence wall time (medians). */
  ratio: number;
}

type Acts = ReturnType<typeof buildActivities>;

async function temporalCycle(client: Client, accountId: string, tag: string): Promise<CycleTimeline> {
  const handle = await client.workflow.start(adCycleWorkflow, {
    workflowId: manualWorkflowId(accountId, tag),
    taskQueue: TaskQueues.orchestrator,
    args: [cycleInput({ accountId, intervalSeconds: 900, adsPerRun: 1 })],
    typedSearchAttributes: [{ key: AdAccountIdKey, value: accountId }],
    workflowExecutionTimeout: '5m',
  });
  const result = await handle.result();
  if (result.slots[0]?.status !== 'launched') throw new Error(`overhead cycle ${handle.workflowId} did not launch: ${JSON.stringify(result.slots[0])}`);
  return cycleTimeline(client, handle.workflowId, handle.firstExecutionRunId);
}

/** The adCycle workflow's activity sequence for one image slot, called directly; returns the time of each call. */
async function directCycle(acts: Acts, accountId: string, tag: string): Promise<{ wallMs: number; calls: Array<{ type: string; ms: number }> }> {
  const env = new MockActivityEnvironment(undefined, { logger: new DefaultLogger('WARN') });
  const calls: Array<{ type: string; ms: number }> = [];
  const call = async <T>(type: string, fn: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const r = (await env.run(fn)) as T;
    calls.push({ type, ms: performance.now() - t0 });
    return r;
  };
  const cycleId = manualWorkflowId(accountId, tag);
  const t0 = performance.now();
  const startedAt = new Date().toISOString();
  const insights = await call('fetchInsights', () => acts.analysis.fetchInsights({ accountId, cycleId }));
  const plan = await call('planCycle', () => acts.analysis.planCycle({ accountId, cycleId, wanted: 1 }));
  if (plan.actions.length) await call('applyActions', () => acts.campaign.applyActions({ accountId, cycleId, actions: plan.actions }));
  if (plan.slots.length) await call('checkWriteAccess', () => acts.campaign.checkWriteAccess({ accountId }));
  const slots = await Promise.all(
    plan.slots.map(async (p) => {
      if (p.format !== 'image') throw new Error(`overhead cycles are image cycles; the plan chose ${p.format}`);
      const img = await call('generateImageCreative', () => acts.images.generateImageCreative({ accountId, cycleId, slot: p.slot, hookId: p.hookId }));
      const launched = await call('launchCreative', () => acts.campaign.launchCreative({ accountId, creativeId: img.creativeId }));
      return { slot: p.slot, hookId: p.hookId, format: p.format, status: 'launched', ...launched };
    }),
  );
  const result = { cycleId, accountId, status: 'completed', outcome: 'launched', startedAt, finishedAt: new Date().toISOString(), insights, slots };
  await call('recordCycle', () => acts.analysis.recordCycle({ accountId, cycleId, status: 'launched', result }));
  return { wallMs: performance.now() - t0, calls };
}

export async function measureOverhead(opts: {
  client: Client;
  /** The config of the activity workers (zero-latency simulators), loaded in this process. */
  config: Config;
  temporalAccount: string;
  directAccount: string;
  k: number;
  log: (m: string) => void;
}): Promise<OverheadResult> {
  const acts = buildActivities(opts.config);
  const temporal: CycleTimeline[] = [];
  const direct: Array<Awaited<ReturnType<typeof directCycle>>> = [];
  try {
    const run = Date.now();
    // Pair 0 warms both paths up (JIT, DB pages, connections) and is not counted.
    for (let i = 0; i <= opts.k; i++) {
      const t = await temporalCycle(opts.client, opts.temporalAccount, `bench-scale-${run}-${i}`);
      const d = await directCycle(acts, opts.directAccount, `bench-direct-${run}-${i}`);
      if (i > 0) {
        temporal.push(t);
        direct.push(d);
      }
      opts.log(`overhead pair ${i}/${opts.k}: Temporal ${(t.closedMs! - t.startedMs).toFixed(0)} ms, direct ${d.wallMs.toFixed(0)} ms${i ? '' : ' (warm-up)'}`);
    }
  } finally {
    acts.db.$client.close();
  }
  const med = (xs: number[]) => quantile(xs, 0.5);
  const wall = temporal.map((t) => t.closedMs! - t.startedMs);
  const inside = temporal.map(activityMs);
  const hops = med(temporal.map((t) => t.hops.length));
  const perHop = temporal.map((t, i) => (wall[i]! - inside[i]!) / t.hops.length);
  const queueWait = temporal.map((t) => t.hops.reduce((a, h) => a + (h.startedMs! - h.scheduledMs), 0) / t.hops.length);
  const types = [...new Set(temporal.flatMap((t) => t.hops.map((h) => h.type)))];
  const perActivity = types.map((type) => ({
    type,
    queueWaitMs: med(temporal.flatMap((t) => t.hops.filter((h) => h.type === type).map((h) => h.startedMs! - h.scheduledMs))),
    temporalMs: med(temporal.flatMap((t) => t.hops.filter((h) => h.type === type).map((h) => h.closedMs! - h.startedMs!))),
    directMs: med(direct.flatMap((d) => d.calls.filter((c) => c.type === type).map((c) => c.ms))),
  }));
  const directWall = med(direct.map((d) => d.wallMs));
  return {
    k: opts.k,
    hops,
    temporal: { wallMs: med(wall), insideMs: med(inside), overheadPerHopMs: med(perHop), queueWaitPerHopMs: med(queueWait) },
    direct: { wallMs: directWall, insideMs: med(direct.map((d) => d.calls.reduce((a, c) => a + c.ms, 0))) },
    perActivity,
    ratio: med(wall) / directWall,
  };
}
