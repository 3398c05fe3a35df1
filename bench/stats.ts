/**
 * Aggregates per-instance results into the HookBench tables: mean ± standard error per
 * (scenario, slots, CTR scale, controller), and the Done-when checks of the issue (clicks, rate
 * scales, results).
 */
import type { PolicyName } from '../learning/types';
import type { ControllerName } from './controllers';
import type { Scenario } from './market';
import type { InstanceResult } from './run-instance';

/** Mean and standard error of a sample. */
export interface MeanSe {
  mean: number;
  se: number;
  n: number;
}

export function meanSe(xs: number[]): MeanSe {
  const n = xs.length;
  if (n === 0) return { mean: NaN, se: NaN, n: 0 };
  const mean = xs.reduce((s, x) => s + x, 0) / n;
  const v = n > 1 ? xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1) : 0;
  return { mean, se: Math.sqrt(v / n), n };
}

/** One table row. */
export interface PolicySummary {
  scenario: Scenario;
  slots: number;
  ctrScale: number;
  policy: ControllerName;
  clicks: MeanSe;
  clicksLost: MeanSe;
  lostPct: MeanSe;
  wastedUsd: MeanSe;
  namedBest: MeanSe | null;
  worstPausedDays: MeanSe;
  worstLaunchedPct: number;
  worstCensoredPct: number;
  launches: MeanSe;
  capViolations: number;
}

/** Results grouped by scenario, slot count and CTR scale, each group in instance order. */
function groupResults(results: InstanceResult[]): InstanceResult[][] {
  const groups = new Map<string, InstanceResult[]>();
  for (const r of results) {
    const key = `${r.scenario}|${r.slots}|${r.ctrScale}`;
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  return [...groups.values()]
    .map((g) => g.sort((a, b) => a.instance - b.instance))
    .sort((a, b) => a[0]!.slots - b[0]!.slots || a[0]!.ctrScale - b[0]!.ctrScale);
}

export function summarise(results: InstanceResult[], policies: ControllerName[]): PolicySummary[] {
  const out: PolicySummary[] = [];
  for (const rs of groupResults(results)) {
    const first = rs[0]!;
    for (const policy of policies) {
      const rows = rs.map((r) => ({ m: r.metrics[policy]!, oracle: r.metrics.oracle!.expectedClicks }));
      const launched = rows.filter((r) => r.m.worstLaunched);
      out.push({
        scenario: first.scenario,
        slots: first.slots,
        ctrScale: first.ctrScale,
        policy,
        clicks: meanSe(rows.map((r) => r.m.expectedClicks)),
        clicksLost: meanSe(rows.map((r) => r.oracle - r.m.expectedClicks)),
        lostPct: meanSe(rows.map((r) => (100 * (r.oracle - r.m.expectedClicks)) / r.oracle)),
        wastedUsd: meanSe(rows.map((r) => r.m.wastedSpendCents / 100)),
        namedBest: policy === 'oracle' ? null : meanSe(rows.map((r) => (r.m.namedBestCorrect ? 1 : 0))),
        worstPausedDays: meanSe(launched.map((r) => r.m.worstPausedAfterDays!)),
        worstLaunchedPct: (100 * launched.length) / rows.length,
        worstCensoredPct: launched.length ? (100 * launched.filter((r) => r.m.worstCensored).length) / launched.length : 0,
        launches: meanSe(rows.map((r) => r.m.launches)),
        capViolations: rows.reduce((s, r) => s + r.m.capViolations, 0),
      });
    }
  }
  return out;
}

/** A signed number with a true minus sign. */
const signed = (x: number, digits: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(digits)}`;

const f = (x: MeanSe, digits: number) => (Number.isNaN(x.mean) ? '—' : `${x.mean.toFixed(digits)} ± ${x.se.toFixed(digits)}`);

/** Markdown table for one scenario. */
export function scenarioTable(rows: PolicySummary[]): string {
  const head =
    '| slots | policy | clicks | clicks lost vs oracle | lost % | wasted spend $ | P(name best @ end) | worst hook paused after (days) | worst launched / still live | launches | cap violations |\n' +
    '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|';
  const lines = rows.map(
    (r) =>
      `| ${r.slots} | ${r.policy} | ${f(r.clicks, 0)} | ${f(r.clicksLost, 1)} | ${f(r.lostPct, 1)} | ${f(r.wastedUsd, 2)} | ${r.namedBest ? f(r.namedBest, 2) : '—'} | ${f(r.worstPausedDays, 1)} | ${r.worstLaunchedPct.toFixed(0)} % / ${r.worstCensoredPct.toFixed(0)} % | ${f(r.launches, 1)} | ${r.capViolations} |`,
  );
  return [head, ...lines].join('\n');
}

/** The issue's Done-when checks for the shipped policy. */
export function targetChecks(rows: PolicySummary[], shipped: PolicyName): { text: string; met: boolean } {
  const lines: string[] = [];
  let met = true;
  // The issue's targets are about the issue's market (mean CTR ≈ 1 %).
  const base = rows.filter((x) => x.ctrScale === 1);
  for (const r of base.filter((x) => x.policy === shipped)) {
    const eg = base.find((x) => x.scenario === r.scenario && x.slots === r.slots && x.policy === 'epsilon-greedy');
    if (r.scenario === 'stationary') {
      const ok = r.lostPct.mean <= 6;
      met &&= ok;
      lines.push(
        `- ${ok ? 'MET' : 'NOT MET'}: stationary, ${r.slots} slots: ${shipped} loses ${r.lostPct.mean.toFixed(1)} % of the oracle's clicks (target ≤ 6 %)`,
      );
    }
    if (eg) {
      const reduction = 100 * (1 - r.clicksLost.mean / eg.clicksLost.mean);
      const ok = reduction >= 35;
      met &&= ok;
      lines.push(
        `- ${ok ? 'MET' : 'NOT MET'}: ${r.scenario}, ${r.slots} slots: ${shipped} loses ${reduction.toFixed(0)} % fewer clicks than epsilon-greedy (${r.clicksLost.mean.toFixed(1)} vs ${eg.clicksLost.mean.toFixed(1)}; target ≥ 35 %)`,
      );
    }
  }
  const violations = rows.reduce((s, r) => s + r.capViolations, 0);
  met &&= violations === 0;
  lines.push(`- ${violations === 0 ? 'MET' : 'NOT MET'}: cap violations over all runs: ${violations}`);
  return { text: lines.join('\n'), met };
}

