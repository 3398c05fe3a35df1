/**
 * The idempotency ledger: every external create goes through `ensureCreated`, which records the key
 * and the deterministic name BEFORE calling out. Meta has no idempotency key, and a create that
 * timed out, lost its socket or got a 5xx may or may not have committed (and may commit later, or
 * show up on edges only after a few seconds). So when an earlier attempt's outcome is unknown the
 * object is looked up by name over a bounded window before it is created anew; an attempt refused
 * outright (a Graph error that writes nothing) is remembered as such and needs no lookup.
 */
import { sleep } from '@temporalio/activity';
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { sideEffects } from '../db/schema';

export interface SideEffect {
  key: string;
  accountId: string;
  kind: string;
  name: string;
}

/** How long to keep looking for an object whose create's outcome is unknown. */
export interface LookupWindow {
  /** Lookups in all, the first at once (at least 1). */
  tries: number;
  intervalMs: number;
  /** Called between lookups (the activity heartbeats there). */
  onWait?: () => void;
}

export interface EnsureOptions {
  window?: LookupWindow;
  /** True when this create error proves nothing was created (the ledger then skips the next lookup). */
  nothingCreated?: (err: unknown) => boolean;
}

const stamp = sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`;

export async function ensureCreated(
  db: Db,
  effect: SideEffect,
  lookup: () => Promise<string | undefined>,
  create: () => Promise<string>,
  opts: EnsureOptions = {},
): Promise<{ id: string; reused: boolean }> {
  const row = db.select().from(sideEffects).where(eq(sideEffects.key, effect.key)).get();
  if (row?.status === 'done' && row.externalId) return { id: row.externalId, reused: true };
  if (row?.status === 'pending') {
    // An earlier attempt may have created it, or may still be committing: look before creating.
    const found = await lookupOverWindow(lookup, opts.window);
    if (found) {
      markDone(db, effect.key, found);
      return { id: found, reused: true };
    }
  }
  db.insert(sideEffects)
    .values({ ...effect, status: 'pending', attempts: 1 })
    .onConflictDoUpdate({ target: sideEffects.key, set: { status: 'pending', attempts: sql`${sideEffects.attempts} + 1`, updatedAt: stamp } })
    .run();
  let id: string;
  try {
    id = await create();
  } catch (err) {
    // Only when no attempt so far can have created anything may the next one skip the lookup.
    if (row?.status !== 'pending' && opts.nothingCreated?.(err)) {
      db.update(sideEffects).set({ status: 'failed', updatedAt: stamp }).where(eq(sideEffects.key, effect.key)).run();
    }
    throw err;
  }
  markDone(db, effect.key, id);
  return { id, reused: false };
}

async function lookupOverWindow(lookup: () => Promise<string | undefined>, window: LookupWindow = { tries: 1, intervalMs: 0 }): Promise<string | undefined> {
  for (let i = 0; i < Math.max(1, window.tries); i++) {
    if (i > 0) {
      window.onWait?.();
      await sleep(window.intervalMs);
    }
    const found = await lookup();
    if (found) return found;
  }
  return undefined;
}

function markDone(db: Db, key: string, externalId: string) {
  db.update(sideEffects).set({ status: 'done', externalId, updatedAt: stamp }).where(eq(sideEffects.key, key)).run();
}
