/**
 * The account's daily spend cap as the DB sees it: what is committed today (live ad sets at their
 * worst day, what ads paused today spent, today's generation cost) and THE check every guard asks
 * of it. Planning sizes its launches and raises with the same figures (`planningCaps`), the
 * generation guard asks `generationProblem`, the launch guard `launchProblem` and the budget raise
 * `raiseProblem`; all of them are learning/capacity.ts arithmetic (capExceeded, worstDaySpendCents).
 * Reached through the creative store (db/creatives.ts), inside the guard's own transaction.
 */
import { and, eq, gte, inArray, sql } from 'drizzle-orm';
import { capExceeded, worstDaySpendCents } from '../learning/capacity';
import type { SpendCaps } from '../learning/types';
import type { Queryable } from './queryable';
import { creatives, generationTasks, performance } from './schema';

/** An account's caps as the spend-cap check needs them (activities' AccountCaps has these). */
export interface SpendCapLimits {
  maxLiveAds: number;
  totalDailySpendCapCents: number;
  /** Budget of a new ad set, and of a live one whose budget is not recorded. */
  adSetDailyBudgetCents: number;
  maxAdSetDailyBudgetCents: number;
}

/** Creatives whose ad set may still spend today. */
const LIVE_STATUSES = ['launching', 'launched'] as const;
const day = (d: Date) => d.toISOString().slice(0, 10);

/**
 * Media spend committed today, in cents: what live ad sets may spend on their worst day (Meta's
 * daily overspend included) plus what ads paused today already spent (it does not come back).
 */
export function mediaCommittedTodayCents(q: Queryable, accountId: string, now: Date, defaultBudgetCents: number): { liveAds: number; cents: number } {
  const budgets = q
    .select({ cents: creatives.dailyBudgetCents })
    .from(creatives)
    .where(and(eq(creatives.accountId, accountId), inArray(creatives.status, [...LIVE_STATUSES])))
    .all();
  const pausedSpend = q
    .select({ cents: sql<number>`coalesce(sum(${performance.spendCents}), 0)` })
    .from(performance)
    .innerJoin(creatives, eq(creatives.metaAdId, performance.adId))
    .where(and(eq(performance.accountId, accountId), eq(performance.date, day(now)), eq(creatives.status, 'paused')))
    .get()!.cents;
  const live = budgets.reduce((sum, b) => sum + worstDaySpendCents(b.cents ?? defaultBudgetCents), 0);
  return { liveAds: budgets.length, cents: live + pausedSpend };
}

/** What Meta reports the account's ads spent today, in cents. */
export function mediaSpentTodayCents(q: Queryable, accountId: string, now: Date): number {
  return q
    .select({ cents: sql<number>`coalesce(sum(${performance.spendCents}), 0)` })
    .from(performance)
    .where(and(eq(performance.accountId, accountId), eq(performance.date, day(now))))
    .get()!.cents;
}

/** Credits committed today: actual cost where known, the estimate otherwise. */
export function creditsToday(q: Queryable, accountId: string, now: Date): number {
  return q
    .select({ c: sql<number>`coalesce(sum(coalesce(${generationTasks.actualCredits}, ${generationTasks.estimatedCredits})), 0)` })
    .from(generationTasks)
    .where(and(eq(generationTasks.accountId, accountId), gte(generationTasks.createdAt, day(now))))
    .get()!.c;
}

/** Credits in cents, rounded up (a cap is never undercounted). */
const creditCents = (credits: number, creditUsd: number) => Math.ceil(credits * creditUsd * 100);

/** Today's generation cost in cents. */
export function generationCostTodayCents(q: Queryable, accountId: string, now: Date, creditUsd: number): number {
  return creditCents(creditsToday(q, accountId, now), creditUsd);
}

/** Today's commitment against one account's caps, and the checks the guards make against it. */
export interface SpendCap {
  liveAds: number;
  /** Live ad sets at their worst day plus what ads paused today spent. */
  mediaCents: number;
  creditsToday: number;
  /** mediaCents plus today's generation cost. */
  committedCents: number;
  /** What was really spent today: the media spend Meta reports plus today's generation cost (the day's spend, not the commitment). */
  spentCents: number;
  /** The caps learning's planner sizes launches and raises with (media spend from its evidence). */
  planningCaps(mediaSpendTodayCents: number): SpendCaps;
  /** Why a new ad set at this budget may not launch now, or undefined. */
  launchProblem(budgetCents: number): string | undefined;
  /** Why an ad set's budget may not go from `fromCents` to `toCents` today, or undefined. */
  raiseProblem(fromCents: number, toCents: number): string | undefined;
  /** Why a generation of `credits` may not be paid for: it and the launch it is for must both fit. */
  generationProblem(credits: number): string | undefined;
}

/** THE spend-cap function: today's figures for an account, read on `q` (the guard's transaction). */
export function spendCapOf(q: Queryable, accountId: string, limits: SpendCapLimits, creditUsd: number, now: Date): SpendCap {
  const media = mediaCommittedTodayCents(q, accountId, now, limits.adSetDailyBudgetCents);
  const credits = creditsToday(q, accountId, now);
  const committedCents = media.cents + creditCents(credits, creditUsd);
  const exceeded = (committed: number, addCents: number, addAds: number) =>
    capExceeded({
      maxLiveAds: limits.maxLiveAds,
      dailySpendCapCents: limits.totalDailySpendCapCents,
      liveAds: media.liveAds,
      committedCents: committed,
      addCents,
      addAds,
    });
  const cap = limits.totalDailySpendCapCents;
  return {
    liveAds: media.liveAds,
    mediaCents: media.cents,
    creditsToday: credits,
    committedCents,
    spentCents: mediaSpentTodayCents(q, accountId, now) + creditCents(credits, creditUsd),
    planningCaps: (mediaSpendTodayCents) => ({
      maxLiveAds: limits.maxLiveAds,
      dailySpendCapCents: cap,
      adSetDailyBudgetCents: limits.adSetDailyBudgetCents,
      maxAdSetDailyBudgetCents: limits.maxAdSetDailyBudgetCents,
      generationCostTodayCents: creditCents(credits, creditUsd),
      mediaSpendTodayCents,
    }),
    launchProblem(budgetCents) {
      // The creative is already generated (its cost is in committedCents if paid today): launching commits its budget only.
      const worst = worstDaySpendCents(budgetCents);
      const limit = exceeded(committedCents, worst, 1);
      if (limit === 'live-ads') return `live-ad cap: ${media.liveAds} live, max ${limits.maxLiveAds}`;
      if (limit === 'spend-cap') return `daily spend cap: ${committedCents} committed + ${worst} (a ${budgetCents}-cent budget's worst day) > ${cap} cents`;
      return undefined;
    },
    raiseProblem: (fromCents, toCents) =>
      exceeded(committedCents - worstDaySpendCents(fromCents), worstDaySpendCents(toCents), 0) ? 'would exceed the daily spend cap' : undefined,
    generationProblem(estimate) {
      // Media committed + all of today's generation with this one + the launch it is for.
      const withGeneration = media.cents + creditCents(credits + estimate, creditUsd);
      const launch = worstDaySpendCents(limits.adSetDailyBudgetCents);
      if (!exceeded(withGeneration, launch, 0)) return undefined;
      return `daily spend cap: ${withGeneration + launch} cents with this generation and its launch > ${cap}`;
    },
  };
}
