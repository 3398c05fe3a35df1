/**
 * What a launch asks Meta to create, object by object: a campaign of the account's objective
 * (traffic, leads or sales), a $5/day ad set on the account's custom audiences in the Reels/Stories
 * placements (optimised for link clicks, or for the pixel's leads or purchases within the
 * account's attribution windows), the ad creative (link_data for a picture, video_data for a clip)
 * and the ad. All are created PAUSED; the launch switches them on once the whole chain exists.
 * Pure: the parameters only, the calls are in launch.ts. A traffic account's specs are exactly
 * what they were before objectives existed.
 */
import type { Hook } from '../learning/hook-library';
import type { AccountContext } from './accounts';
import { adSetGoal, campaignObjective, type ObjectiveSettings } from './objectives';

type Audience = Pick<AccountContext, 'countries' | 'customAudienceIds'> & ObjectiveSettings;
type Page = Pick<AccountContext, 'pageId' | 'landingUrl' | 'callToAction'>;

export function campaignSpec(name: string, account: ObjectiveSettings = {}) {
  return { name, objective: campaignObjective(account), status: 'PAUSED', special_ad_categories: [], is_adset_budget_sharing_enabled: false };
}

export function adSetSpec(name: string, campaignId: string, dailyBudgetCents: number, account: Audience) {
  return {
    name,
    campaign_id: campaignId,
    status: 'PAUSED',
    daily_budget: dailyBudgetCents,
    billing_event: 'IMPRESSIONS',
    ...adSetGoal(account),
    bid_strategy: 'LOWEST_COST_WITHOUT_CAP',
    destination_type: 'WEBSITE',
    targeting: {
      geo_locations: { countries: account.countries },
      age_min: 18,
      age_max: 65,
      ...(account.customAudienceIds.length ? { custom_audiences: account.customAudienceIds.map((id) => ({ id })) } : {}),
      publisher_platforms: ['facebook', 'instagram'],
      facebook_positions: ['story', 'facebook_reels'],
      instagram_positions: ['story', 'reels'],
      device_platforms: ['mobile'],
      // Explicit since v24: the custom audience is the audience, not a suggestion.
      targeting_automation: { advantage_audience: 0 },
    },
  };
}

const callToAction = (account: Page) => ({ type: account.callToAction, value: { link: account.landingUrl } });

/** The story of a picture creative: the hook's text around the uploaded image. */
export function imageStorySpec(account: Page, hook: Hook, imageHash: string) {
  return {
    page_id: account.pageId,
    link_data: { link: account.landingUrl, message: hook.primaryText, name: hook.headline, image_hash: imageHash, call_to_action: callToAction(account) },
  };
}

/** The story of a video creative: the processed clip with Meta's preferred thumbnail. */
export function videoStorySpec(account: Page, hook: Hook, videoId: string, thumbnailUrl: string) {
  return {
    page_id: account.pageId,
    video_data: { video_id: videoId, image_url: thumbnailUrl, title: hook.headline, message: hook.primaryText, call_to_action: callToAction(account) },
  };
}

export function creativeSpec(name: string, storySpec: Record<string, unknown>) {
  return { name, object_story_spec: storySpec };
}

export function adSpec(name: string, adsetId: string, adCreativeId: string) {
  return { name, adset_id: adsetId, creative: { creative_id: adCreativeId }, status: 'PAUSED' };
}
