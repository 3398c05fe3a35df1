/**
 * Market (Nano Banana) family: POST /api/v1/jobs/createTask, GET /api/v1/jobs/recordInfo and
 * the task life cycle waiting -> queuing -> generating -> success | fail (§2, §3, §10.2),
 * with the Market callback body (§6.2).
 */
import { admitCreate } from './admit-create';
import { pickDelay } from './config';
import { type MarketState, type MarketTask, type RouteCtx, type SimCore } from './core';
import { fail, ok, type RouteResult } from './http';
import type { KieFaultRule } from './types';
import { type MarketSpec, validateMarketCreate } from './validate-market';

const FAIL_MESSAGES: Record<string, string> = {
  '500': 'Internal server error',
  '422': 'prompt contains prohibited content',
};

export function createMarketTask(ctx: RouteCtx): RouteResult {
  const { core } = ctx;
  const admitted = admitCreate(ctx, validateMarketCreate, (spec) => core.price(spec.model));
  if (!admitted.ok) return admitted.result;
  const { spec } = admitted;
  const task: MarketTask = {
    family: 'market',
    ...admitted.base,
    spec,
    state: 'waiting',
    failCode: '',
    failMsg: '',
    resultUrls: [],
  };
  core.tasks.set(task.taskId, task);
  core.chargeOnCreate(task);
  schedule(core, task, ctx.fault);
  core.cfg.logger.info({ taskId: task.taskId, model: task.model }, 'kie-sim: market task created');
  return ok({ taskId: task.taskId });
}

export function marketRecordInfo(ctx: RouteCtx): RouteResult {
  const { core, apiKey } = ctx;
  if (!core.ledger.allowStatus(apiKey)) return fail(429, 'Rate limit exceeded');
  const taskId = ctx.url.searchParams.get('taskId');
  if (!taskId) return fail(400, 'taskId parameter is required');
  const task = core.tasks.get(taskId);
  if (!task || task.family !== 'market' || task.apiKey !== apiKey) return fail(404, 'Task not found');
  return ok(marketRecord(core, task));
}

/** Pro and high resolutions take longer (the reference says so without numbers). */
function generatingFactor(spec: MarketSpec): number {
  const res = spec.resolution === '4K' ? 2 : spec.resolution === '2K' ? 1.5 : 1;
  return (spec.model === 'nano-banana-pro' ? 2 : 1) * res;
}

function schedule(core: SimCore, task: MarketTask, fault: KieFaultRule | undefined): void {
  const d = core.cfg.imageStateDelaysMs;
  const t1 = pickDelay(core.cfg, core.rng, d.waiting);
  const t2 = t1 + pickDelay(core.cfg, core.rng, d.queuing);
  const t3 = t2 + pickDelay(core.cfg, core.rng, d.generating, generatingFactor(task.spec));
  core.after(t1, () => move(task, 'queuing'));
  core.after(t2, () => move(task, 'generating'));
  if (fault?.kind === 'stuck') return;
  core.after(t3, () => finish(core, task, fault?.kind === 'taskFail' ? fault : undefined));
}

function move(task: MarketTask, state: MarketState): void {
  task.state = state;
  task.updateTime = Date.now();
}

function finish(core: SimCore, task: MarketTask, failRule: KieFaultRule | undefined): void {
  const now = Date.now();
  task.updateTime = now;
  task.completeTime = now;
  if (failRule) {
    task.state = 'fail';
    task.failCode = failRule.failCode ?? (failRule.code !== undefined ? String(failRule.code) : '500');
    task.failMsg = failRule.msg ?? FAIL_MESSAGES[task.failCode] ?? 'Generation failed';
  } else {
    task.state = 'success';
    task.resultUrls = [core.files.addImage(task.taskId, task.spec)];
  }
  core.settle(task, task.state === 'success');
  core.cfg.logger.info({ taskId: task.taskId, state: task.state }, 'kie-sim: market task finished');
  if (task.callBackUrl) core.callbacks.deliver(task.taskId, task.callBackUrl, marketCallbackBody(core, task));
}

/** recordInfo `data` (§3.1). */
export function marketRecord(core: SimCore, task: MarketTask): Record<string, unknown> {
  const terminal = task.state === 'success' || task.state === 'fail';
  const nullFail = core.cfg.variants.marketFailCodeNull && task.state !== 'fail';
  return {
    taskId: task.taskId,
    model: task.model,
    state: task.state,
    param: JSON.stringify(task.body),
    resultJson: task.state === 'success' ? JSON.stringify({ resultUrls: task.resultUrls }) : '',
    failCode: nullFail ? null : task.failCode,
    failMsg: nullFail ? null : task.failMsg,
    costTime: terminal && task.completeTime !== null ? task.completeTime - task.createTime : null,
    completeTime: task.completeTime,
    createTime: task.createTime,
    updateTime: task.updateTime,
  };
}

/** Market callback (§6.2): recordInfo-shaped data plus consumeCredits / remainedCredits. */
function marketCallbackBody(core: SimCore, task: MarketTask): unknown {
  const success = task.state === 'success';
  return {
    code: success ? 200 : 501,
    msg: success ? 'Playground task completed successfully.' : 'Playground task failed.',
    data: {
      ...marketRecord(core, task),
      consumeCredits: success ? task.charged : 0,
      remainedCredits: core.ledger.balance(task.apiKey),
    },
  };
}