/** Mean CTR in % of a CTR scale (1 = the issue's Beta(6.2, 612), mean 1.003 %). */
export const scalePct = (scale: number) => `${scale} %`;

/**
 * Rate-scale check: at every other CTR scale the shipped policy must lose no larger a share of the
 * oracle's clicks than at scale 1, in each scenario and slot count. Instance i of every scale has
 * the same key (its hooks keep nearly the same rank and relative CTRs), so the difference is taken
 * per instance; a difference up to one standard error of that paired difference is tolerated.
 */
export function scaleChecks(results: InstanceResult[], shipped: PolicyName): { text: string; met: boolean } {
  const scales = [...new Set(results.map((r) => r.ctrScale))].sort((a, b) => a - b);
  if (scales.length < 2 || !scales.includes(1)) return { text: '- (needs scale 1 and another scale)', met: true };
  const lost = (r: InstanceResult) => (100 * (r.metrics.oracle!.expectedClicks - r.metrics[shipped]!.expectedClicks)) / r.metrics.oracle!.expectedClicks;
  const groups = groupResults(results);
  const cells = [...new Set(groups.map((g) => `${g[0]!.scenario}|${g[0]!.slots}`))];
  const table: string[] = [
    `| scenario | slots | ${scales.map((s) => `lost % at mean CTR ${scalePct(s)}`).join(' | ')} |`,
    `|---|---:|${scales.map(() => '---:').join('|')}|`,
  ];
  const lines: string[] = [];
  let met = true;
  for (const cell of cells) {
    const [scenario, slots] = cell.split('|');
    const byScale = new Map(groups.filter((g) => `${g[0]!.scenario}|${g[0]!.slots}` === cell).map((g) => [g[0]!.ctrScale, g]));
    table.push(`| ${scenario} | ${slots} | ${scales.map((s) => (byScale.has(s) ? f(meanSe(byScale.get(s)!.map(lost)), 1) : '—')).join(' | ')} |`);
    const ref = byScale.get(1);
    if (!ref) continue;
    const refByInstance = new Map(ref.map((r) => [r.instance, lost(r)]));
    for (const s of scales) {
      if (s === 1 || !byScale.has(s)) continue;
      const paired = byScale.get(s)!.filter((r) => refByInstance.has(r.instance));
      const d = meanSe(paired.map((r) => lost(r) - refByInstance.get(r.instance)!));
      const at = meanSe(paired.map(lost));
      const at1 = meanSe(paired.map((r) => refByInstance.get(r.instance)!));
      const ok = d.mean <= d.se;
      met &&= ok;
      lines.push(
        `- ${ok ? 'PASS' : 'FAIL'}: ${scenario}, ${slots} slots, mean CTR ${scalePct(s)}: ${shipped} loses ${f(at, 1)} % of the oracle's clicks against ${f(at1, 1)} % at 1 % (paired difference ${signed(d.mean, 1)} ± ${d.se.toFixed(1)} points; pass if ≤ one standard error, ${d.se.toFixed(1)})`,
      );
    }
  }
  return { text: [table.join('\n'), '', ...lines].join('\n'), met };
}

