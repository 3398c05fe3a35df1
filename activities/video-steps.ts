/**
 * The waiting half of a Veo generation (see video.ts): awaitVideo's heartbeating poll loop and
 * finishVideo's confirmation, download and cost. Both settle the creative through the Kie
 * accounting's one cost rule, as images do.
 */
import { activityInfo, heartbeat, log, sleep } from '@temporalio/activity';
import { kieTaskKey } from '../db/creative-ids';
import { domainFailure } from './errors';
import { saveCreativeFile } from './creative-files';
import { orphanNote, type GenerationBooks, type GenerationCost, type SettleOutcome, type TaskEnd } from './generation-budget';
import { KieApiError, type VeoModel, type VeoRecord } from './ports/kie-client';
import type { AwaitVideoInput, AwaitVideoResult, FinishVideoResult, VideoDeps } from './video';

export interface VideoCtx {
  deps: VideoDeps;
  now: () => Date;
  books: GenerationBooks;
}

const VEO_STATES: Record<number, string> = { 0: 'generating', 1: 'success', 2: 'failed', 3: 'generation failed' };
const keyOf = (creativeId: string) => kieTaskKey(creativeId, 'video');

/** Credits one task of this creative's model costs (the row's estimate per submit for an unknown model). */
function unitCredits(ctx: VideoCtx, creativeId: string): number {
  const { video } = ctx.deps;
  const task = ctx.books.task(keyOf(creativeId));
  if (!task) return video.credits[video.model];
  return video.credits[task.model as VeoModel] ?? task.estimatedCredits / Math.max(1, task.submitAttempts);
}

/** Ends the task row and the creative with the cost rule shared with images (generation-budget.ts). */
function settle(ctx: VideoCtx, creativeId: string, end: TaskEnd, outcome: SettleOutcome): GenerationCost {
  return ctx.books.settle(keyOf(creativeId), end, unitCredits(ctx, creativeId), outcome);
}

/** Returns the failure to throw, with what lost-response tasks cost in its message. */
function recordFailure(ctx: VideoCtx, creativeId: string, taskId: string, state: 'fail' | 'abandoned', reason: string) {
  // Failed Veo generations are not charged (refunded); an abandoned one may still be, and so may
  // every earlier submit whose response was lost.
  const cost = settle(ctx, creativeId, { state, failReason: reason }, { status: 'generation_failed', failReason: reason });
  log.warn('video generation failed', { creativeId, taskId, reason, costCredits: cost.credits });
  return { message: `${reason}${orphanNote(cost)}`, costCredits: cost.credits, costUsd: cost.usd };
}

function checkRecord(ctx: VideoCtx, creativeId: string, taskId: string, record: VeoRecord | null): 'success' | 'pending' {
  if (!record || record.successFlag === 0) return 'pending';
  if (record.successFlag === 1) return 'success';
  const reason = `Veo task ${taskId} ${VEO_STATES[record.successFlag]}: ${record.errorCode ?? ''} ${record.errorMessage ?? ''}`.trim();
  const failed = recordFailure(ctx, creativeId, taskId, 'fail', reason);
  throw domainFailure('GenerationFailed', failed.message, {
    taskId,
    successFlag: record.successFlag,
    errorCode: record.errorCode,
    costCredits: failed.costCredits,
    costUsd: failed.costUsd,
  });
}

/** Polls until the task ends or the wait limit passes, sleeping in short heartbeating slices. */
export async function awaitVideoTask(ctx: VideoCtx, { creativeId, taskId }: AwaitVideoInput): Promise<AwaitVideoResult> {
  const { deps, now } = ctx;
  const kie = deps.kie();
  const task = ctx.books.task(keyOf(creativeId));
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
    if (checkRecord(ctx, creativeId, taskId, record) === 'success') return { state: 'success' };
    if (now().getTime() - started > deps.video.waitLimitMs) {
      const reason = `Veo task ${taskId} not finished after ${Math.round(deps.video.waitLimitMs / 1000)} s: abandoned`;
      const failed = recordFailure(ctx, creativeId, taskId, 'abandoned', reason);
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
}

/** Confirms on record-info, downloads the clip under the data folder, records the actual cost. */
export async function finishVideoTask(ctx: VideoCtx, { creativeId, taskId }: AwaitVideoInput): Promise<FinishVideoResult> {
  const { deps } = ctx;
  const kie = deps.kie();
  const row = deps.creatives.get(creativeId);
  if (row?.status === 'generated' && row.filePath) {
    return { state: 'done', creativeId, filePath: row.filePath, costCredits: row.costCredits, costUsd: row.costUsd };
  }
  const record = await kie.videoTask(taskId);
  if (checkRecord(ctx, creativeId, taskId, record) === 'pending') return { state: 'pending', creativeId };
  const url = record!.response?.resultUrls?.[0];
  if (!url) throw domainFailure('GenerationFailed', `Veo task ${taskId} succeeded without a result URL`);
  const bytes = await kie.download(url);
  const filePath = await saveCreativeFile(deps.creativesDir, row!.accountId, creativeId, 'mp4', bytes);
  // The cost is this task plus any lost-response task submitted before it (Kie charged those too).
  const cost = settle(ctx, creativeId, { state: 'success', resultUrl: url }, { status: 'generated', filePath });
  return { state: 'done', creativeId, filePath, videoUrl: url, costCredits: cost.credits, costUsd: cost.usd };
}
