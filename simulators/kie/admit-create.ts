/**
 * The checks in front of every task create (Market createTask, Veo generate), in this order: the
 * per-key create rate limit (429), the body (422), then the price against the balance (402).
 * Nothing is charged here; the caller creates the task from `base` and charges it.
 */
import { SimCore, type RouteCtx, type TaskBase } from './core';
import { fail, type RouteResult } from './http';
import type { Validated } from './validate-market';

export type Admission<S> = { ok: true; spec: S; price: number; base: TaskBase } | { ok: false; result: RouteResult };

export function admitCreate<S extends { model: string; callBackUrl: string | undefined }>(
  ctx: RouteCtx,
  validate: (body: unknown) => Validated<S>,
  priceOf: (spec: S) => number,
): Admission<S> {
  const { core, apiKey } = ctx;
  if (!core.ledger.allowCreate(apiKey)) {
    return { ok: false, result: fail(429, 'Rate limit exceeded: at most 20 new generation requests per 10 seconds') };
  }
  const v = validate(ctx.body);
  if (!v.ok) return { ok: false, result: fail(422, v.msg) };
  const price = priceOf(v.value);
  if (core.ledger.balance(apiKey) < price) return { ok: false, result: fail(402) };
  const now = Date.now();
  const base: TaskBase = {
    taskId: SimCore.newTaskId(),
    apiKey,
    model: v.value.model,
    body: ctx.body,
    createTime: now,
    updateTime: now,
    completeTime: null,
    callBackUrl: v.value.callBackUrl,
    price,
    charged: 0,
  };
  return { ok: true, spec: v.value, price, base };
}
