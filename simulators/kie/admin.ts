/**
 * Admin endpoints for tests that run the simulator in another process. Plain JSON with real
 * HTTP statuses (no Kie envelope, no auth):
 *   POST   /__sim/faults          body: a KieFaultRule or an array of them
 *   DELETE /__sim/faults
 *   GET    /__sim/state           { url, tasks, credits, callbacks, faults, callbackMode }
 *   POST   /__sim/credits         { apiKey, credits }
 *   POST   /__sim/callback-mode   { mode }
 */
import type { ServerResponse } from 'node:http';
import { checkRule } from './faults';
import type { SimCore } from './core';
import { isRecord } from './http';
import type { CallbackMode, KieFaultRule } from './types';

const MODES: readonly CallbackMode[] = ['once', 'drop', 'duplicate', 'late', 'badSignature'];

export function send(res: ServerResponse, status: number, payload: unknown): void {
  const text = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function simState(core: SimCore): Record<string, unknown> {
  return {
    url: core.baseUrl,
    tasks: [...core.tasks.values()].map((t) => core.view(t)),
    credits: core.ledger.all(),
    callbacks: core.callbacks.records,
    faults: core.faults.list(),
    callbackMode: core.callbacks.mode,
  };
}

export function handleAdmin(core: SimCore, method: string, path: string, body: unknown, res: ServerResponse): void {
  const route = `${method} ${path}`;
  switch (route) {
    case 'GET /__sim/state':
      return send(res, 200, simState(core));
    case 'DELETE /__sim/faults':
      core.faults.clear();
      return send(res, 200, { ok: true });
    case 'POST /__sim/faults': {
      const rules = Array.isArray(body) ? body : [body];
      const problem = rules.map((r) => checkRule(r)).find((p) => p !== undefined);
      if (problem) return send(res, 400, { error: problem });
      for (const r of rules) core.faults.add(normalizeTimes(r as KieFaultRule));
      return send(res, 200, { ok: true, faults: core.faults.list() });
    }
    case 'POST /__sim/credits': {
      if (!isRecord(body) || typeof body.apiKey !== 'string' || typeof body.credits !== 'number') {
        return send(res, 400, { error: 'body must be { apiKey: string, credits: number }' });
      }
      core.ledger.set(body.apiKey, body.credits);
      return send(res, 200, { ok: true, credits: core.ledger.balance(body.apiKey) });
    }
    case 'POST /__sim/callback-mode': {
      const mode = isRecord(body) ? body.mode : undefined;
      if (typeof mode !== 'string' || !MODES.includes(mode as CallbackMode)) {
        return send(res, 400, { error: `mode must be one of: ${MODES.join(', ')}` });
      }
      core.callbacks.mode = mode as CallbackMode;
      return send(res, 200, { ok: true, mode });
    }
    default:
      return send(res, 404, { error: `unknown admin route ${route}` });
  }
}

/** JSON has no Infinity: over HTTP, `times: null` also means "forever". */
function normalizeTimes(rule: KieFaultRule): KieFaultRule {
  return (rule as { times?: number | null }).times === null ? { ...rule, times: -1 } : rule;
}
