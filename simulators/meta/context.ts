// Shared request context handed to every endpoint handler, plus small helpers used by several
// create/update handlers (execution_options, statuses, times).
import { parseGraphTime } from './clock';
import type { SimClock } from './clock';
import type { Delivery } from './delivery';
import { CREATE_STATUSES, EXECUTION_OPTIONS } from './enums';
import { invalidParam } from './errors';
import type { ResolvedOptions } from './options';
import type { Params } from './params';
import type { Rng } from './rng';
import type { Account, Store } from './store';

export interface World {
  opts: ResolvedOptions;
  store: Store;
  clock: SimClock;
  rng: Rng;
  delivery: Delivery;
  /** Public base URL (no version), used in paging.next links. */
  baseUrl: string;
}

export interface RequestCtx {
  world: World;
  method: 'GET' | 'POST' | 'DELETE';
  /** e.g. 'v26.0' */
  version: string;
  versionNum: number;
  /** Path without the version prefix, e.g. '/act_1/campaigns'. */
  path: string;
  params: Params;
  token: string;
  now: number;
}

export type Handler = (ctx: RequestCtx) => unknown;

export interface ExecutionOptions {
  validateOnly: boolean;
}

/** execution_options must be a JSON array; include_recommendations cannot be used alone. */
export function executionOptions(params: Params): ExecutionOptions {
  const raw = params.jsonArray('execution_options');
  if (raw === undefined) return { validateOnly: false };
  for (const v of raw) {
    if (typeof v !== 'string' || !(EXECUTION_OPTIONS as readonly string[]).includes(v)) {
      throw invalidParam(`Param execution_options[0] must be one of {${EXECUTION_OPTIONS.join(', ')}}`);
    }
  }
  if (raw.includes('include_recommendations') && !raw.includes('validate_only')) {
    throw invalidParam('execution_options include_recommendations cannot be used alone; add validate_only.');
  }
  return { validateOnly: raw.includes('validate_only') };
}

export function createStatus(params: Params): 'ACTIVE' | 'PAUSED' {
  const s = params.string('status');
  if (s === undefined) return 'ACTIVE';
  if (!(CREATE_STATUSES as readonly string[]).includes(s)) {
    throw invalidParam(`Param status must be one of {ACTIVE, PAUSED} when creating an object; got ${s}.`);
  }
  return s as 'ACTIVE' | 'PAUSED';
}

export function timeParam(params: Params, name: string): number | undefined {
  const s = params.string(name);
  if (s === undefined || s === '') return undefined;
  if (s === '0') return 0;
  const ms = parseGraphTime(s);
  if (ms === undefined) throw invalidParam(`Param ${name} must be a valid datetime (ISO-8601 or UNIX timestamp).`);
  return ms;
}

export function accountFromSegment(ctx: RequestCtx, segment: string): Account | undefined {
  return ctx.world.store.accounts.get(segment.replace(/^act_/, ''));
}

/** Snapshot the common bookkeeping fields for a new object. */
export function newObjectBase(ctx: RequestCtx, accountId: string) {
  return { id: ctx.world.store.nextId(), accountId, createdAt: ctx.now, updatedAt: ctx.now };
}
