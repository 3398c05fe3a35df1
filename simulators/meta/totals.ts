// Additive delivery counters for one ad over some period; insights derive every ratio from these.

export interface DayTotals {
  impressions: number;
  /** Dollars (account currency), unrounded. */
  spend: number;
  clicks: number;
  linkClicks: number;
  outbound: number;
  lpv: number;
  /** Leads counted under the ad set's attribution setting (what `value` reports). */
  leads: number;
  /** Purchases counted under the ad set's attribution setting, and their value in dollars. */
  purchases: number;
  purchaseValue: number;
  videoPlays: number;
  thruplays: number;
  p25: number;
  p50: number;
  p75: number;
  p95: number;
  p100: number;
  /**
   * Results per attribution window, for `action_attribution_windows`: `lead:7d_click`,
   * `purchase:1d_view`, `purchase_value:7d_click` (dollars), ... (absent key = 0).
   */
  conv: Record<string, number>;
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
    purchases: 0,
    purchaseValue: 0,
    videoPlays: 0,
    thruplays: 0,
    p25: 0,
    p50: 0,
    p75: 0,
    p95: 0,
    p100: 0,
    conv: {},
  };
}

type Counter = Exclude<keyof DayTotals, 'conv'>;

/** Adds `add` into `into`; totals restored from an older state file may lack the newer counters. */
export function addTotals(into: DayTotals, add: Partial<DayTotals>): DayTotals {
  for (const k of Object.keys(emptyTotals()) as Array<keyof DayTotals>) {
    if (k === 'conv') continue;
    into[k as Counter] = (into[k as Counter] ?? 0) + ((add[k as Counter] as number | undefined) ?? 0);
  }
  into.conv ??= {};
  for (const [k, v] of Object.entries(add.conv ?? {})) into.conv[k] = (into.conv[k] ?? 0) + v;
  return into;
}
