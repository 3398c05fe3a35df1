/**
 * Video activities (queue `ad-video`): Veo 3.1 through Kie.ai. Three steps so the Web UI shows the
 * long wait as a step of its own and a crash in any of them loses nothing:
 *  - submitVideo: cost guard, then ONE Kie task per creative (task id recorded under the creative's key);
 *  - awaitVideo: a heartbeating poll loop that survives worker crashes (the retry resumes the same
 *    task id), honours cancellation (a callback ends the wait early), and gives up after the limit;
 *  - finishVideo: record-info (the final authority) once more, the download, and the actual cost.
 */
import { activityInfo, heartbeat, log, sleep } from '@temporalio/activity';
import { eq } from 'drizzle-orm';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Db } from '../db/client';
import { creatives, generationTasks } from '../db/schema';
import type { Hook } from '../learning/hook-library';
import { domainFailure, mapErrors } from './errors';
import type { Accounts } from './accounts';
import { creditLimitsOf, orphanNote, reserveGeneration, settleGeneration, submitCounted, type GenerationCost } from './generation-budget';
import { KieApiError, type KieClient, type VeoModel, type VeoRecord } from './ports/kie-client';
import { creativeIdOf } from './images';
import { callbackToken } from '../temporal-config/callback-token';

export interface VideoDeps {
  db: Db;
  kie: () => KieClient;
  accounts: Accounts;
  creativesDir: string;
  video: { model: VeoModel; credits: Record<VeoModel, number>; pollIntervalMs: number; waitLimitMs: number };
  /** Per Kie API key; each account's credit and spend caps come with the account. */
  minBalance: number;
  creditUsd: number;
  callbacks: { url?: string; tokenSecret: string };
  now?: () => Date;
}

/** Input of submitVideo: one planned video slot of a cycle. */
export interface SubmitVideoInput {
  accountId: string;
  cycleId: string;
  slot: number;
  hookId: string;
}
export interface SubmitVideoResult {
  creativeId: string;
  taskId: string;
  model: VeoModel;
  estimatedCredits: number;
  callbacks: boolean;
}
export interface AwaitVideoInput {
  creativeId: string;
  taskId: string;
}
export type AwaitVideoResult = { state: 'success' } | { state: 'pending' };
export interface FinishVideoResult {
  state: 'done' | 'pending';
  creativeId: string;
  filePath?: string;
  videoUrl?: string;
  costCredits?: number;
  costUsd?: number;
}


/** A MrBeast-style vertical ad script for one hook. */
export function videoPrompt(hook: Hook): string {
  return [
    'Vertical 9:16 short-form video ad, MrBeast style, 8 seconds, very high energy.',
    `Second 0-1: a presenter looks straight into the camera and shouts the hook: "${hook.overlayText}".`,
    'Fast cuts every second, punch-in zooms, bright saturated colours, huge bold on-screen captions.',
    `Visual style: ${hook.visualStyle.replace(/-/g, ' ')}. Angle: ${hook.angle.replace(/-/g, ' ')}.`,
    hook.videoPrompt ?? '',
    `Last 2 seconds: a clear call to action on screen: "${hook.headline}". Keep faces and text in the centre of the frame.`,
  ]
    .filter(Boolean)
    .join(' ');
}

const VEO_STATES: Record<number, string> = { 0: 'generating', 1: 'success', 2: 'failed', 3: 'generation failed' };

