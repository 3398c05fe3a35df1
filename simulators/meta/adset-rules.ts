// Ad set rules shared by create and update: budgets (minimums per billing event, campaign XOR
// ad set budget, lifetime needs end_time), bid strategy / bid_amount pairing, goal and billing
// compatibility with the campaign objective, and promoted_object shape.
import { DAY_MS } from './clock';
import { BILLING_NEEDS_GOAL, GOALS_BY_OBJECTIVE, PROMOTED_OBJECT_KEYS, minDailyBudgetCents } from './enums';
import { invalidParam } from './errors';
import type { Campaign, Json } from './store';

export interface BudgetInput {
  billingEvent: string;
  daily?: number;
  lifetime?: number;
  start?: number;
  end?: number;
  bidAmount?: number;
  now: number;
}

const dollars = (cents: number) => `$${(cents / 100).toFixed(2)}`;

function budgetTooLow(min: number): never {
  throw invalidParam('Invalid parameter', {
    userTitle: 'Budget Is Too Low',
    userMsg: `Your budget is too low. The minimum daily budget for this ad set is ${dollars(min)}.`,
    // Subcode observed in third-party payloads; the reference marks it unconfirmed.
    subcode: 1885272,
  });
}

export function checkAdsetBudget(campaign: Campaign, b: BudgetInput): void {
  const campaignHasBudget = campaign.daily_budget !== undefined || campaign.lifetime_budget !== undefined;
  const adsetHasBudget = b.daily !== undefined || b.lifetime !== undefined;
  if (campaignHasBudget && adsetHasBudget) {
    throw invalidParam('Budget cannot be set on both the campaign and the ad set.', {
      subcode: 1885621,
      userTitle: 'Campaign Budget Already Set',
      userMsg: 'This campaign uses a campaign budget; remove daily_budget/lifetime_budget from the ad set.',
    });
  }
  if (campaignHasBudget) return;
  if (!adsetHasBudget) throw invalidParam('Either daily_budget or lifetime_budget must be greater than 0');
  if (b.daily !== undefined && b.lifetime !== undefined) {
    throw invalidParam('Only one of daily_budget or lifetime_budget can be set on an ad set.');
  }
  const min = minDailyBudgetCents(b.billingEvent);
  if (b.daily !== undefined) {
    if (b.daily < min) budgetTooLow(min);
    if (b.end && b.end - (b.start ?? b.now) < DAY_MS) {
      throw invalidParam('Ad sets with a daily budget must run for more than 24 hours.');
    }
  }
  if (b.lifetime !== undefined) {
    if (!b.end) throw invalidParam('end_time is required for ad sets with a lifetime_budget.');
    const days = Math.max(1, Math.ceil((b.end - (b.start ?? b.now)) / DAY_MS));
    if (b.lifetime / days < min) budgetTooLow(min * days);
  }
  const perDay = b.daily ?? (b.lifetime ?? 0) / Math.max(1, Math.ceil(((b.end ?? 0) - (b.start ?? b.now)) / DAY_MS));
  if (b.bidAmount !== undefined && perDay < 5 * b.bidAmount) {
    throw invalidParam('The daily budget must be at least 5 times the bid amount.', { userTitle: 'Budget Is Too Low' });
  }
}

/** Returns the bid strategy the ad set ends up with. */
export function resolveBidStrategy(campaign: Campaign, strategy: string | undefined, bidAmount: number | undefined): string | undefined {
  const effective = strategy ?? (bidAmount !== undefined ? 'LOWEST_COST_WITH_BID_CAP' : campaign.bid_strategy);
  if (effective === 'LOWEST_COST_WITHOUT_CAP' && bidAmount !== undefined) {
    throw invalidParam('bid_amount cannot be used with bid strategy LOWEST_COST_WITHOUT_CAP.', {
      userTitle: 'Bid Amount Not Allowed',
      userMsg: 'Remove bid_amount, or choose LOWEST_COST_WITH_BID_CAP or COST_CAP.',
    });
  }
  if ((effective === 'LOWEST_COST_WITH_BID_CAP' || effective === 'COST_CAP') && bidAmount === undefined) {
    throw invalidParam(`bid_amount is required for bid strategy ${effective}.`, { userTitle: 'Bid Amount Required' });
  }
  if (bidAmount !== undefined && bidAmount < 1) throw invalidParam('Param bid_amount must be a positive integer (cents).');
  return campaign.daily_budget !== undefined || campaign.lifetime_budget !== undefined ? undefined : (effective ?? 'LOWEST_COST_WITHOUT_CAP');
}

export function checkGoal(objective: string, goal: string, billingEvent: string): void {
  const allowed = GOALS_BY_OBJECTIVE[objective] ?? [];
  if (!allowed.includes(goal)) {
    throw invalidParam(`Optimization goal ${goal} is not valid for a campaign with objective ${objective}.`, {
      userTitle: 'Invalid Optimization Goal',
      userMsg: `Use one of: ${allowed.join(', ')}.`,
    });
  }
  const needs = BILLING_NEEDS_GOAL[billingEvent];
  if (needs !== undefined && needs !== goal) {
    throw invalidParam(`Billing event ${billingEvent} is not compatible with optimization goal ${goal}.`, {
      userTitle: 'Invalid Billing Event',
      userMsg: 'Use billing_event IMPRESSIONS, or the billing event that matches the optimization goal.',
    });
  }
}

export function checkPromotedObject(objective: string, goal: string, promoted: Json | undefined): void {
  if (promoted === undefined) {
    if (goal === 'OFFSITE_CONVERSIONS') {
      throw invalidParam('promoted_object with pixel_id and custom_event_type is required for OFFSITE_CONVERSIONS.');
    }
    if (goal === 'LEAD_GENERATION' || goal === 'QUALITY_LEAD') {
      throw invalidParam('promoted_object with page_id is required for lead generation ad sets.');
    }
    return;
  }
  if (objective === 'OUTCOME_TRAFFIC') {
    throw invalidParam('promoted_object is not valid for ad sets in OUTCOME_TRAFFIC campaigns.', {
      userTitle: 'Invalid Promoted Object',
      userMsg: 'Traffic ad sets sending people to a website take no promoted_object; remove it.',
    });
  }
  const bad = Object.keys(promoted).filter((k) => !(PROMOTED_OBJECT_KEYS as readonly string[]).includes(k));
  if (bad.length > 0) throw invalidParam(`Invalid keys "${bad.join('", "')}" were found in param "promoted_object".`);
  if (goal === 'OFFSITE_CONVERSIONS' && !(promoted.pixel_id && (promoted.custom_event_type || promoted.custom_conversion_id))) {
    throw invalidParam('promoted_object needs pixel_id and custom_event_type for OFFSITE_CONVERSIONS.');
  }
  if ((goal === 'LEAD_GENERATION' || goal === 'QUALITY_LEAD') && !promoted.page_id) {
    throw invalidParam('promoted_object needs page_id for lead generation ad sets.');
  }
}
