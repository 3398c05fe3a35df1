// POST /{id} updates and DELETE /{id} (reference 4). ARCHIVED objects accept only name and
// status=DELETED; DELETED is terminal. Ad set budget edits are limited to 4 per rolling hour:
// the 5th fails with code 17 and blocks budget edits on that ad set for an hour.
import { checkAdsetBudget, checkGoal, resolveBidStrategy } from './adset-rules';
import { checkAttributionSpec, checkPromotedObject } from './promoted-object';
import { resolveCreative, sampleReview } from './ads';
import { specialAdCategories } from './campaigns';
import { HOUR_MS } from './clock';
import { executionOptions, timeParam, type RequestCtx } from './context';
import { BID_STRATEGIES, BILLING_EVENTS, OPTIMIZATION_GOALS, UPDATE_STATUSES } from './enums';
import { GraphError, invalidParam } from './errors';
import type { Ad, AdSet, Campaign, SimObject } from './store';
import { validateTargeting } from './targeting';

const IGNORED = ['access_token', 'appsecret_proof', 'fields', 'execution_options', 'method', 'format', 'pretty'];
const EDITABLE: Record<string, string[]> = {
  campaign: [
    'name',
    'status',
    'daily_budget',
    'lifetime_budget',
    'bid_strategy',
    'spend_cap',
    'start_time',
    'stop_time',
    'special_ad_categories',
    'special_ad_category_country',
    'is_adset_budget_sharing_enabled',
    'adlabels',
  ],
  adset: [
    'name',
    'status',
    'daily_budget',
    'lifetime_budget',
    'bid_amount',
    'bid_strategy',
    'bid_constraints',
    'targeting',
    'start_time',
    'end_time',
    'optimization_goal',
    'billing_event',
    'promoted_object',
    'attribution_spec',
    'dsa_beneficiary',
    'dsa_payor',
    'adlabels',
  ],
  ad: ['name', 'status', 'creative', 'tracking_specs', 'conversion_domain', 'adlabels'],
  adcreative: ['name', 'status'],
  advideo: ['name', 'title', 'description'],
};

function budgetEditGate(s: AdSet, now: number): void {
  const blocked = () =>
    new GraphError({
      code: 17,
      subcode: 2446079,
      message: 'User request limit reached',
      transient: true,
      userTitle: 'Too Many Budget Changes',
      userMsg: "An ad set's budget can be changed at most 4 times per hour. Try again later.",
    });
  if (s.budgetBlockedUntil !== undefined && now < s.budgetBlockedUntil) throw blocked();
  s.budgetEdits = s.budgetEdits.filter((t) => now - t < HOUR_MS);
  if (s.budgetEdits.length >= 4) {
    s.budgetBlockedUntil = now + HOUR_MS;
    throw blocked();
  }
}

function applyCampaign(ctx: RequestCtx, c: Campaign, apply: boolean): void {
  const p = ctx.params;
  const daily = p.int('daily_budget');
  const lifetime = p.int('lifetime_budget');
  if ((daily !== undefined || lifetime !== undefined) && c.daily_budget === undefined && c.lifetime_budget === undefined) {
    throw invalidParam('This campaign has no campaign budget; change the budgets of its ad sets instead.', { subcode: 1885621 });
  }
  const bid = p.enumOf('bid_strategy', BID_STRATEGIES);
  const categories = p.has('special_ad_categories') ? specialAdCategories(p) : undefined;
  const sharing = p.bool('is_adset_budget_sharing_enabled');
  const start = timeParam(p, 'start_time');
  const stop = timeParam(p, 'stop_time');
  if (!apply) return;
  if (daily !== undefined) c.daily_budget = daily;
  if (lifetime !== undefined) c.lifetime_budget = lifetime;
  if (bid !== undefined) c.bid_strategy = bid;
  if (categories !== undefined) c.special_ad_categories = categories;
  if (sharing !== undefined) c.is_adset_budget_sharing_enabled = sharing;
  if (p.has('spend_cap')) c.spend_cap = p.int('spend_cap');
  if (start !== undefined) c.start_time = start;
  if (stop !== undefined) c.stop_time = stop || undefined;
}

