// Additive delivery counters for one ad over some period; insights derive every ratio from these.

export interface DayTotals {
  impressions: number;
  /** Dollars (account currency), unrounded. */
  spend: number;
  clicks: number;
  linkClicks: number;
  outbound: number;
  lpv: number;
  leads: number;
  videoPlays: number;
  thruplays: number;
  p25: number;
  p50: number;
  p75: number;
  p95: number;
  p100: number;
}

export function emptyTotals(): DayTotals {
  return {
    impressions: 0,
    spend: 0,
    clicks: 0,
    linkClicks: 0,
    outbound: 0,
    lpv: 0,
    leads: 0,
    videoPlays: 0,
    thruplays: 0,
    p25: 0,
    p50: 0,
    p75: 0,
    p95: 0,
    p100: 0,
  };
}

export function addTotals(into: DayTotals, add: DayTotals): DayTotals {
  for (const k of Object.keys(into) as Array<keyof DayTotals>) into[k] += add[k];
  return into;
}
