/**
 * What an account's objective means on Meta, in one place: the campaign objective and ad set goal a
 * launch asks for, the pixel event the ad set is promoted for, the attribution windows it is
 * credited by, and which insights actions count as its results (reference 3.1, 3.2, 3.2.2, 5.3).
 * Pure: meta-objects.ts builds the launch specs from it, meta-insights.ts reads results by it.
 */
import { DEFAULT_ATTRIBUTION, type AttributionWindows, type Objective } from '../learning';
import type { AccountContext } from './accounts';

/** The objective settings of an account; absent fields are a traffic account's. */
export type ObjectiveSettings = Partial<Pick<AccountContext, 'objective' | 'pixelId' | 'attribution' | 'valueOptimised'>>;

const CAMPAIGN_OBJECTIVE: Record<Objective, string> = {
  traffic: 'OUTCOME_TRAFFIC',
  leads: 'OUTCOME_LEADS',
  sales: 'OUTCOME_SALES',
};

/** The pixel event a results account's ad sets are promoted for. */
const PIXEL_EVENT = { leads: 'LEAD', sales: 'PURCHASE' } as const;

export const objectiveOf = (s: ObjectiveSettings): Objective => s.objective ?? 'traffic';
export const attributionOf = (s: ObjectiveSettings): AttributionWindows => s.attribution ?? DEFAULT_ATTRIBUTION;

/** The campaign objective of a launch (OUTCOME_TRAFFIC, OUTCOME_LEADS or OUTCOME_SALES). */
export const campaignObjective = (s: ObjectiveSettings): string => CAMPAIGN_OBJECTIVE[objectiveOf(s)];

/**
 * The ad set fields that differ by objective. Traffic: LINK_CLICKS and nothing else (a website
 * traffic ad set takes no promoted_object). Leads and sales: the pixel's conversions (OFFSITE_CONVERSIONS,
 * or VALUE for a value-optimised sales account), the pixel event, and the attribution windows as
 * Meta's JSON array (a view window of 0 days is no VIEW_THROUGH entry).
 */
export interface AdSetGoal {
  optimization_goal: 'LINK_CLICKS' | 'OFFSITE_CONVERSIONS' | 'VALUE';
  promoted_object?: { pixel_id: string; custom_event_type: 'LEAD' | 'PURCHASE' };
  attribution_spec?: Array<{ event_type: 'CLICK_THROUGH' | 'VIEW_THROUGH'; window_days: number }>;
}

export function adSetGoal(s: ObjectiveSettings): AdSetGoal {
  const objective = objectiveOf(s);
  if (objective === 'traffic') return { optimization_goal: 'LINK_CLICKS' };
  if (!s.pixelId) throw new Error(`a ${objective} account needs a pixelId (config/accounts.ts validates it)`);
  const { clickDays, viewDays } = attributionOf(s);
  return {
    optimization_goal: objective === 'sales' && s.valueOptimised ? 'VALUE' : 'OFFSITE_CONVERSIONS',
    promoted_object: { pixel_id: s.pixelId, custom_event_type: PIXEL_EVENT[objective] },
    attribution_spec: [
      { event_type: 'CLICK_THROUGH', window_days: clickDays },
      ...(viewDays > 0 ? [{ event_type: 'VIEW_THROUGH' as const, window_days: viewDays }] : []),
    ],
  };
}

/** `action_attribution_windows` of an insights read for a results account, e.g. ["7d_click","1d_view"]. */
export function attributionWindows(s: ObjectiveSettings): string[] {
  const { clickDays, viewDays } = attributionOf(s);
  return [`${clickDays}d_click`, ...(viewDays > 0 ? [`${viewDays}d_view`] : [])];
}

/**
 * The action types that are a result, in order of preference; the first one a row reports is
 * counted and the others are ignored, never added. `lead` and `purchase` (and `omni_purchase`)
 * are Meta's aggregates over every source of that event, the pixel's included, so adding them to
 * the pixel's own `offsite_conversion.fb_pixel_*` count would count each pixel result twice. The
 * pixel's type comes first because the ad set is promoted for exactly that pixel event; the
 * aggregates only stand in when a row does not report it.
 */
export const RESULT_ACTION_TYPES: Record<Objective, readonly string[]> = {
  traffic: ['offsite_conversion.fb_pixel_lead', 'lead', 'onsite_conversion.lead_grouped'],
  leads: ['offsite_conversion.fb_pixel_lead', 'lead'],
  sales: ['offsite_conversion.fb_pixel_purchase', 'purchase', 'omni_purchase'],
};

/**
 * Days of insights a pull reads: Meta restates recent days as late conversions arrive, and a
 * results account's conversions keep arriving for its whole click window, so it re-reads that
 * window and the day before it.
 */
export function insightsLookbackDays(s: ObjectiveSettings, configured: number): number {
  return objectiveOf(s) === 'traffic' ? configured : Math.max(configured, attributionOf(s).clickDays + 1);
}
