// Read model of every object kind: which fields exist, how each is rendered (budgets as strings,
// Graph datetimes, computed statuses) and which fields are relations that accept {sub,fields}.
import { graphTime } from './clock';
import { nonexistingField, pickStruct, type FieldSpec } from './fields';
import { adStatus, adsetStatus, disapprovalIssues, DISAPPROVAL_FEEDBACK, reviewState } from './status';
import type { Ad, AdCreative, AdImage, AdSet, AdVideo, Campaign, ReportRun, SimObject, Store } from './store';
import { videoStatus, videoThumbnails } from './video-status';

export interface ViewCtx {
  store: Store;
  now: number;
}

type Getter<T> = (o: T, ctx: ViewCtx) => unknown;
interface KindView<T> {
  nodeType: string;
  fields: Record<string, Getter<T>>;
  /** Relation fields: id of the related object; rendered as {id} or projected with sub-fields. */
  relations?: Record<string, (o: T) => string | undefined>;
}

const str = (n: number | undefined) => (n === undefined ? undefined : String(n));
const time = (n: number | undefined) => (n === undefined || n === 0 ? undefined : graphTime(n));
const common = {
  id: (o: SimObject) => o.id,
  account_id: (o: SimObject) => o.accountId,
  created_time: (o: SimObject) => graphTime(o.createdAt),
  updated_time: (o: SimObject) => graphTime(o.updatedAt),
};

const campaign: KindView<Campaign> = {
  nodeType: 'AdCampaignGroup',
  fields: {
    ...common,
    name: (o) => o.name,
    objective: (o) => o.objective,
    status: (o) => o.status,
    configured_status: (o) => o.status,
    effective_status: (o) => o.status,
    buying_type: (o) => o.buying_type,
    daily_budget: (o) => str(o.daily_budget),
    lifetime_budget: (o) => str(o.lifetime_budget),
    budget_remaining: (o) => str(o.daily_budget ?? o.lifetime_budget ?? 0),
    bid_strategy: (o) => o.bid_strategy,
    special_ad_categories: (o) => o.special_ad_categories,
    special_ad_category: (o) => o.special_ad_categories[0] ?? 'NONE',
    special_ad_category_country: (o) => o.special_ad_category_country,
    is_adset_budget_sharing_enabled: (o) => o.is_adset_budget_sharing_enabled,
    spend_cap: (o) => str(o.spend_cap),
    start_time: (o) => time(o.start_time ?? o.createdAt),
    stop_time: (o) => time(o.stop_time),
    promoted_object: (o) => o.promoted_object,
    issues_info: () => undefined,
    can_use_spend_cap: () => true,
    pacing_type: () => ['standard'],
    source_campaign_id: () => '0',
    topline_id: () => '0',
  },
};

const adset: KindView<AdSet> = {
  nodeType: 'AdCampaign',
  fields: {
    ...common,
    campaign_id: (o) => o.campaign_id,
    name: (o) => o.name,
    status: (o) => o.status,
    configured_status: (o) => o.status,
    effective_status: (o, c) => adsetStatus(c.store, o),
    daily_budget: (o) => str(o.daily_budget ?? 0),
    lifetime_budget: (o) => str(o.lifetime_budget ?? 0),
    budget_remaining: (o) => str(o.daily_budget ?? o.lifetime_budget ?? 0),
    billing_event: (o) => o.billing_event,
    optimization_goal: (o) => o.optimization_goal,
    bid_strategy: (o) => o.bid_strategy,
    bid_amount: (o) => o.bid_amount,
    targeting: (o) => o.targeting,
    promoted_object: (o) => o.promoted_object,
    destination_type: (o) => o.destination_type,
    start_time: (o) => time(o.start_time ?? o.createdAt),
    end_time: (o) => time(o.end_time),
    attribution_spec: (o) => o.attribution_spec,
    dsa_beneficiary: (o) => o.dsa_beneficiary,
    dsa_payor: (o) => o.dsa_payor,
    frequency_control_specs: (o) => o.frequency_control_specs,
    is_dynamic_creative: () => false,
    pacing_type: () => ['standard'],
    issues_info: () => undefined,
  },
  relations: { campaign: (o) => o.campaign_id },
};

const ad: KindView<Ad> = {
  nodeType: 'AdGroup',
  fields: {
    ...common,
    campaign_id: (o) => o.campaign_id,
    adset_id: (o) => o.adset_id,
    name: (o) => o.name,
    status: (o) => o.status,
    configured_status: (o) => o.status,
    effective_status: (o, c) => adStatus(c.store, o, c.now),
    ad_review_feedback: (o, c) => (reviewState(o, c.now) === 'DISAPPROVED' ? DISAPPROVAL_FEEDBACK : undefined),
    issues_info: (o, c) => (reviewState(o, c.now) === 'DISAPPROVED' ? disapprovalIssues(o) : undefined),
    tracking_specs: (o) => o.tracking_specs,
    conversion_domain: (o) => o.conversion_domain,
    preview_shareable_link: (o) => `https://fb.me/sim-preview-${o.id}`,
    source_ad_id: () => '0',
  },
  relations: { campaign: (o) => o.campaign_id, adset: (o) => o.adset_id, creative: (o) => o.creative_id },
};

const storySpec = (o: AdCreative) => o.object_story_spec as Record<string, Record<string, unknown> | undefined>;
const creativeData = (o: AdCreative) => storySpec(o).link_data ?? storySpec(o).video_data ?? {};
const cta = (o: AdCreative) => creativeData(o).call_to_action as { type?: string } | undefined;

