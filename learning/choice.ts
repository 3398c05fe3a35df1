/**
 * Chooses which hook(s) to launch next.
 *
 * Thompson sampling is the production policy; epsilon-greedy (the original system's rule),
 * uniform rotation and UCB1 stay selectable as baselines. All randomness comes from the seed
 * (the cycle id), and every draw is returned so the audit row can replay the choice.
 */
import { fmt, pct, usd } from './format';
import type { CreativeFormat, Hook } from './hook-library';
import { hookStyles } from './hook-library';
import { buildModel, type HookState, type LearningModel } from './model';
import { DEFAULT_POLICY, resolveParams, type PolicyParams } from './params';
import { createRng, type Rng } from './random';
import { costPerResultCents, drawValue, optimisticValue, resultsPerDollar } from './results';
import type { AttributionWindows, BetaPosterior, CreativeEvidence, Objective, PolicyName } from './types';

/** Input of chooseHooks. */
export interface ChooseHooksInput {
  hooks: Hook[];
  evidence: CreativeEvidence[];
  /** Number of launches to fill this cycle. */
  count: number;
  /** Seed for the draws; use the cycle id so a replay chooses the same hooks. */
  seed: string;
  nowMs: number;
  policy?: PolicyName;
  params?: Partial<PolicyParams>;
  /** Only hooks that allow this format are eligible; the choice carries it. */
  format?: CreativeFormat;
  /** What to optimise (default 'traffic'). */
  objective?: Objective;
  attribution?: AttributionWindows;
}

/** One chosen launch. */
export interface HookChoice {
  hookId: string;
  style: string;
  format: CreativeFormat;
  /** The value the policy maximised (Thompson draw, posterior mean, UCB index...). */
  sampledValue: number;
  reason: string;
}

/** Result of chooseHooks, ready to be stored as the 'choose' audit row. */
export interface ChooseHooksResult {
  policy: PolicyName;
  seed: string;
  choices: HookChoice[];
  /** Every draw, keyed "<launch index>/<hookId>" or "<launch index>/style:<style>". */
  samples: Record<string, number>;
  posterior: PosteriorSnapshot;
}

/** The posteriors a choice was made from. */
export interface PosteriorSnapshot {
  prior: { alpha: number; beta: number };
  /** changeProbability is there when the policy detects changes and a change is at all likely. */
  /** Results objectives add each hook's conversion posterior, its value per dollar and its results so far. */
  hooks: Record<
    string,
    BetaPosterior & { judgedImpressions: number; changeProbability?: number; conversion?: BetaPosterior; resultsPerDollar?: number; results?: number }
  >;
  /** What the choice optimised (absent for traffic accounts, as before objectives). */
  objective?: Objective;
  conversionPrior?: { alpha: number; beta: number };
}

/** Picks `count` hooks with the given policy (default DEFAULT_POLICY). */
export function chooseHooks(input: ChooseHooksInput): ChooseHooksResult {
  const policy = input.policy ?? DEFAULT_POLICY;
  const params = resolveParams(policy, input.params);
  // The input carries the model's fields (hooks, evidence, nowMs, objective, attribution); params resolved.
  const model = buildModel({ ...input, params });
  return chooseFromModel(model, policy, input.count, input.seed, input.format);
}

