/**
 * Veo upgrades of a successful task (§4.3, §4.4):
 *   GET  /api/v1/veo/get-1080p-video?taskId=&index=  first call starts it; code 400 "processing"
 *        until ready (60–180 s documented), then data.resultUrl.
 *   POST /api/v1/veo/get-4k-video {taskId,index,callBackUrl}  first call 200 with null URLs;
 *        repeats 422 "processing" (5–10 min), then 422 "already generated" with the URLs; a
 *        snake_case callback when ready.
 * Simplification: the upgraded files are the same 720p fixture clips.
 */
import { pickDelay } from './config';
import type { RouteCtx, SimCore, Upgrade, VeoTask } from './core';
import { fail, isRecord, ok, type RouteResult } from './http';
import { isUrl } from './validate-market';
import { isVertical } from './veo';

const PROCESSING_1080P = '1080P is processing. It should be ready in 1-2 minutes. Please check back shortly.';
const PROCESSING_4K = '4k is processing. It should be ready in 5-10 minutes. Please check back shortly.';

/** Finds the successful Veo task an upgrade call names, or the error to answer. */
function sourceTask(core: SimCore, apiKey: string, taskId: unknown, index: unknown): VeoTask | RouteResult {
  if (typeof taskId !== 'string' || taskId === '') return fail(400, 'taskId is required');
  const task = core.tasks.get(taskId);
  if (!task || task.family !== 'veo' || task.apiKey !== apiKey) return fail(422, 'record is null');
  if (Date.now() - task.createTime > core.scaled(core.cfg.retentionMs)) {
    return fail(422, 'Temporarily supports records within 14 days.');
  }
  if (task.successFlag !== 1) return fail(422, 'record status is not success');
  const i = index === undefined || index === null || index === '' ? 0 : Number(index);
  if (i !== 0) return fail(422, 'record result data is blank');
  return task;
}

function start(core: SimCore, task: VeoTask, kind: '1080p' | '4k', callBackUrl: string | undefined): Upgrade {
  const up: Upgrade = { readyAt: 0, done: false, resultUrls: [], imageUrls: [], callBackUrl };
  const delay = pickDelay(core.cfg, core.rng, core.cfg.upgradeDelaysMs[kind]);
  up.readyAt = Date.now() + delay;
  task.upgrades[kind] = up;
  core.ledger.debit(task.apiKey, core.price(kind));
  core.after(delay, () => {
    const vertical = isVertical(task.spec);
    up.resultUrls = [core.files.addVideo(`${task.taskId}_${kind}.mp4`, vertical)];
    if (kind === '4k') up.imageUrls = [core.files.addStill(`${task.taskId}_4k_still.jpg`, vertical)];
    up.done = true;
    if (kind === '4k' && up.callBackUrl) {
      core.callbacks.deliver(task.taskId, up.callBackUrl, {
        code: 200,
        msg: '4K Video generated successfully.',
        data: { task_id: task.taskId, result_urls: up.resultUrls, media_ids: [], image_urls: up.imageUrls },
      });
    }
  });
  return up;
}

export function veoGet1080p(ctx: RouteCtx): RouteResult {
  const { core, apiKey, url } = ctx;
  const found = sourceTask(core, apiKey, url.searchParams.get('taskId'), url.searchParams.get('index'));
  if (!('family' in found)) return found;
  const existing = found.upgrades['1080p'];
  if (!existing) {
    if (core.ledger.balance(apiKey) < core.price('1080p')) return fail(402);
    start(core, found, '1080p', undefined);
    return fail(400, PROCESSING_1080P);
  }
  if (!existing.done) return fail(400, PROCESSING_1080P);
  return ok({ resultUrl: existing.resultUrls[0] });
}

export function veoGet4k(ctx: RouteCtx): RouteResult {
  const { core, apiKey } = ctx;
  const body = isRecord(ctx.body) ? ctx.body : {};
  const found = sourceTask(core, apiKey, body.taskId, body.index);
  if (!('family' in found)) return found;
  const cb = body.callBackUrl;
  if (cb !== undefined && cb !== null && cb !== '' && !isUrl(cb)) return fail(422, 'callBackUrl must be a valid http(s) URL');
  const existing = found.upgrades['4k'];
  if (!existing) {
    if (core.ledger.balance(apiKey) < core.price('4k')) return fail(402);
    start(core, found, '4k', isUrl(cb) ? cb : undefined);
    return ok({ taskId: found.taskId, resultUrls: null, imageUrls: null });
  }
  if (!existing.done) return fail(422, PROCESSING_4K, { taskId: found.taskId, resultUrls: null, imageUrls: null });
  return fail(422, 'The video has been generated successfully', {
    taskId: found.taskId,
    resultUrls: existing.resultUrls,
    imageUrls: existing.imageUrls,
  });
}
