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
import type { ArmScore, BetaPosterior, CreativeEvidence, CreativeScore, GroupScore, HookScore, PolicyName } from './types';

/** Input of scoreHooks. */
export interface ScoreHooksInput {
  hooks: Hook[];
  evidence: CreativeEvidence[];
  nowMs: number;
  /** Whose posteriors to report (defaults to DEFAULT_POLICY, i.e. what the agent decides on). */
  policy?: PolicyName;
  params?: Partial<PolicyParams>;
}

/** Everything the cycle's findings need. */
export interface ScoreHooksResult {
  prior: { alpha: number; beta: number };
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
  const model = buildModel({ hooks: input.hooks, evidence: input.evidence, nowMs: input.nowMs, params });
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
  }));
  assignPBest(hooks);

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
      ...armScore(c.posterior, t, c.judgedImpressions, c.judgedImpressions >= params.impressionFloor),
    };
  });
  assignPBest(creatives);

  hooks.sort((a, b) => b.mean - a.mean);
  creatives.sort((a, b) => b.mean - a.mean);
  let bestHookId: string | null = null;
  let bestP = -1;
  for (const h of hooks) {
    if (h.judged && h.pBest > bestP) {
      bestP = h.pBest;
      bestHookId = h.hookId;
    }
  }

  return {
    prior: model.prior,
    hooks,
    creatives,
    angles: groupScores(model, (h) => [h.angle]),
    styles: groupScores(model, null),
    bestHookId,
    impressionFloor: params.impressionFloor,
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

/** Fills pBest for the judged arms (unjudged stay 0). */
function assignPBest(arms: ArmScore[]): void {
  const judged = arms.filter((a) => a.judged);
  const p = probabilityOfBest(judged);
  judged.forEach((a, i) => (a.pBest = p[i] ?? 0));
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
