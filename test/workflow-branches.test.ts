/**
 * The cycle's branches that the full-stack tests cannot reach cheaply, driven by stub activities:
 * a launch Meta refuses, a cycle that launches nothing, a video Kie never confirms, a pause/scale
 * that fails. Real Temporal server and real Workers on the real task queues; each queue's
 * activities are a stub typed against its factory, so renaming an activity breaks this file at
 * compile time. A stub finds its test's scenario by the cycle id (the workflow id).
 */
import { ApplicationFailure } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { AnalysisActivities, PlanCycleResult, PlannedSlot, RecordSlotFailureInput } from '../activities/analysis';
import type { CampaignActivities, LaunchCreativeResult } from '../activities/campaign';
import type { ImageActivities } from '../activities/images';
import type { FinishVideoResult, VideoActivities } from '../activities/video';
import { TaskQueues } from '../temporal-config/queues';
import { adCycleWorkflow, statusQuery } from '../workflows/ad-cycle';
import { workflowBundle as sharedWorkflowBundle } from './helpers/workflow-bundle';

const ACCOUNT = 'act_4242';

/** What one test's cycle does differently from a cycle where every call succeeds. */
interface Scenario {
  slots: PlannedSlot[];
  actions?: PlanCycleResult['actions'];
  launchCreative?: CampaignActivities['launchCreative'];
  applyActions?: CampaignActivities['applyActions'];
  generateImageCreative?: ImageActivities['generateImageCreative'];
  finishVideo?: VideoActivities['finishVideo'];
}
interface Calls {
  names: string[];
  slotFailures: RecordSlotFailureInput[];
  recordedStatus?: string;
}

const scenarios = new Map<string, Scenario>();
const calls = new Map<string, Calls>();
/** Creative ids are `<cycleId>:s<slot>`, as the real activities make them. */
const cycleOf = (creativeId: string) => creativeId.replace(/:s\d+$/, '');
const scenarioOf = (cycleId: string) => {
  const s = scenarios.get(cycleId);
  if (!s) throw ApplicationFailure.create({ type: 'NotFound', message: `no scenario for ${cycleId}`, nonRetryable: true });
  return s;
};
const called = (cycleId: string, name: string) => {
  const c = calls.get(cycleId) ?? { names: [], slotFailures: [] };
  calls.set(cycleId, c);
  c.names.push(name);
  return c;
};
const rejected = (type: string, message: string) => ApplicationFailure.create({ type, message, nonRetryable: true });

const analysis: AnalysisActivities = {
  async fetchInsights({ cycleId }) {
    called(cycleId, 'fetchInsights');
    return { since: '2026-01-01', until: '2026-01-07', rows: 0, ads: 0, impressions: 0, linkClicks: 0, spendCents: 0 };
  },
  async planCycle({ cycleId }) {
    called(cycleId, 'planCycle');
    const s = scenarioOf(cycleId);
    return { policy: 'stub', seed: cycleId, slots: s.slots, skipped: [], actions: s.actions ?? [], findings: [] };
  },
  async recordSlotFailure(input) {
    called(input.cycleId, 'recordSlotFailure').slotFailures.push(input);
  },
  async stopAccount({ cycleId }) {
    called(cycleId, 'stopAccount');
    return { schedule: 'no-schedule' };
  },
  async recordCycle({ cycleId, status }) {
    called(cycleId, 'recordCycle').recordedStatus = status;
    return { daySpendCents: 1234 };
  },
};

/** What the activities answer when a scenario does not say otherwise. */
const succeed = {
  generateImageCreative: async ({ cycleId, slot }: { cycleId: string; slot: number }) => {
    const creativeId = `${cycleId}:s${slot}`;
    return { creativeId, filePath: `/tmp/${slot}.png`, model: 'stub', taskId: `img-${slot}`, costCredits: 4, costUsd: 0.02 };
  },
  launchCreative: async ({ creativeId }: { creativeId: string }): Promise<LaunchCreativeResult> => {
    const id = creativeId.replace(/\W/g, '_');
    return { creativeId, campaignId: `c_${id}`, adsetId: `as_${id}`, adCreativeId: `cr_${id}`, adId: `ad_${id}`, dailyBudgetCents: 500 };
  },
  finishVideo: async ({ creativeId }: { creativeId: string }): Promise<FinishVideoResult> => ({
    state: 'done',
    creativeId,
    filePath: '/tmp/v.mp4',
    costCredits: 60,
    costUsd: 0.3,
  }),
};

