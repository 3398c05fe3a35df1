/**
 * Reporting scores for hooks, creatives, angles and styles: the same posteriors the decisions
 * use, plus the expensive extras (5 %/95 % bounds, P(best), cost metrics) that only the
 * per-cycle findings need.
 */
import { betaQuantile, probabilityOfBest } from './beta-math';
import { matureClicks } from './evidence';
import type { Hook } from './hook-library';
import { buildModel, type LearningModel } from './model';
import { DEFAULT_POLICY, resolveParams, type PolicyParams } from './params';
import { createRng } from './random';
import { costPerResultCents, drawValue, resultsPerDollar, type ResultFactors } from './results';
import type { ArmScore, BetaPosterior, CreativeEvidence, CreativeScore, GroupScore, HookScore, PolicyName, AttributionWindows, Objective } from './types';

/** Input of scoreHooks. */
export interface ScoreHooksInput {
  hooks: Hook[];
  evidence: CreativeEvidence[];
  nowMs: number;
  /** Whose posteriors to report (defaults to DEFAULT_POLICY, i.e. what the agent decides on). */
  policy?: PolicyName;
  params?: Partial<PolicyParams>;
  /** What the account optimises (default 'traffic'); results objectives add cost per result and ROAS. */
  objective?: Objective;
  attribution?: AttributionWindows;
}

/** Everything the cycle's findings need. */
export interface ScoreHooksResult {
  /** What the scores rank on: CTR (traffic) or results (or value) per dollar. */
  objective: Objective;
  prior: { alpha: number; beta: number };
  /** Results objectives: the pooled conversion-rate prior and the between-angle share of its spread. */
  conversionPrior?: { alpha: number; beta: number; angleShare: number };
  /** Library hooks, best posterior mean first. */
  hooks: HookScore[];
  /** Live and pending creatives, best posterior mean first. */
  creatives: CreativeScore[];
  angles: GroupScore[];
  styles: GroupScore[];
  /** Judged hook with the highest P(best), or null before any hook reaches the floor. */
  bestHookId: string | null;
  impressionFloor: number;
}

interface RawTotals {
  impressions: number;
  linkClicks: number;
  conversions: number;
  spendCents: number;
  matureClicks: number;
}

/** Scores hooks and creatives (Beta posteriors on CTR and conversion rate, bounds, costs, P(best)). */
export function scoreHooks(input: ScoreHooksInput): ScoreHooksResult {
  const params = resolveParams(input.policy ?? DEFAULT_POLICY, input.params);
  // The input carries the model's fields (hooks, evidence, nowMs, objective, attribution); params resolved.
  const model = buildModel({ ...input, params });
  const raw = new Map<string, RawTotals>();
  for (const ev of input.evidence) {
    const t = raw.get(ev.hookId) ?? emptyTotals();
    addTotals(t, ev, input.nowMs, params);
    raw.set(ev.hookId, t);
  }

  const hooks: HookScore[] = model.hooks.map((h) => ({
    hookId: h.hook.id,
    angle: h.hook.angle,
    visualStyle: h.hook.visualStyle,
    creatives: h.creatives,
    liveCreatives: h.liveCreatives,
    changeProbability: h.changeProbability,
    regimeStartMs: h.regimeStartMs,
    ...armScore(h.posterior, raw.get(h.hook.id) ?? emptyTotals(), h.judgedImpressions, h.judged),
    ...resultScore(h.posterior.mean, h.results),
  }));
  assignPBest(hooks, model.hooks, input.nowMs);

  const creatives: CreativeScore[] = model.creatives.map((c) => {
    const t = emptyTotals();
    addTotals(t, c.evidence, input.nowMs, params);
    return {
      creativeId: c.evidence.creativeId,
      hookId: c.evidence.hookId,
      style: c.style,
      status: c.evidence.status,
      ageHours: c.ageHours,
      fatigueFactor: c.fatigueFactor,
      ...armScore(c.posterior, t, c.judgedImpressions, c.judgedImpressions >= model.params.impressionFloor),
      ...resultScore(c.posterior.mean * c.fatigueFactor, c.results),
    };
  });
  assignPBest(creatives, model.creatives, input.nowMs);

  // Value per dollar (ROAS) where purchase values drive decisions, else results per dollar, else CTR.
  const rank = (a: ArmScore) => a.roas ?? a.resultsPerDollar ?? a.mean;
  hooks.sort((a, b) => rank(b) - rank(a));
  creatives.sort((a, b) => rank(b) - rank(a));
  let bestHookId: string | null = null;
  let bestP = -1;
  for (const h of hooks) {
    if (h.judged && h.pBest > bestP) {
      bestP = h.pBest;
      bestHookId = h.hookId;
    }
  }

  return {
    objective: model.objective,
    prior: model.prior,
    ...(model.results ? { conversionPrior: { ...model.results.conversionPrior, angleShare: model.results.angleShare } } : {}),
    hooks,
    creatives,
    angles: groupScores(model, (h) => [h.angle]),
    styles: groupScores(model, null),
    bestHookId,
    impressionFloor: model.params.impressionFloor,
  };
}

