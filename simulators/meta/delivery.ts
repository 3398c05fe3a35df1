// Delivery engine: replays sim time in 5-minute slots. Each effectively ACTIVE ad (parents active,
// review passed, inside its schedule) spends its share of the ad set's daily budget following an
// hour-of-day pacing curve (day-to-day factor dailySpendFactor, 0.85-1.2 by default, never above Meta's +25% allowance) at an
// ad-specific CPM of $4-$15. Link clicks ~ Binomial(impressions, hidden CTR of the ad's hook).
// Slot totals become visible 5-20 sim minutes after the fact. Results (conversions.ts): ad sets
// promoted for a pixel LEAD or PURCHASE convert clicks and views at the hook's hidden conversion
// rate, up to days later; others get leads 3-15 % of landing page views arriving 1-72 h later.
// Either way a result is credited to the day of its click, so past days get restated.
import { DAY_MS, HOUR_MS, MINUTE_MS, dayOf } from './clock';
import { creditConversion, promotedEvent, sampleConversions, type PendingConversion } from './conversions';
import type { ResolvedOptions } from './options';
import { hashUnit, lerp, type Rng } from './rng';
import { isDelivering } from './status';
import type { Ad, Store } from './store';
import { emptyTotals, addTotals, type DayTotals } from './totals';

const SLOT_MS = 5 * MINUTE_MS;
// Relative delivery by hour of day (account time zone), normalised to a mean of 1 below.
const HOURLY = [0.35, 0.25, 0.2, 0.2, 0.25, 0.4, 0.7, 0.9, 1, 1.1, 1.15, 1.2, 1.25, 1.25, 1.2, 1.2, 1.25, 1.35, 1.5, 1.6, 1.6, 1.45, 1.1, 0.7];
const HOURLY_MEAN = HOURLY.reduce((a, b) => a + b, 0) / HOURLY.length;
const HOOK_RE = /hook=([A-Za-z0-9_-]+)/;

interface Traits {
  cpm: number;
  quality: number;
  allClickRatio: number;
  lpvRate: number;
  leadRate: number;
  playRate: number;
  thruRate: number;
}

interface Bucket {
  adId: string;
  day: string;
  visibleAt: number;
  totals: DayTotals;
}

export interface DeliveryState {
  accruedUntil: number;
  pending: Array<[string, Bucket]>;
  conversions: PendingConversion[];
  carry: Array<[string, number]>;
  days: Array<[string, Array<[string, DayTotals]>]>;
}

export class Delivery {
  private accruedUntil: number;
  private readonly pending = new Map<string, Bucket>();
  private conversions: PendingConversion[] = [];
  private readonly carry = new Map<string, number>();
  /** Reported (visible) totals per ad per day. */
  readonly days = new Map<string, Map<string, DayTotals>>();

  constructor(
    private readonly store: Store,
    private readonly opts: ResolvedOptions,
    private readonly rng: Rng,
    start: number,
  ) {
    this.accruedUntil = start;
  }

  exportState(): DeliveryState {
    return {
      accruedUntil: this.accruedUntil,
      pending: [...this.pending.entries()],
      conversions: this.conversions,
      carry: [...this.carry.entries()],
      days: [...this.days.entries()].map(([adId, perDay]) => [adId, [...perDay.entries()]]),
    };
  }

  importState(state: DeliveryState): void {
    this.accruedUntil = state.accruedUntil;
    state.pending.forEach(([k, b]) => this.pending.set(k, b));
    this.conversions = state.conversions;
    state.carry.forEach(([k, v]) => this.carry.set(k, v));
    state.days.forEach(([adId, perDay]) => this.days.set(adId, new Map(perDay)));
  }

  trueCtr(ad: Ad): number {
    const hook = HOOK_RE.exec(ad.name)?.[1];
    return (hook !== undefined ? this.opts.trueCtrByHook[hook] : undefined) ?? this.opts.defaultTrueCtr;
  }

  private readonly traitCache = new Map<string, Traits>();

  private traits(adId: string): Traits {
    const cached = this.traitCache.get(adId);
    if (cached) return cached;
    const u = (k: string) => hashUnit(this.opts.seed, adId, k);
    const traits: Traits = {
      cpm: lerp(4, 15, u('cpm')),
      quality: lerp(0.7, 1.3, u('quality')),
      allClickRatio: lerp(1.5, 2.5, u('clicks')),
      lpvRate: lerp(0.6, 0.85, u('lpv')),
      leadRate: lerp(0.03, 0.15, u('lead')),
      playRate: lerp(0.25, 0.45, u('play')),
      thruRate: lerp(0.15, 0.35, u('thru')),
    };
    this.traitCache.set(adId, traits);
    return traits;
  }

  /** Bring delivery and reporting up to `now`. Cheap when nothing can deliver. */
  sync(now: number): void {
    if (now > this.accruedUntil) {
      const candidates = this.store.all('ad').filter((ad) => {
        const s = this.store.get('adset', ad.adset_id);
        const c = this.store.get('campaign', ad.campaign_id);
        return ad.status === 'ACTIVE' && s?.status === 'ACTIVE' && c?.status === 'ACTIVE' && ad.review.outcome === 'approved';
      });
      let t = this.accruedUntil;
      while (candidates.length > 0 && t < now) {
        const slotStart = Math.floor(t / SLOT_MS) * SLOT_MS;
        const b = Math.min(slotStart + SLOT_MS, now);
        this.accrue(
          candidates.filter((ad) => isDelivering(this.store, ad, t)),
          t,
          b,
          slotStart,
        );
        t = b;
      }
      this.accruedUntil = now;
    }
    this.flush(now);
  }

