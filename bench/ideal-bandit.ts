/**
 * Reference point for HookBench's targets: the same 12-hook market (CTR ~ Beta(6.2, 612)) as a
 * textbook Bernoulli bandit with everything HookBench makes hard removed — the true prior is
 * known, there is no review, no reporting delay, no impression floor, no fatigue or drift, and
 * each slot is re-decided every 500 impressions (a slot-day) or every 125 (a quarter day). What
 * a policy loses here it would lose in any market with these CTRs and that many decisions.
 *
 * The rows are the best of the policy families we tried for the ≤ 6 % target: Thompson sampling
 * with its draws shrunk towards the mean by 0.2–1 (0.3 is best with 2 slots, 0.5 with 6); online
 * knowledge gradient, Bayes-UCB, and keeping a slot's hook until it is clearly beaten were also
 * tried and did worse than redrawing with shrunk draws.
 *
 * The last row is a bound, not a policy: it sees the clicks every hook would have got on every
 * impression (full information) and serves the best posterior mean. Any policy that only sees
 * the hooks it serves knows less, so none can lose less than it.
 *
 * `--days 15` is the abrupt scenario's situation: every hook's CTR is redrawn at day 15, so each
 * half is a fresh 15-day problem, before counting the time it takes to notice the change.
 *
 * `--ctr-scale 0.3` puts the hooks' mean CTR at 0.3 % with the same relative spread (as HookBench's
 * `--ctr-scale`), to see how much harder a market of rarer clicks is for any policy.
 *
 * `--objective results` is the same for results (HookBench's results scenarios: every hook also has
 * a conversion rate per click, CVR ~ Beta(4, 46) clipped to 2–20 %, independent of the CTR, opposed
 * to it or aligned with it), with conversions seen at once: Thompson sampling on CTR alone against
 * policies on CTR × CVR (both priors known: Thompson at several tempers, an optimistic score of
 * each rate at its mean + 1 sd, and the online knowledge gradient, which on results does better
 * than on clicks), measured in results, and a full-information bound. The policies
 * show what the families we know gain in that market with that many decisions and that few
 * conversions; the bound is what no policy can beat.
 *
 * `--truth hookbench` (results only) takes each instance's hooks from HookBench's results run (same
 * scenario, slot count, instance and default seed) instead of this script's own draws, so a cell
 * here and the same cell of `npm run bench:hooks -- --objective results` face the same hooks.
 *
 *   npx tsx bench/ideal-bandit.ts [--instances 400] [--days 30] [--ctr-scale 1] [--objective clicks|results] [--truth own|hookbench]
 */
import { parseArgs } from 'node:util';
import { betaMeanPlusSd } from '../learning/beta-math';
import { rescaleStrength } from '../learning/prior';
import { createRng, type Rng } from '../learning/random';
import { drawCvrs, drawTruth, RESULT_SCENARIOS, type ResultScenario } from './market';
import { instanceKey } from './run-instance';

const HOOKS = 12;
const BASE_PRIOR = { alpha: 6.2, beta: 612 };
let PRIOR = BASE_PRIOR;

/** The base prior's relative spread around `scale` times its mean. */
function scaledPrior(scale: number): { alpha: number; beta: number } {
  const strength = BASE_PRIOR.alpha + BASE_PRIOR.beta;
  const mean = BASE_PRIOR.alpha / strength;
  const s = rescaleStrength(strength, mean, mean * scale);
  return { alpha: mean * scale * s, beta: (1 - mean * scale) * s };
}
const SLOT_DAY = 500; // one $5 slot-day at $10 CPM
/** Results mode: the true CVR prior (HookBench's), and Thompson draws shrunk by 0.5 (the best shrink here with 6 slots). */
const CVR_PRIOR = { alpha: 4, beta: 46 };
const SHRINK_RESULTS = 0.5;
/** Results mode: conversion draws shrunk apart, as the shipped conversionExplorationScale does. */
const SHRINK_CVR_APART = 0.3;

