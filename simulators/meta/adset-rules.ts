// Ad set rules shared by create and update: budgets (minimums per billing event, campaign XOR
// ad set budget, lifetime needs end_time), bid strategy / bid_amount pairing, and goal and billing
// compatibility with the campaign objective and destination (promoted_object and attribution_spec
// are promoted-object.ts).
import { DAY_MS } from './clock';
import { BILLING_NEEDS_GOAL, goalsFor, minDailyBudgetCents } from './enums';
import { invalidParam } from './errors';
import type { Campaign } from './store';

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

export function checkGoal(objective: string, goal: string, billingEvent: string, destination?: string): void {
  const allowed = goalsFor(objective, destination);
  if (!allowed.includes(goal)) {
    const where = objective === 'OUTCOME_LEADS' ? ` and destination_type ${destination ?? 'WEBSITE'}` : '';
    throw invalidParam(`Optimization goal ${goal} is not valid for a campaign with objective ${objective}${where}.`, {
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
