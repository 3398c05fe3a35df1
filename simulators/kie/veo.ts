/**
 * Veo 3.1 family: POST /api/v1/veo/generate, GET /api/v1/veo/record-info and the task life
 * cycle successFlag 0 -> 1 | 2 | 3 (§4.1, §4.2, §10.2), with the Veo callback body (§6.1).
 * Result clips are the committed 8 s fixtures (9:16 or 16:9, H.264 + AAC).
 */
import { admitCreate } from './admit-create';
import { pickDelay } from './config';
import { type RouteCtx, type SimCore, type VeoTask } from './core';
import { fail, ok, type RouteResult } from './http';
import type { KieFaultRule } from './types';
import { validateVeoGenerate, type VeoSpec } from './validate-veo';

const ERROR_MESSAGES: Record<number, string> = {
  400: 'Your prompt was flagged by Website as violating content policies.',
  422: 'Your request was rejected by Flow(The prompt could not be processed). Please try again.',
  500: 'Internal Error, Please try again later.',
  501: 'Generation failed, please try again later.',
};

export function veoGenerate(ctx: RouteCtx): RouteResult {
  const { core } = ctx;
  const admitted = admitCreate(ctx, validateVeoGenerate, (spec) => {
    const upgrade = spec.resolution === '1080p' ? core.price('1080p') : spec.resolution === '4k' ? core.price('4k') : 0;
    return core.price(spec.model) + upgrade;
  });
  if (!admitted.ok) return admitted.result;
  const { spec } = admitted;
  const task: VeoTask = {
    family: 'veo',
    ...admitted.base,
    spec,
    successFlag: 0,
    errorCode: null,
    errorMessage: null,
    resultUrls: [],
    originUrls: [],
    upgrades: {},
  };
  core.tasks.set(task.taskId, task);
  core.chargeOnCreate(task);
  if (ctx.fault?.kind !== 'stuck') {
    const delay = pickDelay(core.cfg, core.rng, core.cfg.veoDelaysMs[spec.model]);
    const rule = ctx.fault?.kind === 'taskFail' ? ctx.fault : undefined;
    core.after(delay, () => finish(core, task, rule));
  }
  core.cfg.logger.info({ taskId: task.taskId, model: task.model }, 'kie-sim: veo task created');
  return ok({ taskId: task.taskId });
}

export function veoRecordInfo(ctx: RouteCtx): RouteResult {
  const { core, apiKey } = ctx;
  if (!core.ledger.allowStatus(apiKey)) return fail(429, 'Rate limit exceeded');
  const taskId = ctx.url.searchParams.get('taskId');
  if (!taskId) return fail(400, 'taskId is required');
  const task = core.tasks.get(taskId);
  if (task && task.family === 'market' && task.apiKey === apiKey) return ok(null); // observed: other family -> data null
  if (!task || task.family !== 'veo' || task.apiKey !== apiKey) return fail(422, 'record is null');
  if (Date.now() - task.createTime > core.scaled(core.cfg.retentionMs)) {
    return fail(422, 'Temporarily supports records within 14 days.');
  }
  return ok(veoRecord(core, task));
}

export function isVertical(spec: VeoSpec): boolean {
  return spec.aspect === '9:16';
}

function finish(core: SimCore, task: VeoTask, failRule: KieFaultRule | undefined): void {
  const now = Date.now();
  task.updateTime = now;
  task.completeTime = now;
  if (failRule) {
    task.successFlag = failRule.successFlag ?? 2;
    const fromFailCode = failRule.failCode !== undefined ? Number(failRule.failCode) : undefined;
    task.errorCode = failRule.code ?? fromFailCode ?? (task.successFlag === 3 ? 501 : 400);
    task.errorMessage = failRule.msg ?? ERROR_MESSAGES[task.errorCode] ?? 'Generation failed.';
  } else {
    task.successFlag = 1;
    task.resultUrls = [core.files.addVideo(`${task.taskId}.mp4`, isVertical(task.spec))];
    // originUrls: the un-cropped original, only for non-16:9 requests (§4.2).
    if (task.spec.aspect === '9:16') task.originUrls = [core.files.addVideo(`${task.taskId}_orig.mp4`, false)];
  }
  core.settle(task, task.successFlag === 1);
  core.cfg.logger.info({ taskId: task.taskId, successFlag: task.successFlag }, 'kie-sim: veo task finished');
  if (task.callBackUrl) core.callbacks.deliver(task.taskId, task.callBackUrl, veoCallbackBody(task));
}

/** 'YYYY-MM-DD HH:mm:ss' in UTC, like the doc examples. */
export function kieTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

function urls(core: SimCore, list: string[]): string[] | string {
  return core.cfg.variants.veoResultUrlsAsString ? JSON.stringify(list) : list;
}

/** record-info `data` (§4.2). */
export function veoRecord(core: SimCore, task: VeoTask): Record<string, unknown> {
  const time = (ms: number | null) => (ms === null ? null : core.cfg.variants.veoTimesAsNumbers ? ms : kieTime(ms));
  return {
    taskId: task.taskId,
    paramJson: JSON.stringify(task.body),
    createTime: time(task.createTime),
    completeTime: time(task.completeTime),
    successFlag: task.successFlag,
    errorCode: task.errorCode,
    errorMessage: task.successFlag === 1 ? '' : task.errorMessage,
    response:
      task.successFlag === 1
        ? {
            taskId: task.taskId,
            resultUrls: urls(core, task.resultUrls),
            originUrls: task.originUrls.length > 0 ? urls(core, task.originUrls) : null,
            resolution: task.spec.resolution,
          }
        : null,
    fallbackFlag: false,
  };
}

/** Veo callback (§6.1). */
function veoCallbackBody(task: VeoTask): unknown {
  if (task.successFlag !== 1) {
    return { code: task.errorCode, msg: task.errorMessage, data: { taskId: task.taskId, fallbackFlag: false } };
  }
  return {
    code: 200,
    msg: 'Veo3.1 video generated successfully.',
    data: {
      taskId: task.taskId,
      info: {
        resultUrls: task.resultUrls,
        ...(task.originUrls.length > 0 ? { originUrls: task.originUrls } : {}),
        resolution: task.spec.resolution,
      },
      promptJson: task.body,
      fallbackFlag: false,
    },
  };
}
