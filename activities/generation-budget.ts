/**
 * The guard in front of every paid generation (image or video): the day's Kie credits, the
 * account's daily spend cap (media and generation in one budget) and the Kie balance are checked,
 * and the task intent is recorded, in one DB transaction, so parallel slots cannot overbook a cap
 * between the check and the record. The spend accounting here is shared with the launch guard.
 */
import { and, eq, gte, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { creatives, generationTasks, performance } from '../db/schema';
import { worstDaySpendCents } from '../learning/capacity';
import { domainFailure } from './errors';
import type { KieClient } from './ports/kie-client';

export interface GenerationIntent {
  key: string;
  accountId: string;
  creativeId: string;
  model: string;
  estimatedCredits: number;
}
/** The account's daily spend cap, as the generation guard needs it. */
export interface SpendCapLimit {
  capCents: number;
  /** Budget of the ad set the generated creative will launch with. */
  adSetDailyBudgetCents: number;
  creditUsd: number;
}
export interface CreditLimits {
  dailyCreditCap: number;
  minBalance: number;
  /** When set, a generation must leave room under the spend cap for itself and its launch. */
  spendCap?: SpendCapLimit;
}

/** Creatives whose ad set may still spend today. */
const LIVE_STATUSES = ['launching', 'launched'] as const;

/**
 * Media spend committed today, in cents: what live ad sets may spend on their worst day (Meta's
 * daily overspend included) plus what ads paused today already spent (it does not come back).
 */
export function mediaCommittedTodayCents(db: Db, accountId: string, now: Date, defaultBudgetCents: number): { liveAds: number; cents: number } {
  const budgets = db
    .select({ cents: creatives.dailyBudgetCents })
    .from(creatives)
    .where(and(eq(creatives.accountId, accountId), inArray(creatives.status, [...LIVE_STATUSES])))
    .all();
  const pausedSpend = db
    .select({ cents: sql<number>`coalesce(sum(${performance.spendCents}), 0)` })
    .from(performance)
    .innerJoin(creatives, eq(creatives.metaAdId, performance.adId))
    .where(and(eq(performance.accountId, accountId), eq(performance.date, now.toISOString().slice(0, 10)), eq(creatives.status, 'paused')))
    .get()!.cents;
  const live = budgets.reduce((sum, b) => sum + worstDaySpendCents(b.cents ?? defaultBudgetCents), 0);
  return { liveAds: budgets.length, cents: live + pausedSpend };
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
 * creative marked skipped with the reason) when the credit cap, the spend cap or the minimum
 * balance would be crossed.
 */
export async function reserveGeneration(db: Db, kie: KieClient, intent: GenerationIntent, limits: CreditLimits, now: Date) {
  const balance = await kie.credits();
  db.transaction(
    (tx) => {
      const spent = creditsToday(tx as unknown as Db, intent.accountId, now);
      const estimate = intent.estimatedCredits;
      const cap = limits.spendCap;
      // Media committed + all of today's generation with this one + the launch it is for.
      const withLaunch = cap
        ? mediaCommittedTodayCents(tx as unknown as Db, intent.accountId, now, cap.adSetDailyBudgetCents).cents +
          Math.ceil((spent + estimate) * cap.creditUsd * 100) +
          worstDaySpendCents(cap.adSetDailyBudgetCents)
        : 0;
      const why =
        spent + estimate > limits.dailyCreditCap
          ? `daily Kie credit cap: ${spent} committed today + ${estimate} > ${limits.dailyCreditCap}`
          : cap && withLaunch > cap.capCents
            ? `daily spend cap: ${withLaunch} cents with this generation and its launch > ${cap.capCents}`
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