/** One row of a results table. */
export interface ResultSummary {
  scenario: Scenario;
  slots: number;
  policy: ControllerName;
  clicks: MeanSe;
  results: MeanSe;
  realized: MeanSe;
  /** Share of the run's (by-click) conversions Meta had reported by the end, %. */
  reportedPct: MeanSe;
  resultsLost: MeanSe;
  lostPct: MeanSe;
  spendUsd: MeanSe;
  costPerResultUsd: MeanSe;
  resultsPerUsd: MeanSe;
  wastedUsd: MeanSe;
  namedBest: MeanSe | null;
  launches: MeanSe;
  capViolations: number;
  /** Per-instance results per dollar, in instance order (for the paired checks). */
  perInstanceRpd: number[];
}

const spendCents = (m: { mediaSpendCents: number; generationCents: number }) => m.mediaSpendCents + m.generationCents;

/** Results tables: every controller against the results oracle (`oracle-results`). */
export function summariseResults(results: InstanceResult[], controllers: ControllerName[]): ResultSummary[] {
  const out: ResultSummary[] = [];
  for (const rs of groupResults(results)) {
    const first = rs[0]!;
    for (const policy of controllers) {
      const rows = rs.map((r) => ({ m: r.metrics[policy]!, oracle: r.metrics['oracle-results']!.expectedResults }));
      const rpd = rows.map((r) => r.m.expectedResults / (spendCents(r.m) / 100));
      out.push({
        scenario: first.scenario,
        slots: first.slots,
        policy,
        clicks: meanSe(rows.map((r) => r.m.expectedClicks)),
        results: meanSe(rows.map((r) => r.m.expectedResults)),
        realized: meanSe(rows.map((r) => r.m.realizedResults)),
        reportedPct: meanSe(rows.filter((r) => r.m.realizedResults > 0).map((r) => (100 * r.m.reportedResults) / r.m.realizedResults)),
        resultsLost: meanSe(rows.map((r) => r.oracle - r.m.expectedResults)),
        lostPct: meanSe(rows.map((r) => (100 * (r.oracle - r.m.expectedResults)) / r.oracle)),
        spendUsd: meanSe(rows.map((r) => spendCents(r.m) / 100)),
        costPerResultUsd: meanSe(rows.map((r) => spendCents(r.m) / 100 / r.m.expectedResults)),
        resultsPerUsd: meanSe(rpd),
        wastedUsd: meanSe(rows.map((r) => r.m.resultsWastedSpendCents / 100)),
        namedBest: policy === 'oracle-results' ? null : meanSe(rows.map((r) => (r.m.namedBestCorrect ? 1 : 0))),
        launches: meanSe(rows.map((r) => r.m.launches)),
        capViolations: rows.reduce((s, r) => s + r.m.capViolations, 0),
        perInstanceRpd: rpd,
      });
    }
  }
  return out;
}

/** Markdown results table for one scenario. */
export function resultsTable(rows: ResultSummary[]): string {
  const head =
    '| slots | policy | clicks | results | results lost vs oracle | lost % | cost per result $ | results per $ | wasted spend $ | spend $ | conversions by click / reported by the end | P(name best @ end) | launches | cap violations |\n' +
    '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|';
  const lines = rows.map(
    (r) =>
      `| ${r.slots} | ${r.policy} | ${f(r.clicks, 0)} | ${f(r.results, 1)} | ${f(r.resultsLost, 1)} | ${f(r.lostPct, 1)} | ${f(r.costPerResultUsd, 2)} | ${f(r.resultsPerUsd, 4)} | ${f(r.wastedUsd, 2)} | ${f(r.spendUsd, 0)} | ${f(r.realized, 1)} / ${r.reportedPct.mean.toFixed(0)} % | ${r.namedBest ? f(r.namedBest, 2) : '—'} | ${f(r.launches, 1)} | ${r.capViolations} |`,
  );
  return [head, ...lines].join('\n');
}