/** Same as chooseHooks but on an already built model (planCycle shares one model per cycle). */
export function chooseFromModel(
  model: LearningModel,
  policy: PolicyName,
  count: number,
  seed: string,
  format?: CreativeFormat,
  leaving: Set<string> = new Set(),
  slotDayCents = 500,
): ChooseHooksResult {
  const rng = createRng(`${seed}/choose`);
  const eligible = model.hooks.filter((h) => format === undefined || h.hook.formats.includes(format));
  const samples: Record<string, number> = {};
  const choices: HookChoice[] = [];
  if (redrawsResults(model, policy)) {
    const held = model.creatives.filter((c) => !leaving.has(c.evidence.creativeId)).map((c) => c.evidence.hookId);
    const picks = optimisticPicks(model, eligible, count, held, slotDayCents);
    picks.forEach((h, i) => {
      const style = chooseStyle(model, h.hook, rng, i, samples);
      const cpr = costPerResultCents(resultsPerDollar(h.posterior.mean, h.results!));
      choices.push({
        hookId: h.hook.id,
        style,
        format: format ?? h.hook.formats[0]!,
        sampledValue: h.value,
        reason:
          `best optimistic ${model.results?.byValue ? 'purchase value per dollar (ROAS)' : 'results per dollar'} of ${eligible.length} hooks, ` +
          `CTR and conversion rate each at posterior mean + 1 sd with the ${held.length + i} slot(s) already held or picked counted as a day of delivery each ` +
          `(posterior cost per result ${cpr === null ? 'unknown' : usd(cpr)}: CTR ${pct(h.posterior.mean)} × conversion rate ${pct(h.results!.conversion.mean)}, ` +
          `${fmt(h.judgedImpressions)} judged impressions, ${h.results!.conversions} results)`,
      });
    });
    return { policy, seed, choices, samples, posterior: snapshotPosteriors(model) };
  }
  // Launches picked earlier in this cycle count as in-flight.
  const inFlight = new Map<string, number>();
  // Impressions live creatives still need to reach the floor, per hook (data on its way).
  const pending = new Map<string, number>();
  for (const c of model.creatives) {
    const missing = Math.max(model.params.impressionFloor - c.judgedImpressions, 0);
    pending.set(c.evidence.hookId, (pending.get(c.evidence.hookId) ?? 0) + missing);
    // Results objectives: clicks whose results may still arrive.
    if (c.results) {
      const key = `clicks:${c.evidence.hookId}`;
      pending.set(key, (pending.get(key) ?? 0) + Math.max(c.evidence.linkClicks - c.results.judgedClicks, 0));
    }
  }

  for (let i = 0; i < count && eligible.length > 0; i++) {
    const picked = pickOne(policy, { model, eligible, rng, i, samples, inFlight, pending });
    inFlight.set(picked.state.hook.id, (inFlight.get(picked.state.hook.id) ?? 0) + 1);
    const style = chooseStyle(model, picked.state.hook, rng, i, samples);
    choices.push({
      hookId: picked.state.hook.id,
      style,
      format: format ?? picked.state.hook.formats[0]!,
      sampledValue: picked.value,
      reason: picked.reason,
    });
  }

  return { policy, seed, choices, samples, posterior: snapshotPosteriors(model) };
}

interface Pick {
  state: HookState;
  value: number;
  reason: string;
}

/** What every policy's pick sees for launch number i of this cycle. */
interface PickContext {
  model: LearningModel;
  eligible: HookState[];
  rng: Rng;
  i: number;
  /** Every draw, for the audit row. */
  samples: Record<string, number>;
  /** Launches picked earlier in this cycle, per hook. */
  inFlight: Map<string, number>;
  /** Impressions live creatives still need to reach the floor, per hook. */
  pending: Map<string, number>;
}

/**
 * Whether this cycle's results choice is the daily redraw: a results objective, the Thompson
 * policies (the shipped one among them; the baselines keep their own rules, so HookBench can still
 * compare them), and `resultsRedraw` 'optimistic'.
 */
export function redrawsResults(model: LearningModel, policy: PolicyName): boolean {
  return model.results !== null && policy.startsWith('thompson') && model.params.resultsRedraw === 'optimistic';
}

/**
 * Results objectives with the daily redraw: hooks picked one slot at a time by optimistic value
 * per dollar, each pick (and each slot already held, `held`) fantasised as a slot-day of delivery
 * at the hook's means, so one hook takes a second slot only while it stays ahead with that much
 * more evidence.
 */
export function optimisticPicks(model: LearningModel, eligible: HookState[], count: number, held: string[], slotDayCents: number): HookState[] {
  const extra = new Map<string, { impressions: number; clicks: number }>();
  const add = (h: HookState) => {
    const e = extra.get(h.hook.id) ?? { impressions: 0, clicks: 0 };
    const impressions = (slotDayCents / 100) * (h.results?.impressionsPerDollar ?? 0);
    e.impressions += impressions;
    e.clicks += impressions * h.posterior.mean;
    extra.set(h.hook.id, e);
  };
  for (const id of held) {
    const h = model.hookById.get(id);
    if (h) add(h);
  }
  const picks: HookState[] = [];
  for (let i = 0; i < count && eligible.length > 0; i++) {
    let best = eligible[0]!;
    let bestValue = -Infinity;
    for (const h of eligible) {
      if (!h.results) continue;
      const v = optimisticValue(h.posterior, h.results, extra.get(h.hook.id));
      if (v > bestValue) {
        bestValue = v;
        best = h;
      }
    }
    picks.push(best);
    add(best);
  }
  return picks;
}