const images: ImageActivities = {
  async generateImageCreative(input) {
    called(input.cycleId, 'generateImageCreative');
    return (scenarioOf(input.cycleId).generateImageCreative ?? succeed.generateImageCreative)(input);
  },
};

const video: VideoActivities = {
  async submitVideo({ cycleId, slot }) {
    called(cycleId, 'submitVideo');
    return { creativeId: `${cycleId}:s${slot}`, taskId: `veo-${slot}`, model: 'veo3_fast', estimatedCredits: 60, callbacks: false };
  },
  async awaitVideo({ creativeId }) {
    called(cycleOf(creativeId), 'awaitVideo');
    return { state: 'success' };
  },
  async finishVideo(input) {
    called(cycleOf(input.creativeId), 'finishVideo');
    return (scenarioOf(cycleOf(input.creativeId)).finishVideo ?? succeed.finishVideo)(input);
  },
};

const campaign: CampaignActivities = {
  async checkWriteAccess() {},
  async launchCreative(input) {
    called(cycleOf(input.creativeId), 'launchCreative');
    return (scenarioOf(cycleOf(input.creativeId)).launchCreative ?? succeed.launchCreative)(input);
  },
  async applyActions(input) {
    called(input.cycleId, 'applyActions');
    const own = scenarioOf(input.cycleId).applyActions;
    if (own) return own(input);
    return { applied: input.actions.map((a) => ({ ...a, adsetId: `as_${a.creativeId}` })), skipped: [] };
  },
};

const slot = (n: number, format: 'image' | 'video' = 'image'): PlannedSlot => ({
  slot: n,
  hookId: `hook-${n}`,
  format,
  sampledValue: 0.5,
  reason: 'stub choice',
});

let env: TestWorkflowEnvironment;
const running: Array<{ worker: Worker; done: Promise<void> }> = [];
let seq = 0;

beforeAll(async () => {
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') }); // the stubs' failures are expected
  } catch {
    // already installed in this process
  }
  env = await TestWorkflowEnvironment.createFromExistingServer({ address: inject('temporalAddress') });
  const workflowBundle = await sharedWorkflowBundle();
  const queues: Array<[string, object | undefined]> = [
    [TaskQueues.orchestrator, undefined],
    [TaskQueues.analysis, analysis],
    [TaskQueues.images, images],
    [TaskQueues.video, video],
    [TaskQueues.campaign, campaign],
  ];
  for (const [taskQueue, activities] of queues) {
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      ...(activities ? { activities } : { workflowBundle }),
    });
    running.push({ worker, done: worker.run() });
  }
});

afterAll(async () => {
  for (const r of running) r.worker.shutdown();
  await Promise.all(running.map((r) => r.done));
  await env?.teardown();
});

/** Runs one cycle of the given scenario to its end; returns its result and the activities it called. */
async function runCycle(scenario: Scenario, adsPerRun = scenario.slots.length) {
  const workflowId = `ad-cycle-${ACCOUNT}-branches-${process.pid}-${Date.now()}-${seq++}`;
  scenarios.set(workflowId, scenario);
  const handle = await env.client.workflow.start(adCycleWorkflow, {
    workflowId,
    taskQueue: TaskQueues.orchestrator,
    args: [{ accountId: ACCOUNT, adsPerRun }],
    workflowExecutionTimeout: '1m',
  });
  const result = await handle.result();
  return { result, calls: calls.get(workflowId)!, handle };
}