function armScore(p: BetaPosterior, t: RawTotals, judgedImpressions: number, judged: boolean): ArmScore {
  return {
    ...p,
    lower: betaQuantile(0.05, p.alpha, p.beta),
    upper: betaQuantile(0.95, p.alpha, p.beta),
    judgedImpressions,
    judged,
    impressions: t.impressions,
    linkClicks: t.linkClicks,
    conversions: t.conversions,
    spendCents: t.spendCents,
    ctr: t.impressions > 0 ? t.linkClicks / t.impressions : 0,
    cpcCents: t.linkClicks > 0 ? t.spendCents / t.linkClicks : null,
    cpaCents: t.conversions > 0 ? t.spendCents / t.conversions : null,
    conversion: t.matureClicks > 0 ? betaPosterior(1 + t.conversions, 1 + Math.max(t.matureClicks - t.conversions, 0)) : null,
    pBest: 0,
  };
}

/**
 * Fills pBest for the judged arms (unjudged stay 0): on CTR by quadrature, or for results
 * objectives on value per dollar by Monte Carlo (a product of Betas has no quadrature here).
 */
function assignPBest(arms: ArmScore[], states: Array<{ posterior: BetaPosterior; results?: ResultFactors; fatigueFactor?: number }>, nowMs: number): void {
  const judged = arms.map((a, i) => ({ a, s: states[i]! })).filter((x) => x.a.judged);
  if (judged.length === 0) return;
  if (!judged[0]!.s.results) {
    const p = probabilityOfBest(judged.map((x) => x.a));
    judged.forEach((x, i) => (x.a.pBest = p[i] ?? 0));
    return;
  }
  const rng = createRng(`score/${nowMs}`);
  const wins = new Array<number>(judged.length).fill(0);
  for (let d = 0; d < PBEST_DRAWS; d++) {
    let best = 0;
    let bestValue = -Infinity;
    judged.forEach((x, i) => {
      const ctr = rng.beta(x.s.posterior.alpha, x.s.posterior.beta) * (x.s.fatigueFactor ?? 1);
      const v = drawValue(ctr, x.s.results!, rng, 1);
      if (v > bestValue) {
        bestValue = v;
        best = i;
      }
    });
    wins[best]! += 1;
  }
  judged.forEach((x, i) => (x.a.pBest = wins[i]! / PBEST_DRAWS));
}

const PBEST_DRAWS = 2000;

/** Results objectives: the arm's conversion posterior, results per dollar, cost per result and ROAS. */
function resultScore(ctrNow: number, f: ResultFactors | undefined): Partial<ArmScore> {
  if (!f) return {};
  const perDollar = resultsPerDollar(ctrNow, f);
  return {
    conversion: f.conversion,
    resultsPerDollar: perDollar,
    costPerResultCents: costPerResultCents(perDollar),
    roas: f.valuePerResultCents === null ? null : (perDollar * f.valuePerResultCents) / 100,
  };
}

/** Pools hook evidence by angle (keyOf) or takes the model's per-creative style posteriors (keyOf null). */
function groupScores(model: LearningModel, keyOf: ((h: Hook) => string[]) | null): GroupScore[] {
  const groups = new Map<string, { clicks: number; trials: number }>();
  if (keyOf === null) {
    for (const [style, s] of model.styles) groups.set(style, { clicks: s.clicks, trials: s.trials });
  } else {
    for (const h of model.hooks) {
      for (const key of keyOf(h.hook)) {
        const g = groups.get(key) ?? { clicks: 0, trials: 0 };
        g.clicks += h.clicks;
        g.trials += h.trials;
        groups.set(key, g);
      }
    }
  }
  const entries = [...groups.entries()].map(([key, g]) => {
    const p = betaPosterior(model.prior.alpha + g.clicks, model.prior.beta + Math.max(g.trials - g.clicks, 0));
    return { key, g, p };
  });
  const withData = entries.filter((e) => e.g.trials > 0);
  const pBest = probabilityOfBest(withData.map((e) => e.p));
  return entries
    .map(({ key, g, p }) => ({
      key,
      ...p,
      lower: betaQuantile(0.05, p.alpha, p.beta),
      upper: betaQuantile(0.95, p.alpha, p.beta),
      impressions: Math.round(g.trials),
      linkClicks: Math.round(g.clicks),
      pBest: withData.length > 0 && g.trials > 0 ? (pBest[withData.findIndex((e) => e.key === key)] ?? 0) : 0,
    }))
    .sort((a, b) => b.mean - a.mean);
}

function betaPosterior(alpha: number, beta: number): BetaPosterior {
  return { alpha, beta, mean: alpha / (alpha + beta) };
}

function emptyTotals(): RawTotals {
  return { impressions: 0, linkClicks: 0, conversions: 0, spendCents: 0, matureClicks: 0 };
}

function addTotals(t: RawTotals, ev: CreativeEvidence, nowMs: number, params: PolicyParams): void {
  t.impressions += ev.impressions;
  t.linkClicks += ev.linkClicks;
  t.conversions += ev.conversions;
  t.spendCents += ev.spendCents;
  t.matureClicks += matureClicks(ev, nowMs, params);
}
