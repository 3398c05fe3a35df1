/**
 * The results model: what leads and sales accounts optimise. A hook's results per dollar is
 *
 *   CTR × conversion rate (results per link click) × impressions per dollar [× value per result]
 *
 * CTR comes from the click model (model.ts, with its change detection and fatigue). The
 * conversion rate gets its own pooled empirical-Bayes prior: conversions are far sparser than
 * clicks (2–20 % of clicks against about 1 % of impressions), so a hook's rate leans on the
 * account's, and on its angle's where the angles are seen to differ (a random-effects split, so
 * an angle effect is used only as far as the evidence shows one). Visual styles get pooled
 * conversion posteriors of their own for the style draw.
 *
 * Late attribution: a result is credited to the day of its click and keeps arriving for the
 * attribution window, and Meta restates those days. A click whose result could still arrive is
 * not a failure: each day's clicks count by the share of their results expected to have arrived
 * by now (`conversionArrivedShare`), the generalisation of the click-reporting delay.
 *
 * Conversion evidence is neither discounted nor change-detected: the detector's hazard and the
 * fatigue model are about CTRs (creatives wear out, audiences move), and a conversion rate on
 * another scale would meet the prior-scale problems those fixes were made for (prior.ts,
 * change-point.ts) without evidence enough to detect anything.
 */
import { betaMeanPlusSd, chiSquareSurvival } from './beta-math';
import { fitPrior, adaptiveFallback, rescaleStrength } from './prior';
import type { PolicyParams } from './params';
import type { Rng } from './random';
import type { AttributionWindows, BetaPosterior, CreativeEvidence, Objective } from './types';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** The factors of a hook's or creative's results per dollar beyond its CTR. */
export interface ResultFactors {
  /** Results per link click. */
  conversion: BetaPosterior;
  /** Impressions bought per dollar (shrunk towards the account's). */
  impressionsPerDollar: number;
  /** Purchase value per result in cents, when the account reports values (sales); else null. */
  valuePerResultCents: number | null;
  /** Link clicks whose results have had time to arrive (weighted by the arrival share). */
  judgedClicks: number;
  /** Results reported so far. */
  conversions: number;
}

/** The results side of one cycle's model. */
export interface ResultsModel {
  objective: Exclude<Objective, 'traffic'>;
  /** Account-wide prior of the conversion rate (before angle effects). */
  conversionPrior: { alpha: number; beta: number };
  /** Between-angle share of the spread of hooks' conversion rates (0 = angles do not matter). */
  angleShare: number;
  hooks: Map<string, ResultFactors>;
  creatives: Map<string, ResultFactors>;
  /** Conversion posterior per visual style (pooled across hooks). */
  styles: Map<string, BetaPosterior>;
  /** True when values drive the decisions (ROAS instead of results per dollar). */
  byValue: boolean;
}

/** Share of a click's results expected to have arrived `ageHours` after it (truncated exponential delay over the click window). */
export function conversionArrivedShare(ageHours: number, windowHours: number, meanDelayHours: number): number {
  if (ageHours <= 0) return 0;
  if (ageHours >= windowHours) return 1;
  return (1 - Math.exp(-ageHours / meanDelayHours)) / (1 - Math.exp(-windowHours / meanDelayHours));
}

/** Link clicks of one creative whose results have had time to arrive, weighted by the arrival share. */
export function judgedClicks(ev: CreativeEvidence, nowMs: number, params: PolicyParams, attribution: AttributionWindows): number {
  const windowHours = attribution.clickDays * 24;
  const share = (midMs: number) => conversionArrivedShare((nowMs - midMs) / HOUR_MS, windowHours, params.conversionDelayMeanHours);
  if (ev.daily && ev.daily.length > 0) {
    let judged = 0;
    for (const day of ev.daily) {
      const startMs = day.startMs ?? Date.parse(`${day.date}T00:00:00Z`);
      const from = Math.max(startMs, ev.launchedAtMs);
      const to = Math.max(Math.min(startMs + DAY_MS, nowMs), from);
      judged += day.linkClicks * share((from + to) / 2);
    }
    return Math.max(judged, ev.conversions);
  }
  // No daily rows: clicks spread evenly since launch, judged at their average age.
  return Math.max(ev.linkClicks * share((ev.launchedAtMs + nowMs) / 2), ev.conversions);
}