describe('adCycleWorkflow branches (stub activities)', () => {
  it('records a launch Meta refuses as launch_failed and still launches the other slot', async () => {
    const { result, calls, handle } = await runCycle({
      slots: [slot(0), slot(1)],
      launchCreative: async (input) => {
        if (input.creativeId.endsWith(':s1')) throw rejected('MetaRequestRejected', 'Invalid parameter (#100)');
        return succeed.launchCreative(input);
      },
    });

    expect(result.outcome).toBe('partial');
    expect(result.slots.map((s) => s.status)).toEqual(['launched', 'launch_failed']);
    expect(result.slots[1]!.reason).toBe('MetaRequestRejected: Invalid parameter (#100)');
    expect(result.slots[1]!.creativeId).toBe(`${result.cycleId}:s1`); // made, paid for, not live
    expect(result.created.adIds).toHaveLength(1);
    expect(calls.slotFailures).toEqual([
      expect.objectContaining({ slot: 1, status: 'launch_failed', reason: 'MetaRequestRejected: Invalid parameter (#100)' }),
    ]);
    expect(result.decisions).toContain('slot 1 hook-1: launch_failed — MetaRequestRejected: Invalid parameter (#100)');
    expect(calls.recordedStatus).toBe('partial');
    expect(await handle.query(statusQuery)).toEqual({ cycleId: result.cycleId, accountId: ACCOUNT, stage: 'done', launchesPaused: false, slots: result.slots });
  });

  it('ends as nothing-launched when every slot fails, one in generation and one at launch', async () => {
    const { result, calls } = await runCycle({
      slots: [slot(0), slot(1)],
      generateImageCreative: async (input) => {
        // A lost-response resubmit was charged although the task failed: the slot still costs it.
        if (input.slot === 0)
          throw ApplicationFailure.create({ type: 'GenerationFailed', message: 'Kie task failed (422)', nonRetryable: true, details: [{ costUsd: 0.02 }] });
        return succeed.generateImageCreative(input);
      },
      launchCreative: async () => {
        throw rejected('MetaRequestRejected', 'Ad account is disabled');
      },
    });

    expect(result.outcome).toBe('nothing-launched');
    expect(result.slots.map((s) => s.status)).toEqual(['generation_failed', 'launch_failed']);
    expect(result.slots[0]).toMatchObject({ reason: 'GenerationFailed: Kie task failed (422)', costUsd: 0.02 });
    expect(result.slots[1]).toMatchObject({ reason: 'MetaRequestRejected: Ad account is disabled' });
    expect(result.created).toEqual({ campaignIds: [], adsetIds: [], adCreativeIds: [], adIds: [] });
    expect(result.generationCostUsd).toBeCloseTo(0.04);
    expect(calls.slotFailures.map((f) => [f.slot, f.status])).toEqual([
      [0, 'generation_failed'],
      [1, 'launch_failed'],
    ]);
    expect(calls.names.filter((n) => n === 'launchCreative')).toHaveLength(1); // the failed generation never launched
    expect(calls.recordedStatus).toBe('nothing-launched');
  });

  it('gives up on a video Kie never confirms after three rounds: GenerationTimedOut, nothing launched', async () => {
    const { result, calls } = await runCycle({
      slots: [slot(0, 'video')],
      finishVideo: async ({ creativeId }) => ({ state: 'pending', creativeId }),
    });

    expect(calls.names.filter((n) => n === 'awaitVideo')).toHaveLength(3);
    expect(calls.names.filter((n) => n === 'finishVideo')).toHaveLength(3);
    expect(calls.names).not.toContain('launchCreative');
    expect(result.outcome).toBe('nothing-launched');
    expect(result.slots[0]).toMatchObject({ status: 'generation_failed', kieTaskId: 'veo-0', videoWaitEndedBy: 'polling' });
    expect(result.slots[0]!.reason).toBe('GenerationTimedOut: Veo task veo-0 never confirmed as finished');
    expect(calls.slotFailures).toEqual([expect.objectContaining({ slot: 0, format: 'video', status: 'generation_failed' })]);
  });

  it('says a failed pause/scale in the decisions and goes on to launch', async () => {
    const { result, calls } = await runCycle({
      slots: [slot(0)],
      actions: [{ kind: 'pause', creativeId: 'old-creative', reason: 'worse than the best hook' }],
      applyActions: async () => {
        throw rejected('MetaRequestRejected', 'Cannot edit a deleted ad set');
      },
    });

    expect(calls.names).toContain('applyActions');
    expect(result.decisions).toContain('pause/scale failed: MetaRequestRejected: Cannot edit a deleted ad set');
    expect(result.outcome).toBe('launched');
    expect(result.slots.map((s) => s.status)).toEqual(['launched']);
  });

  it('treats a launch refused by the spend cap as a skip, not a failure', async () => {
    const { result, calls } = await runCycle({
      slots: [slot(0)],
      launchCreative: async () => {
        throw rejected('SpendCapReached', 'the account would exceed its daily spend cap');
      },
    });

    expect(result.outcome).toBe('nothing-launched');
    expect(result.slots[0]).toMatchObject({ status: 'skipped', reason: 'SpendCapReached: the account would exceed its daily spend cap' });
    expect(calls.slotFailures).toEqual([expect.objectContaining({ slot: 0, status: 'skipped' })]);
  });
});