function pickOne(policy: PolicyName, ctx: PickContext): Pick {
  switch (policy) {
    case 'thompson':
    case 'thompson-flat':
    case 'thompson-discounted':
    case 'thompson-changepoint':
      return pickThompson(ctx);
    case 'epsilon-greedy':
      return pickEpsilonGreedy(ctx);
    case 'uniform':
      return pickUniform(ctx);
    case 'ucb1':
      return pickUcb1(ctx);
  }
}

function pickThompson({ model, eligible, rng, i, samples, inFlight, pending }: PickContext): Pick {
  const { explorationScale: scale, conversionExplorationScale: cvrScale, impressionFloor: floor, fantasizeInFlight } = model.params;
  let best: HookState = eligible[0]!;
  let bestValue = -Infinity;
  for (const h of eligible) {
    const { mean } = h.posterior;
    let { alpha, beta } = h.posterior;
    let soon = 0;
    if (fantasizeInFlight) {
      // Creatives still short of the floor (and launches picked earlier this cycle) will report
      // soon; count their missing impressions at the current mean so one batch does not spend
      // several launches exploring the same hook before its data arrives.
      soon = (pending.get(h.hook.id) ?? 0) + floor * (inFlight.get(h.hook.id) ?? 0);
      alpha += mean * soon;
      beta += (1 - mean) * soon;
    }
    const ctr = mean + scale * (rng.beta(alpha, beta) - mean);
    let value = ctr;
    if (h.results) {
      // Results per dollar: the CTR draw times a conversion draw, tempered apart (the conversion
      // rate's posterior is wide for weeks, and drawing it at the CTR's temper chased noise:
      // conversionExplorationScale in learning/README.md). The clicks those impressions will
      // bring, and the clicks whose results are still on their way, count at the current
      // conversion mean like the impressions above.
      const cvr = h.results.conversion.mean;
      const soonClicks = fantasizeInFlight ? soon * mean + (pending.get(`clicks:${h.hook.id}`) ?? 0) : 0;
      value = drawValue(ctr, h.results, rng, cvrScale, { alpha: cvr * soonClicks, beta: (1 - cvr) * soonClicks });
    }
    samples[`${i}/${h.hook.id}`] = value;
    if (value > bestValue) {
      bestValue = value;
      best = h;
    }
  }
  if (best.results) {
    const cpr = costPerResultCents(resultsPerDollar(best.posterior.mean, best.results));
    return {
      state: best,
      value: bestValue,
      reason:
        `Thompson draw of ${fmt3(bestValue)} ${model.results?.byValue ? 'purchase value per dollar (ROAS)' : 'results per dollar'} was the highest of ${eligible.length} hooks ` +
        `(posterior cost per result ${cpr === null ? 'unknown' : usd(cpr)}: CTR ${pct(best.posterior.mean)} × conversion rate ${pct(best.results.conversion.mean)}, ` +
        `${fmt(best.judgedImpressions)} judged impressions, ${best.results.conversions} results)`,
    };
  }
  return {
    state: best,
    value: bestValue,
    reason: `Thompson draw ${pct(bestValue)} was the highest of ${eligible.length} hooks (posterior mean ${pct(best.posterior.mean)}, ${fmt(best.judgedImpressions)} judged impressions)`,
  };
}

function pickEpsilonGreedy({ model, eligible, rng, i, samples }: PickContext): Pick {
  const u = rng.next();
  samples[`${i}/u`] = u;
  const epsilon = model.params.epsilon;
  if (u < epsilon) {
    const state = eligible[rng.int(eligible.length)]!;
    return { state, value: state.posterior.mean, reason: `explore: u=${u.toFixed(3)} < ε=${epsilon}, hook drawn uniformly` };
  }
  // Greedy on the posterior mean; ties (e.g. before any data) are broken at random.
  const top = maxBy(eligible, (h) => h.posterior.mean, rng);
  return {
    state: top,
    value: top.posterior.mean,
    reason: `exploit: u=${u.toFixed(3)} ≥ ε=${epsilon}, highest posterior mean ${pct(top.posterior.mean)}`,
  };
}

