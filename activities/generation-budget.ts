/**
 * The guard in front of every paid generation (image or video): the day's Kie credits and the
 * account balance are checked, and the task intent is recorded, in one DB transaction, so parallel
 * slots cannot overbook the cap between the check and the record.
 */
import { and, eq, gte, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { creatives, generationTasks } from '../db/schema';
import { domainFailure } from './errors';
import type { KieClient } from './ports/kie-client';

export interface GenerationIntent {
  key: string;
  accountId: string;
  creativeId: string;
  model: string;
  estimatedCredits: number;
}
export interface CreditLimits {
  dailyCreditCap: number;
  minBalance: number;
}

/** Credits committed today: actual cost where known, the estimate otherwise. */
export function creditsToday(db: Db, accountId: string, now: Date): number {
  return db
    .select({ c: sql<number>`coalesce(sum(coalesce(${generationTasks.actualCredits}, ${generationTasks.estimatedCredits})), 0)` })
    .from(generationTasks)
    .where(and(eq(generationTasks.accountId, accountId), gte(generationTasks.createdAt, now.toISOString().slice(0, 10))))
    .get()!.c;
}

/** Today's generation cost in cents. */
export function generationCostTodayCents(db: Db, accountId: string, now: Date, creditUsd: number): number {
  return Math.ceil(creditsToday(db, accountId, now) * creditUsd * 100);
}

/**
 * Records the intent of a paid generation, or refuses it (non-retryable GenerationBudgetExceeded,
 * creative marked skipped with the reason) when the daily cap or the minimum balance would be crossed.
 */
export async function reserveGeneration(db: Db, kie: KieClient, intent: GenerationIntent, limits: CreditLimits, now: Date) {
  const balance = await kie.credits();
  db.transaction(
    (tx) => {
      const spent = creditsToday(tx as unknown as Db, intent.accountId, now);
      const estimate = intent.estimatedCredits;
      const why =
        spent + estimate > limits.dailyCreditCap
          ? `daily Kie credit cap: ${spent} committed today + ${estimate} > ${limits.dailyCreditCap}`
          : balance - estimate < limits.minBalance
            ? `Kie balance ${balance} - ${estimate} would go under the minimum ${limits.minBalance}`
            : undefined;
      if (why) {
        tx.update(creatives).set({ status: 'skipped', failReason: why }).where(eq(creatives.id, intent.creativeId)).run();
        throw domainFailure('GenerationBudgetExceeded', `generation skipped: ${why}`, { spent, balance, estimate });
      }
      tx.insert(generationTasks)
        .values({ ...intent, provider: 'kie', state: 'submitting', submitAttempts: 1, createdAt: now.toISOString() })
        .onConflictDoNothing()
        .run();
    },
    { behavior: 'immediate' },
  );
}

/** A retry after a submit whose outcome is unknown: count it (Kie offers no idempotency key nor task search). */
export function countResubmit(db: Db, key: string, estimatedCredits: number) {
  db.update(generationTasks)
    .set({ submitAttempts: sql`${generationTasks.submitAttempts} + 1`, estimatedCredits: sql`${generationTasks.estimatedCredits} + ${estimatedCredits}` })
    .where(eq(generationTasks.key, key))
    .run();
}
