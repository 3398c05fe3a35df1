// Effective status and review. Precedence follows the reference's model (13.3):
// DELETED > ARCHIVED > DISAPPROVED > PENDING_REVIEW > PAUSED > CAMPAIGN_PAUSED > ADSET_PAUSED > ACTIVE,
// with deleted/archived parents cascading into their children. Everything takes `now` so the
// delivery engine can ask "was this ad delivering at instant t" while replaying a time span.
import type { Ad, AdSet, Campaign, SimObject, Store } from './store';

export function campaignStatus(c: Campaign): string {
  return c.status;
}

export function adsetStatus(store: Store, s: AdSet): string {
  const c = store.get('campaign', s.campaign_id);
  if (s.status === 'DELETED' || c?.status === 'DELETED') return 'DELETED';
  if (s.status === 'ARCHIVED' || c?.status === 'ARCHIVED') return 'ARCHIVED';
  if (s.status === 'PAUSED') return 'PAUSED';
  if (c?.status === 'PAUSED') return 'CAMPAIGN_PAUSED';
  return 'ACTIVE';
}

export type ReviewState = 'PENDING_REVIEW' | 'APPROVED' | 'DISAPPROVED';

export function reviewState(ad: Ad, now: number): ReviewState {
  if (now < ad.review.until) return 'PENDING_REVIEW';
  return ad.review.outcome === 'approved' ? 'APPROVED' : 'DISAPPROVED';
}

export function adStatus(store: Store, ad: Ad, now: number): string {
  const s = store.get('adset', ad.adset_id);
  const c = store.get('campaign', ad.campaign_id);
  if ([ad.status, s?.status, c?.status].includes('DELETED')) return 'DELETED';
  if ([ad.status, s?.status, c?.status].includes('ARCHIVED')) return 'ARCHIVED';
  const review = reviewState(ad, now);
  if (review === 'DISAPPROVED') return 'DISAPPROVED';
  if (review === 'PENDING_REVIEW') return 'PENDING_REVIEW';
  if (ad.status === 'PAUSED') return 'PAUSED';
  if (c?.status === 'PAUSED') return 'CAMPAIGN_PAUSED';
  if (s?.status === 'PAUSED') return 'ADSET_PAUSED';
  return 'ACTIVE';
}

/** effective_status for any object kind that has one. */
export function effectiveStatus(store: Store, obj: SimObject, now: number): string | undefined {
  switch (obj.kind) {
    case 'campaign':
      return campaignStatus(obj);
    case 'adset':
      return adsetStatus(store, obj);
    case 'ad':
      return adStatus(store, obj, now);
    case 'adcreative':
      return obj.status;
    case 'adimage':
      return obj.status;
    case 'advideo':
      return obj.deleted ? 'DELETED' : 'ACTIVE';
    default:
      return undefined;
  }
}

/** Ad is effectively ACTIVE and inside both its ad set's and campaign's schedule. */
export function isDelivering(store: Store, ad: Ad, now: number): boolean {
  if (adStatus(store, ad, now) !== 'ACTIVE') return false;
  const s = store.get('adset', ad.adset_id);
  const c = store.get('campaign', ad.campaign_id);
  if (!s || !c) return false;
  const within = (start?: number, end?: number) => (start === undefined || now >= start) && (end === undefined || end === 0 || now < end);
  return within(s.start_time, s.end_time) && within(c.start_time, c.stop_time);
}

/** Name tokens let tests force a review outcome: "review=disapprove" / "review=approve". */
export function forcedReviewOutcome(name: string): 'approved' | 'disapproved' | undefined {
  const m = /review=(approve|disapprove)\b/.exec(name);
  if (!m) return undefined;
  return m[1] === 'approve' ? 'approved' : 'disapproved';
}

export const DISAPPROVAL_FEEDBACK = {
  global: {
    'Unacceptable Business Practices': "Ads can't promote products, services, schemes or offers using deceptive or misleading practices.",
  },
};

export function disapprovalIssues(ad: Ad): unknown[] {
  return [
    {
      level: 'AD',
      error_code: 1815869,
      error_summary: 'Ad rejected',
      error_message: "Your ad wasn't approved because it doesn't follow our Advertising Policies.",
      error_type: 'HARD_ERROR',
      mid: `sim-${ad.id}`,
    },
  ];
}