/** Target gain in results per dollar of cpr-thompson over ctr-only, per results scenario. */
export const RESULT_TARGETS: Record<string, { min: number; text: string }> = {
  independent: { min: 20, text: '≥ +20 %' },
  clickbait: { min: 20, text: '≥ +20 %' },
  aligned: { min: -3, text: '≥ −3 %' },
};

/**
 * The issue's results Done-when: cpr-thompson's results per dollar against ctr-only's, as the ratio
 * of the means over instances (± a paired standard error by the delta method), per scenario and
 * slot count; and 0 cap violations.
 */
export function resultChecks(rows: ResultSummary[]): { text: string; met: boolean } {
  const lines: string[] = [];
  let met = true;
  for (const cpr of rows.filter((r) => r.policy === 'cpr-thompson')) {
    const ctr = rows.find((r) => r.scenario === cpr.scenario && r.slots === cpr.slots && r.policy === 'ctr-only');
    const target = RESULT_TARGETS[cpr.scenario];
    if (!ctr || !target) continue;
    const ratio = cpr.resultsPerUsd.mean / ctr.resultsPerUsd.mean;
    const d = meanSe(cpr.perInstanceRpd.map((x, i) => x - ratio * ctr.perInstanceRpd[i]!));
    const gain = 100 * (ratio - 1);
    const se = (100 * d.se) / ctr.resultsPerUsd.mean;
    const ok = gain >= target.min;
    met &&= ok;
    lines.push(
      `- ${ok ? 'PASS' : 'FAIL'}: ${cpr.scenario}, ${cpr.slots} slots: cpr-thompson gets ${signed(gain, 1)} ± ${se.toFixed(1)} % results per dollar against ctr-only (${cpr.resultsPerUsd.mean.toFixed(4)} vs ${ctr.resultsPerUsd.mean.toFixed(4)} per $; cost per result $${cpr.costPerResultUsd.mean.toFixed(2)} vs $${ctr.costPerResultUsd.mean.toFixed(2)}; target ${target.text})`,
    );
  }
  // Textbook references, against the same ctr-only: printed, never checked.
  const told = (policy: string) =>
    policy.endsWith('-fitted')
      ? "on the learning core's fitted priors"
      : policy.endsWith('-core')
        ? "on the learning core's posteriors"
        : 'told the true priors';
  for (const ref of rows.filter((r) => r.policy.startsWith('textbook-'))) {
    const ctr = rows.find((r) => r.scenario === ref.scenario && r.slots === ref.slots && r.policy === 'ctr-only');
    if (!ctr) continue;
    const ratio = ref.resultsPerUsd.mean / ctr.resultsPerUsd.mean;
    const d = meanSe(ref.perInstanceRpd.map((x, i) => x - ratio * ctr.perInstanceRpd[i]!));
    // The shipped policy's gap to the reference in points of that gain, paired on the instances.
    const cpr = rows.find((r) => r.scenario === ref.scenario && r.slots === ref.slots && r.policy === 'cpr-thompson');
    let gap = '';
    if (cpr) {
      const diff = (ref.resultsPerUsd.mean - cpr.resultsPerUsd.mean) / ctr.resultsPerUsd.mean;
      const g = meanSe(ref.perInstanceRpd.map((x, i) => x - cpr.perInstanceRpd[i]! - diff * ctr.perInstanceRpd[i]!));
      gap = `; cpr-thompson ${signed(-100 * diff, 1)} ± ${((100 * g.se) / ctr.resultsPerUsd.mean).toFixed(1)} points against it`;
    }
    lines.push(
      `- reference: ${ref.scenario}, ${ref.slots} slots: ${ref.policy} (${told(ref.policy)}) gets ${signed(100 * (ratio - 1), 1)} ± ${((100 * d.se) / ctr.resultsPerUsd.mean).toFixed(1)} % results per dollar against ctr-only (${ref.resultsPerUsd.mean.toFixed(4)} per $${gap})`,
    );
  }
  const violations = rows.reduce((s, r) => s + r.capViolations, 0);
  met &&= violations === 0;
  lines.push(`- ${violations === 0 ? 'PASS' : 'FAIL'}: cap violations over all runs: ${violations}`);
  return { text: lines.join('\n'), met };
}
