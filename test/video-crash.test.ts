/**
 * The durability promise of the video wait: the video worker PROCESS is killed (SIGKILL) while it
 * waits for Veo, a new one is started, and the same cycle finishes with exactly one Kie task paid.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { spawn, type ChildProcess } from 'node:child_process';
import { eq } from 'drizzle-orm';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generationTasks } from '../db/schema';
import { statusQuery } from '../workflows/ad-cycle';
import { historyOf } from './helpers/history';
import { startTestStack, type TestStack } from './helpers/stack';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
let stack: TestStack;
const children: ChildProcess[] = [];

function startVideoWorker(): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'workers/main.ts', 'video'], {
    cwd: ROOT,
    env: { ...process.env, ...stack.envVars, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  return child;
}

/** Whether the cycle's pending awaitVideo runs on the worker process `pid` and has heartbeated. */
async function awaitVideoHeartbeatFrom(handle: WorkflowHandle, pid: number): Promise<boolean> {
  const { raw } = await handle.describe();
  const wait = raw.pendingActivities?.find((a) => a.activityType?.name === 'awaitVideo');
  return !!wait?.lastHeartbeatTime && wait.lastWorkerIdentity === `video@${pid}`;
}

beforeAll(async () => {
  stack = await startTestStack({
    ownServer: true,
    groups: ['orchestrator', 'analysis', 'images', 'campaign'], // the video queue is served by a child process
    // Real-time Veo: 12 s of generation, and no callback, so only the (restarted) poller can finish it.
    kie: { timeScale: 1, veoDelaysMs: { veo3_fast: [12_000, 12_000], veo3: [12_000, 12_000], veo3_lite: [12_000, 12_000] }, callbackMode: 'drop' },
  });
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await stack?.shutdown();
});

describe('video worker crash', () => {
  it('resumes the same Kie task on a new worker process after the waiting one is killed', async () => {
    const first = startVideoWorker();
    const handle = await stack.startCycle({ adsPerRun: 1, format: 'video' });
    // Wait until the cycle is in the video wait and the task exists.
    await expect
      .poll(
        async () => {
          const s = await handle.query(statusQuery);
          return s.stage === 'waiting-for-video' && stack.kie.tasks().some((t) => t.family === 'veo' && t.taskId === s.slots[0]?.kieTaskId);
        },
        { timeout: 30_000, interval: 100 },
      )
      .toBe(true);
    // Kill it only once the wait runs on this worker and the server has its heartbeat, so the kill
    // interrupts the wait itself (the 12 s Veo task cannot have finished by then).
    await expect.poll(() => awaitVideoHeartbeatFrom(handle, first.pid!), { timeout: 30_000, interval: 100 }).toBe(true);
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    startVideoWorker();

    const result = await handle.result();
    expect(result.outcome).toBe('launched');
    const slot = result.slots[0]!;
    expect(slot.videoWaitEndedBy).toBe('polling');

    // Exactly one Kie task for this creative, submitted once.
    const veoTasks = stack.kie.tasks().filter((t) => t.family === 'veo');
    expect(veoTasks.filter((t) => t.taskId === slot.kieTaskId)).toHaveLength(1);
    expect(veoTasks).toHaveLength(1);
    const row = stack.activities.db.select().from(generationTasks).where(eq(generationTasks.creativeId, slot.creativeId!)).get()!;
    expect(row).toMatchObject({ submitAttempts: 1, state: 'success', taskId: slot.kieTaskId });

    // The wait itself was retried on the new worker (attempt 2), not restarted from scratch.
    const { history } = await historyOf(handle);
    const scheduled = new Map<string, string>();
    let awaitAttempt = 0;
    for (const e of history.events ?? []) {
      const s = e.activityTaskScheduledEventAttributes;
      if (s) scheduled.set(String(e.eventId), s.activityType?.name ?? '');
      const st = e.activityTaskStartedEventAttributes;
      if (st && scheduled.get(String(st.scheduledEventId)) === 'awaitVideo') awaitAttempt = Math.max(awaitAttempt, st.attempt ?? 0);
    }
    expect(awaitAttempt).toBeGreaterThanOrEqual(2);
  });
});
