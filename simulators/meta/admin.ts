// /__sim/* control endpoints so a simulator running in another process can be driven:
// faults (POST/GET/DELETE /__sim/faults), clock (POST /__sim/advance {"ms": n}),
// state dump (GET /__sim/state), request log (GET /__sim/calls), peak rate-limit usage (GET/DELETE
// /__sim/usage) and new accounts (POST /__sim/accounts).
import { z } from 'zod';
import type { SimCore } from './core';
import { faultRuleSchema, type FaultRule } from './faults';
import type { Kind } from './store';

export interface AdminResponse {
  status: number;
  body: unknown;
}

const AccountsBody = z
  .object({
    adAccounts: z.array(z.string().regex(/^(act_)?\d+$/)).optional(),
    pageIds: z.array(z.string().regex(/^\d+$/)).optional(),
    customAudienceIds: z.array(z.string().regex(/^\d+$/)).optional(),
    /** Pixels the listed ad accounts own (besides the shared ones). */
    pixelIds: z.array(z.string().regex(/^\d+$/)).optional(),
  })
  .strict();

const KINDS: Kind[] = ['campaign', 'adset', 'adcreative', 'ad', 'adimage', 'advideo'];

export function handleAdmin(core: SimCore, method: string, path: string, body: Buffer): AdminResponse {
  let json: unknown = {};
  if (body.length > 0) {
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      return { status: 400, body: { error: 'body must be JSON' } };
    }
  }
  if (path === '/__sim/faults' && method === 'POST') {
    // One rule or an array of rules.
    const parsed = faultRuleSchema.array().safeParse(Array.isArray(json) ? json : [json]);
    if (!parsed.success) return { status: 400, body: { error: parsed.error.message } };
    parsed.data.forEach((rule) => core.faults.add(rule as FaultRule));
    return { status: 200, body: { ok: true, faults: core.faults.list() } };
  }
  if (path === '/__sim/faults' && method === 'DELETE') {
    core.faults.clear();
    return { status: 200, body: { ok: true } };
  }
  if (path === '/__sim/faults' && method === 'GET') return { status: 200, body: { faults: core.faults.list() } };
  if (path === '/__sim/advance' && method === 'POST') {
    const ms = (json as { ms?: unknown }).ms;
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
      return { status: 400, body: { error: 'expected {"ms": <non-negative number of sim milliseconds>}' } };
    }
    core.advance(ms);
    return { status: 200, body: { ok: true, now: core.now().toISOString() } };
  }
  if (path === '/__sim/state' && method === 'GET') {
    const objects = Object.fromEntries(KINDS.map((k) => [k, core.list(k)]));
    const counts = Object.fromEntries(KINDS.map((k) => [k, core.list(k).length]));
    return {
      status: 200,
      body: { now: core.now().toISOString(), objects, counts, faults: core.faults.list(), calls: core.calls.length },
    };
  }
  if (path === '/__sim/calls' && method === 'GET') return { status: 200, body: { calls: core.calls } };
  if (path === '/__sim/usage' && method === 'GET') return { status: 200, body: core.usage.snapshot() };
  if (path === '/__sim/usage' && method === 'DELETE') {
    core.usage.reset();
    return { status: 200, body: { ok: true } };
  }
  if (path === '/__sim/accounts' && method === 'POST') {
    // Ad accounts (with their pages and audiences) added while running, e.g. a new entry in an accounts file.
    const parsed = AccountsBody.safeParse(json);
    if (!parsed.success) return { status: 400, body: { error: parsed.error.message } };
    const { adAccounts = [], pageIds = [], customAudienceIds = [], pixelIds = [] } = parsed.data;
    core.world.store.register(adAccounts, pageIds, customAudienceIds);
    core.world.store.seedPixels([], Object.fromEntries(adAccounts.map((a) => [a, pixelIds])));
    return { status: 200, body: { ok: true, adAccounts: [...core.world.store.accounts.values()].map((a) => a.id) } };
  }
  return { status: 404, body: { error: `no admin endpoint ${method} ${path}` } };
}
