// The results of ad sets promoted for a pixel event (reference 13.4): an ad set whose
// promoted_object.custom_event_type is LEAD gets pixel leads, PURCHASE gets purchases with a value.
// Each link click converts with the hidden conversion rate of the ad's hook (trueCvrByHook, else
// defaultTrueCvr); impressions without a click convert through views at viewThroughShare of that.
// A conversion happens up to conversionDelayMaxDays after its click or view (most within the first
// day), is reported a little later still, and is credited to the day of the click or view, so past
// days restate. It counts in `value` only within the ad set's attribution_spec, and in each
// `Nd_click` / `Nd_view` window it falls in. Ad sets promoted for nothing else keep the old model:
// leads 3-15 % of landing page views, reported 1-72 h later.
import { DAY_MS, HOUR_MS, MINUTE_MS } from './clock';
import type { ResolvedOptions } from './options';
import type { Rng } from './rng';
import type { Ad, AdSet, Store } from './store';
import type { DayTotals } from './totals';

const HOOK_RE = /hook=([A-Za-z0-9_-]+)/;

export type ResultEvent = 'lead' | 'purchase';

/** One conversion waiting to be reported. `event` absent: a lead of the old traffic model. */
export interface PendingConversion {
  adId: string;
  /** Day of the click or impression it is credited to. */
  day: string;
  visibleAt: number;
  count: number;
  event?: ResultEvent;
  via?: 'click' | 'view';
  /** Time from the click or view to the conversion. */
  lagMs?: number;
  /** Purchase value, dollars. */
  value?: number;
  /** Within the ad set's attribution_spec (counted in `value`). */
  counted?: boolean;
}

/** Attribution windows the insights API takes, as (via, days); `1d_ev` (engaged views) is never simulated. */
export const WINDOW_RULES: Record<string, { via: 'click' | 'view'; days: number } | undefined> = {
  '1d_click': { via: 'click', days: 1 },
  '7d_click': { via: 'click', days: 7 },
  '28d_click': { via: 'click', days: 28 },
  '1d_view': { via: 'view', days: 1 },
  '7d_view': { via: 'view', days: 7 },
  '28d_view': { via: 'view', days: 28 },
  '1d_ev': undefined,
};

/** What the ad's ad set is promoted for, if a simulated result event. */
export function promotedEvent(store: Store, ad: Ad): ResultEvent | undefined {
  const type = store.get('adset', ad.adset_id)?.promoted_object?.custom_event_type;
  return type === 'LEAD' ? 'lead' : type === 'PURCHASE' ? 'purchase' : undefined;
}

/** Click and view windows (days, 0 = none) of an ad set's attribution_spec. */
export function attributionWindows(adset: AdSet | undefined): { clickDays: number; viewDays: number } {
  const spec = Array.isArray(adset?.attribution_spec) ? (adset.attribution_spec as Array<{ event_type?: string; window_days?: number }>) : [];
  const days = (type: string) => spec.find((e) => e.event_type === type)?.window_days ?? 0;
  return { clickDays: days('CLICK_THROUGH'), viewDays: days('VIEW_THROUGH') };
}

/** `attribution_setting` as insights name it, e.g. 7d_click_1d_view. */
export function attributionSetting(adset: AdSet | undefined): string {
  const { clickDays, viewDays } = attributionWindows(adset);
  return [clickDays && `${clickDays}d_click`, viewDays && `${viewDays}d_view`].filter(Boolean).join('_') || 'mixed';
}

export function trueCvr(opts: ResolvedOptions, ad: Ad): number {
  const hook = HOOK_RE.exec(ad.name)?.[1];
  return (hook !== undefined ? opts.trueCvrByHook[hook] : undefined) ?? opts.defaultTrueCvr;
}

/** Lognormal purchase value with mean averageOrderValue, in cents. */
function orderValue(opts: ResolvedOptions, rng: Rng): number {
  const s = opts.orderValueSigma;
  const mu = Math.log(opts.averageOrderValue) - (s * s) / 2;
  return Math.round(Math.exp(mu + s * rng.normal()) * 100) / 100;
}

export interface SlotDelivery {
  ad: Ad;
  adset: AdSet | undefined;
  event: ResultEvent;
  day: string;
  /** End of the slot (sim ms). */
  at: number;
  impressions: number;
  linkClicks: number;
  ctr: number;
}

/** The conversions of one slot's clicks and views of an ad promoted for `event`. */
export function sampleConversions(opts: ResolvedOptions, rng: Rng, d: SlotDelivery): PendingConversion[] {
  const cvr = trueCvr(opts, d.ad);
  const clicks = rng.binomial(d.linkClicks, cvr);
  const views = rng.binomial(d.impressions - d.linkClicks, Math.min(1, d.ctr * cvr * opts.viewThroughShare));
  const { clickDays, viewDays } = attributionWindows(d.adset);
  const out: PendingConversion[] = [];
  const one = (via: 'click' | 'view') => {
    // u^3: about half of the conversions happen within a day of a 7-day spread, the rest trail off.
    const lagMs = Math.round(5 * MINUTE_MS + rng.next() ** 3 * opts.conversionDelayMaxDays * DAY_MS);
    const reported = Math.round(rng.uniform(0.25, 3) * HOUR_MS);
    const window = via === 'click' ? clickDays : viewDays;
    out.push({
      adId: d.ad.id,
      day: d.day,
      visibleAt: d.at + lagMs + reported,
      count: 1,
      event: d.event,
      via,
      lagMs,
      ...(d.event === 'purchase' ? { value: orderValue(opts, rng) } : {}),
      counted: lagMs <= window * DAY_MS,
    });
  };
  for (let i = 0; i < clicks; i++) one('click');
  for (let i = 0; i < views; i++) one('view');
  return out;
}

/** Adds a reported conversion to its day's totals: the ad set's count and every window it falls in. */
export function creditConversion(t: DayTotals, c: PendingConversion): void {
  t.conv ??= {};
  const add = (key: string, v: number) => (t.conv[key] = (t.conv[key] ?? 0) + v);
  if (!c.event) {
    // The old model: every lead a click-through within 3 days, no view-through.
    t.leads += c.count;
    for (const w of ['1d_click', '7d_click', '28d_click']) add(`lead:${w}`, c.count);
    return;
  }
  const value = c.value ?? 0;
  if (c.counted) {
    if (c.event === 'lead') t.leads += c.count;
    else {
      t.purchases = (t.purchases ?? 0) + c.count;
      t.purchaseValue = (t.purchaseValue ?? 0) + value;
    }
  }
  for (const [w, rule] of Object.entries(WINDOW_RULES)) {
    if (!rule || rule.via !== c.via || (c.lagMs ?? 0) > rule.days * DAY_MS) continue;
    add(`${c.event}:${w}`, c.count);
    if (c.event === 'purchase') add(`purchase_value:${w}`, value);
  }
}
