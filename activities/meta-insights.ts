/**
 * Meta's ad-level daily insights into the performance table: a window of several days, because
 * Meta restates recent days as late conversions arrive, each row upserted by (ad, day).
 */
import { heartbeat, log } from '@temporalio/activity';
import type { Db } from '../db/client';
import { upsertPerformance, type NewPerformanceRow } from '../db/performance';
import type { InsightRow, MetaClient } from './ports/meta-client';

/** What one insights pull stored. */
export interface PulledInsights {
  since: string;
  until: string;
  rows: number;
  ads: number;
  impressions: number;
  linkClicks: number;
  spendCents: number;
}

const CONVERSION_TYPES = new Set(['lead', 'offsite_conversion.fb_pixel_lead', 'onsite_conversion.lead_grouped']);
export const day = (d: Date) => d.toISOString().slice(0, 10);

/** One Graph insights row as a performance row (money in cents, actions summed by type). */
export function toRow(
  accountId: string,
  r: InsightRow,
  fetchedAt: string,
): NewPerformanceRow & { linkClicks: number; spendCents: number; impressions: number } {
  const action = (pred: (t: string) => boolean) => (r.actions ?? []).filter((a) => pred(a.action_type)).reduce((s, a) => s + a.value, 0);
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
    conversions: Math.round(action((t) => CONVERSION_TYPES.has(t))),
    spendCents: Math.round(r.spend * 100),
    fetchedAt,
  };
}

/** Reads the last `lookbackDays` days of the account's ad insights from Meta and stores them. */
export async function pullInsights(db: Db, meta: MetaClient, accountId: string, now: () => Date, lookbackDays: number): Promise<PulledInsights> {
  const until = day(now());
  const since = day(new Date(now().getTime() - (lookbackDays - 1) * 86_400_000));
  const data = await meta.adInsights(accountId, since, until, (n) => heartbeat({ rows: n }));
  const fetchedAt = now().toISOString();
  const values = data.map((r) => toRow(accountId, r, fetchedAt));
  upsertPerformance(db, values);
  const total = (k: 'impressions' | 'linkClicks' | 'spendCents') => values.reduce((s, v) => s + v[k], 0);
  log.info('insights stored', { accountId, rows: values.length, since, until });
  return {
    since,
    until,
    rows: values.length,
    ads: new Set(values.map((v) => v.adId)).size,
    impressions: total('impressions'),
    linkClicks: total('linkClicks'),
    spendCents: total('spendCents'),
  };
}