interface Counts {
  clicks: number;
  trials: number;
}

/** Builds the results model from the evidence (hooks by id with their angle, styles by creative). */
export function buildResultsModel(input: {
  objective: Exclude<Objective, 'traffic'>;
  attribution: AttributionWindows;
  hooks: Array<{ id: string; angle: string }>;
  evidence: CreativeEvidence[];
  styleOf: (ev: CreativeEvidence) => string;
  styles: string[];
  nowMs: number;
  params: PolicyParams;
}): ResultsModel {
  const { params, nowMs } = input;
  const angleOf = new Map(input.hooks.map((h) => [h.id, h.angle]));
  const perHook = new Map<string, Counts & { spendCents: number; impressions: number; valueCents: number }>();
  const perStyle = new Map<string, Counts>();
  let accountImpressions = 0;
  let accountSpendCents = 0;
  let accountValueCents = 0;
  let accountConversions = 0;
  let anyValue = false;
  for (const ev of input.evidence) {
    const judged = judgedClicks(ev, nowMs, params, input.attribution);
    const t = perHook.get(ev.hookId) ?? { clicks: 0, trials: 0, spendCents: 0, impressions: 0, valueCents: 0 };
    t.clicks += ev.conversions;
    t.trials += judged;
    t.spendCents += ev.spendCents;
    t.impressions += ev.impressions;
    t.valueCents += ev.conversionValueCents ?? 0;
    perHook.set(ev.hookId, t);
    const style = input.styleOf(ev);
    const s = perStyle.get(style) ?? { clicks: 0, trials: 0 };
    s.clicks += ev.conversions;
    s.trials += judged;
    perStyle.set(style, s);
    accountImpressions += ev.impressions;
    accountSpendCents += ev.spendCents;
    accountValueCents += ev.conversionValueCents ?? 0;
    accountConversions += ev.conversions;
    if ((ev.conversionValueCents ?? 0) > 0) anyValue = true;
  }

  const bounds = { ...params, fallbackPrior: params.conversionFallbackPrior };
  const hookCounts = [...perHook.values()];
  const conversionPrior = fitPrior(hookCounts, bounds) ?? adaptiveFallback(hookCounts, params.conversionFallbackPrior, params.priorPseudoHooks);

  // Impressions per dollar: the account's, and each hook's shrunk towards it by a day's spend.
  const accountIpd = accountSpendCents > 0 ? (100 * accountImpressions) / accountSpendCents : DEFAULT_IMPRESSIONS_PER_DOLLAR;
  const ipd = (impressions: number, spendCents: number) => (impressions + params.cpmPseudoDollars * accountIpd) / (spendCents / 100 + params.cpmPseudoDollars);
  const byValue = input.objective === 'sales' && anyValue;
  const accountValuePerResult = accountConversions > 0 ? accountValueCents / accountConversions : 0;
  const vpr = (valueCents: number, conversions: number) =>
    byValue ? (valueCents + params.valuePseudoResults * accountValuePerResult) / (conversions + params.valuePseudoResults) : null;

  const { share: angleShare, priorOf } = anglePriors(input.hooks, perHook, angleOf, conversionPrior, params.angleEvidenceLevel);
  const hooks = new Map<string, ResultFactors>();
  for (const h of input.hooks) {
    const t = perHook.get(h.id) ?? { clicks: 0, trials: 0, spendCents: 0, impressions: 0, valueCents: 0 };
    const p = priorOf(h.id);
    hooks.set(h.id, {
      conversion: beta(p.alpha + t.clicks, p.beta + Math.max(t.trials - t.clicks, 0)),
      impressionsPerDollar: ipd(t.impressions, t.spendCents),
      valuePerResultCents: vpr(t.valueCents, t.clicks),
      judgedClicks: t.trials,
      conversions: t.clicks,
    });
  }
  // A creative converts like its hook (the offer and the landing page are the hook's); it is
  // judged on its own CTR and its own price.
  const creatives = new Map<string, ResultFactors>();
  for (const ev of input.evidence) {
    const hook = hooks.get(ev.hookId);
    const own = judgedClicks(ev, nowMs, params, input.attribution);
    const conversion = hook?.conversion ?? beta(conversionPrior.alpha + ev.conversions, conversionPrior.beta + Math.max(own - ev.conversions, 0));
    creatives.set(ev.creativeId, {
      conversion,
      impressionsPerDollar: ipd(ev.impressions, ev.spendCents),
      valuePerResultCents: hook?.valuePerResultCents ?? vpr(ev.conversionValueCents ?? 0, ev.conversions),
      judgedClicks: own,
      conversions: ev.conversions,
    });
  }
  const styles = new Map<string, BetaPosterior>();
  for (const style of new Set([...input.styles, ...perStyle.keys()])) {
    const s = perStyle.get(style) ?? { clicks: 0, trials: 0 };
    styles.set(style, beta(conversionPrior.alpha + s.clicks, conversionPrior.beta + Math.max(s.trials - s.clicks, 0)));
  }
  return { objective: input.objective, conversionPrior, angleShare, hooks, creatives, styles, byValue };
}

