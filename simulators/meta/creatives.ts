// POST /act_{id}/adcreatives (reference 3.5). object_story_spec needs a seeded page_id and exactly
// one of link_data / video_data; images must exist in the same account; video creatives need a
// READY video and a thumbnail (1443226); unknown keys are refused the way Graph refuses them.
import { executionOptions, newObjectBase, type RequestCtx } from './context';
import { CALL_TO_ACTION_TYPES } from './enums';
import { GraphError, invalidParam, missingParam } from './errors';
import { SPECIAL_TOKENS } from './options';
import type { Account, AdCreative, Json } from './store';
import { isVideoReady } from './video-status';
import { checkAssetFeed } from './asset-feed';

const STORY_KEYS = ['page_id', 'instagram_user_id', 'link_data', 'video_data', 'photo_data', 'template_data', 'text_data'];
const LINK_KEYS = [
  'link',
  'message',
  'name',
  'description',
  'caption',
  'image_hash',
  'picture',
  'call_to_action',
  'child_attachments',
  'attachment_style',
  'multi_share_optimized',
  'multi_share_end_card',
  'format_option',
  'image_crops',
  'event_id',
  'app_link_spec',
  'offer_id',
  'page_welcome_message',
  'retailer_item_ids',
  'show_multiple_images',
  'additional_image_index',
  'branded_content_shared_to_sponsor_status',
  'sponsorship_info',
  'customization_rules_spec',
  'preferred_image_tags',
  'use_flexible_image_aspect_ratio',
  'collection_thumbnails',
];
const VIDEO_KEYS = [
  'video_id',
  'image_hash',
  'image_url',
  'message',
  'title',
  'link_description',
  'call_to_action',
  'branded_content_sponsor_page_id',
  'collection_thumbnails',
  'customization_rules_spec',
  'offer_id',
  'page_welcome_message',
  'post_click_configuration',
  'retailer_item_ids',
  'additional_image_index',
  'branded_content_shared_to_sponsor_status',
];
const LEGACY_TOP_LEVEL = ['title', 'body', 'image_hash', 'image_url', 'link_url', 'call_to_action_type', 'object_url'];

function asObject(v: unknown, where: string): Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalidParam(`Param ${where} must be a JSON object.`);
  return v as Json;
}

function onlyKeys(obj: Json, allowed: string[], where: string): void {
  const bad = Object.keys(obj).filter((k) => !allowed.includes(k));
  if (bad.length > 0) throw invalidParam(`Invalid keys "${bad.join('", "')}" were found in param "${where}".`);
}

const isUrl = (v: unknown) => typeof v === 'string' && /^https?:\/\/[^\s/]+\.[^\s]+/.test(v);

function checkCallToAction(v: unknown, where: string): void {
  if (v === undefined) return;
  const cta = asObject(v, where);
  onlyKeys(cta, ['type', 'value'], where);
  if (typeof cta.type !== 'string' || !(CALL_TO_ACTION_TYPES as readonly string[]).includes(cta.type)) {
    throw invalidParam(`Param ${where}[type] must be one of {${CALL_TO_ACTION_TYPES.join(', ')}}`);
  }
  if (cta.value !== undefined) asObject(cta.value, `${where}[value]`);
}

function checkImageHash(ctx: RequestCtx, account: Account, hash: unknown, where: string): void {
  const img = typeof hash === 'string' ? ctx.world.store.imageByHash(account.accountId, hash) : undefined;
  if (!img || img.status !== 'ACTIVE') {
    throw invalidParam(`Image with hash ${String(hash)} (${where}) does not exist in ad account act_${account.accountId}.`, {
      userTitle: 'Image Not Found',
      userMsg: 'Upload the image to this ad account first and use the returned hash.',
    });
  }
}

function checkLinkData(ctx: RequestCtx, account: Account, data: Json): void {
  onlyKeys(data, LINK_KEYS, 'object_story_spec[link_data]');
  if (!isUrl(data.link)) throw invalidParam('Param object_story_spec[link_data][link] must be a valid http(s) URL.');
  if (data.image_hash !== undefined) checkImageHash(ctx, account, data.image_hash, 'link_data.image_hash');
  if (data.picture !== undefined && !isUrl(data.picture)) {
    throw invalidParam('The image at link_data.picture could not be downloaded.', {
      subcode: 3858258,
      userTitle: 'Image Could Not Be Downloaded',
      userMsg: 'Use a public http(s) image URL, or upload the image and pass image_hash.',
    });
  }
  checkCallToAction(data.call_to_action, 'object_story_spec[link_data][call_to_action]');
}