function applyAdSet(ctx: RequestCtx, s: AdSet, apply: boolean): void {
  const p = ctx.params;
  const store = ctx.world.store;
  const campaign = store.get('campaign', s.campaign_id)!;
  const budgetEdit = p.has('daily_budget') || p.has('lifetime_budget');
  if (budgetEdit && apply) budgetEditGate(s, ctx.now);
  const goal = p.enumOf('optimization_goal', OPTIMIZATION_GOALS) ?? s.optimization_goal;
  const billing = p.enumOf('billing_event', BILLING_EVENTS) ?? s.billing_event;
  const published = store.all('ad').some((a) => a.adset_id === s.id && a.status !== 'DELETED');
  if (goal !== s.optimization_goal && published) {
    throw invalidParam('The optimization goal of a published ad set cannot be changed.', { subcode: 3260011 });
  }
  checkGoal(campaign.objective, goal, billing, s.destination_type);
  const targeting = p.has('targeting') ? validateTargeting(p.json('targeting'), store, ctx.versionNum).targeting : undefined;
  const daily = p.has('daily_budget') ? p.int('daily_budget') || undefined : s.daily_budget;
  const lifetime = p.has('lifetime_budget') ? p.int('lifetime_budget') || undefined : s.lifetime_budget;
  const bidAmount = p.has('bid_amount') ? p.int('bid_amount') : s.bid_amount;
  const start = timeParam(p, 'start_time') ?? s.start_time;
  const end = p.has('end_time') ? timeParam(p, 'end_time') || undefined : s.end_time;
  const strategy = resolveBidStrategy(campaign, p.enumOf('bid_strategy', BID_STRATEGIES) ?? s.bid_strategy, bidAmount);
  checkAdsetBudget(campaign, { billingEvent: billing, daily, lifetime, start, end, bidAmount, now: ctx.now });
  const promoted = p.has('promoted_object') ? p.jsonObject('promoted_object') : s.promoted_object;
  checkPromotedObject({ store, accountId: s.accountId }, campaign.objective, goal, promoted);
  const spec = p.jsonArray('attribution_spec');
  const attribution = spec && checkAttributionSpec(spec);
  if (!apply) return;
  if (budgetEdit) s.budgetEdits.push(ctx.now);
  Object.assign(s, {
    optimization_goal: goal,
    billing_event: billing,
    daily_budget: daily,
    lifetime_budget: lifetime,
    bid_amount: bidAmount,
    bid_strategy: strategy,
    start_time: start,
    end_time: end,
    promoted_object: promoted,
  });
  if (targeting) s.targeting = targeting;
  if (attribution) s.attribution_spec = attribution;
  if (p.has('dsa_beneficiary')) s.dsa_beneficiary = p.string('dsa_beneficiary');
  if (p.has('dsa_payor')) s.dsa_payor = p.string('dsa_payor');
}

function applyAd(ctx: RequestCtx, ad: Ad, apply: boolean): void {
  const p = ctx.params;
  const account = ctx.world.store.accounts.get(ad.accountId)!;
  const tracking = p.jsonArray('tracking_specs');
  const creativeId = p.has('creative') ? resolveCreative(ctx, account, !apply) : undefined;
  if (!apply) return;
  if (creativeId !== undefined && creativeId !== ad.creative_id) {
    ad.creative_id = creativeId;
    ad.review = sampleReview(ctx, p.string('name') ?? ad.name);
  }
  if (tracking) ad.tracking_specs = tracking;
  if (p.has('conversion_domain')) ad.conversion_domain = p.string('conversion_domain');
}

function configuredStatus(obj: SimObject): string | undefined {
  if (obj.kind === 'campaign' || obj.kind === 'adset' || obj.kind === 'ad' || obj.kind === 'adcreative') return obj.status;
  if (obj.kind === 'advideo') return obj.deleted ? 'DELETED' : 'ACTIVE';
  return undefined;
}

export function updateObject(ctx: RequestCtx, obj: SimObject): unknown {
  const p = ctx.params;
  const exec = executionOptions(p);
  const editable = EDITABLE[obj.kind];
  if (!editable) throw invalidParam(`Objects of this type cannot be updated.`);
  const sent = p.names().filter((n) => !IGNORED.includes(n));
  const notEditable = sent.filter((n) => !editable.includes(n));
  if (notEditable.length > 0) {
    throw invalidParam(`Param ${notEditable[0]} cannot be changed after creation.`, {
      subcode: obj.kind === 'adcreative' ? 1815573 : undefined,
    });
  }
  const current = configuredStatus(obj);
  if (current === 'DELETED') throw invalidParam(`Object ${obj.id} is deleted and cannot be edited.`);
  const status = p.enumOf('status', UPDATE_STATUSES);
  if (current === 'ARCHIVED') {
    if (sent.some((n) => n !== 'name' && n !== 'status') || (status !== undefined && status !== 'DELETED')) {
      throw invalidParam('Archived objects can only be renamed or set to status DELETED.');
    }
  }
  if (obj.kind === 'adcreative' && status !== undefined && status !== 'DELETED' && status !== 'ACTIVE') {
    throw invalidParam('Param status of an ad creative must be ACTIVE or DELETED.');
  }
  const apply = !exec.validateOnly;
  if (obj.kind === 'campaign') applyCampaign(ctx, obj, apply);
  if (obj.kind === 'adset') applyAdSet(ctx, obj, apply);
  if (obj.kind === 'ad') applyAd(ctx, obj, apply);
  if (!apply) return { success: true };
  const name = p.string('name');
  if (name !== undefined && 'name' in obj) (obj as { name?: string }).name = name;
  if (obj.kind === 'advideo') {
    const title = p.string('title');
    if (title !== undefined) obj.title = title;
    if (p.has('description')) obj.description = p.string('description');
  }
  if (status !== undefined && 'status' in obj) (obj as { status: string }).status = status;
  obj.updatedAt = ctx.now;
  return { success: true };
}

export function deleteObject(ctx: RequestCtx, obj: SimObject): unknown {
  if (obj.kind === 'advideo') obj.deleted = true;
  else if (obj.kind === 'adimage') obj.status = 'DELETED';
  else if (obj.kind === 'campaign' || obj.kind === 'adset' || obj.kind === 'ad' || obj.kind === 'adcreative') obj.status = 'DELETED';
  else throw invalidParam('Objects of this type cannot be deleted.');
  obj.updatedAt = ctx.now;
  return { success: true };
}
