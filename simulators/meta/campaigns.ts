// POST /act_{id}/campaigns (reference 3.1). Enforces: OUTCOME_* objectives only, required
// special_ad_categories as a JSON array, ACTIVE/PAUSED on create, campaign budget XOR ad set
// budgets, is_adset_budget_sharing_enabled when there is no campaign budget (v24+), and
// bid_strategy only together with a campaign budget.
import { createStatus, executionOptions, newObjectBase, timeParam, type RequestCtx } from './context';
import { BID_STRATEGIES, LEGACY_OBJECTIVES, OBJECTIVES, SPECIAL_AD_CATEGORIES } from './enums';
import { invalidParam, missingParam } from './errors';
import type { Params } from './params';
import type { Account, Campaign } from './store';

export function specialAdCategories(params: Params): string[] {
  if (!params.has('special_ad_categories')) throw missingParam('special_ad_categories');
  const arr = params.jsonArray('special_ad_categories') ?? [];
  arr.forEach((v, i) => {
    if (typeof v !== 'string' || !(SPECIAL_AD_CATEGORIES as readonly string[]).includes(v)) {
      throw invalidParam(`Param special_ad_categories[${i}] must be one of {${SPECIAL_AD_CATEGORIES.join(', ')}}`);
    }
  });
  return arr as string[];
}

export function objective(params: Params): string {
  const value = params.string('objective');
  if (value === undefined || value === '') throw missingParam('objective');
  if ((LEGACY_OBJECTIVES as readonly string[]).includes(value)) {
    throw invalidParam(`Objective ${value} is invalid. Use one of: ${OBJECTIVES.join(', ')}.`, {
      userTitle: 'Objective Is Invalid',
      userMsg: `The ${value} objective is no longer available for new campaigns. Choose an OUTCOME_* objective.`,
    });
  }
  if (!(OBJECTIVES as readonly string[]).includes(value)) {
    throw invalidParam(`Param objective must be one of {${OBJECTIVES.join(', ')}}`);
  }
  return value;
}

function positiveBudget(params: Params, name: string): number | undefined {
  const v = params.int(name);
  if (v === undefined) return undefined;
  if (v <= 0) throw invalidParam(`Param ${name} must be a positive number of minor currency units.`);
  return v;
}

export function createCampaign(ctx: RequestCtx, account: Account): unknown {
  const p = ctx.params;
  const exec = executionOptions(p);
  const name = p.requiredString('name');
  const obj = objective(p);
  const categories = specialAdCategories(p);
  const status = createStatus(p);
  const country = p.jsonArray('special_ad_category_country') as string[] | undefined;
  const buyingType = p.enumOf('buying_type', ['AUCTION', 'RESERVED']) ?? 'AUCTION';
  const daily = positiveBudget(p, 'daily_budget');
  const lifetime = positiveBudget(p, 'lifetime_budget');
  if (daily !== undefined && lifetime !== undefined) {
    throw invalidParam('Only one of daily_budget or lifetime_budget can be set on a campaign.');
  }
  const hasBudget = daily !== undefined || lifetime !== undefined;
  const bidStrategy = p.enumOf('bid_strategy', BID_STRATEGIES);
  if (bidStrategy !== undefined && !hasBudget) {
    throw invalidParam(
      'bid_strategy can only be set on a campaign that has a campaign budget (daily_budget or lifetime_budget); ' + 'set it on the ad sets instead.',
    );
  }
  const sharing = p.bool('is_adset_budget_sharing_enabled');
  if (!hasBudget && sharing === undefined) {
    throw invalidParam('Must specify True or False in is_adset_budget_sharing_enabled field', {
      userTitle: 'Budget sharing setting required',
      userMsg: 'Campaigns without a campaign budget must set is_adset_budget_sharing_enabled to true or false.',
    });
  }
  const promoted = p.jsonObject('promoted_object');
  if (promoted && obj === 'OUTCOME_TRAFFIC') {
    throw invalidParam('promoted_object is not supported for campaigns with the OUTCOME_TRAFFIC objective.');
  }
  const start = timeParam(p, 'start_time');
  const stop = timeParam(p, 'stop_time');
  if (lifetime !== undefined && !stop) throw invalidParam('A campaign with lifetime_budget needs a stop_time.');
  const spendCap = p.int('spend_cap');
  if (exec.validateOnly) return { success: true };

  const campaign: Campaign = {
    kind: 'campaign',
    ...newObjectBase(ctx, account.accountId),
    name,
    objective: obj,
    status,
    special_ad_categories: categories,
    special_ad_category_country: country,
    buying_type: buyingType,
    daily_budget: daily,
    lifetime_budget: lifetime,
    bid_strategy: bidStrategy ?? (hasBudget ? 'LOWEST_COST_WITHOUT_CAP' : undefined),
    is_adset_budget_sharing_enabled: sharing,
    spend_cap: spendCap,
    start_time: start,
    stop_time: stop || undefined,
    promoted_object: promoted,
  };
  ctx.world.store.add(campaign);
  return { id: campaign.id, success: true };
}
