/**
 * Monte Carlo over the posteriors of one cycle, with the cycle's seeded stream:
 * - P(best) of every hook (untested hooks included, at the fitted prior);
 * - for each creative, the probability that it is worse than the leader, where the leader is the
 *   best *other* hook, whichever that turns out to be: P(θ_creative < m · max_{h ≠ own hook} θ_h).
 *   With learned fatigue, θ_creative is its current (worn) CTR, and a creative is also a loser
 *   when it is worse than a fresh creative of its own hook: P(θ_creative < fatigueMargin · θ_own).
 *
 * Comparing with the unknown best hook rather than with today's front-runner matters when every
 * tested hook is mediocre: a slot held by a 0.8 % hook is then a loss against the untested
 * hooks, which a fixed front-runner comparison would never notice.
 */
import type { CreativeState, LearningModel } from './model';
import type { Rng } from './random';
import { drawValue, valueMean } from './results';

/** Result of the loss check. */
export interface LossCheck {
  /** P(best) per hook id. */
  pBest: Map<string, number>;
  /** Loss probability per creative id. */
  loss: Map<string, number>;
  draws: number;
}

/** Draws per batch of the sequential stopping rule. */
const BATCH = 100;

/**
 * Runs joint posterior draws in batches of 100 until every creative's loss probability is
 * clearly on one side of the pause threshold (3 standard errors) or `maxDraws` is reached
 * (never fewer than `minDraws`, which callers raise when P(best) itself must be precise).
 * Most creatives are settled after one batch, which keeps the per-cycle cost small.
 * Deterministic for a given rng state.
 */
export function lossCheck(model: LearningModel, creatives: CreativeState[], rng: Rng, maxDraws: number, minDraws = BATCH): LossCheck {
  const hooks = model.hooks;
  const margin = model.params.pauseMargin;
  const compareOwn = model.params.learnFatigue;
  const fatigueMargin = model.params.fatigueMargin;
  const temper = model.params.explorationScale;
  const cvrTemper = model.params.conversionExplorationScale;
  const wins = new Float64Array(hooks.length);
  const losses = new Float64Array(creatives.length);
  const ownIndex = creatives.map((c) => hooks.findIndex((h) => h.hook.id === c.evidence.hookId));
  const sample = new Float64Array(hooks.length);
  const ctrSample = new Float64Array(hooks.length);
  /** A creative's value per dollar: its CTR draw × its hook's conversion rate × its own price. */
  const ownValue = (ownCtr: number, c: CreativeState, o: number): number => {
    const f = c.results!;
    if (o < 0 || ctrSample[o]! <= 0) return valueMean(ownCtr, f);
    const hf = hooks[o]!.results!;
    return (ownCtr * (sample[o]! / ctrSample[o]!) * f.impressionsPerDollar) / hf.impressionsPerDollar;
  };

  const threshold = model.params.pauseProbability;
  let draws = 0;
  while (draws < maxDraws) {
    const end = Math.min(draws + BATCH, maxDraws);
    for (; draws < end; draws++) drawOnce();
    const settled = creatives.every((_, i) => {
      const p = losses[i]! / draws;
      return Math.abs(p - threshold) > 3 * Math.sqrt(Math.max(p * (1 - p), 1 / draws) / draws);
    });
    if (settled && draws >= minDraws) break;
  }

  function drawOnce() {
    let top = -1;
    let topValue = -Infinity;
    let secondValue = -Infinity;
    let winner = -1;
    let bestFull = -Infinity;
    for (let h = 0; h < hooks.length; h++) {
      const p = hooks[h]!.posterior;
      // Hook draws are tempered like the chooser's (explorationScale), so untested hooks' optimism
      // does not evict a decent creative more eagerly than the chooser would explore.
      const ctr = p.mean + temper * (rng.beta(p.alpha, p.beta) - p.mean);
      ctrSample[h] = ctr;
      const results = hooks[h]!.results;
      // Results objectives: the comparison takes every hook's conversion rate at its posterior
      // mean. Drawing it too multiplies the optimism of "the unknown best of a dozen untried
      // hooks" by the spread of a second prior, and in HookBench that paused decent creatives
      // for exploration the chooser (which does draw conversion rates) would do anyway.
      const v = results ? valueMean(ctr, results) : ctr;
      sample[h] = v;
      if (v > topValue) {
        secondValue = topValue;
        topValue = v;
        top = h;
      } else if (v > secondValue) secondValue = v;
      // P(best), behind budget raises, keeps the conversion rate's uncertainty.
      const full = results ? drawValue(ctr, results, rng, cvrTemper) : v;
      if (full > bestFull) {
        bestFull = full;
        winner = h;
      }
    }
    if (winner >= 0) wins[winner]! += 1;
    for (let i = 0; i < creatives.length; i++) {
      const c = creatives[i]!;
      // The creative's posterior is about it when fresh; its fatigue factor brings it to today.
      const ownCtr = rng.beta(c.posterior.alpha, c.posterior.beta) * c.fatigueFactor;
      const o = ownIndex[i]!;
      // Results objectives: the creative converts like its hook (the ratio of the hook's value to
      // its CTR draw) and is priced on its own CPM.
      const own = c.results ? ownValue(ownCtr, c, o) : ownCtr;
      const bestOther = o === top ? secondValue : topValue;
      // The own hook's posterior says what a *fresh* creative of it would do, so an aging
      // creative is also compared with its own replacement (stricter margin: a refresh buys
      // only a few percent unless the creative has clearly worn out).
      // Under the fatigue model every fresh creative of a hook starts at the hook's CTR, so once
      // the learned wear-out alone puts this creative below the margin, a refresh wins for sure.
      const worn = compareOwn && o >= 0 && (c.fatigueFactor < fatigueMargin || ownCtr < fatigueMargin * ctrSample[o]!);
      if (own < margin * bestOther || worn) losses[i]! += 1;
    }
  }

  const pBest = new Map<string, number>();
  hooks.forEach((h, i) => pBest.set(h.hook.id, wins[i]! / draws));
  const loss = new Map<string, number>();
  creatives.forEach((c, i) => loss.set(c.evidence.creativeId, losses[i]! / draws));
  return { pBest, loss, draws };
}
