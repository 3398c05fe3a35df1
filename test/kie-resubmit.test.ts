/**
 * Kie has no idempotency key: a create whose response is lost has made a task (and taken its
 * credits) that the agent cannot see, and the retry makes another. Every such task must be
 * counted — in generation_tasks, the creative's cost, the daily credit cap and the cycle result —
 * and a resubmit must pass the same budget guard as a first submit. Real Temporal server, the
 * Kie and Meta simulators over HTTP; the simulator's own task list and balance are the truth.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { creatives, generationTasks } from '../db/schema';
import { creditsToday } from '../activities/generation-budget';
import type { AdCycleResult } from '../workflows/ad-cycle-types';
import { startTestStack, type TestStack } from './helpers/stack';

const KEY = 'sim-kie-key';
const IMAGE_PATH = '/api/v1/jobs/createTask';
const VEO_PATH = '/api/v1/veo/generate';

let stack: TestStack;

/** Runs one cycle and returns its result with what it did: the DB rows of its one slot and the Kie tasks it made. */
async function runCycle(input: { format: 'image' | 'video' }) {
  const tasksBefore = stack.kie.tasks().length;
  const balanceBefore = stack.kie.credits(KEY);
  const creditsBefore = creditsToday(stack.activities.db, stack.config.account.id, new Date());
  const result: AdCycleResult = await (await stack.startCycle({ adsPerRun: 1, ...input })).result();
  expect(result.slots).toHaveLength(1);
  const slot = result.slots[0]!;
  const creative = stack.activities.db.select().from(creatives).where(eq(creatives.cycleId, result.cycleId)).get()!;
  const task = stack.activities.db.select().from(generationTasks).where(eq(generationTasks.creativeId, creative.id)).get()!;
  // The simulator's record of every task made for this creative's prompt (Market: input.prompt; Veo: prompt).
  const kieTasks = stack.kie
    .tasks()
    .slice(tasksBefore)
    .filter((t) => {
      const body = t.body as { prompt?: string; input?: { prompt?: string } };
      return (body.input?.prompt ?? body.prompt) === creative.prompt;
    });
  return {
    result,
    slot,
    creative,
    task,
    kieTasks,
    charged: balanceBefore - stack.kie.credits(KEY),
    countedToday: creditsToday(stack.activities.db, stack.config.account.id, new Date()) - creditsBefore,
  };
}

const usd = (credits: number) => credits * stack.config.kie.creditUsd;

