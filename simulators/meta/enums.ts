// Enum values copied from the reference (SDK param types and Marketing API pages).

export const OBJECTIVES = ['OUTCOME_APP_PROMOTION', 'OUTCOME_AWARENESS', 'OUTCOME_ENGAGEMENT', 'OUTCOME_LEADS', 'OUTCOME_SALES', 'OUTCOME_TRAFFIC'] as const;

/** Still in the SDK enum but refused for new campaigns. */
export const LEGACY_OBJECTIVES = [
  'APP_INSTALLS',
  'BRAND_AWARENESS',
  'CONVERSIONS',
  'EVENT_RESPONSES',
  'LEAD_GENERATION',
  'LINK_CLICKS',
  'LOCAL_AWARENESS',
  'MESSAGES',
  'OFFER_CLAIMS',
  'PAGE_LIKES',
  'POST_ENGAGEMENT',
  'PRODUCT_CATALOG_SALES',
  'REACH',
  'STORE_VISITS',
  'VIDEO_VIEWS',
] as const;

export const SPECIAL_AD_CATEGORIES = [
  'NONE',
  'EMPLOYMENT',
  'HOUSING',
  'CREDIT',
  'ISSUES_ELECTIONS_POLITICS',
  'ONLINE_GAMBLING_AND_GAMING',
  'FINANCIAL_PRODUCTS_SERVICES',
] as const;

export const CREATE_STATUSES = ['ACTIVE', 'PAUSED'] as const;
export const UPDATE_STATUSES = ['ACTIVE', 'PAUSED', 'ARCHIVED', 'DELETED'] as const;

export const BID_STRATEGIES = ['LOWEST_COST_WITHOUT_CAP', 'LOWEST_COST_WITH_BID_CAP', 'COST_CAP', 'LOWEST_COST_WITH_MIN_ROAS'] as const;

export const BILLING_EVENTS = [
  'APP_INSTALLS',
  'CLICKS',
  'IMPRESSIONS',
  'LINK_CLICKS',
  'NONE',
  'OFFER_CLAIMS',
  'PAGE_LIKES',
  'POST_ENGAGEMENT',
  'THRUPLAY',
  'PURCHASE',
  'LISTING_INTERACTION',
] as const;

export const OPTIMIZATION_GOALS = [
  'NONE',
  'APP_INSTALLS',
  'AD_RECALL_LIFT',
  'ENGAGED_USERS',
  'EVENT_RESPONSES',
  'IMPRESSIONS',
  'LEAD_GENERATION',
  'QUALITY_LEAD',
  'LINK_CLICKS',
  'OFFSITE_CONVERSIONS',
  'PAGE_LIKES',
  'POST_ENGAGEMENT',
  'QUALITY_CALL',
  'REACH',
  'LANDING_PAGE_VIEWS',
  'VISIT_INSTAGRAM_PROFILE',
  'ENGAGED_PAGE_VIEWS',
  'VALUE',
  'THRUPLAY',
  'DERIVED_EVENTS',
  'APP_INSTALLS_AND_OFFSITE_CONVERSIONS',
  'CONVERSATIONS',
  'IN_APP_VALUE',
  'MESSAGING_PURCHASE_CONVERSION',
  'MESSAGING_DEEP_CONVERSATION_AND_FOLLOW',
  'SUBSCRIBERS',
  'REMINDERS_SET',
  'MEANINGFUL_CALL_ATTEMPT',
  'PROFILE_VISIT',
  'PROFILE_AND_PAGE_ENGAGEMENT',
  'ADVERTISER_SILOED_VALUE',
  'AUTOMATIC_OBJECTIVE',
  'MESSAGING_APPOINTMENT_CONVERSION',
] as const;

/** Objective -> usable optimization goals (reference 3.2 table); OUTCOME_LEADS depends on the destination, see goalsFor. */
export const GOALS_BY_OBJECTIVE: Record<string, readonly string[]> = {
  OUTCOME_TRAFFIC: ['LINK_CLICKS', 'LANDING_PAGE_VIEWS', 'IMPRESSIONS', 'REACH'],
  OUTCOME_LEADS: ['OFFSITE_CONVERSIONS', 'LINK_CLICKS', 'LEAD_GENERATION', 'QUALITY_LEAD'],
  OUTCOME_SALES: ['OFFSITE_CONVERSIONS', 'VALUE', 'LINK_CLICKS', 'IMPRESSIONS', 'REACH'],
  OUTCOME_ENGAGEMENT: ['POST_ENGAGEMENT', 'IMPRESSIONS', 'REACH'],
  OUTCOME_AWARENESS: ['REACH', 'IMPRESSIONS', 'AD_RECALL_LIFT', 'THRUPLAY'],
  OUTCOME_APP_PROMOTION: ['APP_INSTALLS', 'APP_INSTALLS_AND_OFFSITE_CONVERSIONS', 'LINK_CLICKS', 'VALUE'],
};

