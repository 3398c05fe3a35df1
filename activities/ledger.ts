/**
 * The idempotency ledger: every external create goes through `ensureCreated`, which records the key
 * and the deterministic name BEFORE calling out. If a previous attempt left the row `pending` (the
 * call timed out, the response was lost, or the worker died), the object is looked up by name
 * instead of being created a second time.
 */
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { sideEffects } from '../db/schema';

export interface SideEffect {
  key: string;
  accountId: string;
  kind: string;
  name: string;
}

export async function ensureCreated(
  db: Db,
  effect: SideEffect,
  lookup: () => Promise<string | undefined>,
  create: () => Promise<string>,
): Promise<{ id: string; reused: boolean }> {
  const row = db.select().from(sideEffects).where(eq(sideEffects.key, effect.key)).get();
  if (row?.status === 'done' && row.externalId) return { id: row.externalId, reused: true };
  if (row) {
    // An earlier attempt may have created it: reconcile before creating.
    const found = await lookup();
    if (found) {
      markDone(db, effect.key, found);
      return { id: found, reused: true };
    }
  }
  db.insert(sideEffects)
    .values({ ...effect, status: 'pending', attempts: 1 })
    .onConflictDoUpdate({ target: sideEffects.key, set: { attempts: sql`${sideEffects.attempts} + 1`, updatedAt: sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))` } })
    .run();
  const id = await create();
  markDone(db, effect.key, id);
  return { id, reused: false };
}

function markDone(db: Db, key: string, externalId: string) {
  db.update(sideEffects)
    .set({ status: 'done', externalId, updatedAt: sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))` })
    .where(eq(sideEffects.key, key))
    .run();
}