const SHRINK = { thompson: 1, 'thompson (draws ×0.5)': 0.5, 'thompson (draws ×0.4)': 0.4, 'thompson (draws ×0.3)': 0.3 };
type Policy = keyof typeof SHRINK | 'greedy' | 'epsilon-greedy 0.2' | 'full-information bound';
const POLICIES: Policy[] = [...(Object.keys(SHRINK) as Policy[]), 'greedy', 'epsilon-greedy 0.2', 'full-information bound'];

function binomial(rng: Rng, n: number, p: number): number {
  let k = 0;
  for (let i = 0; i < n; i++) if (rng.next() < p) k++;
  return k;
}

function pick(policy: Policy, a: number[], b: number[], rng: Rng): number {
  if (policy === 'epsilon-greedy 0.2' && rng.next() < 0.2) return rng.int(HOOKS);
  let best = 0;
  let bestValue = -Infinity;
  for (let h = 0; h < HOOKS; h++) {
    const mean = a[h]! / (a[h]! + b[h]!);
    const shrink = policy in SHRINK ? SHRINK[policy as keyof typeof SHRINK] : 0;
    const v = shrink > 0 ? mean + shrink * (rng.beta(a[h]!, b[h]!) - mean) : mean;
    if (v > bestValue) {
      bestValue = v;
      best = h;
    }
  }
  return best;
}

function main() {
  const { values } = parseArgs({
    options: {
      instances: { type: 'string', default: '400' },
      days: { type: 'string', default: '30' },
      'ctr-scale': { type: 'string', default: '1' },
      objective: { type: 'string', default: 'clicks' },
      truth: { type: 'string', default: 'own' },
    },
  });
  if (values.truth !== 'own' && values.truth !== 'hookbench') throw new Error(`--truth must be own or hookbench, got ${values.truth}`);
  if (values.objective === 'results') return resultsMain(Number(values.instances), Number(values.days), values.truth);
  const instances = Number(values.instances);
  const days = Number(values.days);
  PRIOR = scaledPrior(Number(values['ctr-scale']));
  console.log(
    `${days} days; true CTRs ~ Beta(${PRIOR.alpha.toFixed(2)}, ${PRIOR.beta.toFixed(0)}); clicks lost vs oracle, % (mean ± se over ${instances} instances)\n`,
  );
  console.log('| slots | policy | decided per slot-day | decided per quarter day |\n|---:|---|---:|---:|');
  for (const slots of [2, 6]) {
    for (const policy of POLICIES) {
      const cells = [SLOT_DAY, SLOT_DAY / 4].map((batch) => {
        const lost: number[] = [];
        for (let i = 0; i < instances; i++) lost.push(runInstance(policy, slots, batch, days, i));
        const mean = lost.reduce((s, x) => s + x, 0) / lost.length;
        const se = Math.sqrt(lost.reduce((s, x) => s + (x - mean) ** 2, 0) / (lost.length - 1) / lost.length);
        return `${mean.toFixed(1)} ± ${se.toFixed(1)}`;
      });
      console.log(`| ${slots} | ${policy} | ${cells.join(' | ')} |`);
    }
  }
}

/** One instance: % of the oracle's expected clicks the policy loses. */
function runInstance(policy: Policy, slots: number, batch: number, days: number, i: number): number {
  const truthRng = createRng(`ideal/${i}`);
  const ctr = Array.from({ length: HOOKS }, () => truthRng.beta(PRIOR.alpha, PRIOR.beta));
  const rng = createRng(`ideal/${i}/${policy}/${batch}`);
  const a = Array<number>(HOOKS).fill(PRIOR.alpha);
  const b = Array<number>(HOOKS).fill(PRIOR.beta);
  let expected = 0;
  const steps = Math.round((days * SLOT_DAY) / batch);
  for (let step = 0; step < steps; step++) {
    const picks = Array.from({ length: slots }, () => pick(policy, a, b, rng));
    if (policy === 'full-information bound') {
      // Every impression reveals every hook's click, whichever hook was served.
      for (let h = 0; h < HOOKS; h++) {
        const k = binomial(rng, slots * batch, ctr[h]!);
        a[h]! += k;
        b[h]! += slots * batch - k;
      }
      for (const h of picks) expected += batch * ctr[h]!;
      continue;
    }
    for (const h of picks) {
      const k = binomial(rng, batch, ctr[h]!);
      expected += batch * ctr[h]!;
      a[h]! += k;
      b[h]! += batch - k;
    }
  }
  const oracle = days * slots * SLOT_DAY * Math.max(...ctr);
  return (100 * (oracle - expected)) / oracle;
}

