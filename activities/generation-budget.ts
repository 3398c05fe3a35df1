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
import { ApplicationFailure } from '@temporalio/activity';
import type { NonRetryableType } from '../temporal-config/retry';
import type { AccountContext } from './accounts';
import { domainFailure, toFailure } from './errors';
import { KieApiError, type KieClient } from './ports/kie-client';

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

/** The guard's limits for one account: its own credit and spend caps, the key's minimum balance. */
export function creditLimitsOf(account: AccountContext, minBalance: number, creditUsd: number): CreditLimits & { creditUsd: number } {
  const { caps } = account;
  return {
    dailyCreditCap: caps.kieDailyCreditCap,
    minBalance,
    creditUsd,
    spendCap: { capCents: caps.totalDailySpendCapCents, adSetDailyBudgetCents: caps.adSetDailyBudgetCents, creditUsd },
  };
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
 * Records one Kie submit before it is sent, or refuses it (non-retryable GenerationBudgetExceeded,
 * creative marked skipped with the reason) when the credit cap, the spend cap or the minimum
 * balance would be crossed. The first submit inserts the task row; a resubmit (a retry after a
 * submit whose outcome is unknown) is a new paid task too, so it passes the same guard and adds
 * one task to the row: Kie offers no idempotency key nor task search to find the lost one.
 */
export async function reserveGeneration(db: Db, kie: KieClient, intent: GenerationIntent, limits: CreditLimits & { creditUsd: number }, now: Date) {
  const balance = await kie.credits();
  // Check and record in one immediate transaction; a refusal is written after it (a throw inside would roll it back).
  const refused = db.transaction(
    (tx) => {
      const existing = tx.select().from(generationTasks).where(eq(generationTasks.key, intent.key)).get();
      if (existing?.taskId) return undefined; // a task is known: nothing to submit
      const why = budgetProblem(tx as unknown as Db, intent, limits, balance, now);
      if (why) return { why, resubmit: !!existing };
      if (existing) {
        tx.update(generationTasks)
          .set({ submitAttempts: sql`${generationTasks.submitAttempts} + 1`, estimatedCredits: sql`${generationTasks.estimatedCredits} + ${intent.estimatedCredits}` })
          .where(eq(generationTasks.key, intent.key))
          .run();
      } else {
        tx.insert(generationTasks).values({ ...intent, provider: 'kie', state: 'submitting', submitAttempts: 1, createdAt: now.toISOString() }).run();
      }
      return undefined;
    },
    { behavior: 'immediate' },
  );
  if (refused) refuse(db, intent, refused, limits.creditUsd, now, { balance });
}

/** Why this submit may not be paid for (today's committed credits already hold earlier submits), or undefined. */
function budgetProblem(db: Db, intent: GenerationIntent, limits: CreditLimits, balance: number, now: Date): string | undefined {
  const spent = creditsToday(db, intent.accountId, now);
  const estimate = intent.estimatedCredits;
  const cap = limits.spendCap;
  // Media committed + all of today's generation with this one + the launch it is for.
  const withLaunch = cap
    ? mediaCommittedTodayCents(db, intent.accountId, now, cap.adSetDailyBudgetCents).cents +
      Math.ceil((spent + estimate) * cap.creditUsd * 100) +
      worstDaySpendCents(cap.adSetDailyBudgetCents)
    : 0;
  if (spent + estimate > limits.dailyCreditCap) return `daily Kie credit cap: ${spent} committed today + ${estimate} > ${limits.dailyCreditCap}`;
  if (cap && withLaunch > cap.capCents) return `daily spend cap: ${withLaunch} cents with this generation and its launch > ${cap.capCents}`;
  if (balance - estimate < limits.minBalance) return `Kie balance ${balance} - ${estimate} would go under the minimum ${limits.minBalance}`;
  return undefined;
}

/**
 * Refuses a submit: the creative is skipped with the reason. A refused resubmit closes its task
 * row as abandoned with the cost of the earlier submits whose responses were lost (assumed charged).
 */
function refuse(db: Db, intent: GenerationIntent, refused: { why: string; resubmit: boolean }, creditUsd: number, now: Date, details: Record<string, unknown>): never {
  const { why } = refused;
  const cost = refused.resubmit
    ? settleGeneration(db, intent.key, { state: 'abandoned', failReason: `resubmit refused: ${why}` }, intent.estimatedCredits, creditUsd, now)
    : undefined;
  db.update(creatives).set({ status: 'skipped', failReason: why }).where(eq(creatives.id, intent.creativeId)).run();
  throw domainFailure('GenerationBudgetExceeded', `generation skipped: ${why}${orphanNote(cost)}`, { ...details, estimate: intent.estimatedCredits, costCredits: cost?.credits ?? 0, costUsd: cost?.usd ?? 0 });
}

/** What a generation cost, in credits and dollars. */
export interface GenerationCost {
  credits: number;
  usd: number;
  /** Submits whose response was lost: their tasks exist on Kie, unseen, and are assumed charged. */
  orphans: number;
}

/**
 * THE cost rule of a Kie generation, for images and videos alike. Every submit may have made a
 * paid task: the confirmed one (`taskId`) costs its price unless Kie failed it (failed tasks are
 * not charged); every other submit is an orphan whose response was lost, so its task is invisible
 * to us and assumed charged. An abandoned task may still finish and be charged: it counts.
 */
export function generationCost(task: { submitAttempts: number; taskId: string | null; state: string }, unitCredits: number, creditUsd: number): GenerationCost {
  const confirmed = task.taskId ? 1 : 0;
  const orphans = Math.max(0, task.submitAttempts - confirmed);
  const charged = orphans + (confirmed && task.state !== 'fail' ? 1 : 0);
  const credits = charged * unitCredits;
  return { credits, usd: Math.round(credits * creditUsd * 10_000) / 10_000, orphans };
}

/** A failure message's note on what lost responses cost ('' when none did). */
export function orphanNote(cost: GenerationCost | undefined): string {
  if (!cost?.orphans) return '';
  return ` (${cost.orphans} earlier Kie submit(s) whose response was lost are assumed charged: ${cost.credits} credits)`;
}

/**
 * Ends a generation: its task row gets the final state and its actual credits, and the creative
 * its cost (plus `creativeFields`), both from generationCost in one transaction.
 */
export function settleGeneration(
  db: Db,
  key: string,
  end: { state: 'success' | 'fail' | 'abandoned'; failReason?: string; resultUrl?: string },
  unitCredits: number,
  creditUsd: number,
  now: Date,
  creativeFields: Partial<typeof creatives.$inferInsert> = {},
): GenerationCost {
  return db.transaction((tx) => {
    const task = tx.select().from(generationTasks).where(eq(generationTasks.key, key)).get();
    if (!task) throw domainFailure('NotFound', `no generation task recorded under ${key}`);
    const cost = generationCost({ ...task, state: end.state }, unitCredits, creditUsd);
    tx.update(generationTasks).set({ ...end, actualCredits: cost.credits, completedAt: now.toISOString() }).where(eq(generationTasks.key, key)).run();
    tx.update(creatives).set({ ...creativeFields, costCredits: cost.credits, costUsd: cost.usd, updatedAt: now.toISOString() }).where(eq(creatives.id, task.creativeId)).run();
    return cost;
  });
}

/** Kie answered a create with an error of its own (not a lost or garbled answer): no task was made. */
function kieRefusedCreate(err: unknown): boolean {
  // 408 and 5xx may come after the task was made (a gateway timing out in front of Kie): unknown.
  return err instanceof KieApiError && err.code >= 400 && err.code < 500 && err.code !== 408;
}

/**
 * Sends a create counted by reserveGeneration. When Kie refused it (402, 422, 429, ...) no task
 * exists, so the submit is uncounted; a refusal no retry fixes ends the row as failed, still
 * counting earlier lost-response tasks. Lost or unreadable answers stay counted (the task may exist).
 */
export async function submitCounted<T>(db: Db, key: string, unitCredits: number, creditUsd: number, now: () => Date, create: () => Promise<T>): Promise<T> {
  try {
    return await create();
  } catch (err) {
    if (!kieRefusedCreate(err)) throw err;
    db.update(generationTasks)
      .set({ submitAttempts: sql`max(${generationTasks.submitAttempts} - 1, 0)`, estimatedCredits: sql`max(${generationTasks.estimatedCredits} - ${unitCredits}, 0)` })
      .where(eq(generationTasks.key, key))
      .run();
    const failure = toFailure(err);
    if (failure instanceof ApplicationFailure && failure.nonRetryable) {
      const cost = settleGeneration(db, key, { state: 'fail', failReason: (err as Error).message }, unitCredits, creditUsd, now());
      if (cost.orphans) throw domainFailure((failure.type ?? 'KieRequestRejected') as NonRetryableType, `${failure.message}${orphanNote(cost)}`, { code: (err as KieApiError).code, costCredits: cost.credits, costUsd: cost.usd });
    }
    throw err;
  }
}
