/**
 * Builders for learning-core tests: hooks, creative evidence and caps with sensible defaults,
 * so each test states only what it is about.
 */
import type { Hook } from '../../learning/hook-library';
import type { CreativeEvidence, SpendCaps } from '../../learning/types';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
/** A fixed "now" for every test (pure code: time is always passed in). */
export const NOW = Date.UTC(2026, 2, 10, 12, 0, 0);
export const DAY_START = Date.UTC(2026, 2, 10);

export function hook(id: string, overrides: Partial<Hook> = {}): Hook {
  return {
    id,
    angle: 'pain-point',
    headline: `Headline ${id}`,
    primaryText: `Primary text for ${id}.`,
    overlayText: `Overlay ${id}`,
    visualStyle: 'bold-gradient',
    gradientScheme: { from: '#000000', to: '#ffffff', angle: 90 },
    formats: ['image'],
    ...overrides,
  };
}

/** n hooks named h0..h(n-1). */
export function hooks(n: number): Hook[] {
  return Array.from({ length: n }, (_, i) => hook(`h${i}`));
}

/** A live creative launched `ageHours` ago whose impressions are all mature. */
export function creative(
  creativeId: string,
  hookId: string,
  impressions: number,
  linkClicks: number,
  overrides: Partial<CreativeEvidence> & { ageHours?: number } = {},
): CreativeEvidence {
  const { ageHours = 72, ...rest } = overrides;
  return {
    creativeId,
    hookId,
    launchedAtMs: NOW - ageHours * HOUR,
    impressions,
    linkClicks,
    conversions: 0,
    spendCents: impressions, // $10 CPM
    matureImpressions: impressions,
    spendTodayCents: 0,
    status: 'live',
    ...rest,
  };
}

export function caps(overrides: Partial<SpendCaps> = {}): SpendCaps {
  return {
    maxLiveAds: 6,
    // Six $5 ad sets on their worst day (Meta may overspend 25 %) plus $1 of generation.
    dailySpendCapCents: 3850,
    adSetDailyBudgetCents: 500,
    maxAdSetDailyBudgetCents: 1500,
    generationCostTodayCents: 0,
    generationCostPerLaunchCents: 2,
    ...overrides,
  };
}