/** Before any spend: $10 CPM, a typical Meta price (only ratios between hooks matter then). */
const DEFAULT_IMPRESSIONS_PER_DOLLAR = 100;

/**
 * Each hook's conversion prior: the account's, moved towards what the other hooks of its angle
 * convert at by as much as the angles are seen to differ. Random effects: the spread of hooks'
 * rates (the account prior's variance) splits into a between-angle part, estimated from the
 * angles' pooled rates (DerSimonian–Laird, minus what hook spread and noise alone would give),
 * and the rest. With no angle effect in the data, or no other hook of the angle with evidence,
 * a hook gets the account prior.
 */
function anglePriors(
  hooks: Array<{ id: string; angle: string }>,
  perHook: Map<string, Counts>,
  angleOf: Map<string, string>,
  prior: { alpha: number; beta: number },
  evidenceLevel: number | null,
): { share: number; priorOf: (hookId: string) => { alpha: number; beta: number } } {
  const strength = prior.alpha + prior.beta;
  const mu = prior.alpha / strength;
  const noise = mu * (1 - mu);
  const tauHook = noise / (strength + 1);
  const byAngle = new Map<string, { clicks: number; trials: number; hooks: number }>();
  for (const [hookId, c] of perHook) {
    if (c.trials <= 0) continue;
    const angle = angleOf.get(hookId) ?? 'unknown';
    const g = byAngle.get(angle) ?? { clicks: 0, trials: 0, hooks: 0 };
    g.clicks += c.clicks;
    g.trials += c.trials;
    g.hooks += 1;
    byAngle.set(angle, g);
  }
  const groups = [...byAngle.values()];
  let tauAngle = 0;
  if (groups.length >= 3) {
    // Variance of an angle's pooled rate around the account mean without an angle effect.
    const v = (g: (typeof groups)[number]) => noise / g.trials + tauHook / g.hooks;
    let sw = 0;
    let sw2 = 0;
    let wMean = 0;
    for (const g of groups) {
      const w = 1 / v(g);
      sw += w;
      sw2 += w * w;
      wMean += w * (g.clicks / g.trials);
    }
    wMean /= sw;
    let q = 0;
    for (const g of groups) q += (g.clicks / g.trials - wMean) ** 2 / v(g);
    // The truncated estimate is positive whenever Q exceeds its degrees of freedom, which chance
    // alone does in about two instances in five; with few angles and sparse conversions that
    // chance effect then moves every hook of the angle. So it is used only once Q is unlikely
    // under no angle effect.
    const significant = evidenceLevel === null || chiSquareSurvival(q, groups.length - 1) < evidenceLevel;
    if (significant) tauAngle = Math.min(Math.max(0, (q - (groups.length - 1)) / (sw - sw2 / sw)), tauHook);
  }
  const share = tauHook > 0 ? tauAngle / tauHook : 0;
  const priorOf = (hookId: string) => {
    if (tauAngle <= 0) return prior;
    const angle = angleOf.get(hookId) ?? 'unknown';
    const g = byAngle.get(angle);
    const own = perHook.get(hookId);
    const clicks = (g?.clicks ?? 0) - (own && own.trials > 0 ? own.clicks : 0);
    const trials = (g?.trials ?? 0) - (own && own.trials > 0 ? own.trials : 0);
    const others = (g?.hooks ?? 0) - (own && own.trials > 0 ? 1 : 0);
    if (others <= 0 || trials <= 0) return prior;
    const vOthers = (tauHook - tauAngle) / others + noise / trials;
    const b = tauAngle / (tauAngle + vOthers);
    const mean = Math.min(Math.max(mu + b * (clicks / trials - mu), 1e-6), 1 - 1e-6);
    const variance = Math.max(tauHook - b * tauAngle, 1e-12);
    const s = Math.max((mean * (1 - mean)) / variance - 1, rescaleStrength(strength, mu, mean) * 0.5);
    return { alpha: mean * s, beta: (1 - mean) * s };
  };
  return { share, priorOf };
}

