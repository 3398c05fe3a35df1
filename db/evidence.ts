/**
 * The learning core's evidence, read from the DB: one CreativeEvidence per launched or paused
 * creative, with its daily insights. planCycle decides on it and the report draws from it, so
 * both see the same numbers. `conversions` are the results of the account's type (pixel leads or
 * purchases, as the insights pull counted them); `conversionValueCents` their purchase value, set
 * only where Meta reported one.
 */
import type { CreativeEvidence } from '../learning/types';
import type { CreativeStore } from './creatives';
import { performanceOfAds } from './performance';
import type { Queryable } from './queryable';

/** Evidence per creative that reached Meta, `today` (YYYY-MM-DD) naming the day whose spend counts as today's. */
export function creativeEvidence(q: Queryable, store: CreativeStore, accountId: string, today: string): CreativeEvidence[] {
  const rows = store.ofAccount(accountId, ['launched', 'paused'], { withAd: true });
  const perf = performanceOfAds(
    q,
    rows.map((r) => r.metaAdId!),
  );
  return rows.map((c) => {
    const own = perf.filter((p) => p.adId === c.metaAdId);
    const daily = own.map((p) => ({
      date: p.date,
      impressions: p.impressions,
      linkClicks: p.linkClicks,
      conversions: p.conversions,
      ...(p.conversionValueCents !== null ? { conversionValueCents: p.conversionValueCents } : {}),
      spendCents: p.spendCents,
    }));
    const sum = (k: 'impressions' | 'linkClicks' | 'conversions' | 'spendCents') => daily.reduce((s, d) => s + d[k], 0);
    const valued = own.some((p) => p.conversionValueCents !== null);
    return {
      creativeId: c.id,
      hookId: c.hookId,
      format: c.format,
      adSetId: c.metaAdsetId ?? undefined,
      spendTodayCents: daily.filter((d) => d.date === today).reduce((s, d) => s + d.spendCents, 0),
      launchedAtMs: Date.parse(c.launchedAt ?? c.createdAt),
      impressions: sum('impressions'),
      linkClicks: sum('linkClicks'),
      conversions: sum('conversions'),
      ...(valued ? { conversionValueCents: daily.reduce((s, d) => s + (d.conversionValueCents ?? 0), 0) } : {}),
      spendCents: sum('spendCents'),
      daily,
      status: c.status === 'paused' ? 'paused' : 'live',
    } satisfies CreativeEvidence;
  });
}
