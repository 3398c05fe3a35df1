/**
 * The posterior model one cycle works from: per-hook posteriors (evidence pooled over the hook's
 * creatives), per-creative posteriors, per-style posteriors, the shared prior and the leader.
 * Scoring, choice and actions all read this, so they never disagree about a number.
 */
import type { Hook } from './hook-library';
import { hookStyles } from './hook-library';
import type { PolicyParams } from './params';
import { resolvePrior } from './prior';
import { ageHours, matureImpressions, weightedCounts, weightedDays } from './evidence';
import { changeAwareCounts, changeAwareCountsInMarket, marketRegimeStarts, type DayCounts } from './change-point';
import { estimateFatigue, type FatigueEstimate } from './fatigue';
import { buildResultsModel, valueMean, type ResultFactors, type ResultsModel } from './results';
import { DEFAULT_ATTRIBUTION, type AttributionWindows, type BetaPosterior, type CreativeEvidence, type Objective } from './types';

/** Posterior state of one hook. */
export interface HookState {
  hook: Hook;
  /** Weighted successes/trials (what the posterior uses). */
  clicks: number;
  trials: number;
  posterior: BetaPosterior;
  /** Unweighted judged impressions, compared with the floor. */
  judgedImpressions: number;
  judged: boolean;
  creatives: number;
  liveCreatives: number;
  /** With change detection: probability that the hook's current CTR regime began after its first day of evidence. */
  changeProbability: number;
  /** With change detection: most probable start of the current regime, if later than the first day. */
  regimeStartMs: number | null;
  /** Results objectives: the conversion rate, price and value behind results per dollar. */
  results?: ResultFactors;
  /** What the policy maximises: CTR (traffic), else expected results (or value) per dollar. */
  value: number;
}

/** Posterior state of one creative (its own evidence only). */
export interface CreativeState {
  evidence: CreativeEvidence;
  style: string;
  /** CTR posterior of this creative when fresh (equal to "now" unless fatigue is learned). */
  posterior: BetaPosterior;
  /** Multiplier from fresh to current CTR, e^(−λ·age); 1 without learned fatigue. */
  fatigueFactor: number;
  judgedImpressions: number;
  ageHours: number;
  /** Results objectives: the creative's conversion rate (its hook's), price and value. */
  results?: ResultFactors;
  /** Current value (CTR now, or results per dollar now), what pauses compare. */
  value: number;
}

/** Posterior of the creatives sharing a visual style. */
export interface StyleState {
  clicks: number;
  trials: number;
  posterior: BetaPosterior;
}

/** Everything a cycle derives from the evidence. */
export interface LearningModel {
  params: PolicyParams;
  objective: Objective;
  /** The results side (conversion rates, prices, values); null for traffic accounts. */
  results: ResultsModel | null;
  prior: { alpha: number; beta: number };
  hooks: HookState[];
  hookById: Map<string, HookState>;
  creatives: CreativeState[];
  styles: Map<string, StyleState>;
  /** Judged hook with the highest value (CTR or results per dollar), or null while no hook has reached the floor. */
  leader: HookState | null;
  /** Learned wear-out rate, null unless params.learnFatigue. */
  fatigue: FatigueEstimate | null;
}