/**
 * Results mode: which hook a slot-day serves, from every hook's CTR posterior (a, b) and conversion
 * posterior (ca, cb) and the slot-days left. Each is a policy we tried on this market; the stream
 * name keeps every policy's random numbers apart and the same from run to run.
 */
interface ResultPolicy {
  label: string;
  stream: string;
  choose: (a: number[], b: number[], ca: number[], cb: number[], slotDaysLeft: number, rng: Rng) => number;
}

/** A policy that scores each hook alone and serves the highest score. */
function byScore(score: (a: number, b: number, ca: number, cb: number, rng: Rng) => number): ResultPolicy['choose'] {
  return (a, b, ca, cb, _left, rng) => {
    let best = 0;
    let bestValue = -Infinity;
    for (let h = 0; h < HOOKS; h++) {
      const v = score(a[h]!, b[h]!, ca[h]!, cb[h]!, rng);
      if (v > bestValue) {
        bestValue = v;
        best = h;
      }
    }
    return best;
  };
}

/** Thompson draw of CTR (× CVR unless `cvrShrink` is null), each shrunk towards its mean. */
function thompsonResults(label: string, stream: string, ctrShrink: number, cvrShrink: number | null): ResultPolicy {
  return {
    label,
    stream,
    choose: byScore((a, b, ca, cb, rng) => {
      const m = a / (a + b);
      const v = m + ctrShrink * (rng.beta(a, b) - m);
      if (cvrShrink === null) return v;
      const mc = ca / (ca + cb);
      return v * (mc + cvrShrink * (rng.beta(ca, cb) - mc));
    }),
  };
}

/** Optimism instead of draws: CTR and CVR each at their mean plus k posterior standard deviations. */
function upperQuantileResults(k: number): ResultPolicy {
  return {
    label: `CTR × CVR at mean + ${k} sd`,
    stream: `ucb${k}`,
    choose: byScore((a, b, ca, cb) => betaMeanPlusSd(a, b, k) * betaMeanPlusSd(ca, cb, k)),
  };
}

/**
 * The online knowledge gradient (Ryzhov, Powell and Frazier, 2012): a hook's posterior mean CTR × CVR
 * plus, times the slot-days left, the expected improvement of the best posterior mean from one more
 * slot-day of its evidence (normal approximation: the mean moves with sd s, CTR from the
 * impressions and CVR from the clicks they bring; the gain is s·f(−|μ − best other μ| / s) with
 * f(z) = zΦ(z) + φ(z)). Deterministic: no draws.
 */
function knowledgeGradientResults(): ResultPolicy {
  const choose = (a: number[], b: number[], ca: number[], cb: number[], slotDaysLeft: number) => {
    const mu = a.map((_, h) => (a[h]! / (a[h]! + b[h]!)) * (ca[h]! / (ca[h]! + cb[h]!)));
    let best = 0;
    let bestValue = -Infinity;
    for (let h = 0; h < HOOKS; h++) {
      let other = -Infinity;
      for (let j = 0; j < HOOKS; j++) if (j !== h && mu[j]! > other) other = mu[j]!;
      const n0 = a[h]! + b[h]!;
      const mx = a[h]! / n0;
      const c0 = ca[h]! + cb[h]!;
      const my = ca[h]! / c0;
      const sx2 = ((mx * (1 - mx)) / (n0 + 1)) * (SLOT_DAY / (n0 + SLOT_DAY));
      const clicks = SLOT_DAY * mx;
      const sy2 = ((my * (1 - my)) / (c0 + 1)) * (clicks / (c0 + clicks));
      const sd = Math.sqrt(my * my * sx2 + mx * mx * sy2 + sx2 * sy2);
      const gain = sd > 0 ? sd * expectedExcess(-Math.abs(mu[h]! - other) / sd) : 0;
      const value = mu[h]! + Math.max(slotDaysLeft - 1, 0) * gain;
      if (value > bestValue) {
        bestValue = value;
        best = h;
      }
    }
    return best;
  };
  return { label: 'knowledge gradient (slot-days left)', stream: 'kg', choose };
}