export function createVideoActivities(deps: VideoDeps) {
  const now = deps.now ?? (() => new Date());
  const key = (creativeId: string) => `${creativeId}:kie.video`;

  /** Credits one task of this creative's model costs (the row's estimate per submit for an unknown model). */
  function unitCredits(creativeId: string): number {
    const task = deps.db.select().from(generationTasks).where(eq(generationTasks.key, key(creativeId))).get();
    if (!task) return deps.video.credits[deps.video.model];
    return deps.video.credits[task.model as VeoModel] ?? task.estimatedCredits / Math.max(1, task.submitAttempts);
  }

  /** Ends the task row and the creative with the cost rule shared with images (generation-budget.ts). */
  function settle(creativeId: string, end: Parameters<typeof settleGeneration>[2], fields: Parameters<typeof settleGeneration>[6]): GenerationCost {
    return settleGeneration(deps.db, key(creativeId), end, unitCredits(creativeId), deps.creditUsd, now(), fields);
  }

  /** Returns the failure to throw, with what lost-response tasks cost in its message. */
  function recordFailure(creativeId: string, taskId: string, state: 'fail' | 'abandoned', reason: string) {
    // Failed Veo generations are not charged (refunded); an abandoned one may still be, and so may
    // every earlier submit whose response was lost.
    const cost = settle(creativeId, { state, failReason: reason }, { status: 'generation_failed', failReason: reason });
    log.warn('video generation failed', { creativeId, taskId, reason, costCredits: cost.credits });
    return { message: `${reason}${orphanNote(cost)}`, costCredits: cost.credits, costUsd: cost.usd };
  }

  function checkRecord(creativeId: string, taskId: string, record: VeoRecord | null): 'success' | 'pending' {
    if (!record || record.successFlag === 0) return 'pending';
    if (record.successFlag === 1) return 'success';
    const reason = `Veo task ${taskId} ${VEO_STATES[record.successFlag]}: ${record.errorCode ?? ''} ${record.errorMessage ?? ''}`.trim();
    const failed = recordFailure(creativeId, taskId, 'fail', reason);
    throw domainFailure('GenerationFailed', failed.message, { taskId, successFlag: record.successFlag, errorCode: record.errorCode, costCredits: failed.costCredits, costUsd: failed.costUsd });
  }

  return {
    async submitVideo({ accountId, cycleId, slot, hookId }: SubmitVideoInput): Promise<SubmitVideoResult> {
      return mapErrors(async () => {
        const kie = deps.kie();
        const account = deps.accounts(accountId);
        const hook = account.hooks().find((h) => h.id === hookId);
        if (!hook) throw domainFailure('InvalidInput', `hookId ${hookId} is not in the hook library`);
        const creativeId = creativeIdOf(cycleId, slot);
        const model = deps.video.model;
        const estimate = deps.video.credits[model];
        const prompt = videoPrompt(hook);
        deps.db
          .insert(creatives)
          .values({ id: creativeId, accountId, cycleId, slot, hookId, format: 'video', status: 'generating', model, prompt })
          .onConflictDoNothing()
          .run();
        const existing = deps.db.select().from(generationTasks).where(eq(generationTasks.key, key(creativeId))).get();
        if (existing?.taskId) {
          return { creativeId, taskId: existing.taskId, model, estimatedCredits: existing.estimatedCredits, callbacks: !!deps.callbacks.url };
        }
        // A resubmit (the last create's response was lost) is one more paid task: guarded and counted like the first.
        await reserveGeneration(deps.db, kie, { key: key(creativeId), accountId, creativeId, model, estimatedCredits: estimate }, creditLimitsOf(account, deps.minBalance, deps.creditUsd), now());
        const token = callbackToken(deps.callbacks.tokenSecret, cycleId, slot);
        const callBackUrl = deps.callbacks.url
          ? `${deps.callbacks.url}?${new URLSearchParams({ wf: cycleId, slot: String(slot), token })}`
          : undefined;
        const taskId = await submitCounted(deps.db, key(creativeId), estimate, deps.creditUsd, now, () => kie.createVideoTask({ model, prompt, callBackUrl }));
        deps.db.update(generationTasks).set({ taskId, state: 'submitted', callbackToken: token }).where(eq(generationTasks.key, key(creativeId))).run();
        deps.db.update(creatives).set({ kieTaskId: taskId }).where(eq(creatives.id, creativeId)).run();
        log.info('veo task submitted', { creativeId, taskId, model, estimatedCredits: estimate });
        return { creativeId, taskId, model, estimatedCredits: estimate, callbacks: !!callBackUrl };
      });
    },

    /** Polls until the task ends; heartbeats every few seconds so a dead worker is replaced fast. */
    async awaitVideo({ creativeId, taskId }: AwaitVideoInput): Promise<AwaitVideoResult> {
      return mapErrors(async () => {
        const kie = deps.kie();
        const task = deps.db.select().from(generationTasks).where(eq(generationTasks.key, key(creativeId))).get();
        if (!task) throw domainFailure('NotFound', `no video task recorded for ${creativeId}`);
        const started = Date.parse(task.createdAt);
        for (;;) {
          let record: VeoRecord | null = null;
          try {
            record = await kie.videoTask(taskId);
          } catch (err) {
            // Status reads are rate limited (10/s per key): slow down, do not fail the wait.
            if (!(err instanceof KieApiError && err.code === 429)) throw err;
          }
          if (checkRecord(creativeId, taskId, record) === 'success') return { state: 'success' };
          if (now().getTime() - started > deps.video.waitLimitMs) {
            const reason = `Veo task ${taskId} not finished after ${Math.round(deps.video.waitLimitMs / 1000)} s: abandoned`;
            const failed = recordFailure(creativeId, taskId, 'abandoned', reason);
            throw domainFailure('GenerationTimedOut', failed.message, { taskId, costCredits: failed.costCredits, costUsd: failed.costUsd });
          }
          // Sleep in short slices, heartbeating each: cancellation (a callback arrived) is delivered
          // through the heartbeat, and the server notices a dead worker within heartbeatTimeout.
          const until = Date.now() + deps.video.pollIntervalMs;
          while (Date.now() < until) {
            heartbeat({ taskId, waitedMs: now().getTime() - started, attempt: activityInfo().attempt });
            await sleep(Math.min(2_000, until - Date.now()));
          }
        }
      });
    },

    /** Confirms on record-info, downloads the clip under the data folder, records the actual cost. */
    async finishVideo({ creativeId, taskId }: AwaitVideoInput): Promise<FinishVideoResult> {
      return mapErrors(async () => {
        const kie = deps.kie();
        const row = deps.db.select().from(creatives).where(eq(creatives.id, creativeId)).get();
        if (row?.status === 'generated' && row.filePath) {
          return { state: 'done', creativeId, filePath: row.filePath, costCredits: row.costCredits, costUsd: row.costUsd };
        }
        const record = await kie.videoTask(taskId);
        if (checkRecord(creativeId, taskId, record) === 'pending') return { state: 'pending', creativeId };
        const url = record!.response?.resultUrls?.[0];
        if (!url) throw domainFailure('GenerationFailed', `Veo task ${taskId} succeeded without a result URL`);
        const bytes = await kie.download(url);
        const dir = path.join(deps.creativesDir, row!.accountId.replace(/[^\w-]/g, '_'));
        await mkdir(dir, { recursive: true });
        const filePath = path.join(dir, `${creativeId.replace(/[^\w.-]/g, '_')}.mp4`);
        await writeFile(filePath, bytes);
        // The cost is this task plus any lost-response task submitted before it (Kie charged those too).
        const cost = settle(creativeId, { state: 'success', resultUrl: url }, { status: 'generated', filePath });
        return { state: 'done', creativeId, filePath, videoUrl: url, costCredits: cost.credits, costUsd: cost.usd };
      });
    },
  };
}

export type VideoActivities = ReturnType<typeof createVideoActivities>;
