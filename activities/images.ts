/**
 * Image activities (queue `ad-images`): a Nano Banana picture from Kie.ai, the hook's overlay on it,
 * the final PNG under the data folder, and the cost in the DB.
 *
 * One activity does submit -> wait -> download -> render, heartbeating while it waits. The Kie task id
 * is stored under the creative's idempotency key before any waiting, so a retry (or another worker
 * after a crash) resumes the same task instead of paying for a second one.
 */
import { activityInfo, heartbeat, log, sleep } from '@temporalio/activity';
import type { Db } from '../db/client';
import { creativeIdOf, kieTaskKey } from '../db/creative-ids';
import type { CreativeStore } from '../db/creatives';
import type { Hook } from '../learning/hook-library';
import type { AccountContext, Accounts } from './accounts';
import { saveCreativeFile } from './creative-files';
import { domainFailure, mapErrors } from './errors';
import { creditLimitsOf, generationBooks, orphanNote, type GenerationBooks } from './generation-budget';
import { renderCreative } from './overlay';
import { KieApiError, resultUrls, type KieClient, type MarketRecord } from './ports/kie-client';

export { creativeIdOf } from '../db/creative-ids';

export interface ImageDeps {
  db: Db;
  creatives: CreativeStore;
  kie: () => KieClient;
  accounts: Accounts;
  creativesDir: string;
  /** `minBalance` is per Kie API key; each account's credit and spend caps come with the account. */
  kieConfig: { imageModel: 'google/nano-banana'; imageCredits: number; creditUsd: number; minBalance: number; pollIntervalMs: number; imageTimeoutMs: number };
  now?: () => Date;
}

/** Input of generateImageCreative: one planned creative slot of a cycle. */
export interface GenerateImageInput {
  accountId: string;
  cycleId: string;
  slot: number;
  hookId: string;
}
/** The rendered creative and what it cost. */
export interface GenerateImageResult {
  creativeId: string;
  filePath: string;
  model: string;
  taskId: string;
  costCredits: number;
  costUsd: number;
}

/** The picture prompt: the hook's visual style, with room left for the overlay. */
export function imagePrompt(hook: Hook): string {
  return [
    `Vertical 9:16 advertising photo, ${hook.visualStyle}.`,
    `Theme: ${hook.angle} — ${hook.headline}.`,
    'No text, no letters, no logos in the image. Keep the centre-top area calm and uncluttered for a headline overlay.',
  ].join(' ');
}

interface ImageCtx {
  deps: ImageDeps;
  cfg: ImageDeps['kieConfig'];
  now: () => Date;
  books: GenerationBooks;
}

export function createImageActivities(deps: ImageDeps) {
  const now = deps.now ?? (() => new Date());
  const books = generationBooks({ db: deps.db, creatives: deps.creatives, creditUsd: deps.kieConfig.creditUsd, now });
  const ctx: ImageCtx = { deps, cfg: deps.kieConfig, now, books };
  return {
    generateImageCreative: (input: GenerateImageInput): Promise<GenerateImageResult> => mapErrors(() => generateImage(ctx, input)),
  };
}

async function generateImage(ctx: ImageCtx, { accountId, cycleId, slot, hookId }: GenerateImageInput): Promise<GenerateImageResult> {
  const { deps, cfg } = ctx;
  const kie = deps.kie();
  const account = deps.accounts(accountId);
  const hook = account.hooks().find((h) => h.id === hookId);
  if (!hook) throw domainFailure('InvalidInput', `hookId ${hookId} is not in the hook library`);
  const creativeId = creativeIdOf(cycleId, slot);
  const prompt = imagePrompt(hook);
  const existing = deps.creatives.startGeneration({ id: creativeId, accountId, cycleId, slot, hookId, format: 'image', model: cfg.imageModel, prompt });
  if (existing.status === 'generated' && existing.filePath && existing.kieTaskId) {
    return {
      creativeId,
      filePath: existing.filePath,
      model: cfg.imageModel,
      taskId: existing.kieTaskId,
      costCredits: existing.costCredits,
      costUsd: existing.costUsd,
    };
  }
  const key = kieTaskKey(creativeId, 'image');
  const task = await ensureTask(ctx, kie, account, { key, creativeId, prompt });
  const record = await awaitTask(ctx, kie, key, task);
  const [url] = resultUrls(record);
  heartbeat({ taskId: task.taskId, state: 'downloading' });
  const picture = await kie.download(url!);
  const { png } = await renderCreative(picture, { overlayText: hook.overlayText, cta: ctaLabel(account.callToAction), gradient: hook.gradientScheme });
  const filePath = await saveCreativeFile(deps.creativesDir, accountId, creativeId, 'png', png);
  // The cost is this task plus any lost-response task submitted before it (Kie charged those too).
  const cost = ctx.books.settle(key, { state: 'success', resultUrl: url }, cfg.imageCredits, { status: 'generated', filePath, kieTaskId: task.taskId });
  log.info('image creative rendered', {
    creativeId,
    taskId: task.taskId,
    filePath,
    costCredits: cost.credits,
    orphanTasks: cost.orphans,
    attempt: activityInfo().attempt,
  });
  return { creativeId, filePath, model: cfg.imageModel, taskId: task.taskId, costCredits: cost.credits, costUsd: cost.usd };
}