/** f(z) = zΦ(z) + φ(z), Φ by Abramowitz and Stegun 7.1.26 (error below 1.5e-7). */
function expectedExcess(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  const cdf = z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
  return z * cdf + Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}

// Streams 'false' and 'true' are the ones these first three policies always had, so their figures
// stay as published; the two Thompson policies on CTR × CVR share one stream (common random numbers).
const CTR_ONLY = thompsonResults('CTR only (Thompson ×0.5)', 'false', SHRINK_RESULTS, null);
const RESULT_POLICIES: ResultPolicy[] = [
  thompsonResults('CTR × CVR, draws ×0.5', 'true', SHRINK_RESULTS, SHRINK_RESULTS),
  thompsonResults(`CTR × CVR, conversion draws ×${SHRINK_CVR_APART}`, 'true', SHRINK_RESULTS, SHRINK_CVR_APART),
  thompsonResults("CTR × CVR, draws ×0.7 / ×0.3 (HookBench's tempers)", 'shipped', 0.7, SHRINK_CVR_APART),
  thompsonResults('CTR × CVR, draws ×0.5 / ×0.2', 'cvr0.2', SHRINK_RESULTS, 0.2),
  upperQuantileResults(1),
  knowledgeGradientResults(),
];

/**
 * Results mode: % more results per dollar than Thompson on CTR alone for each policy, the loss
 * against the oracle of CTR-only and of the first, and the full-information bound.
 */
function resultsMain(instances: number, days: number, truthFrom: 'own' | 'hookbench') {
  console.log(
    `${days} days; results (conversions) per dollar, frictionless, conversions seen at once (mean ± se over ${instances} instances; ` +
      `${truthFrom === 'own' ? "this script's own instances" : "HookBench's instances: the same hooks' CTRs and CVRs as `npm run bench:hooks -- --objective results`"})\n`,
  );
  console.log(
    'Gain in results per $ over CTR-only (same spend, so total results compare), ± the standard error of the paired difference. ' +
      "The last column is a bound, not a policy: every slot-day reveals every hook's clicks and conversions on all the day's " +
      'impressions and the hook with the best posterior CTR × CVR is served, so no policy that sees only what it serves gains more.\n',
  );
  const header = [
    'scenario',
    'slots',
    'lost vs oracle, CTR-only %',
    `lost vs oracle, ${RESULT_POLICIES[0]!.label} %`,
    ...RESULT_POLICIES.map((p) => p.label),
    'full-information bound',
  ];
  console.log(
    `| ${header.join(' | ')} |\n|---|${header
      .slice(1)
      .map(() => '---:')
      .join('|')}|`,
  );
  for (const scenario of RESULT_SCENARIOS) {
    for (const slots of [2, 6]) {
      const lostCtr: number[] = [];
      const lostFirst: number[] = [];
      const base: number[] = [];
      const got: number[][] = [...RESULT_POLICIES, null].map(() => []);
      for (let i = 0; i < instances; i++) {
        const { ctr, cvr } = resultTruth(scenario, slots, days, i, truthFrom);
        const oracle = days * slots * SLOT_DAY * Math.max(...ctr.map((c, h) => c * cvr[h]!));
        const a = runResults(CTR_ONLY, ctr, cvr, slots, days, i);
        base.push(a);
        RESULT_POLICIES.forEach((p, j) => got[j]!.push(runResults(p, ctr, cvr, slots, days, i)));
        got[RESULT_POLICIES.length]!.push(runResultsFullInformation(ctr, cvr, slots, days, i));
        lostCtr.push((100 * (oracle - a)) / oracle);
        lostFirst.push((100 * (oracle - got[0]![i]!)) / oracle);
      }
      const meanBase = mean(base);
      const gain = (xs: number[]) => {
        const d = xs.map((x, i) => x - base[i]!);
        return `${((100 * mean(d)) / meanBase).toFixed(1)} ± ${((100 * stdError(d)) / meanBase).toFixed(1)} %`;
      };
      const lost = (xs: number[]) => `${mean(xs).toFixed(1)} ± ${stdError(xs).toFixed(1)}`;
      console.log(`| ${[scenario, slots, lost(lostCtr), lost(lostFirst), ...got.map(gain)].join(' | ')} |`);
    }
  }
}

