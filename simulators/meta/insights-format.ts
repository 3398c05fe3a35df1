// Renders aggregated totals the way the Insights API does: every number a decimal string, ctr as
// a percentage, actions / action_values / cost_per_action_type as [{action_type, value}] lists
// (with a key per requested attribution window: results by their own windows, see conversions.ts),
// ratio fields omitted when their denominator is zero.
import type { DayTotals } from './totals';

export const INSIGHT_ID_FIELDS = [
  'account_id',
  'account_name',
  'account_currency',
  'campaign_id',
  'campaign_name',
  'adset_id',
  'adset_name',
  'ad_id',
  'ad_name',
  'objective',
  'optimization_goal',
  'buying_type',
  'attribution_setting',
] as const;

export const INSIGHT_METRIC_FIELDS = [
  'impressions',
  'reach',
  'frequency',
  'spend',
  'clicks',
  'inline_link_clicks',
  'inline_link_click_ctr',
  'cost_per_inline_link_click',
  'outbound_clicks',
  'outbound_clicks_ctr',
  'cost_per_outbound_click',
  'ctr',
  'cpc',
  'cpm',
  'cpp',
  'actions',
  'action_values',
  'purchase_roas',
  'cost_per_action_type',
  'conversions',
  'video_play_actions',
  'video_thruplay_watched_actions',
  'video_p25_watched_actions',
  'video_p50_watched_actions',
  'video_p75_watched_actions',
  'video_p95_watched_actions',
  'video_p100_watched_actions',
  'cost_per_thruplay',
  'quality_ranking',
  'engagement_rate_ranking',
  'conversion_rate_ranking',
] as const;

const int = (n: number) => String(Math.round(n));
const money = (n: number) => String(Math.round(n * 100) / 100);
const ratio = (n: number) => n.toFixed(6);
const trimmed = (n: number) => String(Number(n.toFixed(6)));

const PURCHASE_TYPES = ['purchase', 'omni_purchase', 'offsite_conversion.fb_pixel_purchase'];

export interface ActionEntry {
  action_type: string;
  value: string;
  [window: string]: string;
}

/** Result action types and the counter family their per-window values come from. */
const RESULT_FAMILY: Record<string, string> = {
  lead: 'lead',
  'offsite_conversion.fb_pixel_lead': 'lead',
  purchase: 'purchase',
  omni_purchase: 'purchase',
  'offsite_conversion.fb_pixel_purchase': 'purchase',
};

/**
 * `pairs` as an action list. Per window: results their own window count (`dda` and `default`
 * report the ad set's setting, i.e. `value`); other actions are click actions, so click windows
 * report `value` and view windows 0. `valueFamily` renders action_values from `purchase_value:`.
 */
function actionList(pairs: Array<[string, number]>, windows: string[] | undefined, t?: DayTotals, valueFamily = false): ActionEntry[] {
  const fmt = valueFamily ? money : int;
  return pairs
    .filter(([, v]) => v > 0)
    .map(([action_type, v]) => {
      const entry: ActionEntry = { action_type, value: fmt(v) };
      const family = RESULT_FAMILY[action_type];
      for (const w of windows ?? []) {
        if (w === 'dda') entry[w] = fmt(v);
        else if (family && t) entry[w] = fmt(t.conv?.[`${valueFamily ? 'purchase_value' : family}:${w}`] ?? 0);
        else entry[w] = w.endsWith('_view') || w === '1d_ev' ? '0' : fmt(v);
      }
      return entry;
    });
}

function ranking(t: DayTotals, benchmarkCtr: number): string {
  if (t.impressions < 500) return 'UNKNOWN';
  const rel = t.linkClicks / t.impressions / benchmarkCtr;
  if (rel >= 1.3) return 'ABOVE_AVERAGE';
  if (rel >= 0.8) return 'AVERAGE';
  if (rel >= 0.5) return 'BELOW_AVERAGE_35';
  if (rel >= 0.3) return 'BELOW_AVERAGE_20';
  return 'BELOW_AVERAGE_10';
}

export interface MetricCtx {
  activeDays: number;
  windows?: string[];
  benchmarkCtr: number;
  adLevel: boolean;
}

/** Reach model: frequency grows slowly with days and volume (reference 13.4). */
export function reachOf(t: DayTotals, activeDays: number): number {
  const freq = 1.03 + 0.08 * Math.max(0, activeDays - 1) + 0.02 * Math.log10(1 + t.impressions / 1000);
  return Math.max(1, Math.round(t.impressions / freq));
}

