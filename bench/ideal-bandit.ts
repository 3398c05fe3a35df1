/**
 * Reference point for HookBench's targets: the same 12-hook market (CTR ~ Beta(6.2, 612)) as a
 * textbook Bernoulli bandit with everything HookBench makes hard removed — the true prior is
 * known, there is no review, no reporting delay, no impression floor, no fatigue or drift, and
 * each slot-day (500 impressions) is re-decided. What a policy loses here it would lose in any
 * market with these CTRs and one decision per slot-day.
 *
 *   npx tsx bench/ideal-bandit.ts [--instances 400]
 */
import { parseArgs } from 'node:util';
import { createRng, type Rng } from '../learning/random';

const HOOKS = 12;
const PRIOR = { alpha: 6.2, beta: 612 };
const BATCH = 500; // one $5 slot-day at $10 CPM

type Policy = 'thompson' | 'thompson (draws ×0.5)' | 'greedy' | 'epsilon-greedy 0.2';
const POLICIES: Policy[] = ['thompson', 'thompson (draws ×0.5)', 'greedy', 'epsilon-greedy 0.2'];

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
    let v = mean;
    if (policy === 'thompson') v = rng.beta(a[h]!, b[h]!);
    if (policy === 'thompson (draws ×0.5)') v = mean + 0.5 * (rng.beta(a[h]!, b[h]!) - mean);
    if (v > bestValue) {
      bestValue = v;
      best = h;
    }
  }
  return best;
}

function main() {
  const { values } = parseArgs({ options: { instances: { type: 'string', default: '400' } } });
  const instances = Number(values.instances);
  console.log(`| slots | policy | clicks lost vs oracle, % (mean ± se over ${instances} instances) |\n|---:|---|---:|`);
  for (const slots of [2, 6]) {
    for (const policy of POLICIES) {
      const lost: number[] = [];
      for (let i = 0; i < instances; i++) {
        const truthRng = createRng(`ideal/${i}`);
        const ctr = Array.from({ length: HOOKS }, () => truthRng.beta(PRIOR.alpha, PRIOR.beta));
        const rng = createRng(`ideal/${i}/${policy}`);
        const a = Array<number>(HOOKS).fill(PRIOR.alpha);
        const b = Array<number>(HOOKS).fill(PRIOR.beta);
        let expected = 0;
        for (let day = 0; day < 30; day++) {
          const picks = Array.from({ length: slots }, () => pick(policy, a, b, rng));
          for (const h of picks) {
            const k = binomial(rng, BATCH, ctr[h]!);
            expected += BATCH * ctr[h]!;
            a[h]! += k;
            b[h]! += BATCH - k;
          }
        }
        const oracle = 30 * slots * BATCH * Math.max(...ctr);
        lost.push((100 * (oracle - expected)) / oracle);
      }
      const mean = lost.reduce((s, x) => s + x, 0) / lost.length;
      const se = Math.sqrt(lost.reduce((s, x) => s + (x - mean) ** 2, 0) / (lost.length - 1) / lost.length);
      console.log(`| ${slots} | ${policy} | ${mean.toFixed(1)} ± ${se.toFixed(1)} |`);
    }
  }
}

main();