/** Leads to a website (pixel) or to an instant form (ON_AD) take different goals (reference 3.2 table). */
const LEADS_WEBSITE_GOALS = ['OFFSITE_CONVERSIONS', 'LINK_CLICKS'] as const;
const LEADS_FORM_GOALS = ['LEAD_GENERATION', 'QUALITY_LEAD'] as const;

/** The goals an ad set of this objective and destination may optimise for. */
export function goalsFor(objective: string, destination: string | undefined): readonly string[] {
  if (objective === 'OUTCOME_LEADS') return destination === 'ON_AD' ? LEADS_FORM_GOALS : LEADS_WEBSITE_GOALS;
  return GOALS_BY_OBJECTIVE[objective] ?? [];
}

/** promoted_object.custom_event_type values (SDK AdPromotedObject, reference 3.2.2). */
export const CUSTOM_EVENT_TYPES = [
  'AD_IMPRESSION',
  'RATE',
  'TUTORIAL_COMPLETION',
  'CONTACT',
  'CUSTOMIZE_PRODUCT',
  'DONATE',
  'FIND_LOCATION',
  'SCHEDULE',
  'START_TRIAL',
  'SUBMIT_APPLICATION',
  'SUBSCRIBE',
  'ADD_TO_CART',
  'ADD_TO_WISHLIST',
  'INITIATED_CHECKOUT',
  'ADD_PAYMENT_INFO',
  'PURCHASE',
  'LEAD',
  'COMPLETE_REGISTRATION',
  'CONTENT_VIEW',
  'SEARCH',
  'SERVICE_BOOKING_REQUEST',
  'LISTING_INTERACTION',
  'OTHER',
] as const;

/** Pixel events a sales ad set may be promoted for (VALUE: PURCHASE only, the event that carries a value). */
export const SALES_EVENTS = ['PURCHASE', 'ADD_TO_CART', 'INITIATED_CHECKOUT', 'ADD_PAYMENT_INFO', 'ADD_TO_WISHLIST', 'CONTENT_VIEW'] as const;

/** attribution_spec event types and the window_days each takes (7- and 28-day view windows are deprecated, reference 5.3). */
export const ATTRIBUTION_WINDOW_DAYS: Record<string, readonly number[]> = {
  CLICK_THROUGH: [1, 7, 28],
  VIEW_THROUGH: [1],
  ENGAGED_VIDEO_VIEW: [1],
};

export const DEFAULT_GOAL: Record<string, string> = {
  OUTCOME_TRAFFIC: 'LINK_CLICKS',
  OUTCOME_LEADS: 'OFFSITE_CONVERSIONS',
  OUTCOME_SALES: 'OFFSITE_CONVERSIONS',
  OUTCOME_ENGAGEMENT: 'POST_ENGAGEMENT',
  OUTCOME_AWARENESS: 'REACH',
  OUTCOME_APP_PROMOTION: 'APP_INSTALLS',
};

/** Billing events that need the matching optimization goal (IMPRESSIONS works with any goal). */
export const BILLING_NEEDS_GOAL: Record<string, string> = {
  LINK_CLICKS: 'LINK_CLICKS',
  THRUPLAY: 'THRUPLAY',
  POST_ENGAGEMENT: 'POST_ENGAGEMENT',
  PAGE_LIKES: 'PAGE_LIKES',
  APP_INSTALLS: 'APP_INSTALLS',
  OFFER_CLAIMS: 'OFFER_CLAIMS',
};

/** Minimum daily budget in cents by billing event (USD, "About minimum budgets"). */
export function minDailyBudgetCents(billingEvent: string): number {
  if (billingEvent === 'IMPRESSIONS') return 100;
  if (billingEvent === 'APP_INSTALLS' || billingEvent === 'OFFER_CLAIMS') return 4000;
  return 500;
}

export const DESTINATION_TYPES = [
  'WEBSITE',
  'APP',
  'MESSENGER',
  'APPLINKS_AUTOMATIC',
  'WHATSAPP',
  'INSTAGRAM_DIRECT',
  'FACEBOOK',
  'MESSAGING_MESSENGER_WHATSAPP',
  'MESSAGING_INSTAGRAM_DIRECT_MESSENGER',
  'MESSAGING_INSTAGRAM_DIRECT_WHATSAPP',
  'MESSAGING_INSTAGRAM_DIRECT_MESSENGER_WHATSAPP',
  'SHOP_AUTOMATIC',
  'ON_AD',
  'ON_POST',
  'ON_EVENT',
  'ON_VIDEO',
  'ON_PAGE',
  'INSTAGRAM_PROFILE',
  'FACEBOOK_PAGE',
  'INSTAGRAM_PROFILE_AND_FACEBOOK_PAGE',
  'INSTAGRAM_LIVE',
  'FACEBOOK_LIVE',
  'IMAGINE',
] as const;

export const PROMOTED_OBJECT_KEYS = [
  'pixel_id',
  'custom_event_type',
  'custom_event_str',
  'custom_conversion_id',
  'page_id',
  'application_id',
  'object_store_url',
  'product_set_id',
  'event_id',
  'offline_conversion_data_set_id',
  'conversion_goal_id',
  'product_catalog_id',
  'place_page_set_id',
  'pixel_rule',
  'instagram_profile_id',
  'whatsapp_phone_number',
] as const;