const adcreative: KindView<AdCreative> = {
  nodeType: 'AdCreative',
  fields: {
    id: common.id,
    account_id: common.account_id,
    name: (o) => o.name ?? `Sim creative ${o.id}`,
    status: (o) => o.status,
    object_story_spec: (o) => o.object_story_spec,
    object_type: (o) => (storySpec(o).video_data ? 'VIDEO' : 'SHARE'),
    object_id: (o) => o.object_story_spec.page_id,
    actor_id: (o) => o.object_story_spec.page_id,
    effective_object_story_id: (o) => `${String(o.object_story_spec.page_id)}_${o.id}`,
    image_hash: (o) => creativeData(o).image_hash,
    image_url: (o) => creativeData(o).picture ?? creativeData(o).image_url,
    video_id: (o) => creativeData(o).video_id,
    title: (o) => creativeData(o).name ?? creativeData(o).title,
    body: (o) => creativeData(o).message,
    link_url: (o) => creativeData(o).link,
    call_to_action_type: (o) => cta(o)?.type,
    thumbnail_url: (o) => `https://scontent.sim.fbcdn.net/v/t45.1600-4/thumb_${o.id}.jpg`,
    url_tags: (o) => o.url_tags,
    degrees_of_freedom_spec: (o) => o.degrees_of_freedom_spec,
  },
};

const imageUrl = (o: AdImage, size = '') => `https://scontent.sim.fbcdn.net/v/t45.1600-4/${o.hash}${size}_n.jpg`;
const adimage: KindView<AdImage> = {
  nodeType: 'AdImage',
  fields: {
    ...common,
    hash: (o) => o.hash,
    name: (o) => o.name,
    status: (o) => o.status,
    width: (o) => o.width,
    height: (o) => o.height,
    original_width: (o) => o.width,
    original_height: (o) => o.height,
    url: (o) => imageUrl(o),
    url_128: (o) => imageUrl(o, '_128'),
    permalink_url: (o) => `https://www.facebook.com/ads/image/?d=${o.hash}`,
  },
};

const advideo: KindView<AdVideo> = {
  nodeType: 'AdVideo',
  fields: {
    id: common.id,
    created_time: common.created_time,
    updated_time: common.updated_time,
    title: (o) => o.title,
    description: (o) => o.description,
    status: (o, c) => videoStatus(o, c.now),
    length: (o) => (o.uploadedAt === undefined ? undefined : Math.max(1, Math.round(o.sizeBytes / 250_000)) / 2),
    picture: (o, c) => videoThumbnails(o, c.now)[0]?.uri,
    thumbnails: (o, c) => ({ data: videoThumbnails(o, c.now) }),
    source: (o, c) => (videoStatus(o, c.now).video_status === 'ready' ? `https://video.sim.fbcdn.net/${o.id}.mp4` : undefined),
    permalink_url: (o) => `/sim/videos/${o.id}/`,
    published: () => false,
  },
};

const reportrun: KindView<ReportRun> = {
  nodeType: 'AdReportRun',
  fields: {
    id: common.id,
    account_id: common.account_id,
    async_status: (o, c) => asyncStatus(o, c.now).status,
    async_percent_completion: (o, c) => asyncStatus(o, c.now).pct,
    time_ref: (o) => Math.floor(o.createdAt / 1000),
    time_completed: (o, c) => (c.now >= o.completesAt ? Math.floor(o.completesAt / 1000) : undefined),
    date_start: (o) => o.query.since,
    date_stop: (o) => o.query.until,
  },
};

export function asyncStatus(o: ReportRun, now: number): { status: string; pct: number } {
  if (now >= o.completesAt) return { status: 'Job Completed', pct: 100 };
  const pct = Math.floor((100 * (now - o.createdAt)) / Math.max(1, o.completesAt - o.createdAt));
  return { status: pct < 10 ? 'Job Not Started' : pct < 30 ? 'Job Started' : 'Job Running', pct };
}

const VIEWS: Record<SimObject['kind'], KindView<never>> = {
  campaign,
  adset,
  ad,
  adcreative,
  adimage,
  advideo,
  reportrun,
} as unknown as Record<SimObject['kind'], KindView<never>>;

export function viewOf(kind: SimObject['kind']): KindView<SimObject> {
  return VIEWS[kind] as unknown as KindView<SimObject>;
}

/** Render requested fields; `id` always comes back, unset values are omitted as Graph does. */
export function project(obj: SimObject, specs: FieldSpec[], ctx: ViewCtx): Record<string, unknown> {
  const view = viewOf(obj.kind);
  const out: Record<string, unknown> = { id: obj.id };
  for (const spec of specs) {
    const rel = view.relations?.[spec.name];
    if (rel) {
      const target = ctx.store.objects.get(rel(obj) ?? '');
      if (target) out[spec.name] = project(target, spec.sub ?? [], ctx);
      continue;
    }
    const getter = view.fields[spec.name];
    if (!getter) throw nonexistingField(spec.name, view.nodeType);
    const value = getter(obj, ctx);
    if (value !== undefined) out[spec.name] = spec.sub ? pickStruct(value, spec.sub) : value;
  }
  return out;
}

/** Every field, used by MetaSimulator.list() and the admin state dump. */
export function fullView(obj: SimObject, ctx: ViewCtx): Record<string, unknown> {
  const view = viewOf(obj.kind);
  const specs = [...Object.keys(view.fields), ...Object.keys(view.relations ?? {})].map((name) => ({ name }));
  return project(obj, specs, ctx);
}
