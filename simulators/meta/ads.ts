// POST /act_{id}/ads (reference 3.6). `creative` must be the JSON string {"creative_id":"..."}
// (or an inline creative spec); the ad set and creative must live in the same account. Every new
// ad, and every creative swap, enters review: PENDING_REVIEW for a sampled delay, then ACTIVE or
// DISAPPROVED (name token review=approve|disapprove forces the outcome in tests).
import { createStatus, executionOptions, newObjectBase, type RequestCtx } from './context';
import { insertCreative, validateCreative } from './creatives';
import { invalidParam, missingParam } from './errors';
import { forcedReviewOutcome } from './status';
import type { Account, Ad, AdSet, Json, Review } from './store';

export function sampleReview(ctx: RequestCtx, adName: string): Review {
  const { opts, rng } = ctx.world;
  const [min, max] = opts.reviewDelaySimMs;
  const until = ctx.now + Math.round(rng.uniform(min, max));
  const sampled = rng.chance(opts.disapprovalRate) ? 'disapproved' : 'approved';
  return { until, outcome: forcedReviewOutcome(adName) ?? sampled };
}

function liveAdSet(ctx: RequestCtx, account: Account, id: string): AdSet {
  const s = ctx.world.store.get('adset', id);
  if (!s || s.accountId !== account.accountId) {
    throw invalidParam(`Invalid adset_id ${id}: the ad set does not exist in ad account act_${account.accountId}.`);
  }
  const c = ctx.world.store.get('campaign', s.campaign_id);
  if ([s.status, c?.status].some((st) => st === 'DELETED' || st === 'ARCHIVED')) {
    throw invalidParam(`Ad set ${id} (or its campaign) is archived or deleted; new ads cannot be added to it.`);
  }
  return s;
}

/** Resolves the `creative` param to an existing creative id, validating inline specs. */
export function resolveCreative(ctx: RequestCtx, account: Account, validateOnly: boolean): string | undefined {
  const spec = ctx.params.jsonObject('creative', true) as Json;
  if (spec.creative_id !== undefined) {
    const c = ctx.world.store.get('adcreative', String(spec.creative_id));
    if (!c || c.accountId !== account.accountId || c.status === 'DELETED') {
      throw invalidParam(`Invalid creative_id ${String(spec.creative_id)}: no such creative in ad account act_${account.accountId}.`);
    }
    return c.id;
  }
  if (spec.object_story_spec === undefined && spec.asset_feed_spec === undefined) {
    throw invalidParam('Param creative must contain creative_id (e.g. {"creative_id":"<id>"}) or a creative spec.');
  }
  validateCreative(ctx, account, spec);
  return validateOnly ? undefined : insertCreative(ctx, account, spec).id;
}

export function createAd(ctx: RequestCtx, account: Account): unknown {
  const p = ctx.params;
  const exec = executionOptions(p);
  const name = p.requiredString('name');
  const adsetId = p.string('adset_id');
  if (!adsetId) throw missingParam('adset_id');
  const adset = liveAdSet(ctx, account, adsetId);
  const status = createStatus(p);
  if (!p.has('creative')) throw missingParam('creative');
  const tracking = p.jsonArray('tracking_specs');
  const conversionDomain = p.string('conversion_domain');
  const creativeId = resolveCreative(ctx, account, exec.validateOnly);
  if (exec.validateOnly || creativeId === undefined) return { success: true };

  const ad: Ad = {
    kind: 'ad',
    ...newObjectBase(ctx, account.accountId),
    adset_id: adset.id,
    campaign_id: adset.campaign_id,
    name,
    status,
    creative_id: creativeId,
    tracking_specs: tracking,
    conversion_domain: conversionDomain,
    review: sampleReview(ctx, name),
  };
  ctx.world.store.add(ad);
  return { id: ad.id, success: true };
}
