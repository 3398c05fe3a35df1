/**
 * Shared data shapes of the learning core. Everything here is plain data so it can cross a
 * Temporal activity boundary and be stored as an audit row unchanged.
 */
import type { CreativeFormat } from './hook-library';

/**
 * What the advertiser pays for. `traffic` optimises link clicks (CTR); `leads` and `sales` optimise
 * results (conversions of the account's result type) per dollar, with ROAS where purchase values exist.
 */
export type Objective = 'traffic' | 'leads' | 'sales';
export const OBJECTIVES: readonly Objective[] = ['traffic', 'leads', 'sales'];

/** Meta attribution windows: a result is credited to the ad for this long after a click / a view. */
export interface AttributionWindows {
  clickDays: number;
  viewDays: number;
}
export const DEFAULT_ATTRIBUTION: AttributionWindows = { clickDays: 7, viewDays: 1 };

/** The selection policies; see params.ts for what each one changes. */
export type PolicyName = 'thompson' | 'thompson-discounted' | 'thompson-changepoint' | 'thompson-flat' | 'epsilon-greedy' | 'uniform' | 'ucb1';

/** One day of delivery for a creative (Meta insights with time_increment=1). */
export interface DailyEvidence {
  /** Account-timezone date, YYYY-MM-DD. */
  date: string;
  /** Start of that day in ms; if absent the date is read as UTC midnight. */
  startMs?: number;
  impressions: number;
  linkClicks: number;
  /** Results of the account's result type credited to this day (they keep arriving for the attribution window). */
  conversions: number;
  /** Purchase value of those results, in cents (sales accounts with values). */
  conversionValueCents?: number;
  spendCents: number;
}

/** Everything the learning core knows about one creative (one ad in its own $5/day ad set). */
export interface CreativeEvidence {
  creativeId: string;
  hookId: string;
  /** Visual style the creative was rendered in; defaults to the hook's visualStyle. */
  style?: string;
  format?: CreativeFormat;
  /** Ad set holding the creative, if different from creativeId (budget edits are per ad set). */
  adSetId?: string;
  launchedAtMs: number;
  impressions: number;
  linkClicks: number;
  /** Results of the account's result type (leads, purchases), by the account's attribution windows. */
  conversions: number;
  /** Purchase value of those results, in cents (sales accounts with values). */
  conversionValueCents?: number;
  spendCents: number;
  /** Impressions old enough that their clicks have surely been reported. Derived if absent. */
  matureImpressions?: number;
  /** Link clicks old enough that their conversions are out of the attribution window. Derived if absent. */
  matureClicks?: number;
  /** Media spend of this creative since the start of today (for the daily spend cap). */
  spendTodayCents?: number;
  daily?: DailyEvidence[];
  status: 'live' | 'paused' | 'pending';
}

/** A Beta posterior. */
export interface BetaPosterior {
  alpha: number;
  beta: number;
  mean: number;
}

/** Posterior (alpha, beta, mean) plus reporting fields for one hook or creative. */
export interface ArmScore extends BetaPosterior {
  /** 5 % and 95 % posterior quantiles of the CTR. */
  lower: number;
  upper: number;
  /** Impressions whose clicks are no longer pending (the ones judged). */
  judgedImpressions: number;
  impressions: number;
  linkClicks: number;
  conversions: number;
  spendCents: number;
  /** Raw CTR = clicks / impressions (0 when no impressions). */
  ctr: number;
  /** Cost per link click in cents, null without clicks. */
  cpcCents: number | null;
  /** Cost per conversion in cents, null without conversions. */
  cpaCents: number | null;
  /** Beta posterior of conversions per mature click (uniform prior), null while no click is mature; for results objectives the model's pooled posterior (results per link click, late results allowed for). */
  conversion: BetaPosterior | null;
  /** Results objectives: expected results per dollar, its cost per result (cents) and, with purchase values, ROAS. */
  resultsPerDollar?: number;
  costPerResultCents?: number | null;
  roas?: number | null;
  /** True once judged impressions reach the floor; only judged arms are ranked for P(best). */
  judged: boolean;
  /** Probability of having the highest CTR (results objectives: value per dollar) among judged peers (hooks among hooks, live creatives among live creatives); 0 if not judged. */
  pBest: number;
}