  private dailyBudgetCents(adsetId: string, adsetsLiveInCampaign: number): number {
    const s = this.store.get('adset', adsetId)!;
    const c = this.store.get('campaign', s.campaign_id)!;
    const perDay = (lifetime: number, start: number, end?: number) => lifetime / Math.max(1, Math.ceil(((end ?? start + DAY_MS) - start) / DAY_MS));
    if (c.daily_budget !== undefined) return c.daily_budget / adsetsLiveInCampaign;
    if (c.lifetime_budget !== undefined) return perDay(c.lifetime_budget, c.start_time ?? c.createdAt, c.stop_time) / adsetsLiveInCampaign;
    if (s.daily_budget !== undefined) return s.daily_budget;
    if (s.lifetime_budget !== undefined) return perDay(s.lifetime_budget, s.start_time ?? s.createdAt, s.end_time);
    return 0;
  }

  private accrue(ads: Ad[], t: number, b: number, slotStart: number): void {
    const byAdset = new Map<string, Ad[]>();
    for (const ad of ads) byAdset.set(ad.adset_id, [...(byAdset.get(ad.adset_id) ?? []), ad]);
    const adsetsPerCampaign = new Map<string, number>();
    for (const group of byAdset.values()) {
      const cid = group[0]!.campaign_id;
      adsetsPerCampaign.set(cid, (adsetsPerCampaign.get(cid) ?? 0) + 1);
    }
    const day = dayOf(slotStart);
    const hour = new Date(t).getUTCHours();
    for (const [adsetId, group] of byAdset) {
      const budget = this.dailyBudgetCents(adsetId, adsetsPerCampaign.get(group[0]!.campaign_id) ?? 1);
      const dayFactor = lerp(this.opts.dailySpendFactor[0], this.opts.dailySpendFactor[1], hashUnit(this.opts.seed, 'day', adsetId, day));
      const spend = (budget / 100) * dayFactor * ((HOURLY[hour] ?? 1) / HOURLY_MEAN) * ((b - t) / DAY_MS);
      // Better ads (higher true CTR, higher latent quality) win a larger share of the auction.
      const weight = (ad: Ad) => this.traits(ad.id).quality * Math.sqrt(this.trueCtr(ad) / this.opts.defaultTrueCtr);
      const total = group.reduce((sum, ad) => sum + weight(ad), 0);
      for (const ad of group) this.deliverAd(ad, (spend * weight(ad)) / total, day, slotStart, b);
    }
  }

  private deliverAd(ad: Ad, spendTarget: number, day: string, slotStart: number, b: number): void {
    const tr = this.traits(ad.id);
    const cpm = tr.cpm * (0.9 + 0.2 * this.rng.next());
    const expected = (spendTarget / cpm) * 1000 + (this.carry.get(ad.id) ?? 0);
    const n = Math.floor(expected);
    this.carry.set(ad.id, expected - n);
    if (n <= 0) return;
    const r = this.rng;
    const ctr = this.trueCtr(ad);
    const link = r.binomial(n, ctr);
    const extra = r.binomial(n - link, Math.min(1, ctr * (tr.allClickRatio - 1)));
    const lpv = r.binomial(link, tr.lpvRate);
    const t = emptyTotals();
    t.impressions = n;
    t.spend = (n * cpm) / 1000;
    t.linkClicks = link;
    t.clicks = link + extra;
    t.outbound = r.binomial(link, 0.96);
    t.lpv = lpv;
    const creative = this.store.get('adcreative', ad.creative_id);
    if (creative?.object_story_spec.video_data !== undefined) {
      t.videoPlays = r.binomial(n, tr.playRate);
      t.p25 = r.binomial(t.videoPlays, 0.75);
      t.p50 = r.binomial(t.p25, 0.7);
      t.p75 = r.binomial(t.p50, 0.7);
      t.p95 = r.binomial(t.p75, 0.75);
      t.p100 = r.binomial(t.p95, 0.85);
      t.thruplays = Math.max(t.p100, r.binomial(t.videoPlays, tr.thruRate));
    }
    const key = `${ad.id}:${slotStart}`;
    let bucket = this.pending.get(key);
    if (!bucket) {
      const visibleAt = slotStart + SLOT_MS + Math.round(r.uniform(5, 15) * MINUTE_MS);
      bucket = { adId: ad.id, day, visibleAt, totals: emptyTotals() };
      this.pending.set(key, bucket);
    }
    addTotals(bucket.totals, t);
    const event = promotedEvent(this.store, ad);
    if (event) {
      const adset = this.store.get('adset', ad.adset_id);
      this.conversions.push(...sampleConversions(this.opts, r, { ad, adset, event, day, at: b, impressions: n, linkClicks: link, ctr }));
      return;
    }
    const leads = r.binomial(lpv, tr.leadRate);
    for (let i = 0; i < leads; i++) {
      const lag = HOUR_MS + r.next() ** 2 * 71 * HOUR_MS;
      this.conversions.push({ adId: ad.id, day, visibleAt: b + lag, count: 1 });
    }
  }

  private dayTotals(adId: string, day: string): DayTotals {
    let perAd = this.days.get(adId);
    if (!perAd) this.days.set(adId, (perAd = new Map()));
    let totals = perAd.get(day);
    if (!totals) perAd.set(day, (totals = emptyTotals()));
    return totals;
  }

  private flush(now: number): void {
    for (const [key, bucket] of this.pending) {
      if (bucket.visibleAt > now) continue;
      addTotals(this.dayTotals(bucket.adId, bucket.day), bucket.totals);
      this.pending.delete(key);
    }
    const due = this.conversions.filter((c) => c.visibleAt <= now);
    if (due.length === 0) return;
    this.conversions = this.conversions.filter((c) => c.visibleAt > now);
    for (const c of due) creditConversion(this.dayTotals(c.adId, c.day), c);
  }
}
