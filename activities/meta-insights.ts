/**
 * Meta's ad-level daily insights into the performance table: a window of several days, because
 * Meta restates recent days as late conversions arrive, each row upserted by (ad, day). A leads or
 * sales account counts its results (pixel leads or purchases, and purchase values) by its own
 * attribution windows, and re-reads its whole click window, since results keep arriving that long.
 */
import { heartbeat, log } from '@temporalio/activity';
import type { Objective } from '../learning';
import type { Db } from '../db/client';
import { upsertPerformance, type NewPerformanceRow } from '../db/performance';
import { attributionWindows, objectiveOf, RESULT_ACTION_TYPES, type ObjectiveSettings } from './objectives';
import type { InsightAction, InsightRow, MetaClient } from './ports/meta-client';

/** What one insights pull stored. */
export interface PulledInsights {
  since: string;
  until: string;
  rows: number;
  ads: number;
  impressions: number;
  linkClicks: number;
  spendCents: number;
  /** The account's objective, i.e. what `results` counts (absent in histories recorded before objectives). */
  objective?: Objective;
  /** Leads or purchases over the window by the account's attribution windows (leads and sales accounts). */
  results?: number;
  /** Purchase value over the window, cents (sales accounts). */
  resultValueCents?: number;
}

/** How a pull counts results: which action types (first found wins) and which attribution windows to add up. */
export interface ResultCounting {
  actionTypes: readonly string[];
  /** Window keys whose values are summed (e.g. 7d_click + 1d_view); none = each entry's `value`. */
  windows: string[];
}

export const day = (d: Date) => d.toISOString().slice(0, 10);

/** The counting of an account with these objective settings. */
export function resultCounting(account: ObjectiveSettings): ResultCounting {
  const objective = objectiveOf(account);
  return { actionTypes: RESULT_ACTION_TYPES[objective], windows: objective === 'traffic' ? [] : attributionWindows(account) };
}

/** An entry's count under the windows: the sum of their keys, or `value` when none is reported. */
function windowed(entry: InsightAction, windows: string[]): number {
  const keyed = windows.map((w) => entry[w]).filter((v): v is string => typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v));
  return keyed.length ? keyed.reduce((s, v) => s + Number(v), 0) : entry.value;
}

/** The first of `types` the list reports, counted under the windows (never two types added: see RESULT_ACTION_TYPES). */
function resultOf(list: InsightAction[] | undefined, c: ResultCounting): { type?: string; value: number } {
  for (const type of c.actionTypes) {
    const entry = list?.find((a) => a.action_type === type);
    if (entry) return { type, value: windowed(entry, c.windows) };
  }
  return { value: 0 };
}

/** One Graph insights row as a performance row (money in cents, results counted as `counting` says). */
export function toRow(
  accountId: string,
  r: InsightRow,
  fetchedAt: string,
  counting: ResultCounting = resultCounting({}),
): NewPerformanceRow & { linkClicks: number; spendCents: number; impressions: number; conversions: number } {
  const action = (pred: (t: string) => boolean) => (r.actions ?? []).filter((a) => pred(a.action_type)).reduce((s, a) => s + a.value, 0);
  const results = resultOf(r.actions, counting);
  // The value of the very type counted, so a purchase's value is never taken from another source.
  const value = results.type ? r.action_values?.find((a) => a.action_type === results.type) : undefined;
  return {
    accountId,
    adId: r.ad_id,
    date: r.date_start,
    adsetId: r.adset_id ?? null,
    campaignId: r.campaign_id ?? null,
    impressions: Math.round(r.impressions),
    reach: Math.round(r.reach ?? 0),
    clicks: Math.round(r.clicks ?? 0),
    linkClicks: Math.round(r.inline_link_clicks ?? action((t) => t === 'link_click')),
    landingPageViews: Math.round(action((t) => t === 'landing_page_view')),
    conversions: Math.round(results.value),
    conversionValueCents: value ? Math.round(windowed(value, counting.windows) * 100) : null,
    spendCents: Math.round(r.spend * 100),
    fetchedAt,
  };
}

/**
 * Reads the last `lookbackDays` days of the account's ad insights from Meta and stores them; a
 * results account's read asks for its attribution windows and purchase values.
 */
export async function pullInsights(
  db: Db,
  meta: MetaClient,
  accountId: string,
  now: () => Date,
  lookbackDays: number,
  account: ObjectiveSettings = {},
): Promise<PulledInsights> {
  const until = day(now());
  const since = day(new Date(now().getTime() - (lookbackDays - 1) * 86_400_000));
  const counting = resultCounting(account);
  const data = await meta.adInsights(accountId, since, until, (n) => heartbeat({ rows: n }), counting.windows.length ? counting.windows : undefined);
  const fetchedAt = now().toISOString();
  const values = data.map((r) => toRow(accountId, r, fetchedAt, counting));
  upsertPerformance(db, values);
  const total = (k: 'impressions' | 'linkClicks' | 'spendCents' | 'conversions') => values.reduce((s, v) => s + v[k], 0);
  const objective = objectiveOf(account);
  log.info('insights stored', { accountId, objective, rows: values.length, since, until });
  const valueCents = values.reduce((s, v) => s + (v.conversionValueCents ?? 0), 0);
  return {
    since,
    until,
    rows: values.length,
    ads: new Set(values.map((v) => v.adId)).size,
    impressions: total('impressions'),
    linkClicks: total('linkClicks'),
    spendCents: total('spendCents'),
    objective,
    ...(objective === 'traffic' ? {} : { results: total('conversions') }),
    ...(objective === 'sales' ? { resultValueCents: valueCents } : {}),
  };
}