/**
 * One instance's true rates: this script's own draws, or the hooks HookBench's results run meets in
 * the same scenario, slot count and instance (its default seed), so the two tables pair up.
 */
function resultTruth(scenario: ResultScenario, slots: number, days: number, i: number, from: 'own' | 'hookbench'): { ctr: number[]; cvr: number[] } {
  if (from === 'hookbench') {
    const truth = drawTruth(scenario, days, instanceKey({ seed: 'hookbench', scenario, slots, instance: i }));
    return { ctr: [...truth.ctrByDay[0]!], cvr: [...truth.cvr!] };
  }
  const truthRng = createRng(`ideal-results/${i}`);
  const ctr = Array.from({ length: HOOKS }, () => truthRng.beta(PRIOR.alpha, PRIOR.beta));
  return { ctr, cvr: [...drawCvrs(scenario, ctr, `ideal-results/${i}`)] };
}

function mean(xs: number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

function stdError(xs: number[]): number {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1) / xs.length);
}

/** Expected results of one run, redeciding every slot-day by the policy's score. */
function runResults(policy: ResultPolicy, ctr: number[], cvr: number[], slots: number, days: number, i: number): number {
  const rng = createRng(`ideal-results/${i}/${policy.stream}`);
  const a = Array<number>(HOOKS).fill(PRIOR.alpha);
  const b = Array<number>(HOOKS).fill(PRIOR.beta);
  const ca = Array<number>(HOOKS).fill(CVR_PRIOR.alpha);
  const cb = Array<number>(HOOKS).fill(CVR_PRIOR.beta);
  let expected = 0;
  for (let day = 0; day < days; day++) {
    for (let s = 0; s < slots; s++) {
      const best = policy.choose(a, b, ca, cb, (days - day) * slots - s, rng);
      const clicks = binomial(rng, SLOT_DAY, ctr[best]!);
      const conversions = binomial(rng, clicks, cvr[best]!);
      expected += SLOT_DAY * ctr[best]! * cvr[best]!;
      a[best]! += clicks;
      b[best]! += SLOT_DAY - clicks;
      ca[best]! += conversions;
      cb[best]! += clicks - conversions;
    }
  }
  return expected;
}

/**
 * The bound: each slot-day serves the hook with the best posterior CTR × CVR in every slot, then
 * learns every hook's clicks and conversions on all the day's impressions, whichever was served.
 */
function runResultsFullInformation(ctr: number[], cvr: number[], slots: number, days: number, i: number): number {
  const rng = createRng(`ideal-results/${i}/full-information`);
  const a = Array<number>(HOOKS).fill(PRIOR.alpha);
  const b = Array<number>(HOOKS).fill(PRIOR.beta);
  const ca = Array<number>(HOOKS).fill(CVR_PRIOR.alpha);
  const cb = Array<number>(HOOKS).fill(CVR_PRIOR.beta);
  const impressions = slots * SLOT_DAY;
  let expected = 0;
  for (let day = 0; day < days; day++) {
    const posteriorValue = (h: number) => (a[h]! / (a[h]! + b[h]!)) * (ca[h]! / (ca[h]! + cb[h]!));
    let best = 0;
    for (let h = 1; h < HOOKS; h++) if (posteriorValue(h) > posteriorValue(best)) best = h;
    expected += impressions * ctr[best]! * cvr[best]!;
    for (let h = 0; h < HOOKS; h++) {
      const clicks = binomial(rng, impressions, ctr[h]!);
      const conversions = binomial(rng, clicks, cvr[h]!);
      a[h]! += clicks;
      b[h]! += impressions - clicks;
      ca[h]! += conversions;
      cb[h]! += clicks - conversions;
    }
  }
  return expected;
}

main();