/** Builds the model. Evidence for hooks no longer in the library still informs the prior. */
export function buildModel(input: {
  hooks: Hook[];
  evidence: CreativeEvidence[];
  nowMs: number;
  params: PolicyParams;
  objective?: Objective;
  attribution?: AttributionWindows;
}): LearningModel {
  const { hooks, evidence, nowMs, params } = input;
  const objective = input.objective ?? 'traffic';
  const fatigue = params.learnFatigue ? estimateFatigue(evidence, nowMs, params) : null;
  const rate = fatigue?.ratePerDay ?? 0;
  const hookById = new Map(hooks.map((h) => [h.id, h]));
  const totals = new Map<string, { clicks: number; trials: number; judged: number; creatives: number; live: number }>();
  const styleTotals = new Map<string, { clicks: number; trials: number }>();
  const creativeCounts: Array<{ ev: CreativeEvidence; style: string; clicks: number; trials: number; judged: number }> = [];
  const hookDays = new Map<string, DayCounts[]>();

  for (const ev of evidence) {
    const hookCounts = weightedCounts(ev, nowMs, params, 'hook', rate);
    const judged = ev.linkClicks === 0 ? ev.impressions : matureImpressions(ev, nowMs, params);
    const t = totals.get(ev.hookId) ?? { clicks: 0, trials: 0, judged: 0, creatives: 0, live: 0 };
    t.clicks += hookCounts.clicks;
    t.trials += hookCounts.trials;
    t.judged += judged;
    t.creatives += 1;
    if (ev.status !== 'paused') t.live += 1;
    totals.set(ev.hookId, t);
    if (params.changeHazardPerDay !== null) {
      const days = hookDays.get(ev.hookId) ?? [];
      days.push(...weightedDays(ev, nowMs, params, 'hook', rate));
      hookDays.set(ev.hookId, days);
    }

    const style = ev.style ?? hookById.get(ev.hookId)?.visualStyle ?? 'unknown';
    const s = styleTotals.get(style) ?? { clicks: 0, trials: 0 };
    s.clicks += hookCounts.clicks;
    s.trials += hookCounts.trials;
    styleTotals.set(style, s);

    if (ev.status !== 'paused') {
      const own = weightedCounts(ev, nowMs, params, 'creative', rate);
      creativeCounts.push({ ev, style, clicks: own.clicks, trials: own.trials, judged });
    }
  }

  const prior = resolvePrior(params, [...totals.values()]);
  const post = (clicks: number, trials: number): BetaPosterior => {
    const alpha = prior.alpha + clicks;
    const beta = prior.beta + Math.max(trials - clicks, 0);
    return { alpha, beta, mean: alpha / (alpha + beta) };
  };

  const market =
    params.changeHazardPerDay !== null && params.marketHazardPerDay !== null
      ? marketRegimeStarts([...hookDays.values()], prior, params.marketHazardPerDay)
      : null;
  const hookStates: HookState[] = hooks.map((hook) => {
    const t = totals.get(hook.id) ?? { clicks: 0, trials: 0, judged: 0, creatives: 0, live: 0 };
    // The prior is fitted on full totals; the hook's own posterior only counts its current regime.
    const days = hookDays.get(hook.id);
    const regime =
      params.changeHazardPerDay !== null && days
        ? market
          ? changeAwareCountsInMarket(days, market, prior, params.changeHazardPerDay)
          : changeAwareCounts(days, prior, params.changeHazardPerDay)
        : { clicks: t.clicks, trials: t.trials, changeProbability: 0, regimeStartMs: null };
    return {
      hook,
      clicks: regime.clicks,
      trials: regime.trials,
      posterior: post(regime.clicks, regime.trials),
      changeProbability: regime.changeProbability,
      regimeStartMs: regime.regimeStartMs,
      judgedImpressions: t.judged,
      judged: t.judged >= params.impressionFloor,
      creatives: t.creatives,
      liveCreatives: t.live,
      value: 0,
    };
  });

  const styleOf = (ev: CreativeEvidence) => ev.style ?? hookById.get(ev.hookId)?.visualStyle ?? 'unknown';
  const results =
    objective === 'traffic'
      ? null
      : buildResultsModel({
          objective,
          attribution: input.attribution ?? DEFAULT_ATTRIBUTION,
          hooks: hooks.map((h) => ({ id: h.id, angle: h.angle })),
          evidence,
          styleOf,
          styles: hooks.flatMap((h) => hookStyles(h)),
          nowMs,
          params,
        });
  for (const h of hookStates) {
    h.results = results?.hooks.get(h.hook.id);
    h.value = h.results ? valueMean(h.posterior.mean, h.results) : h.posterior.mean;
  }

  let leader: HookState | null = null;
  for (const h of hookStates) {
    if (h.judged && (leader === null || h.value > leader.value)) leader = h;
  }

  const styles = new Map<string, StyleState>();
  for (const hook of hooks) for (const style of hookStyles(hook)) if (!styleTotals.has(style)) styleTotals.set(style, { clicks: 0, trials: 0 });
  for (const [style, s] of styleTotals) styles.set(style, { ...s, posterior: post(s.clicks, s.trials) });

  return {
    params,
    objective,
    results,
    prior,
    hooks: hookStates,
    hookById: new Map(hookStates.map((h) => [h.hook.id, h])),
    creatives: creativeCounts.map((c) => {
      const posterior = post(c.clicks, c.trials);
      const fatigueFactor = Math.exp((-rate * ageHours(c.ev, nowMs)) / 24);
      const factors = results?.creatives.get(c.ev.creativeId);
      return {
        evidence: c.ev,
        style: c.style,
        posterior,
        fatigueFactor,
        judgedImpressions: c.judged,
        ageHours: ageHours(c.ev, nowMs),
        results: factors,
        value: factors ? valueMean(posterior.mean * fatigueFactor, factors) : posterior.mean * fatigueFactor,
      };
    }),
    styles,
    leader,
    fatigue,
  };
}