export function metricValue(field: string, t: DayTotals, m: MetricCtx): unknown {
  const reach = reachOf(t, m.activeDays);
  const actions: Array<[string, number]> = [
    ['link_click', t.linkClicks],
    ['landing_page_view', t.lpv],
    ['lead', t.leads],
    ['offsite_conversion.fb_pixel_lead', t.leads],
    ['purchase', t.purchases ?? 0],
    ['omni_purchase', t.purchases ?? 0],
    ['offsite_conversion.fb_pixel_purchase', t.purchases ?? 0],
    ['page_engagement', t.clicks],
    ['post_engagement', t.clicks],
    ['video_view', t.videoPlays],
  ];
  const per = (n: number) => (n > 0 ? ratio(t.spend / n) : undefined);
  const video = (n: number, type = 'video_view') => (t.videoPlays > 0 ? actionList([[type, n]], m.windows) : undefined);
  switch (field) {
    case 'impressions':
      return int(t.impressions);
    case 'reach':
      return int(reach);
    case 'frequency':
      return ratio(t.impressions / reach);
    case 'spend':
      return money(t.spend);
    case 'clicks':
      return int(t.clicks);
    case 'inline_link_clicks':
      return int(t.linkClicks);
    case 'inline_link_click_ctr':
      return ratio((t.linkClicks / t.impressions) * 100);
    case 'cost_per_inline_link_click':
      return per(t.linkClicks);
    case 'outbound_clicks':
      return actionList([['outbound_click', t.outbound]], m.windows);
    case 'outbound_clicks_ctr':
      return actionList([['outbound_click', t.outbound]], undefined).map((e) => ({ ...e, value: ratio((t.outbound / t.impressions) * 100) }));
    case 'cost_per_outbound_click':
      return t.outbound > 0 ? [{ action_type: 'outbound_click', value: trimmed(t.spend / t.outbound) }] : undefined;
    case 'ctr':
      return ratio((t.clicks / t.impressions) * 100);
    case 'cpc':
      return per(t.clicks);
    case 'cpm':
      return ratio((t.spend / t.impressions) * 1000);
    case 'cpp':
      return ratio((t.spend / reach) * 1000);
    case 'actions': {
      const list = actionList(actions, m.windows, t);
      return list.length > 0 ? list : undefined;
    }
    case 'action_values': {
      const value = t.purchaseValue ?? 0;
      const list = actionList(
        PURCHASE_TYPES.map((type) => [type, value]),
        m.windows,
        t,
        true,
      );
      return list.length > 0 ? list : undefined;
    }
    case 'purchase_roas':
      return (t.purchaseValue ?? 0) > 0 && t.spend > 0 ? [{ action_type: 'omni_purchase', value: trimmed((t.purchaseValue ?? 0) / t.spend) }] : undefined;
    case 'conversions': {
      const pairs: Array<[string, number]> = [
        ['offsite_conversion.fb_pixel_lead', t.leads],
        ['offsite_conversion.fb_pixel_purchase', t.purchases ?? 0],
      ];
      const list = actionList(pairs, m.windows, t);
      return list.length > 0 ? list : undefined;
    }
    case 'cost_per_action_type': {
      const list = actions.filter(([, v]) => v > 0).map(([action_type, v]) => ({ action_type, value: trimmed(t.spend / v) }));
      return list.length > 0 ? list : undefined;
    }
    case 'video_play_actions':
      return video(t.videoPlays);
    case 'video_thruplay_watched_actions':
      return video(t.thruplays);
    case 'video_p25_watched_actions':
      return video(t.p25);
    case 'video_p50_watched_actions':
      return video(t.p50);
    case 'video_p75_watched_actions':
      return video(t.p75);
    case 'video_p95_watched_actions':
      return video(t.p95);
    case 'video_p100_watched_actions':
      return video(t.p100);
    case 'cost_per_thruplay':
      return t.thruplays > 0 ? [{ action_type: 'video_view', value: trimmed(t.spend / t.thruplays) }] : undefined;
    case 'quality_ranking':
    case 'engagement_rate_ranking':
    case 'conversion_rate_ranking':
      return m.adLevel ? ranking(t, m.benchmarkCtr) : undefined;
    default:
      return undefined;
  }
}

/** Numeric view of a metric for sorting and metric filters. */
export function metricNumber(field: string, t: DayTotals, m: MetricCtx): number {
  const v = metricValue(field, t, m);
  return typeof v === 'string' ? Number(v) : 0;
}