function pickUniform({ eligible, rng, i, samples, inFlight }: PickContext): Pick {
  const launches = (h: HookState) => h.creatives + (inFlight.get(h.hook.id) ?? 0);
  const state = maxBy(eligible, (h) => -launches(h), rng);
  samples[`${i}/${state.hook.id}`] = launches(state);
  return { state, value: launches(state), reason: `rotation: fewest launches so far (${launches(state)})` };
}

function pickUcb1({ model, eligible, rng, i, samples, inFlight }: PickContext): Pick {
  // Pulls are judged impressions; creatives still below the floor (and launches earlier in
  // this cycle) count as a floor's worth of pulls, so one cycle does not launch one hook N times.
  const floor = model.params.impressionFloor;
  const pulls = (h: HookState) => {
    const pending = Math.max(h.liveCreatives - Math.floor(h.judgedImpressions / floor), 0);
    return h.trials + floor * (pending + (inFlight.get(h.hook.id) ?? 0));
  };
  const total = eligible.reduce((s, h) => s + pulls(h), 0);
  const index = (h: HookState) => {
    const n = pulls(h);
    if (n <= 0) return Infinity;
    return h.clicks / Math.max(h.trials, 1) + Math.sqrt((2 * Math.log(Math.max(total, 1))) / n);
  };
  const state = maxBy(eligible, index, rng);
  const value = index(state);
  samples[`${i}/${state.hook.id}`] = Number.isFinite(value) ? value : Number.MAX_VALUE;
  return { state, value, reason: Number.isFinite(value) ? `UCB1 index ${value.toFixed(4)} was the highest` : 'UCB1: hook not tried yet' };
}

/**
 * Thompson sampling over the styles a hook allows, with evidence pooled across hooks per style
 * (CTR, and for results objectives CTR × conversion rate).
 */
function chooseStyle(model: LearningModel, hook: Hook, rng: Rng, i: number, samples: Record<string, number>): string {
  const styles = hookStyles(hook);
  if (styles.length === 1) return styles[0]!;
  let best = styles[0]!;
  let bestValue = -Infinity;
  for (const style of styles) {
    const p = model.styles.get(style)?.posterior ?? { alpha: model.prior.alpha, beta: model.prior.beta };
    let value = rng.beta(p.alpha, p.beta);
    const conversion = model.results?.styles.get(style);
    if (model.results) {
      const c = conversion ?? model.results.conversionPrior;
      value *= rng.beta(c.alpha, c.beta);
    }
    samples[`${i}/style:${style}`] = value;
    if (value > bestValue) {
      bestValue = value;
      best = style;
    }
  }
  return best;
}

/** Arg-max with random tie-breaking (ties are common before any data arrives). */
function maxBy<T>(items: T[], key: (t: T) => number, rng: Rng): T {
  let best: T[] = [];
  let bestKey = -Infinity;
  for (const item of items) {
    const k = key(item);
    if (k > bestKey) {
      bestKey = k;
      best = [item];
    } else if (k === bestKey) best.push(item);
  }
  return best.length === 1 ? best[0]! : best[rng.int(best.length)]!;
}

/** Posterior of every hook, for the audit row. */
export function snapshotPosteriors(model: LearningModel): PosteriorSnapshot {
  const hooks: PosteriorSnapshot['hooks'] = {};
  for (const h of model.hooks) {
    hooks[h.hook.id] = {
      ...h.posterior,
      judgedImpressions: Math.round(h.judgedImpressions),
      ...(h.results ? { conversion: h.results.conversion, resultsPerDollar: h.value, results: h.results.conversions } : {}),
      ...(h.changeProbability >= 0.01 ? { changeProbability: Math.round(h.changeProbability * 1000) / 1000 } : {}),
    };
  }
  return { prior: model.prior, hooks, ...(model.results ? { objective: model.objective, conversionPrior: model.results.conversionPrior } : {}) };
}

function fmt3(x: number): string {
  return x.toPrecision(3);
}
