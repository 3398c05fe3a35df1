// POST /act_{id}/adsets (reference 3.2): required name / campaign_id / billing_event / targeting,
// goal compatible with the objective and destination, budget and bid rules, promoted_object (the
// account's own pixel), attribution_spec, optional EU DSA rule.
import { checkAdsetBudget, checkGoal, resolveBidStrategy } from './adset-rules';
import { checkAttributionSpec, checkPromotedObject } from './promoted-object';
import { createStatus, executionOptions, newObjectBase, timeParam, type RequestCtx } from './context';
import { BID_STRATEGIES, BILLING_EVENTS, DEFAULT_GOAL, DESTINATION_TYPES, OPTIMIZATION_GOALS } from './enums';
import { invalidParam, missingParam } from './errors';
import type { Account, AdSet, Campaign } from './store';
import { validateTargeting } from './targeting';

export function liveCampaign(ctx: RequestCtx, account: Account, id: string): Campaign {
  const c = ctx.world.store.get('campaign', id);
  if (!c || c.accountId !== account.accountId) {
    throw invalidParam(`Invalid campaign_id ${id}: the campaign does not exist in ad account act_${account.accountId}.`);
  }
  if (c.status === 'DELETED' || c.status === 'ARCHIVED') {
    throw invalidParam(`Campaign ${id} is ${c.status.toLowerCase()}; new ad sets cannot be added to it.`);
  }
  return c;
}

export function createAdSet(ctx: RequestCtx, account: Account): unknown {
  const p = ctx.params;
  const { store, opts } = ctx.world;
  const exec = executionOptions(p);
  const name = p.requiredString('name');
  if (name.length > 400) throw invalidParam('Param name must be at most 400 characters.');
  const campaignId = p.string('campaign_id');
  if (!campaignId) throw missingParam('campaign_id');
  const campaign = liveCampaign(ctx, account, campaignId);
  const status = createStatus(p);

  const billingEvent = p.enumOf('billing_event', BILLING_EVENTS);
  if (billingEvent === undefined) throw missingParam('billing_event');
  const goal = p.enumOf('optimization_goal', OPTIMIZATION_GOALS) ?? DEFAULT_GOAL[campaign.objective] ?? 'LINK_CLICKS';
  const destination = p.enumOf('destination_type', DESTINATION_TYPES);
  checkGoal(campaign.objective, goal, billingEvent, destination);

  if (!p.has('targeting')) throw missingParam('targeting');
  const { targeting, targetsEu } = validateTargeting(p.json('targeting'), store, ctx.versionNum);

  const start = timeParam(p, 'start_time');
  const end = timeParam(p, 'end_time');
  if (end && start && end <= start) throw invalidParam('end_time must be after start_time.');
  if (end && end <= ctx.now) throw invalidParam('end_time must be in the future.');
  const daily = p.int('daily_budget');
  const lifetime = p.int('lifetime_budget');
  const bidAmount = p.int('bid_amount');
  const bidStrategy = resolveBidStrategy(campaign, p.enumOf('bid_strategy', BID_STRATEGIES), bidAmount);
  if (bidStrategy === 'LOWEST_COST_WITH_MIN_ROAS' && !p.jsonObject('bid_constraints')) {
    throw invalidParam('bid_constraints with roas_average_floor is required for LOWEST_COST_WITH_MIN_ROAS.');
  }
  checkAdsetBudget(campaign, {
    billingEvent,
    daily: daily || undefined,
    lifetime: lifetime || undefined,
    start,
    end,
    bidAmount,
    now: ctx.now,
  });

  const promoted = p.jsonObject('promoted_object');
  checkPromotedObject({ store, accountId: account.accountId }, campaign.objective, goal, promoted);
  const frequency = p.jsonArray('frequency_control_specs');
  if (frequency && goal !== 'REACH' && goal !== 'THRUPLAY') {
    throw invalidParam('frequency_control_specs can only be used with the REACH or THRUPLAY optimization goals.');
  }
  const spec = p.jsonArray('attribution_spec');
  const attribution = spec && checkAttributionSpec(spec);
  const dsaBeneficiary = p.string('dsa_beneficiary');
  const dsaPayor = p.string('dsa_payor');
  if (targetsEu && opts.requireDsaForEu && (!dsaBeneficiary || !dsaPayor)) {
    throw invalidParam('dsa_beneficiary and dsa_payor are required for ad sets that target the European Union.', {
      userTitle: 'Beneficiary And Payer Required',
      userMsg: 'Ads that reach people in the EU must name who benefits from and who pays for the ad.',
    });
  }
  if (exec.validateOnly) return { success: true };

  const adset: AdSet = {
    kind: 'adset',
    ...newObjectBase(ctx, account.accountId),
    campaign_id: campaign.id,
    name,
    status,
    billing_event: billingEvent,
    optimization_goal: goal,
    bid_strategy: bidStrategy,
    bid_amount: bidAmount,
    daily_budget: daily || undefined,
    lifetime_budget: lifetime || undefined,
    start_time: start,
    end_time: end || undefined,
    targeting,
    promoted_object: promoted,
    destination_type: destination,
    attribution_spec: attribution ?? [
      { event_type: 'CLICK_THROUGH', window_days: 7 },
      { event_type: 'VIEW_THROUGH', window_days: 1 },
    ],
    dsa_beneficiary: dsaBeneficiary,
    dsa_payor: dsaPayor,
    frequency_control_specs: frequency,
    budgetEdits: [],
  };
  store.add(adset);
  return { id: adset.id, success: true };
}