export const PUBLISHER_PLATFORMS = ['facebook', 'instagram', 'messenger', 'audience_network', 'threads', 'whatsapp'];
export const FACEBOOK_POSITIONS = [
  'feed',
  'right_hand_column',
  'marketplace',
  'video_feeds',
  'story',
  'search',
  'instream_video',
  'facebook_reels',
  'facebook_reels_overlay',
  'profile_feed',
  'notification',
];
export const INSTAGRAM_POSITIONS = ['stream', 'story', 'reels', 'explore', 'explore_home', 'profile_feed', 'ig_search', 'profile_reels'];
export const DEVICE_PLATFORMS = ['mobile', 'desktop'];

export const EU_COUNTRIES = new Set([
  'AT',
  'BE',
  'BG',
  'HR',
  'CY',
  'CZ',
  'DK',
  'EE',
  'FI',
  'FR',
  'DE',
  'GR',
  'HU',
  'IE',
  'IT',
  'LV',
  'LT',
  'LU',
  'MT',
  'NL',
  'PL',
  'PT',
  'RO',
  'SK',
  'SI',
  'ES',
  'SE',
]);

export const CALL_TO_ACTION_TYPES = [
  'OPEN_LINK',
  'LIKE_PAGE',
  'SHOP_NOW',
  'PLAY_GAME',
  'INSTALL_APP',
  'USE_APP',
  'CALL',
  'CALL_ME',
  'VIDEO_CALL',
  'INSTALL_MOBILE_APP',
  'USE_MOBILE_APP',
  'MOBILE_DOWNLOAD',
  'BOOK_TRAVEL',
  'LISTEN_MUSIC',
  'WATCH_VIDEO',
  'LEARN_MORE',
  'SIGN_UP',
  'DOWNLOAD',
  'WATCH_MORE',
  'NO_BUTTON',
  'VISIT_PAGES_FEED',
  'CALL_NOW',
  'APPLY_NOW',
  'CONTACT',
  'BUY_NOW',
  'GET_OFFER',
  'GET_OFFER_VIEW',
  'BUY_TICKETS',
  'UPDATE_APP',
  'GET_DIRECTIONS',
  'BUY',
  'SEND_UPDATES',
  'MESSAGE_PAGE',
  'DONATE',
  'SUBSCRIBE',
  'SAY_THANKS',
  'SELL_NOW',
  'SHARE',
  'DONATE_NOW',
  'GET_QUOTE',
  'CONTACT_US',
  'ORDER_NOW',
  'START_ORDER',
  'ADD_TO_CART',
  'VIEW_CART',
  'RECORD_NOW',
  'INQUIRE_NOW',
  'CONFIRM',
  'REFER_FRIENDS',
  'REQUEST_TIME',
  'GET_SHOWTIMES',
  'LISTEN_NOW',
  'TRY_DEMO',
  'JOIN_GROUP',
  'GET_PROMOTIONS',
  'SEND_GIFT',
  'TAKE_QUIZ',
  'BOOK_NOW',
  'GET_STARTED',
  'FIND_OUT_MORE',
  'REGISTER_NOW',
  'SEE_MORE',
  'SEE_MENU',
  'EVENT_RSVP',
  'WHATSAPP_MESSAGE',
  'SEE_DETAILS',
  'SEND_MESSAGE',
  'GET_DETAILS',
  'SHOP_WITH_AI',
  'CHECK_AVAILABILITY',
  'GET_ACCESS',
  'LEARN_MORE_ABOUT',
  'PLAY_NOW',
] as const;

// effective_status enums per node type (reference 5.1, SDK Campaign / AdSet / Ad): each edge accepts
// only its own as a filter, so an ad-only value sent to /campaigns or /adsets is code 100.
export const CAMPAIGN_EFFECTIVE_STATUSES = ['ACTIVE', 'PAUSED', 'DELETED', 'ARCHIVED', 'IN_PROCESS', 'WITH_ISSUES'] as const;
export const ADSET_EFFECTIVE_STATUSES = [...CAMPAIGN_EFFECTIVE_STATUSES, 'CAMPAIGN_PAUSED'] as const;
export const AD_EFFECTIVE_STATUSES = [
  'ACTIVE',
  'PAUSED',
  'DELETED',
  'ARCHIVED',
  'IN_PROCESS',
  'WITH_ISSUES',
  'PENDING_REVIEW',
  'DISAPPROVED',
  'PREAPPROVED',
  'PENDING_BILLING_INFO',
  'CAMPAIGN_PAUSED',
  'ADSET_PAUSED',
] as const;
/** AdCreative has `status` only (SDK AdCreative): no effective_status field and no such edge filter. */
export const CREATIVE_STATUSES = ['ACTIVE', 'DELETED', 'IN_PROCESS', 'WITH_ISSUES'] as const;

export const EXECUTION_OPTIONS = ['validate_only', 'include_recommendations', 'synchronous_ad_review'] as const;
