/**
 * The ad cycle end to end on a real Temporal server, with every activity group on its own task
 * queue and the Kie.ai and Meta simulators over HTTP.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { and, eq, gte, like, lte } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creatives, generationTasks, performance, sideEffects } from '../db/schema';
import { TaskQueues } from '../temporal-config/queues';
import { setLaunchesPausedUpdate, statusQuery } from '../workflows/ad-cycle';
import type { AdCycleResult } from '../workflows/ad-cycle-types';
import { historyOf } from './helpers/history';
import { startTestStack, type TestStack } from './helpers/stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.shutdown();
});

/** Meta objects whose name carries this cycle's id. */
const objectsOf = (kind: 'campaign' | 'adset' | 'adcreative' | 'ad', cycleId: string) =>
  stack.meta.list(kind).filter((o) => String(o.name ?? '').includes(cycleId));

/** Whether Meta saw an insights read since `callsBefore`, and how many performance rows were stored while the cycle ran. */
const insightsCollected = (result: AdCycleResult, callsBefore: number) => ({
  read: stack.meta
    .calls()
    .slice(callsBefore)
    .some((c) => c.path.endsWith('/insights')),
  stored: stack.activities.db
    .select()
    .from(performance)
    .where(and(gte(performance.fetchedAt, result.startedAt), lte(performance.fetchedAt, result.finishedAt)))
    .all().length,
});

