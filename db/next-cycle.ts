/**
 * What an operator asked of an account's next cycle: a hook, a format, or both. One request is
 * pending per account (a new one replaces it); the first cycle that plans without a hook or format
 * of its own claims it. The claim is written with the cycle's id in the same transaction that
 * reads it, so a retried plan gets the same request back and no two cycles get one request.
 */
import { and, desc, eq, isNull } from 'drizzle-orm';
import type { Queryable } from './queryable';
import { nextCycleOverrides } from './schema';

export type NextCycleOverride = typeof nextCycleOverrides.$inferSelect;

/** Replaces the account's pending request with this one. */
export function requestNextCycle(q: Queryable, r: { accountId: string; hookId?: string; format?: 'image' | 'video'; requestedBy: string }): NextCycleOverride {
  return q.transaction((tx) => {
    tx.delete(nextCycleOverrides)
      .where(and(eq(nextCycleOverrides.accountId, r.accountId), isNull(nextCycleOverrides.claimedBy)))
      .run();
    return tx
      .insert(nextCycleOverrides)
      .values({ accountId: r.accountId, hookId: r.hookId ?? null, format: r.format ?? null, requestedBy: r.requestedBy })
      .returning()
      .get();
  });
}

/** Withdraws the account's pending request; true when there was one. */
export function clearNextCycle(q: Queryable, accountId: string): boolean {
  return (
    q
      .delete(nextCycleOverrides)
      .where(and(eq(nextCycleOverrides.accountId, accountId), isNull(nextCycleOverrides.claimedBy)))
      .run().changes > 0
  );
}

/** The account's pending request, if any. */
export function pendingNextCycle(q: Queryable, accountId: string): NextCycleOverride | undefined {
  return q
    .select()
    .from(nextCycleOverrides)
    .where(and(eq(nextCycleOverrides.accountId, accountId), isNull(nextCycleOverrides.claimedBy)))
    .orderBy(desc(nextCycleOverrides.id))
    .get();
}

/** The request this cycle claimed before (a retry), else the pending one, now claimed by it. */
export function claimNextCycle(q: Queryable, accountId: string, cycleId: string, at: Date): NextCycleOverride | undefined {
  return q.transaction(
    (tx) => {
      const mine = tx.select().from(nextCycleOverrides).where(eq(nextCycleOverrides.claimedBy, cycleId)).get();
      if (mine) return mine;
      const pending = pendingNextCycle(tx, accountId);
      if (!pending) return undefined;
      tx.update(nextCycleOverrides).set({ claimedBy: cycleId, claimedAt: at.toISOString() }).where(eq(nextCycleOverrides.id, pending.id)).run();
      return { ...pending, claimedBy: cycleId, claimedAt: at.toISOString() };
    },
    { behavior: 'immediate' },
  );
}

/** Gives a claimed request back (the cycle could not launch anything): the next cycle claims it again. */
export function releaseNextCycle(q: Queryable, id: number, cycleId: string): void {
  q.update(nextCycleOverrides)
    .set({ claimedBy: null, claimedAt: null })
    .where(and(eq(nextCycleOverrides.id, id), eq(nextCycleOverrides.claimedBy, cycleId)))
    .run();
}
