/**
 * Image activities (queue `ad-images`): a Nano Banana picture from Kie.ai, the hook's overlay on it,
 * the final PNG under the data folder, and the cost in the DB.
 *
 * One activity does submit -> wait -> download -> render, heartbeating while it waits. The Kie task id
 * is stored under the creative's idempotency key before any waiting, so a retry (or another worker
 * after a crash) resumes the same task instead of paying for a second one.
 */
import { activityInfo, heartbeat, log, sleep } from '@temporalio/activity';
import { eq } from 'drizzle-orm';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Db } from '../db/client';
import { creatives, generationTasks } from '../db/schema';
import type { Hook } from '../learning/hook-library';
import type { Accounts } from './accounts';
import { domainFailure, mapErrors } from './errors';
import { creditLimitsOf, orphanNote, reserveGeneration, settleGeneration, submitCounted } from './generation-budget';
import { renderCreative } from './overlay';
import { KieApiError, resultUrls, type KieClient, type MarketRecord } from './ports/kie-client';

export interface ImageDeps {
  db: Db;
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

export const creativeIdOf = (cycleId: string, slot: number) => `${cycleId}:s${slot}`;

/** The picture prompt: the hook's visual style, with room left for the overlay. */
export function imagePrompt(hook: Hook): string {
  return [
    `Vertical 9:16 advertising photo, ${hook.visualStyle}.`,
    `Theme: ${hook.angle} — ${hook.headline}.`,
    'No text, no letters, no logos in the image. Keep the centre-top area calm and uncluttered for a headline overlay.',
  ].join(' ');
}

export function createImageActivities(deps: ImageDeps) {
  const now = deps.now ?? (() => new Date());
  const cfg = deps.kieConfig;

  return {
    async generateImageCreative(input: GenerateImageInput): Promise<GenerateImageResult> {
      return mapErrors(async () => {
        const { accountId, cycleId, slot, hookId } = input;
        const kie = deps.kie();
        const account = deps.accounts(accountId);
        const hook = account.hooks().find((h) => h.id === hookId);
        if (!hook) throw domainFailure('InvalidInput', `hookId ${hookId} is not in the hook library`);
        const creativeId = creativeIdOf(cycleId, slot);
        const prompt = imagePrompt(hook);
        deps.db
          .insert(creatives)
          .values({ id: creativeId, accountId, cycleId, slot, hookId, format: 'image', status: 'generating', model: cfg.imageModel, prompt })
          .onConflictDoNothing()
          .run();
        const existing = deps.db.select().from(creatives).where(eq(creatives.id, creativeId)).get()!;
        if (existing.status === 'generated' && existing.filePath && existing.kieTaskId) {
          return { creativeId, filePath: existing.filePath, model: cfg.imageModel, taskId: existing.kieTaskId, costCredits: existing.costCredits, costUsd: existing.costUsd };
        }

        const key = `${creativeId}:kie.image`;
        let task = deps.db.select().from(generationTasks).where(eq(generationTasks.key, key)).get();
        if (!task?.taskId) {
          // Record the intent before paying. Kie has no idempotency key nor a task search, so an attempt
          // whose response was lost cannot be found again: each further attempt is a paid task, guarded and counted.
          await reserveGeneration(deps.db, kie, { key, accountId, creativeId, model: cfg.imageModel, estimatedCredits: cfg.imageCredits }, creditLimitsOf(account, cfg.minBalance, cfg.creditUsd), now());
          const taskId = await submitCounted(deps.db, key, cfg.imageCredits, cfg.creditUsd, now, () => kie.createImageTask({ model: cfg.imageModel, prompt, imageSize: '9:16' }));
          deps.db.update(generationTasks).set({ taskId, state: 'submitted' }).where(eq(generationTasks.key, key)).run();
          deps.db.update(creatives).set({ kieTaskId: taskId }).where(eq(creatives.id, creativeId)).run();
          task = deps.db.select().from(generationTasks).where(eq(generationTasks.key, key)).get()!;
          log.info('kie image task submitted', { creativeId, taskId });
        }
        const taskId = task.taskId!;
        const settle = (end: Parameters<typeof settleGeneration>[2], fields: Parameters<typeof settleGeneration>[6]) =>
          settleGeneration(deps.db, key, end, cfg.imageCredits, cfg.creditUsd, now(), fields);

        // Durable wait: poll, heartbeat (so a dead worker is noticed and cancellation arrives), sleep.
        const started = Date.parse(task.createdAt);
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
            const cost = settle({ state: 'abandoned', failReason: reason }, { status: 'generation_failed', failReason: reason });
            throw domainFailure('GenerationTimedOut', `${reason}${orphanNote(cost)}`, { taskId, costCredits: cost.credits, costUsd: cost.usd });
          }
          heartbeat({ taskId, state: record.state });
          await sleep(cfg.pollIntervalMs);
          record = (await poll()) ?? record;
        }
        if (record.state === 'fail') {
          const reason = `Kie task ${taskId} failed: ${record.failCode ?? ''} ${record.failMsg ?? ''}`.trim();
          // Failed market tasks are not charged (consumeCredits 0); earlier lost-response tasks still are.
          const cost = settle({ state: 'fail', failReason: reason }, { status: 'generation_failed', failReason: reason });
          throw domainFailure('GenerationFailed', `${reason}${orphanNote(cost)}`, { taskId, failCode: record.failCode, costCredits: cost.credits, costUsd: cost.usd });
        }

        const [url] = resultUrls(record);
        heartbeat({ taskId, state: 'downloading' });
        const picture = await kie.download(url!);
        const { png } = await renderCreative(picture, { overlayText: hook.overlayText, cta: ctaLabel(account.callToAction), gradient: hook.gradientScheme });
        const dir = path.join(deps.creativesDir, accountId.replace(/[^\w-]/g, '_'));
        await mkdir(dir, { recursive: true });
        const filePath = path.join(dir, `${creativeId.replace(/[^\w.-]/g, '_')}.png`);
        await writeFile(filePath, png);
        // The cost is this task plus any lost-response task submitted before it (Kie charged those too).
        const cost = settle({ state: 'success', resultUrl: url }, { status: 'generated', filePath, kieTaskId: taskId });
        log.info('image creative rendered', { creativeId, taskId, filePath, costCredits: cost.credits, orphanTasks: cost.orphans, attempt: activityInfo().attempt });
        return { creativeId, filePath, model: cfg.imageModel, taskId, costCredits: cost.credits, costUsd: cost.usd };
      });
    },
  };
}

/** The overlay's button text for a Meta call to action: LEARN_MORE -> "Learn more". */
const ctaLabel = (cta: string) => cta.toLowerCase().replace(/_/g, ' ').replace(/^\w/, (c) => c.toUpperCase());

export type ImageActivities = ReturnType<typeof createImageActivities>;
