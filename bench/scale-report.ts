/**
 * The scale benchmark's tables (markdown, so they can go into bench/README.md as printed) and its
 * reading of what limited N.
 */
import { quantile } from './scale-history';
import type { OverheadResult } from './scale-overhead';
import type { StepResult } from './scale-step';

const s = (ms: number, digits = 2) => (Number.isFinite(ms) ? (ms / 1000).toFixed(digits) : '∞');
const pct = (x: number) => x.toFixed(0);

export interface Target {
  lagP99Ms: number;
}

export const withinTarget = (r: StepResult, t: Target) => r.missed === 0 && r.failed === 0 && quantile(r.lagMs, 0.99) <= t.lagP99Ms;

function slowestQueue(r: StepResult) {
  return [...r.activities].sort((a, b) => b.queueWaitP99 - a.queueWaitP99)[0];
}

export function cyclesTable(steps: StepResult[], t: Target): string {
  const rows = steps.map((r) => {
    const q = slowestQueue(r);
    return [
      r.n,
      `${r.run} / ${r.expected}`,
      r.missed,
      r.failed,
      r.launched,
      s(quantile(r.lagMs, 0.5)),
      s(quantile(r.lagMs, 0.99)),
      s(quantile(r.startLagMs, 0.99)),
      `${s(quantile(r.cycleMs, 0.5), 1)} / ${s(quantile(r.cycleMs, 0.99), 1)}`,
      q ? `${q.type} ${s(q.queueWaitP99, 1)}` : '-',
      r.retries.length,
      withinTarget(r, t) ? 'yes' : '**no**',
    ].join(' | ');
  });
  return [
    '| N | cycles run / scheduled | missed | failed | ads launched | lag p50 (s) | lag p99 (s) | of which scheduler, p99 (s) | cycle p50 / p99 (s) | longest queue wait p99 (s) | activity retries | within target |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---|',
    ...rows.map((r) => `| ${r} |`),
  ].join('\n');
}

export function ratesTable(steps: StepResult[]): string {
  const rows = steps.map((r) =>
    [
      r.n,
      `${r.kie.maxPer10s} / 20`,
      r.kie.avgPer10s.toFixed(1),
      r.meta.requests,
      r.meta.perSecond.toFixed(1),
      r.meta.errors,
      `${pct(r.meta.bucCallPct)} / ${pct(r.meta.bucTimePct)}`,
      pct(r.meta.appCallPct),
    ].join(' | '),
  );
  return [
    '| N | Kie new tasks, max in any 10 s (limit 20 per key) | Kie new tasks per 10 s, mean | Meta requests | Meta req/s | Meta error answers | Meta BUC max call_count / total_time % (limit 100) | Meta x-app-usage call_count max % |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r} |`),
  ].join('\n');
}

export function processTable(steps: StepResult[]): string {
  const names = steps[0]?.usage.procs.map((p) => p.name) ?? [];
  const rows = steps.map((r) =>
    [
      r.n,
      r.usage.seconds.toFixed(0),
      ...r.usage.procs.map((p) => `${p.cpuPct.toFixed(0)} % · ${p.rssMiB.toFixed(0)}`),
      `${r.usage.othersPct.toFixed(0)} %`,
    ].join(' | '),
  );
  return [
    `| N | window (s) | ${names.join(' | ')} | other processes (CPU) |`,
    `|---:|---:|${names.map(() => '---:|').join('')}---:|`,
    ...rows.map((r) => `| ${r} |`),
  ].join('\n');
}

export function overheadTable(o: OverheadResult): string {
  const ms = (x: number) => `${x.toFixed(1)} ms`;
  return [
    `| K = ${o.k} image cycles, medians (queue rate limits off) | cycle wall time | inside activities | activity hops | orchestration per hop | of which queue wait per hop |`,
    '|---|---:|---:|---:|---:|---:|',
    `| Temporal, a worker process per queue | ${ms(o.temporal.wallMs)} | ${ms(o.temporal.insideMs)} | ${o.hops} | ${ms(o.temporal.overheadPerHopMs)} | ${ms(o.temporal.queueWaitPerHopMs)} |`,
    `| the same activities called in one process | ${ms(o.direct.wallMs)} | ${ms(o.direct.insideMs)} | ${o.hops} | ${ms((o.direct.wallMs - o.direct.insideMs) / o.hops)} | - |`,
    '',
    '| activity | queue wait in Temporal (p50) | inside, in Temporal (p50) | called directly (p50) |',
    '|---|---:|---:|---:|',
    ...o.perActivity.map((a) => `| ${a.type} | ${ms(a.queueWaitMs)} | ${ms(a.temporalMs)} | ${ms(a.directMs)} |`),
  ].join('\n');
}

/** The workers' server-side queue rates (activity starts per second for the whole queue, workers/create-workers.ts). */
export interface QueueRates {
  images: number;
  campaign: number;
}

/** The queue rate behind an activity's queue wait, said in words. */
function queueRate(type: string, r: QueueRates): string {
  if (type === 'generateImageCreative') return ` (the ad-images queue: IMAGES_RATE_PER_SEC = ${r.images} starts/s for all accounts together, for Kie)`;
  if (['checkWriteAccess', 'launchCreative', 'applyActions'].includes(type))
    return ` (the ad-campaign queue: CAMPAIGN_RATE_PER_SEC = ${r.campaign} starts/s for all accounts together)`;
  return '';
}

/** What the measurements say limited the first step outside the target. */
export function limitOf(r: StepResult, t: Target, cores: number, rates: QueueRates): string {
  const why: string[] = [];
  const lag = quantile(r.lagMs, 0.99);
  if (r.missed)
    why.push(
      `${r.missed} of ${r.expected} scheduled cycles never started (${r.skippedOverlap} skipped by the schedule: overlap SKIP while the previous cycle ran, or catch-up window)`,
    );
  if (r.failed) why.push(`${r.failed} cycles failed or timed out (2 intervals)`);
  if (lag > t.lagP99Ms)
    why.push(`p99 lag ${s(lag)} s > ${s(t.lagP99Ms, 0)} s, of which the scheduler (schedule time -> execution started) ${s(quantile(r.startLagMs, 0.99))} s`);
  const busy = r.usage.procs.reduce((a, p) => a + p.cpuPct, 0) + r.usage.othersPct;
  const top = [...r.usage.procs].sort((a, b) => b.cpuPct - a.cpuPct).slice(0, 3);
  why.push(
    `CPU ${busy.toFixed(0)} % of ${cores * 100} % (${top.map((p) => `${p.name} ${p.cpuPct.toFixed(0)} %`).join(', ')}, other processes ${r.usage.othersPct.toFixed(0)} %)${busy > 85 * cores ? ': the machine was saturated' : ''}`,
  );
  const q = slowestQueue(r);
  if (q && q.queueWaitP99 > 1000) {
    why.push(`longest queue wait: ${q.type} p99 ${s(q.queueWaitP99, 1)} s${queueRate(q.type, rates)}`);
  }
  if (r.kie.maxPer10s >= 20) why.push(`Kie create limit reached (${r.kie.maxPer10s} in 10 s)`);
  if (r.meta.bucCallPct >= 100) why.push(`Meta BUC limit reached (${pct(r.meta.bucCallPct)} %)`);
  const causes = [...new Set(r.retries.map((x) => `${x.type}: ${x.cause}`))].slice(0, 3);
  if (causes.length) why.push(`retried activities: ${causes.join('; ')}`);
  return why.join('; ');
}