/** The creative's Kie task: the recorded one, or a new one submitted behind the guard. */
async function ensureTask(ctx: ImageCtx, kie: KieClient, account: AccountContext, t: { key: string; creativeId: string; prompt: string }) {
  const { cfg, books } = ctx;
  const recorded = books.task(t.key);
  if (recorded?.taskId) return { taskId: recorded.taskId, createdAt: recorded.createdAt };
  // Record the intent before paying. Kie has no idempotency key nor a task search, so an attempt
  // whose response was lost cannot be found again: each further attempt is a paid task, guarded and counted.
  const intent = { key: t.key, accountId: account.id, creativeId: t.creativeId, model: cfg.imageModel, estimatedCredits: cfg.imageCredits };
  await books.reserve(kie, intent, creditLimitsOf(account, cfg.minBalance));
  const taskId = await books.submitCounted(t.key, cfg.imageCredits, () => kie.createImageTask({ model: cfg.imageModel, prompt: t.prompt, imageSize: '9:16' }));
  books.submitted(t.key, t.creativeId, taskId);
  log.info('kie image task submitted', { creativeId: t.creativeId, taskId });
  return { taskId, createdAt: books.task(t.key)!.createdAt };
}

/** Durable wait: poll, heartbeat (so a dead worker is noticed and cancellation arrives), sleep. Settles a failure. */
async function awaitTask(ctx: ImageCtx, kie: KieClient, key: string, task: { taskId: string; createdAt: string }): Promise<MarketRecord> {
  const { cfg, books, now } = ctx;
  const { taskId } = task;
  const started = Date.parse(task.createdAt);
  const fail = (state: 'fail' | 'abandoned', reason: string) =>
    books.settle(key, { state, failReason: reason }, cfg.imageCredits, { status: 'generation_failed', failReason: reason });
  // Status reads are limited to 10/s per key: a 429 while waiting slows the poll down instead of failing.
  const poll = async (): Promise<MarketRecord | undefined> => {
    try {
      return await kie.imageTask(taskId);
    } catch (err) {
      if (err instanceof KieApiError && err.code === 429) return undefined;
      throw err;
    }
  };
  let record: MarketRecord = (await poll()) ?? { taskId, state: 'waiting' };
  while (record.state !== 'success' && record.state !== 'fail') {
    if (now().getTime() - started > cfg.imageTimeoutMs) {
      const reason = `Kie task ${taskId} not finished after ${cfg.imageTimeoutMs} ms (last state ${record.state})`;
      // It may still finish and be charged: an abandoned task counts, as do lost-response ones.
      const cost = fail('abandoned', reason);
      throw domainFailure('GenerationTimedOut', `${reason}${orphanNote(cost)}`, { taskId, costCredits: cost.credits, costUsd: cost.usd });
    }
    heartbeat({ taskId, state: record.state });
    await sleep(cfg.pollIntervalMs);
    record = (await poll()) ?? record;
  }
  if (record.state === 'fail') {
    const reason = `Kie task ${taskId} failed: ${record.failCode ?? ''} ${record.failMsg ?? ''}`.trim();
    // Failed market tasks are not charged (consumeCredits 0); earlier lost-response tasks still are.
    const cost = fail('fail', reason);
    throw domainFailure('GenerationFailed', `${reason}${orphanNote(cost)}`, {
      taskId,
      failCode: record.failCode,
      costCredits: cost.credits,
      costUsd: cost.usd,
    });
  }
  return record;
}

/** The overlay's button text for a Meta call to action: LEARN_MORE -> "Learn more". */
const ctaLabel = (cta: string) =>
  cta
    .toLowerCase()
    .replace(/_/g, ' ')
    .replace(/^\w/, (c) => c.toUpperCase());

export type ImageActivities = ReturnType<typeof createImageActivities>;