function checkVideoData(ctx: RequestCtx, account: Account, data: Json): void {
  onlyKeys(data, VIDEO_KEYS, 'object_story_spec[video_data]');
  const id = data.video_id;
  if (id === undefined) throw missingParam('object_story_spec[video_data][video_id]');
  const video = ctx.world.store.get('advideo', String(id));
  if (!video || video.accountId !== account.accountId || video.deleted) {
    throw invalidParam(`Video ${String(id)} does not exist in ad account act_${account.accountId}.`);
  }
  if (!isVideoReady(video, ctx.now)) {
    throw invalidParam(`Video ${video.id} is not ready yet; wait until status.video_status is "ready".`, {
      userTitle: 'Video Not Ready',
      userMsg: 'The video is still processing (or failed to process).',
    });
  }
  if (data.image_hash === undefined && data.image_url === undefined) {
    throw invalidParam('Your ad needs a video thumbnail', {
      subcode: 1443226,
      userTitle: 'Video Thumbnail Missing',
      userMsg: 'Your ad needs a video thumbnail: add image_hash or image_url to video_data.',
    });
  }
  if (data.image_hash !== undefined) checkImageHash(ctx, account, data.image_hash, 'video_data.image_hash');
  if (data.image_url !== undefined && !isUrl(data.image_url)) {
    throw invalidParam('Param object_story_spec[video_data][image_url] must be a valid http(s) URL.');
  }
  checkCallToAction(data.call_to_action, 'object_story_spec[video_data][call_to_action]');
}

/** Validates a creative spec (also used for inline `creative` specs on ad create). */
export function validateCreative(ctx: RequestCtx, account: Account, spec: Json): void {
  const legacy = LEGACY_TOP_LEVEL.filter((k) => spec[k] !== undefined);
  if (legacy.length > 0) {
    throw new GraphError({ code: 3, message: 'Application does not have the capability to make this API call.' });
  }
  if (ctx.token === SPECIAL_TOKENS.devMode) {
    throw invalidParam('Invalid parameter', {
      subcode: 1885183,
      userTitle: 'Ads creative post was created by an app that is in development mode',
      userMsg: 'It must be in public to create this ad.',
    });
  }
  if (spec.object_story_spec === undefined) throw missingParam('object_story_spec');
  const story = asObject(spec.object_story_spec, 'object_story_spec');
  if ('instagram_actor_id' in story) {
    throw invalidParam('instagram_actor_id is no longer supported; use instagram_user_id.');
  }
  onlyKeys(story, STORY_KEYS, 'object_story_spec');
  if (story.page_id === undefined) throw missingParam('object_story_spec[page_id]');
  if (!ctx.world.store.pages.has(String(story.page_id))) {
    throw invalidParam(`Invalid page_id ${String(story.page_id)}: the page does not exist or this token cannot advertise for it.`);
  }
  const kinds = ['link_data', 'video_data', 'photo_data', 'template_data', 'text_data'].filter((k) => story[k] !== undefined);
  if (spec.asset_feed_spec !== undefined) {
    checkAssetFeed(ctx, account, asObject(spec.asset_feed_spec, 'asset_feed_spec'));
    if (kinds.length === 0) return;
  }
  if (kinds.length !== 1) {
    throw invalidParam('object_story_spec must contain exactly one of link_data, video_data, photo_data, template_data, text_data.');
  }
  if (story.link_data !== undefined) checkLinkData(ctx, account, asObject(story.link_data, 'object_story_spec[link_data]'));
  else if (story.video_data !== undefined) checkVideoData(ctx, account, asObject(story.video_data, 'object_story_spec[video_data]'));
  else throw invalidParam(`object_story_spec.${kinds[0]} is not supported by the simulator; use link_data or video_data.`);
}

export function insertCreative(ctx: RequestCtx, account: Account, spec: Json): AdCreative {
  return ctx.world.store.add<AdCreative>({
    kind: 'adcreative',
    ...newObjectBase(ctx, account.accountId),
    name: typeof spec.name === 'string' ? spec.name : undefined,
    object_story_spec: spec.object_story_spec as Json,
    url_tags: typeof spec.url_tags === 'string' ? spec.url_tags : undefined,
    degrees_of_freedom_spec: spec.degrees_of_freedom_spec,
    status: 'ACTIVE',
  });
}

export function createCreative(ctx: RequestCtx, account: Account): unknown {
  const p = ctx.params;
  const exec = executionOptions(p);
  const spec: Json = {};
  for (const k of [...LEGACY_TOP_LEVEL, 'name', 'url_tags']) if (p.has(k)) spec[k] = p.string(k);
  if (p.has('object_story_spec')) spec.object_story_spec = p.jsonObject('object_story_spec');
  if (p.has('asset_feed_spec')) spec.asset_feed_spec = p.jsonObject('asset_feed_spec');
  if (p.has('degrees_of_freedom_spec')) spec.degrees_of_freedom_spec = p.jsonObject('degrees_of_freedom_spec');
  validateCreative(ctx, account, spec);
  if (exec.validateOnly) return { success: true };
  return { id: insertCreative(ctx, account, spec).id };
}
