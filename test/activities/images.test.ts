/**
 * generateImageCreative against a fake Kie client and a temp DB, in MockActivityEnvironment: the
 * Kie task id is recorded before any waiting, so a retry resumes that task instead of paying for a
 * second one; and the generation guard refuses to pay when the creative and its launch would not
 * both fit under the daily spend cap.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { existsSync } from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it, vi } from 'vitest';
import { createImageActivities } from '../../activities/images';
import type { KieClient } from '../../activities/ports/kie-client';
import { generationTasks } from '../../db/schema';
import { ACCOUNT, accounts, CAPS, fakeKie, fakeMeta, launchedCreative, resolves, runIn, tempDb } from './fixtures';

const IMAGE_CREDITS = 4;

function images(caps = CAPS) {
  const t = tempDb();
  let kie: KieClient = fakeKie({});
  const acts = createImageActivities({
    db: t.db,
    creatives: t.creatives,
    kie: () => kie,
    accounts: accounts(fakeMeta({}), { caps }),
    creativesDir: t.dir,
    kieConfig: { imageModel: 'google/nano-banana', imageCredits: IMAGE_CREDITS, creditUsd: 0.005, minBalance: 100, pollIntervalMs: 10, imageTimeoutMs: 60_000 },
    now: t.now,
  });
  return { ...t, acts, useKie: (k: KieClient) => void (kie = k) };
}

const input = { accountId: ACCOUNT, cycleId: 'cycle-1', slot: 0, hookId: 'h-image' };
const picture = () =>
  sharp({ create: { width: 90, height: 160, channels: 3, background: '#336699' } })
    .png()
    .toBuffer();

describe('generateImageCreative', () => {
  it('resumes the recorded Kie task after a failed attempt instead of paying for a second one', async () => {
    const { acts, useKie, db, creatives } = images();
    const createImageTask = vi.fn(async () => 'task-1');
    // Attempt 1: the task is accepted, then the worker loses Kie while waiting (a retryable failure).
    useKie(fakeKie({ credits: resolves(10_000), createImageTask, imageTask: vi.fn(async () => Promise.reject(new Error('socket hang up'))) }));
    await expect(runIn(new MockActivityEnvironment({ attempt: 1 }), acts.generateImageCreative, input)).rejects.toThrow('socket hang up');
    expect(creatives.get('cycle-1:s0')).toMatchObject({ status: 'generating', kieTaskId: 'task-1' });

    // Attempt 2: no credits check, no create (either would throw on this fake): the same task is read again.
    const imageTask = vi.fn(async (taskId: string) => ({
      taskId,
      state: 'success' as const,
      resultJson: JSON.stringify({ resultUrls: ['https://cdn.example/p.png'] }),
    }));
    useKie(fakeKie({ imageTask, download: vi.fn(async () => picture()) }));
    const result = await runIn(new MockActivityEnvironment({ attempt: 2 }), acts.generateImageCreative, input);

    expect(createImageTask).toHaveBeenCalledTimes(1);
    expect(imageTask).toHaveBeenCalledWith('task-1');
    expect(result).toMatchObject({ creativeId: 'cycle-1:s0', taskId: 'task-1', costCredits: IMAGE_CREDITS, costUsd: 0.02 });
    expect(existsSync(result.filePath)).toBe(true);
    expect(creatives.get('cycle-1:s0')).toMatchObject({ status: 'generated', kieTaskId: 'task-1', filePath: result.filePath, costCredits: IMAGE_CREDITS });
    expect(db.select().from(generationTasks).all()).toEqual([
      expect.objectContaining({ taskId: 'task-1', submitAttempts: 1, actualCredits: IMAGE_CREDITS, state: 'success' }),
    ]);
  });

  it('does not pay for a picture whose generation and launch would not both fit under the spend cap', async () => {
    // Three live ad sets (1875 cents on their worst day); a fourth launch (625) plus 4 credits (2 cents) needs 2502.
    const { acts, useKie, creatives } = images({ ...CAPS, totalDailySpendCapCents: 2501 });
    for (let i = 0; i < 3; i++) launchedCreative(creatives, 'live', i);
    useKie(fakeKie({ credits: resolves(10_000) })); // a create would throw
    const err = await runIn(new MockActivityEnvironment(), acts.generateImageCreative, input).catch((e: unknown) => e);
    expect(err).toMatchObject({ type: 'GenerationBudgetExceeded', nonRetryable: true });
    expect((err as Error).message).toBe('generation skipped: daily spend cap: 2502 cents with this generation and its launch > 2501');
    expect(creatives.get('cycle-1:s0')).toMatchObject({
      status: 'skipped',
      failReason: 'daily spend cap: 2502 cents with this generation and its launch > 2501',
    });
  });
});