describe('adCycleWorkflow', () => {
  it('takes the account from insights to one live image ad, using a task queue per activity group', async () => {
    const handle = await stack.startCycle({ adsPerRun: 1 });
    const result = await handle.result();

    expect(result.outcome).toBe('launched');
    expect(result.slots).toHaveLength(1);
    const slot = result.slots[0]!;
    expect(slot.status).toBe('launched');

    const { queues, json } = await historyOf(handle);
    expect(queues).toEqual([TaskQueues.campaign, TaskQueues.images, TaskQueues.analysis, TaskQueues.orchestrator].sort());

    // Exactly one of each object on Meta, all switched on, with the DB holding the same ids.
    for (const kind of ['campaign', 'adset', 'adcreative', 'ad'] as const) expect(objectsOf(kind, handle.workflowId)).toHaveLength(1);
    const [ad] = objectsOf('ad', handle.workflowId);
    expect(ad!.id).toBe(slot.meta!.adId);
    expect(ad!.status).toBe('ACTIVE');
    expect(objectsOf('adset', handle.workflowId)[0]).toMatchObject({ daily_budget: '500' }); // Graph returns int64 as a string

    const row = stack.activities.db.select().from(creatives).where(eq(creatives.id, slot.creativeId!)).get()!;
    expect(row).toMatchObject({
      status: 'launched',
      hookId: slot.hookId,
      format: 'image',
      metaCampaignId: slot.meta!.campaignId,
      metaAdsetId: slot.meta!.adsetId,
      metaCreativeId: slot.meta!.adCreativeId,
      metaAdId: slot.meta!.adId,
      model: 'google/nano-banana',
      costCredits: 4,
    });
    expect(row.costUsd).toBeCloseTo(0.02);
    expect(row.kieTaskId).toMatch(/^[0-9a-f]{32}$/);
    expect(stack.kie.tasks().filter((t) => t.taskId === row.kieTaskId)).toHaveLength(1);
    const png = await sharp(row.filePath!).metadata();
    expect([png.width, png.height]).toEqual([1080, 1920]);

    // Search attributes for the Web UI.
    const desc = await handle.describe();
    const sa = desc.typedSearchAttributes;
    expect(sa.get({ name: 'AdHooks', type: 'KEYWORD_LIST' } as never)).toEqual([slot.hookId]);
    expect(sa.get({ name: 'CreativeFormats', type: 'KEYWORD_LIST' } as never)).toEqual(['image']);
    expect(sa.get({ name: 'CycleOutcome', type: 'KEYWORD' } as never)).toBe('launched');

    // No secret in the history.
    expect(json).not.toContain(stack.config.account.meta.accessToken);
    expect(json).not.toContain(stack.config.kie.apiKey);
  });

  it('does not create a second ad set or ad when a create succeeded but its response was lost', async () => {
    stack.meta.injectFault({ match: { method: 'POST', path: '/adsets' }, kind: 'lostResponse', times: 1 });
    stack.meta.injectFault({ match: { method: 'POST', path: '/ads' }, kind: 'lostResponse', times: 1 });
    const handle = await stack.startCycle({ adsPerRun: 1 });
    const result = await handle.result();
    stack.meta.clearFaults();

    expect(result.outcome).toBe('launched');
    // Both faults really fired: the simulator dropped the connection after creating the object.
    const dropped = stack.meta.calls().filter((c) => c.status === 0 && c.method === 'POST');
    expect(dropped.map((c) => c.path.replace(/^.*\//, '')).sort()).toEqual(['ads', 'adsets']);
    for (const kind of ['campaign', 'adset', 'adcreative', 'ad'] as const) expect(objectsOf(kind, handle.workflowId)).toHaveLength(1);
    const ledger = stack.activities.db
      .select()
      .from(sideEffects)
      .where(like(sideEffects.key, `${handle.workflowId}%`))
      .all();
    const attempts = Object.fromEntries(ledger.map((r) => [r.kind, r.attempts]));
    expect(attempts['meta.adset']).toBe(1); // found by name on the retry, not created again
    expect(ledger.every((r) => r.status === 'done')).toBe(true);
    expect(objectsOf('adset', handle.workflowId)[0]!.id).toBe(result.slots[0]!.meta!.adsetId);
  });

  it('records a failed Kie task with its reason and still launches the other ads of the cycle', async () => {
    stack.kie.injectFault({ match: { path: '/api/v1/jobs/createTask' }, kind: 'taskFail', failCode: '422', times: 1 });
    const handle = await stack.startCycle({ adsPerRun: 2 });
    const result = await handle.result();

    expect(result.outcome).toBe('partial');
    const failed = result.slots.filter((s) => s.status === 'generation_failed');
    const launched = result.slots.filter((s) => s.status === 'launched');
    expect(failed).toHaveLength(1);
    expect(launched).toHaveLength(1);
    expect(failed[0]!.reason).toMatch(/GenerationFailed.*422/);
    const rows = stack.activities.db.select().from(creatives).where(eq(creatives.cycleId, handle.workflowId)).all();
    const failedRow = rows.find((r) => r.status === 'generation_failed')!;
    expect(failedRow.failReason).toContain('422');
    const task = stack.activities.db.select().from(generationTasks).where(eq(generationTasks.creativeId, failedRow.id)).get()!;
    expect(task).toMatchObject({ state: 'fail', actualCredits: 0 });
    expect(result.decisions.join('\n')).toContain('generation_failed');
  });

  it('holds launches while paused, keeps collecting insights, and launches after resume', async () => {
    const kieTasksBefore = stack.kie.tasks().length;
    const callsBefore = stack.meta.calls().length;
    const handle = await stack.startCycle({ adsPerRun: 1 });
    await handle.executeUpdate(setLaunchesPausedUpdate, { args: [{ paused: true, reason: 'budget review' }] });
    // Insights and planning go on; the cycle then waits at the gate.
    await expect.poll(async () => (await handle.query(statusQuery)).stage, { timeout: 10_000, interval: 100 }).toBe('paused');
    expect(await handle.query(statusQuery)).toMatchObject({ stage: 'paused', launchesPaused: true, pauseReason: 'budget review' });
    expect(stack.kie.tasks().length).toBe(kieTasksBefore); // nothing paid for while paused
    expect(objectsOf('ad', handle.workflowId)).toHaveLength(0);

    await handle.executeUpdate(setLaunchesPausedUpdate, { args: [{ paused: false }] });
    const result = await handle.result();
    expect(result.outcome).toBe('launched');
    expect(insightsCollected(result, callsBefore)).toEqual({ read: true, stored: result.insights.rows });
    expect(objectsOf('ad', handle.workflowId)).toHaveLength(1);
  });

  it('skips the launches of a cycle whose pause outlasts its wait limit', async () => {
    const kieTasksBefore = stack.kie.tasks().length;
    const callsBefore = stack.meta.calls().length;
    const handle = await stack.startCycle({ adsPerRun: 1, launchesPaused: true, pauseWaitLimit: '1s' });
    const result = await handle.result();
    expect(result.outcome).toBe('paused');
    expect(result.slots).toEqual([expect.objectContaining({ status: 'skipped', reason: 'launches paused:' })]);
    // Insights were still read from Meta and stored, as many rows as the cycle reports.
    expect(insightsCollected(result, callsBefore)).toEqual({ read: true, stored: result.insights.rows });
    expect(stack.kie.tasks().length).toBe(kieTasksBefore);
    expect(objectsOf('ad', handle.workflowId)).toHaveLength(0);
  });

  it('rejects an invalid update without touching the cycle', async () => {
    const handle = await stack.startCycle({ adsPerRun: 0 });
    const err = await handle.executeUpdate(setLaunchesPausedUpdate, { args: [{ paused: 'yes' } as never] }).catch((e: unknown) => e);
    expect(String((err as { cause?: Error }).cause?.message)).toMatch(/paused/);
    expect((await handle.result()).outcome).toBe('insights-only');
  });

  it('fails a cycle with bad input at once, naming the field, without retrying', async () => {
    const handle = await stack.startCycle({ accountId: '12345', adsPerRun: -1 } as never);
    const err = await handle.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const cause = (err as WorkflowFailedError).cause as Error & { type?: string };
    expect(cause.type).toBe('InvalidInput');
    expect(cause.message).toMatch(/accountId/);
    expect(cause.message).toMatch(/adsPerRun/);
  });
});
