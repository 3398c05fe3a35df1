/**
 * Aggregates per-instance results into the HookBench table: mean ± standard error per
 * (scenario, slots, policy), and the Done-when checks of the issue.
 */
import type { PolicyName } from '../learning/types';
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
  policy: PolicyName | 'oracle';
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

export function summarise(results: InstanceResult[], policies: Array<PolicyName | 'oracle'>): PolicySummary[] {
  const groups = new Map<string, InstanceResult[]>();
  for (const r of results) {
    const key = `${r.scenario}|${r.slots}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const out: PolicySummary[] = [];
  for (const rs of groups.values()) {
    const first = rs[0]!;
    for (const policy of policies) {
      const rows = rs.map((r) => ({ m: r.metrics[policy]!, oracle: r.metrics.oracle!.expectedClicks }));
      const launched = rows.filter((r) => r.m.worstLaunched);
      out.push({
        scenario: first.scenario,
        slots: first.slots,
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

/** The Done-when checks for the shipped policy. */
export function targetChecks(rows: PolicySummary[], shipped: PolicyName): { text: string; met: boolean } {
  const lines: string[] = [];
  let met = true;
  for (const r of rows.filter((x) => x.policy === shipped)) {
    const eg = rows.find((x) => x.scenario === r.scenario && x.slots === r.slots && x.policy === 'epsilon-greedy');
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
