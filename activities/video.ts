/**
 * Video activities (queue `ad-video`): Veo 3.1 through Kie.ai. Three steps so the Web UI shows the
 * long wait as a step of its own and a crash in any of them loses nothing:
 *  - submitVideo: cost guard, then ONE Kie task per creative (task id recorded under the creative's key);
 *  - awaitVideo: a heartbeating poll loop that survives worker crashes (the retry resumes the same
 *    task id), honours cancellation (a callback ends the wait early), and gives up after the limit;
 *  - finishVideo: record-info (the final authority) once more, the download, and the actual cost.
 * The steps' bodies are in video-steps.ts.
 */
import { log } from '@temporalio/activity';
import type { Db } from '../db/client';
import { creativeIdOf, kieTaskKey } from '../db/creative-ids';
import type { CreativeStore } from '../db/creatives';
import type { Hook } from '../learning/hook-library';
import { callbackToken } from '../temporal-config/callback-token';
import type { Accounts } from './accounts';
import { domainFailure, mapErrors } from './errors';
import { creditLimitsOf, generationBooks } from './generation-budget';
import type { KieClient, VeoModel } from './ports/kie-client';
import { awaitVideoTask, finishVideoTask, type VideoCtx } from './video-steps';

export interface VideoDeps {
  db: Db;
  creatives: CreativeStore;
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

export function createVideoActivities(deps: VideoDeps) {
  const now = deps.now ?? (() => new Date());
  const ctx: VideoCtx = { deps, now, books: generationBooks({ db: deps.db, creatives: deps.creatives, creditUsd: deps.creditUsd, now }) };
  return {
    submitVideo: (input: SubmitVideoInput): Promise<SubmitVideoResult> => mapErrors(() => submitVideo(ctx, input)),
    /** Polls until the task ends; heartbeats every few seconds so a dead worker is replaced fast. */
    awaitVideo: (input: AwaitVideoInput): Promise<AwaitVideoResult> => mapErrors(() => awaitVideoTask(ctx, input)),
    /** Confirms on record-info, downloads the clip under the data folder, records the actual cost. */
    finishVideo: (input: AwaitVideoInput): Promise<FinishVideoResult> => mapErrors(() => finishVideoTask(ctx, input)),
  };
}

async function submitVideo(ctx: VideoCtx, { accountId, cycleId, slot, hookId }: SubmitVideoInput): Promise<SubmitVideoResult> {
  const { deps, books } = ctx;
  const kie = deps.kie();
  const account = deps.accounts(accountId);
  const hook = account.hooks().find((h) => h.id === hookId);
  if (!hook) throw domainFailure('InvalidInput', `hookId ${hookId} is not in the hook library`);
  const creativeId = creativeIdOf(cycleId, slot);
  const key = kieTaskKey(creativeId, 'video');
  const model = deps.video.model;
  const estimate = deps.video.credits[model];
  const prompt = videoPrompt(hook);
  deps.creatives.startGeneration({ id: creativeId, accountId, cycleId, slot, hookId, format: 'video', model, prompt });
  const existing = books.task(key);
  if (existing?.taskId) {
    return { creativeId, taskId: existing.taskId, model, estimatedCredits: existing.estimatedCredits, callbacks: !!deps.callbacks.url };
  }
  // A resubmit (the last create's response was lost) is one more paid task: guarded and counted like the first.
  await books.reserve(kie, { key, accountId, creativeId, model, estimatedCredits: estimate }, creditLimitsOf(account, deps.minBalance));
  const token = callbackToken(deps.callbacks.tokenSecret, cycleId, slot);
  const callBackUrl = deps.callbacks.url ? `${deps.callbacks.url}?${new URLSearchParams({ wf: cycleId, slot: String(slot), token })}` : undefined;
  const taskId = await books.submitCounted(key, estimate, () => kie.createVideoTask({ model, prompt, callBackUrl }));
  books.submitted(key, creativeId, taskId, { callbackToken: token });
  log.info('veo task submitted', { creativeId, taskId, model, estimatedCredits: estimate });
  return { creativeId, taskId, model, estimatedCredits: estimate, callbacks: !!callBackUrl };
}

export type VideoActivities = ReturnType<typeof createVideoActivities>;
