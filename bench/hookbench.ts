/**
 * HookBench: runs the production learning code (planCycle) against a simulated Meta market and
 * prints, per scenario and policy, clicks lost against an oracle, wasted spend, how often the
 * best hook is named, and how fast the worst hook is paused. Exits 1 if any run breaks a cap.
 *
 *   npm run bench:hooks -- [--instances 200] [--days 30] [--scenario all|stationary|fatigue|abrupt|drift]
 *                          [--slots 2,6] [--seed hookbench] [--workers N] [--cycle-minutes 120]
 *                          [--policies a,b] [--params '{"pauseMargin":0.9}'] [--out bench/RESULTS.md]
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { DEFAULT_POLICY, POLICY_NAMES, type PolicyParams } from '../learning/params';
import type { PolicyName } from '../learning/types';
import { HOOK_COUNT, SCENARIOS, TICK_MS, type Scenario } from './market';
import type { InstanceResult, InstanceTask } from './run-instance';
import { scenarioTable, summarise, targetChecks } from './stats';

const BATCH = 4;

function parseCli() {
  const { values } = parseArgs({
    options: {
      instances: { type: 'string', default: '200' },
      days: { type: 'string', default: '30' },
      scenario: { type: 'string', default: 'all' },
      slots: { type: 'string', default: '2,6' },
      seed: { type: 'string', default: 'hookbench' },
      workers: { type: 'string', default: String(availableParallelism()) },
      'cycle-minutes': { type: 'string', default: '120' },
      policies: { type: 'string' },
      params: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const scenarios = values.scenario === 'all' ? SCENARIOS : (values.scenario!.split(',') as Scenario[]);
  for (const s of scenarios) if (!SCENARIOS.includes(s)) throw new Error(`unknown scenario "${s}" (use ${SCENARIOS.join(', ')} or all)`);
  const policies: Array<PolicyName | 'oracle'> = ['oracle', ...((values.policies?.split(',') as PolicyName[] | undefined) ?? POLICY_NAMES)];
  const cycleMinutes = Number(values['cycle-minutes']);
  if (!Number.isInteger(cycleMinutes / 15) || cycleMinutes < 15) throw new Error('--cycle-minutes must be a multiple of 15');
  return {
    instances: Number(values.instances),
    days: Number(values.days),
    scenarios,
    slots: values.slots!.split(',').map(Number),
    seed: values.seed!,
    workers: Math.max(1, Number(values.workers)),
    cycleEveryTicks: (cycleMinutes * 60_000) / TICK_MS,
    cycleMinutes,
    policies,
    params: values.params ? (JSON.parse(values.params) as Partial<PolicyParams>) : undefined,
    out: values.out,
  };
}

async function runAll(tasks: InstanceTask[], workers: number): Promise<InstanceResult[]> {
  const libraryPath = fileURLToPath(new URL('../hooks/library.json', import.meta.url));
  const workerUrl = new URL('./worker.ts', import.meta.url).href;
  // Workers do not inherit tsx's loader; register it before importing the TypeScript entry.
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then(({ register }) => { register(); return import(${JSON.stringify(workerUrl)}); })`;
  const queue: InstanceTask[][] = [];
  for (let i = 0; i < tasks.length; i += BATCH) queue.push(tasks.slice(i, i + BATCH));
  const total = queue.length;
  const results: InstanceResult[] = [];
  let done = 0;
  await Promise.all(
    Array.from({ length: Math.min(workers, queue.length) }, () => {
      const worker = new Worker(bootstrap, { eval: true, workerData: { libraryPath, hookCount: HOOK_COUNT } });
      return new Promise<void>((resolve, reject) => {
        const feed = () => worker.postMessage(queue.shift() ?? null);
        worker.on('message', (batch: InstanceResult[]) => {
          results.push(...batch);
          done++;
          if (done % 20 === 0 || done === total) process.stderr.write(`\r  ${done}/${total} batches`);
          feed();
        });
        worker.on('error', reject);
        worker.on('exit', () => resolve());
        feed();
      });
    }),
  );
  process.stderr.write('\n');
  return results;
}

async function main(): Promise<number> {
  const cli = parseCli();
  const started = performance.now();
  const tasks: InstanceTask[] = [];
  for (const scenario of cli.scenarios)
    for (const slots of cli.slots)
      for (let instance = 0; instance < cli.instances; instance++)
        tasks.push({
          scenario,
          slots,
          instance,
          days: cli.days,
          seed: cli.seed,
          cycleEveryTicks: cli.cycleEveryTicks,
          policies: cli.policies,
          params: cli.params,
        });

  const results = await runAll(tasks, cli.workers);
  const rows = summarise(results, cli.policies);
  const wallSeconds = (performance.now() - started) / 1000;

  const args = process.argv.slice(2).join(' ');
  const parts = [
    `# HookBench`,
    ``,
    `Command: \`npm run bench:hooks${args ? ` -- ${args}` : ''}\` (= \`tsx bench/hookbench.ts${args ? ` ${args}` : ''}\`)`,
    ``,
    `Market: ${HOOK_COUNT} hooks with true CTR ~ Beta(6.2, 612); $5/day ad sets; ${cli.slots.join(' and ')} slots (live-ad cap = slots, daily cap = slots × $5 + $1 for generation, 2¢ per image; budgets are spent exactly, never overspent, and the cap arithmetic is told so); CPM lognormal, median $10, σ 0.25, per creative-day; 15-minute ticks with a daily delivery profile; link clicks visible 1–3 h late; review lognormal (median 2 h), 2 % rejected; ${cli.days} days; ${cli.instances} seeded instances per scenario and slot count (seed "${cli.seed}"); every policy meets the same hooks, CPMs, review delays, rejections and click uniforms (streams keyed by instance and launch ordinal).`,
    ``,
    `Cadence: the market ticks every 15 min; each policy runs the production cycle (\`planCycle\`: decideActions + chooseHooks + launchCapacity) every ${cli.cycleMinutes} min, i.e. ${(cli.days * 24 * 60) / cli.cycleMinutes} cycles per run, instead of every tick, to fit the run in minutes on 2 cores. Pause checks are deferred to the first hour of the day unless a pause frees budget usable the same day, so the cadence changes little.`,
    ``,
    `Oracle: knows every hook's and creative's true current CTR; fills free slots with the best hook and, at the start of a day, replaces creatives below 90 % of the best fresh CTR; same caps, reviews and rejections.`,
    ``,
    `Metrics (mean ± standard error over instances): clicks = expected clicks (impressions × true CTR); clicks lost = oracle's clicks minus the policy's, also as % of the oracle's; wasted spend = media spend on creatives whose true CTR was below 70 % of the best hook's at the time; P(name best) = the policy's report (scoreHooks) names the true best hook at the end; worst hook paused after = days from the first launch of the worst hook (lowest CTR on day 0) until none of its creatives is live (over runs that launched it; runs still running it at the end count up to the end); cap violations = days over the spend cap, moments over the live-ad cap, budget edits over 4/hour or above the max budget.`,
    cli.params ? `\n**Experiment: parameters overridden for every learning policy: \`${JSON.stringify(cli.params)}\`**` : '',
  ];
  for (const scenario of cli.scenarios) {
    parts.push(``, `## ${scenario}`, ``, scenarioTable(rows.filter((r) => r.scenario === scenario)));
  }
  const checks = targetChecks(rows, DEFAULT_POLICY);
  parts.push(``, `## Targets for the shipped policy (${DEFAULT_POLICY})`, ``, checks.text);
  const violations = rows.reduce((s, r) => s + r.capViolations, 0);
  parts.push(``, `Wall time: ${wallSeconds.toFixed(1)} s on ${cli.workers} worker thread(s), Node ${process.version}.`);
  const text = parts.join('\n');
  console.log(text);
  if (cli.out) writeFileSync(cli.out, text + '\n');
  if (violations > 0) {
    console.error(`FAIL: ${violations} cap violation(s)`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