function beta(alpha: number, b: number): BetaPosterior {
  return { alpha, beta: b, mean: alpha / (alpha + b) };
}

/** Expected value per dollar of an arm: results (or purchase value, in dollars) per dollar. */
export function valueMean(ctrMean: number, f: ResultFactors): number {
  return ctrMean * f.conversion.mean * f.impressionsPerDollar * valueScale(f);
}

/** One tempered draw of an arm's value per dollar, given its CTR draw. */
export function drawValue(ctrDraw: number, f: ResultFactors, rng: Rng, temper: number, extra?: { alpha: number; beta: number }): number {
  const p = f.conversion;
  const a = p.alpha + (extra?.alpha ?? 0);
  const b = p.beta + (extra?.beta ?? 0);
  const cvr = p.mean + temper * (rng.beta(a, b) - p.mean);
  return ctrDraw * Math.max(cvr, 0) * f.impressionsPerDollar * valueScale(f);
}

/** A hook's optimistic value per dollar: its CTR and conversion rate each at posterior mean + 1 sd. */
export function optimisticValue(
  ctr: { alpha: number; beta: number },
  f: ResultFactors,
  extra: { impressions: number; clicks: number } = { impressions: 0, clicks: 0 },
): number {
  const m = ctr.alpha / (ctr.alpha + ctr.beta);
  const mc = f.conversion.mean;
  return (
    betaMeanPlusSd(ctr.alpha + m * extra.impressions, ctr.beta + (1 - m) * extra.impressions) *
    betaMeanPlusSd(f.conversion.alpha + mc * extra.clicks, f.conversion.beta + (1 - mc) * extra.clicks) *
    f.impressionsPerDollar *
    valueScale(f)
  );
}

/** Value per result in dollars when values drive decisions, else 1 (a result is a result). */
function valueScale(f: ResultFactors): number {
  return f.valuePerResultCents === null ? 1 : f.valuePerResultCents / 100;
}

/** Expected results per dollar (whatever their value). */
export function resultsPerDollar(ctrMean: number, f: ResultFactors): number {
  return ctrMean * f.conversion.mean * f.impressionsPerDollar;
}

/** Cost per result in cents at an expected number of results per dollar, null when none is expected. */
export function costPerResultCents(perDollar: number): number | null {
  return perDollar > 0 ? 100 / perDollar : null;
}