describe('a Kie create whose response was lost', () => {
  beforeAll(async () => {
    stack = await startTestStack({ ownServer: true });
  });
  afterAll(async () => stack?.shutdown());
  beforeEach(() => stack.kie.clearFaults());

  it('counts both image tasks: DB, creative cost, daily credits and the cycle result', async () => {
    stack.kie.injectFault({ match: { path: IMAGE_PATH }, kind: 'lostResponse', times: 1 });
    const run = await runCycle({ format: 'image' });

    expect(run.result.outcome).toBe('launched');
    expect(run.kieTasks).toHaveLength(2); // the lost one and the resubmit, both made by Kie
    expect(run.kieTasks.map((t) => t.state)).toEqual(['success', 'success']);
    expect(run.charged).toBe(8); // Kie took 4 credits for each
    expect(run.task).toMatchObject({ state: 'success', submitAttempts: 2, estimatedCredits: 8, actualCredits: 8 });
    expect(run.kieTasks.map((t) => t.taskId)).toContain(run.task.taskId);
    expect(run.creative).toMatchObject({ status: 'launched', costCredits: 8 });
    expect(run.creative.costUsd).toBeCloseTo(usd(8));
    expect(run.countedToday).toBe(8); // what the daily credit cap sees
    expect(run.slot.costUsd).toBeCloseTo(usd(8));
    expect(run.result.generationCostUsd).toBeCloseTo(usd(8));
  });

  it('still counts the lost task when the resubmitted one fails (failed tasks are not charged)', async () => {
    stack.kie.injectFault({ match: { path: IMAGE_PATH }, kind: 'lostResponse', times: 1 });
    stack.kie.injectFault({ match: { path: IMAGE_PATH }, kind: 'taskFail', failCode: '422', times: 1 });
    const run = await runCycle({ format: 'image' });

    expect(run.slot.status).toBe('generation_failed');
    expect(run.slot.reason).toMatch(/422.*1 earlier Kie submit\(s\) whose response was lost are assumed charged: 4 credits/);
    expect(run.kieTasks.map((t) => t.state)).toEqual(['success', 'fail']);
    expect(run.charged).toBe(4); // the failed task was refunded, the lost one was not
    expect(run.task).toMatchObject({ state: 'fail', submitAttempts: 2, actualCredits: 4 });
    expect(run.creative).toMatchObject({ status: 'generation_failed', costCredits: 4 });
    expect(run.creative.costUsd).toBeCloseTo(usd(4));
    expect(run.countedToday).toBe(4);
    // The cycle result counts it too, though the slot failed.
    expect(run.slot.costUsd).toBeCloseTo(usd(4));
    expect(run.result.generationCostUsd).toBeCloseTo(usd(4));
  });

  it('does not count a create Kie answered with an error: no task was made', async () => {
    stack.kie.injectFault({ match: { path: IMAGE_PATH }, kind: 'code', code: 429, times: 1 });
    const run = await runCycle({ format: 'image' });

    expect(run.result.outcome).toBe('launched');
    expect(run.kieTasks).toHaveLength(1);
    expect(run.charged).toBe(4);
    expect(run.task).toMatchObject({ state: 'success', submitAttempts: 1, estimatedCredits: 4, actualCredits: 4 });
    expect(run.creative.costCredits).toBe(4);
    expect(run.slot.costUsd).toBeCloseTo(usd(4));
  });

  it('counts both Veo tasks of a video whose generate response was lost', async () => {
    stack.kie.injectFault({ match: { path: VEO_PATH }, kind: 'lostResponse', times: 1 });
    const run = await runCycle({ format: 'video' });

    expect(run.result.outcome).toBe('launched');
    expect(run.kieTasks).toHaveLength(2);
    expect(run.kieTasks.every((t) => t.family === 'veo' && t.model === 'veo3_fast')).toBe(true);
    expect(run.charged).toBe(120); // 2 x 60 credits
    expect(run.task).toMatchObject({ state: 'success', submitAttempts: 2, estimatedCredits: 120, actualCredits: 120 });
    expect(run.creative).toMatchObject({ status: 'launched', format: 'video', costCredits: 120 });
    expect(run.creative.costUsd).toBeCloseTo(usd(120));
    expect(run.countedToday).toBe(120);
    expect(run.slot.costUsd).toBeCloseTo(usd(120));
    expect(run.result.generationCostUsd).toBeCloseTo(usd(120));
  });
});

describe('a resubmit that would cross the daily credit cap', () => {
  // 6 credits a day: the first 4-credit submit fits, a second one (4 + 4) does not.
  beforeAll(async () => {
    stack = await startTestStack({ ownServer: true, env: { KIE_DAILY_CREDIT_CAP: '6' } });
  });
  afterAll(async () => stack?.shutdown());

  it('is refused like a first submit, and the lost task stays counted', async () => {
    stack.kie.injectFault({ match: { path: IMAGE_PATH }, kind: 'lostResponse', times: 1 });
    const run = await runCycle({ format: 'image' });

    expect(run.slot.status).toBe('skipped');
    expect(run.slot.reason).toMatch(/daily Kie credit cap: 4 committed today \+ 4 > 6/);
    expect(run.kieTasks).toHaveLength(1); // no second task was paid for
    expect(run.charged).toBe(4);
    expect(run.task).toMatchObject({ state: 'abandoned', submitAttempts: 1, taskId: null, actualCredits: 4 });
    expect(run.creative).toMatchObject({ status: 'skipped', costCredits: 4 });
    expect(run.countedToday).toBe(4);
  });
});