/** Score of one hook (evidence pooled over its creatives). */
export interface HookScore extends ArmScore {
  hookId: string;
  angle: string;
  visualStyle: string;
  creatives: number;
  liveCreatives: number;
  /** With change detection: probability that the hook's CTR has changed since its first day of evidence. */
  changeProbability: number;
  /** With change detection: most probable start of the hook's current CTR regime, if later than its first day. */
  regimeStartMs: number | null;
}

/** Score of one creative. */
export interface CreativeScore extends ArmScore {
  creativeId: string;
  hookId: string;
  style: string;
  status: CreativeEvidence['status'];
  ageHours: number;
  /** Current CTR relative to the posterior (which is about the creative when fresh): e^(−λ·age) with learned fatigue, else 1. */
  fatigueFactor: number;
}

/** Score of a group of creatives sharing an angle or a visual style. */
export interface GroupScore extends BetaPosterior {
  key: string;
  lower: number;
  upper: number;
  impressions: number;
  linkClicks: number;
  /** Probability this group has the highest CTR among groups with data. */
  pBest: number;
}

/** The snapshot stored with every decision so an auditor can recompute it. */
export interface DecisionSnapshot {
  policy: PolicyName;
  /** What the decision optimised (absent in audit rows written before objectives existed = traffic). */
  objective?: Objective;
  prior: { alpha: number; beta: number };
  posterior?: BetaPosterior;
  /** Results objectives: conversion-rate posterior (results per link click), expected results per dollar, cost per result, ROAS. */
  conversion?: BetaPosterior;
  resultsPerDollar?: number;
  costPerResultCents?: number;
  roas?: number;
  leader?: { hookId: string; conversion?: BetaPosterior; resultsPerDollar?: number; costPerResultCents?: number; roas?: number } & BetaPosterior;
  judgedImpressions?: number;
  linkClicks?: number;
  ageHours?: number;
  /** Current CTR relative to fresh, when fatigue is learned. */
  fatigueFactor?: number;
  /** Thompson draws or other sampled values behind the decision. */
  samples?: Record<string, number>;
  committedCents?: number;
  capCents?: number;
  liveAds?: number;
}

/** The kinds of decision a cycle can make. */
export type DecisionKind = 'pause' | 'scale' | 'keep' | 'skip-launch' | 'launch';

/** One audited decision. */
export interface Decision {
  kind: DecisionKind;
  creativeId?: string;
  adSetId?: string;
  hookId?: string;
  style?: string;
  format?: CreativeFormat;
  /** For 'launch' from decideActions: how many new ad sets fit; planCycle expands it per hook. */
  count?: number;
  fromBudgetCents?: number;
  toBudgetCents?: number;
  /** The probability behind the decision (loss probability for pauses, P(best) for scales, the draw for launches). */
  probability?: number;
  reason: string;
  snapshot: DecisionSnapshot;
}

/** Spend and size limits of the account. */
export interface SpendCaps {
  maxLiveAds: number;
  /** Media spend plus generation cost per day, one budget. */
  dailySpendCapCents: number;
  /** Budget of a newly launched ad set ($5/day = 500). */
  adSetDailyBudgetCents: number;
  maxAdSetDailyBudgetCents: number;
  generationCostTodayCents: number;
  /** Media spend so far today over all ad sets (including ones paused today). */
  mediaSpendTodayCents?: number;
  /** Generation cost of one new creative, charged when it is launched (default 0). */
  generationCostPerLaunchCents?: number;
  /** Most an ad set may spend in a day, as a multiple of its daily budget (default: Meta's 1.25). */
  dailyOverspendFactor?: number;
}

/** A live or pending ad set as the cap arithmetic sees it. */
export interface LiveAdBudget {
  budgetCents: number;
  /** Spent today so far; assumed 0 when unknown (then mediaSpendTodayCents may double count). */
  spentTodayCents?: number;
}
