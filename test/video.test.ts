/**
 * Video cycles (Veo 3.1 through Kie.ai) on a real Temporal server, with the callback endpoint and
 * the simulators over HTTP. Polling is slow here (4 s) so a test can tell a wait ended by Kie's
 * callback (well under a second) from one that fell back to polling.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { creatives, generationTasks } from '../db/schema';
import { TaskQueues } from '../temporal-config/queues';
import { historyOf } from './helpers/history';
import { startTestStack, type TestStack } from './helpers/stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ env: { VEO_POLL_INTERVAL_MS: '4000', KIE_MIN_BALANCE: '100' } });
});
afterAll(async () => stack?.shutdown());
beforeEach(() => {
  stack.kie.clearFaults();
  stack.kie.setCallbackMode('once');
  stack.kie.setCredits('sim-kie-key', 10_000);
});

const veoTasksOf = (taskId: string | undefined) => stack.kie.tasks().filter((t) => t.family === 'veo' && t.taskId === taskId);

describe('video cycles', () => {
  it('generates a Veo video, ends the wait on Kie callback, and launches a video ad on Meta', async () => {
    const handle = await stack.startCycle({ adsPerRun: 1, format: 'video' });
    const result = await handle.result();
    expect(result.outcome).toBe('launched');
    const slot = result.slots[0]!;
    expect(slot).toMatchObject({ format: 'video', status: 'launched', videoWaitEndedBy: 'callback' });
    expect(veoTasksOf(slot.kieTaskId)).toHaveLength(1);

    // The wait is its own visible step on the video queue.
    const { queues, activityTypes } = await historyOf(handle);
    expect(queues).toContain(TaskQueues.video);
    expect(activityTypes).toEqual(expect.arrayContaining(['submitVideo', 'awaitVideo', 'finishVideo', 'launchCreative']));

    const creative = stack.meta.list('adcreative').find((c) => c.id === slot.meta!.adCreativeId)!;
    const spec = creative.object_story_spec as { video_data?: { video_id: string; image_url?: string } };
    expect(spec.video_data?.video_id).toBeTruthy();
    expect(spec.video_data?.image_url).toBeTruthy(); // the thumbnail Meta requires

    const row = stack.activities.db.select().from(creatives).where(eq(creatives.id, slot.creativeId!)).get()!;
    expect(row).toMatchObject({ format: 'video', status: 'launched', model: 'veo3_fast', costCredits: 60 });
    expect(row.costUsd).toBeCloseTo(0.3);
    expect(row.filePath).toMatch(/\.mp4$/);
    const task = stack.activities.db.select().from(generationTasks).where(eq(generationTasks.creativeId, row.id)).get()!;
    expect(task).toMatchObject({ estimatedCredits: 60, actualCredits: 60, state: 'success' });
  });

  it('still completes through polling when the callback is dropped', async () => {
    stack.kie.setCallbackMode('drop');
    const result = await (await stack.startCycle({ adsPerRun: 1, format: 'video' })).result();
    expect(result.slots[0]).toMatchObject({ status: 'launched', videoWaitEndedBy: 'polling' });
    expect(veoTasksOf(result.slots[0]!.kieTaskId)).toHaveLength(1);
  });

  it('ignores a duplicated callback', async () => {
    stack.kie.setCallbackMode('duplicate');
    const before = stack.meta.list('ad').length;
    const result = await (await stack.startCycle({ adsPerRun: 1, format: 'video' })).result();
    expect(result.outcome).toBe('launched');
    expect(veoTasksOf(result.slots[0]!.kieTaskId)).toHaveLength(1);
    expect(stack.meta.list('ad').length).toBe(before + 1);
    const delivered = stack.kie.callbacks().filter((c) => c.taskId === result.slots[0]!.kieTaskId);
    expect(delivered.length).toBeGreaterThanOrEqual(2);
  });

  it('records 402 (insufficient credits) without retrying it, and the other ad of the cycle still launches', async () => {
    stack.kie.injectFault({ match: { path: '/api/v1/veo/generate' }, kind: 'code', code: 402, times: 1 });
    const handle = await stack.startCycle({ adsPerRun: 2, format: 'video' });
    const result = await handle.result();
    const failed = result.slots.filter((s) => s.status === 'generation_failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.reason).toMatch(/KieInsufficientCredits/);
    expect(result.slots.filter((s) => s.status === 'launched')).toHaveLength(1);
    expect(result.outcome).toBe('partial');
    const { history } = await historyOf(handle);
    const attempts = (history.events ?? []).map((e) => e.activityTaskStartedEventAttributes?.attempt).filter((a) => a !== undefined && a !== null);
    expect(Math.max(...(attempts as number[]))).toBe(1); // the 402 was not retried
    const row = stack.activities.db
      .select()
      .from(creatives)
      .where(eq(creatives.cycleId, handle.workflowId))
      .all()
      .find((r) => r.status !== 'launched')!;
    expect(row.status).toBe('generation_failed');
    expect(row.failReason).toMatch(/402/);
    expect(row.kieTaskId).toBeNull(); // never reached Kie: no task, no cost
  });

  it('stops a generation before it is paid for when the balance would go under the minimum', async () => {
    stack.kie.setCredits('sim-kie-key', 120); // 120 - 60 < KIE_MIN_BALANCE 100
    const before = stack.kie.tasks().length;
    const result = await (await stack.startCycle({ adsPerRun: 1, format: 'video' })).result();
    expect(result.slots[0]).toMatchObject({ status: 'skipped' });
    expect(result.slots[0]!.reason).toMatch(/minimum 100/);
    expect(stack.kie.tasks().length).toBe(before);
    expect(stack.kie.credits('sim-kie-key')).toBe(120);
  });
});
