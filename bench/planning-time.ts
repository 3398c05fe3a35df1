/**
 * Planning time at long histories: runs the shipped policy on one results-market instance
 * (`independent`, 6 slots) for 90 simulated days, once per objective (`ctr-only` = traffic,
 * `cpr-thompson` = leads), and times every planCycle call with performance.now() in this thread,
 * nothing else running in it. Reported per 10-day bucket and on days 1, 30, 60 and 90.
 */
import type { Hook } from '../learning/hook-library';
import type { PolicyParams } from '../learning/params';
import { makeController, type ControllerName } from './controllers';
import { drawTruth, TICKS_PER_DAY } from './market';
import { instanceKey } from './run-instance';
import { simulate } from './simulate';

/** One timed planCycle call. */
interface Sample {
  day: number;
  ms: number;
  creatives: number;
  dailyRows: number;
}

export interface PlanningTimeOptions {
  hooks: Hook[];
  days: number;
  slots: number;
  seed: string;
  cycleEveryTicks: number;
  params?: Partial<PolicyParams>;
}

const WARM_UP_DAYS = 5;

const CONTROLLERS: Array<{ name: ControllerName; objective: string }> = [
  { name: 'ctr-only', objective: 'traffic' },
  { name: 'cpr-thompson', objective: 'leads' },
];

function timeRun(o: PlanningTimeOptions, name: ControllerName, days = o.days): { samples: Sample[]; wallSeconds: number } {
  const task = { seed: o.seed, scenario: 'independent' as const, slots: o.slots, instance: 0 };
  const truth = drawTruth('independent', days, instanceKey(task));
  const samples: Sample[] = [];
  const { controller, scoring } = makeController(name, o.params, (ms, ctx) =>
    samples.push({
      day: Math.floor(ctx.tick / TICKS_PER_DAY) + 1,
      ms,
      creatives: ctx.evidence.length,
      dailyRows: ctx.evidence.reduce((s, ev) => s + (ev.daily?.length ?? 0), 0),
    }),
  );
  const started = performance.now();
  simulate({ truth, hooks: o.hooks, slots: o.slots, days, cycleEveryTicks: o.cycleEveryTicks, controller, scoring });
  return { samples, wallSeconds: (performance.now() - started) / 1000 };
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
};
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

/** Runs both objectives and returns the markdown section. */
export function planningTimeReport(o: PlanningTimeOptions): string {
  // Warm-up (JIT): a few days of each objective first, not reported.
  for (const c of CONTROLLERS) timeRun(o, c.name, Math.min(WARM_UP_DAYS, o.days));
  const runs = CONTROLLERS.map((c) => ({ ...c, ...timeRun(o, c.name) }));
  const buckets: Array<{ label: string; from: number; to: number }> = [];
  for (const d of [1, 30, 60, 90].filter((d) => d <= o.days)) buckets.push({ label: `day ${d}`, from: d, to: d });
  for (let d = 1; d <= o.days; d += 10) buckets.push({ label: `days ${d}–${Math.min(d + 9, o.days)}`, from: d, to: Math.min(d + 9, o.days) });
  const head =
    `| when | creatives in evidence (end) | daily rows (end) | ${runs.map((r) => `${r.objective}: ms per planCycle, median / mean / p90 / max`).join(' | ')} |\n` +
    `|---|---:|---:|${runs.map(() => '---:').join('|')}|`;
  const lines = buckets.map((b) => {
    const per = runs.map((r) => r.samples.filter((s) => s.day >= b.from && s.day <= b.to));
    const last = per[1]!.at(-1) ?? per[0]!.at(-1);
    const cells = per.map((xs) => {
      const ms = xs.map((s) => s.ms);
      return ms.length ? `${quantile(ms, 0.5).toFixed(1)} / ${mean(ms).toFixed(1)} / ${quantile(ms, 0.9).toFixed(1)} / ${Math.max(...ms).toFixed(1)}` : '—';
    });
    return `| ${b.label} | ${last?.creatives ?? '—'} | ${last?.dailyRows ?? '—'} | ${cells.join(' | ')} |`;
  });
  const totals = runs
    .map(
      (r) =>
        `${r.objective} ${r.samples.length} calls, ${(r.samples.reduce((s, x) => s + x.ms, 0) / 1000).toFixed(1)} s planning of ${r.wallSeconds.toFixed(1)} s simulated run`,
    )
    .join('; ');
  return [
    `Planning time per cycle: the shipped policy on one \`independent\` instance (${o.slots} slots, ${o.days} days, a cycle every ${(o.cycleEveryTicks * 15) / 60} h), wall-clock time of each planCycle call (performance.now(), main thread, no other bench work running, after a ${WARM_UP_DAYS}-day warm-up run of each). Creatives and daily rows are those in the evidence of the cpr-thompson (leads) run at the end of the bucket.`,
    ``,
    head,
    ...lines,
    ``,
    `Totals: ${totals}.`,
  ].join('\n');
}
