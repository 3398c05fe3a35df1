/**
 * Cap arithmetic: how much of today's budget is already committed and how many new ad sets fit.
 *
 * Today's commitment is counted pessimistically. Meta may spend up to 25 % more than an ad set's
 * daily budget on a given day (it averages out over the week, but our cap is per day), so a live
 * (or in-review) ad set may still spend up to 1.25 × its daily budget today, whatever it has
 * spent so far; an ad set paused today keeps what it spent. A launch commits 1.25 × its daily
 * budget plus its generation cost, and a budget raise 1.25 × the raise.
 */
import type { LiveAdBudget, SpendCaps } from './types';

/** How a pause made to get back under the spend cap starts its reason (findings word it apart). */
export const OVER_CAP = 'over the daily spend cap';

/** Meta may spend up to this multiple of an ad set's daily budget on a single day. */
export const META_DAILY_OVERSPEND_FACTOR = 1.25;

/** The overspend factor these caps assume. */
export function overspendFactor(caps?: Pick<SpendCaps, 'dailyOverspendFactor'>): number {
  return caps?.dailyOverspendFactor ?? META_DAILY_OVERSPEND_FACTOR;
}

/** The most an ad set with this daily budget can spend in one day. */
export function worstDaySpendCents(budgetCents: number, caps?: Pick<SpendCaps, 'dailyOverspendFactor'>): number {
  return Math.ceil(budgetCents * overspendFactor(caps));
}

/** The highest daily budget, from `fromCents`, whose worst day adds at most `headroomCents`. */
export function affordableBudgetCents(fromCents: number, headroomCents: number, caps?: Pick<SpendCaps, 'dailyOverspendFactor'>): number {
  return Math.floor((Math.floor(headroomCents) + worstDaySpendCents(fromCents, caps)) / overspendFactor(caps));
}

/** What one more launch adds to today's commitment: its worst day of media spend plus generation. */
export function perLaunchCents(caps: SpendCaps): number {
  return worstDaySpendCents(caps.adSetDailyBudgetCents, caps) + (caps.generationCostPerLaunchCents ?? 0);
}

/** What launchCapacity found. */
export interface LaunchCapacity {
  /** New ad sets (at adSetDailyBudgetCents each, counted at their worst day) that fit now. */
  count: number;
  /** Which limit stopped further launches. */
  limitedBy: 'live-ads' | 'spend-cap';
  /** Media spend already committed today plus generation cost so far. */
  committedCents: number;
  /** dailySpendCapCents minus committedCents (can be negative if the cap was lowered). */
  headroomCents: number;
  liveAds: number;
}

/** Spend committed for today by the given live/pending ad sets, plus money already spent. */
export function committedSpendCents(caps: SpendCaps, liveAds: LiveAdBudget[]): number {
  let spentByLive = 0;
  let remainingLive = 0;
  for (const ad of liveAds) {
    const spent = ad.spentTodayCents ?? 0;
    spentByLive += spent;
    remainingLive += Math.max(worstDaySpendCents(ad.budgetCents, caps) - spent, 0);
  }
  // mediaSpendTodayCents also covers ad sets paused earlier today; never trust it below what the live ones report.
  const spentToday = Math.max(caps.mediaSpendTodayCents ?? spentByLive, spentByLive);
  return spentToday + remainingLive + caps.generationCostTodayCents;
}

/** Room for new ad sets under the live-ad cap and the daily spend cap (either can be negative). */
export interface CapRoom {
  /** New ad sets the live-ad cap still allows. */
  byCount: number;
  /** New ad sets, at perLaunchCents each, the spend cap still allows. */
  bySpend: number;
  /** dailySpendCapCents minus committedCents. */
  headroomCents: number;
}

/**
 * The cap check itself, given what is already live and committed. Launch planning
 * (launchCapacityDetail) and the guards (capExceeded, through db/spend-cap.ts) both use it, so
 * they cannot drift apart. `perLaunchCents` is what one more launch adds to `committedCents`.
 */
export function capRoom(input: { maxLiveAds: number; dailySpendCapCents: number; liveAds: number; committedCents: number; perLaunchCents: number }): CapRoom {
  const headroomCents = input.dailySpendCapCents - input.committedCents;
  const bySpend = input.perLaunchCents > 0 ? Math.floor(headroomCents / input.perLaunchCents) : Number.MAX_SAFE_INTEGER;
  return { byCount: input.maxLiveAds - input.liveAds, bySpend, headroomCents };
}

/**
 * How many new ad sets (at adSetDailyBudgetCents) can be launched now without breaking the
 * live-ad cap or the daily spend cap. `liveAds` lists live and in-review ad sets; a bare number
 * means that many ad sets at the default budget with nothing spent today.
 */
export function launchCapacity(caps: SpendCaps, liveAds: LiveAdBudget[] | number): number {
  return launchCapacityDetail(caps, liveAds).count;
}

/** launchCapacity with the arithmetic behind it, for audit rows and skip reasons. */
export function launchCapacityDetail(caps: SpendCaps, liveAdsInput: LiveAdBudget[] | number): LaunchCapacity {
  const liveAds = typeof liveAdsInput === 'number' ? Array.from({ length: liveAdsInput }, () => ({ budgetCents: caps.adSetDailyBudgetCents })) : liveAdsInput;
  const committedCents = committedSpendCents(caps, liveAds);
  const { byCount, bySpend, headroomCents } = capRoom({
    maxLiveAds: caps.maxLiveAds,
    dailySpendCapCents: caps.dailySpendCapCents,
    liveAds: liveAds.length,
    committedCents,
    perLaunchCents: perLaunchCents(caps),
  });
  const count = Math.max(0, Math.min(bySpend, byCount));
  return {
    count,
    limitedBy: byCount <= bySpend ? 'live-ads' : 'spend-cap',
    committedCents,
    headroomCents,
    liveAds: liveAds.length,
  };
}

/** Which cap capExceeded found broken. */
export type CapLimit = 'live-ads' | 'spend-cap';

/**
 * The guards' cap check: would committing `addCents` more today, with `addAds` more live ad sets,
 * break the live-ad cap or the daily spend cap? The launch guard adds one ad set at its worst day,
 * the generation guard the launch its creative is for (the count is checked at launch), a budget
 * raise the extra worst day of its ad set (it adds no ad set). The live-ad count is checked first.
 */
export function capExceeded(input: {
  maxLiveAds: number;
  dailySpendCapCents: number;
  liveAds: number;
  committedCents: number;
  addCents: number;
  addAds: number;
}): CapLimit | undefined {
  const room = capRoom({ ...input, perLaunchCents: input.addCents });
  if (input.addAds > 0 && room.byCount < input.addAds) return 'live-ads';
  if (room.bySpend < 1) return 'spend-cap';
  return undefined;
}
