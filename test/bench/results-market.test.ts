/**
 * HookBench's results market (bench/): late conversions that restate past days, the clickbait and
 * aligned pairings, the results oracle, cap-violation counting, the CTR rate scales and the
 * Done-when arithmetic. Pure and fast (no Temporal).
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { makeController, oracleController, oracleResultsController } from '../../bench/controllers';
import {
  conversionRng,
  ctrPrior,
  drawConversionDelayTicks,
  drawLaunch,
  drawTruth,
  HOOK_COUNT,
  T0_MS,
  TICKS_PER_DAY,
  valueRow,
  type Truth,
} from '../../bench/market';
import { instanceKey, type InstanceResult } from '../../bench/run-instance';
import { deliver, launchCreative, reveal } from '../../bench/sim-creative';
import { benchCaps, simulate, type Controller, type CycleContext, type RunMetrics } from '../../bench/simulate';
import { resultChecks, scaleChecks, summariseResults } from '../../bench/stats';
import { loadHookLibrary } from '../../learning/hook-library';
import { createRng } from '../../learning/random';
import type { DailyEvidence } from '../../learning/types';

const hooks = loadHookLibrary(fileURLToPath(new URL('../../hooks/library.json', import.meta.url))).slice(0, HOOK_COUNT);
const argmax = (xs: ArrayLike<number>) => {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if (xs[i]! > xs[best]!) best = i;
  return best;
};
const ranks = (xs: ArrayLike<number>) => {
  const order = Array.from(xs, (_, i) => i).sort((a, b) => xs[a]! - xs[b]!);
  const r = new Array<number>(xs.length);
  order.forEach((i, k) => (r[i] = k));
  return r;
};

/** A results market with one CTR and CVR for every hook (high, so a test day has many conversions). */
function flatTruth(ctr: number, cvr: number, days: number): Truth {
  return {
    scenario: 'independent',
    days,
    ctrByDay: Array.from({ length: days + 1 }, () => new Float64Array(HOOK_COUNT).fill(ctr)),
    cvr: new Float64Array(HOOK_COUNT).fill(cvr),
    key: 'test/flat',
  };
}

describe('results market: delayed conversions', () => {
  it('reports conversions days after the click, on the click date, so past rows grow (restatement)', () => {
    const days = 10;
    const truth = flatTruth(0.1, 0.8, days);
    const draws = { ...drawLaunch(truth.key, 0), reviewTicks: 1, rejected: false };
    const c = launchCreative({ id: 'c0', hookId: hooks[0]!.id, hook: 0, tick: 0, budget: 500, draws, convRng: conversionRng(truth.key, 0) });
    let drawnDay0 = 0;
    let snapshot: DailyEvidence | undefined;
    for (let tick = 0; tick < days * TICKS_PER_DAY; tick++) {
      const day = Math.floor(tick / TICKS_PER_DAY);
      reveal(c, tick, day);
      for (const row of c.ev.daily!) expect(row.conversions).toBeLessThanOrEqual(row.linkClicks); // never before its click
      if (tick === 2 * TICKS_PER_DAY) snapshot = structuredClone(c.ev.daily![0]!); // what Meta reports on day 2
      if (tick === TICKS_PER_DAY) c.state = 'paused'; // only day 0 delivers
      const t = deliver(c, truth, tick, day);
      if (day === 0) drawnDay0 += t.conversions;
    }
    const final = c.ev.daily![0]!;
    expect(c.ev.daily).toHaveLength(1);
    expect(final.date).toBe(new Date(T0_MS).toISOString().slice(0, 10));
    expect(drawnDay0).toBeGreaterThan(20);
    // On day 2 the day-0 row had its clicks but not all its conversions; by day 10 (7 days + 3 h) it has all.
    expect(snapshot!.linkClicks).toBe(final.linkClicks);
    expect(snapshot!.conversions).toBeGreaterThan(0);
    expect(snapshot!.conversions).toBeLessThan(final.conversions);
    expect(final.conversions).toBe(drawnDay0);
    expect(c.ev.conversions).toBe(drawnDay0);
  });

  it('spreads delays over up to 7 days: about 65 % within a day, the rest to day 7', () => {
    const rng = createRng('delays');
    const ticks = Array.from({ length: 20_000 }, () => drawConversionDelayTicks(rng));
    expect(Math.min(...ticks)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...ticks)).toBeLessThanOrEqual(7 * TICKS_PER_DAY);
    const withinDay = ticks.filter((t) => t <= TICKS_PER_DAY).length / ticks.length;
    expect(withinDay).toBeGreaterThan(0.63);
    expect(withinDay).toBeLessThan(0.67);
    const meanDays = ticks.reduce((s, t) => s + t, 0) / ticks.length / TICKS_PER_DAY;
    expect(meanDays).toBeGreaterThan(1.3);
    expect(meanDays).toBeLessThan(1.6);
  });

  it('passes planCycle only what is reported so far, and counts results by click', () => {
    const truth = flatTruth(0.05, 0.5, 6);
    const seen: number[] = [];
    const spy: Controller = (ctx) => {
      seen.push(ctx.evidence.reduce((s, ev) => s + ev.conversions, 0));
      return oracleResultsController(ctx);
    };
    const m = simulate({ truth, hooks, slots: 2, days: 6, cycleEveryTicks: 8, controller: spy, scoring: null });
    // Visible conversions only grow, and at the end some are still to be reported.
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThanOrEqual(seen[i - 1]!);
    expect(m.reportedResults).toBeLessThan(m.realizedResults);
    expect(m.reportedResults).toBeGreaterThanOrEqual(seen.at(-1)!);
    expect(Math.abs(m.realizedResults - m.expectedResults)).toBeLessThan(5 * Math.sqrt(m.expectedResults) + 1);
  });
});

describe('results market: scenarios', () => {
  it('clickbait pairs the highest CTRs with the lowest CVRs, aligned the other way, from the same draws', () => {
    for (let i = 0; i < 20; i++) {
      const key = instanceKey({ seed: 'test', scenario: 'independent', slots: 2, instance: i });
      const [ind, bait, ali] = (['independent', 'clickbait', 'aligned'] as const).map((s) => drawTruth(s, 30, key));
      const ctr = ind!.ctrByDay[0]!;
      expect(bait!.ctrByDay[0]).toEqual(ctr);
      expect(ali!.ctrByDay[0]).toEqual(ctr);
      const sorted = (x: Float64Array) => [...x].sort((a, b) => a - b);
      expect(sorted(bait!.cvr!)).toEqual(sorted(ind!.cvr!));
      expect(sorted(ali!.cvr!)).toEqual(sorted(ind!.cvr!));
      const r = ranks(ctr);
      expect(ranks(bait!.cvr!)).toEqual(r.map((k) => HOOK_COUNT - 1 - k));
      expect(ranks(ali!.cvr!)).toEqual(r);
      expect(bait!.cvr![argmax(ctr)]).toBe(Math.min(...bait!.cvr!));
      for (const x of ind!.cvr!) {
        expect(x).toBeGreaterThanOrEqual(0.02);
        expect(x).toBeLessThanOrEqual(0.2);
      }
    }
  });

  it('draws CVRs with mean about 8 %, and the CTR scenarios have none', () => {
    const all: number[] = [];
    for (let i = 0; i < 200; i++) all.push(...drawTruth('independent', 1, `test/cvr/${i}`).cvr!);
    const mean = all.reduce((s, x) => s + x, 0) / all.length;
    expect(mean).toBeGreaterThan(0.075);
    expect(mean).toBeLessThan(0.085);
    expect(drawTruth('stationary', 1, 'test/cvr/0').cvr).toBeUndefined();
  });

  it('scales the CTR prior mean keeping its relative spread; scale 1 is the issue prior', () => {
    expect(ctrPrior(1)).toEqual({ alpha: 6.2, beta: 612 });
    const moments = ({ alpha, beta }: { alpha: number; beta: number }) => {
      const m = alpha / (alpha + beta);
      return { m, cv: Math.sqrt((m * (1 - m)) / (alpha + beta + 1)) / m };
    };
    const base = moments(ctrPrior(1));
    for (const s of [0.3, 3]) {
      const x = moments(ctrPrior(s));
      expect(x.m).toBeCloseTo(s * base.m, 10);
      expect(x.cv).toBeCloseTo(base.cv, 10);
    }
    const meanCtr = (s: number) => {
      let sum = 0;
      for (let i = 0; i < 100; i++) sum += drawTruth('stationary', 1, `test/scale/${i}`, s).ctrByDay[0]!.reduce((a, b) => a + b, 0);
      return sum / (100 * HOOK_COUNT);
    };
    expect(meanCtr(3) / meanCtr(1)).toBeGreaterThan(2.7);
    expect(meanCtr(3) / meanCtr(1)).toBeLessThan(3.3);
  });
});

/** A cycle context with no evidence yet, at the start of day 0. */
function emptyContext(truth: Truth, slots: number): CycleContext {
  return {
    hooks,
    evidence: [],
    nowMs: T0_MS,
    dayStartMs: T0_MS,
    tick: 0,
    caps: benchCaps(slots),
    budgetEditsLastHour: {},
    currentBudgets: {},
    seed: 'test',
    truth,
    trueCtrOf: () => 0,
  };
}

describe('results oracle', () => {
  it('fills the slots with the hook of the best CTR × CVR, not the best CTR', () => {
    const truth = drawTruth('clickbait', 30, 'test/oracle');
    const best = argmax(valueRow(truth, 0));
    expect(best).not.toBe(argmax(truth.ctrByDay[0]!));
    const launches = oracleResultsController(emptyContext(truth, 2)).filter((d) => d.kind === 'launch');
    expect(launches).toHaveLength(2);
    for (const d of launches) expect(d.hookId).toBe(hooks[best]!.id);
    const ctrLaunches = oracleController(emptyContext(truth, 2)).filter((d) => d.kind === 'launch');
    for (const d of ctrLaunches) expect(d.hookId).toBe(hooks[argmax(truth.ctrByDay[0]!)]!.id);
  });

  it('gets more results than the CTR oracle in clickbait, which gets more clicks', () => {
    const truth = drawTruth('clickbait', 5, 'test/oracle');
    const run = (controller: Controller) => simulate({ truth, hooks, slots: 2, days: 5, cycleEveryTicks: 8, controller, scoring: null });
    const results = run(oracleResultsController);
    const clicks = run(oracleController);
    expect(results.expectedResults).toBeGreaterThan(clicks.expectedResults);
    expect(clicks.expectedClicks).toBeGreaterThan(results.expectedClicks);
    expect(results.resultsWastedSpendCents).toBe(0);
    expect(results.capViolations + clicks.capViolations).toBe(0);
  });

  it('ctr-only and cpr-thompson run the production planCycle under the caps', () => {
    const truth = drawTruth('independent', 3, 'test/planned');
    for (const name of ['ctr-only', 'cpr-thompson'] as const) {
      const { controller, scoring } = makeController(name);
      const m = simulate({ truth, hooks, slots: 2, days: 3, cycleEveryTicks: 8, controller, scoring });
      expect(m.capViolations).toBe(0);
      expect(m.launches).toBeGreaterThanOrEqual(2);
      expect(m.expectedResults).toBeGreaterThan(0);
    }
  });

  it('the textbook references fill every slot on day 0 and keep only picked hooks at a day start, under the caps', () => {
    const truth = drawTruth('independent', 6, 'test/textbook');
    for (const name of ['textbook-ucb', 'textbook-thompson', 'textbook-ucb-fitted', 'textbook-ucb-core'] as const) {
      const { controller } = makeController(name);
      const first = controller(emptyContext(truth, 6)).filter((d) => d.kind === 'launch');
      expect(first).toHaveLength(6);
      // UCB with fantasy spreads one cycle's picks: every untried hook scores alike, and each pick lowers its own score.
      if (name.startsWith('textbook-ucb')) expect(new Set(first.map((d) => d.hookId)).size).toBe(6);
      let dayStartPauses = 0;
      let otherPauses = 0;
      const counting: Controller = (ctx) => {
        const decisions = controller(ctx);
        const pauses = decisions.filter((d) => d.kind === 'pause').length;
        if (ctx.tick % TICKS_PER_DAY === 0) dayStartPauses += pauses;
        else otherPauses += pauses;
        return decisions;
      };
      const m = simulate({ truth, hooks, slots: 6, days: 6, cycleEveryTicks: 8, controller: counting, scoring: null });
      expect(m.capViolations).toBe(0);
      expect(otherPauses).toBe(0);
      expect(dayStartPauses).toBeGreaterThan(0);
      // Every pause is replaced in the same cycle; rejected reviews take their slot again later.
      expect(m.launches).toBeGreaterThanOrEqual(6 + m.pauses);
      expect(m.launches).toBeLessThanOrEqual(6 + m.pauses + rejectedLaunches(truth, m.launches));
    }
  });
});

/** Launches among the first n of an instance that its review rejects (each takes a slot again). */
function rejectedLaunches(truth: Truth, n: number): number {
  let k = 0;
  for (let i = 0; i < n; i++) if (drawLaunch(truth.key, i).rejected) k++;
  return k;
}

describe('cap violations', () => {
  it('counts launches past the live-ad and spend caps, and budgets past the maximum', () => {
    const truth = drawTruth('independent', 2, 'test/caps');
    const greedy: Controller = (ctx) =>
      ctx.tick === 0
        ? hooks
            .slice(0, 4)
            .map((h) => ({ kind: 'launch' as const, hookId: h.id, reason: 'greedy', snapshot: { policy: 'thompson' as const, prior: { alpha: 1, beta: 1 } } }))
        : [];
    const m = simulate({ truth, hooks, slots: 2, days: 2, cycleEveryTicks: 8, controller: greedy, scoring: null });
    expect(m.capViolations).toBeGreaterThan(0);
    const raiser: Controller = (ctx) => {
      const live = ctx.evidence.find((ev) => ev.status === 'live');
      if (!live) return oracleResultsController(ctx);
      return [
        { kind: 'scale', creativeId: live.creativeId, toBudgetCents: 5000, reason: 'too much', snapshot: { policy: 'thompson', prior: { alpha: 1, beta: 1 } } },
      ];
    };
    expect(simulate({ truth, hooks, slots: 2, days: 2, cycleEveryTicks: 8, controller: raiser, scoring: null }).capViolations).toBeGreaterThan(0);
    expect(simulate({ truth, hooks, slots: 2, days: 2, cycleEveryTicks: 8, controller: oracleResultsController, scoring: null }).capViolations).toBe(0);
  });
});

/** Metrics with just the fields the summaries read. */
function metrics(o: Partial<RunMetrics>): RunMetrics {
  return {
    expectedClicks: 100,
    realizedClicks: 100,
    mediaSpendCents: 10_000,
    generationCents: 0,
    wastedSpendCents: 0,
    capViolations: 0,
    launches: 2,
    pauses: 0,
    namedBestCorrect: true,
    worstLaunched: false,
    worstPausedAfterDays: null,
    worstCensored: false,
    dailyClicks: [],
    expectedResults: 10,
    realizedResults: 10,
    reportedResults: 9,
    resultsWastedSpendCents: 0,
    ...o,
  };
}

describe('Done-when arithmetic', () => {
  it('compares cpr-thompson with ctr-only on results per dollar, with the issue thresholds', () => {
    const results: InstanceResult[] = [];
    for (let i = 0; i < 10; i++) {
      const jitter = 1 + 0.01 * (i % 3);
      // cpr-thompson 25 % ahead where clicks mislead, 5 % behind (and one cap violation) where they agree.
      for (const [scenario, cpr] of [
        ['clickbait', metrics({ expectedResults: 12.5 * jitter })],
        ['aligned', metrics({ expectedResults: 9.5 * jitter, capViolations: i === 0 ? 1 : 0 })],
      ] as const) {
        results.push({
          scenario,
          slots: 2,
          instance: i,
          ctrScale: 1,
          metrics: { 'oracle-results': metrics({ expectedResults: 20 }), 'ctr-only': metrics({ expectedResults: 10 * jitter }), 'cpr-thompson': cpr },
        });
      }
    }
    const rows = summariseResults(results, ['oracle-results', 'ctr-only', 'cpr-thompson']);
    const lost = rows.find((r) => r.scenario === 'clickbait' && r.policy === 'ctr-only')!;
    expect(lost.lostPct.mean).toBeCloseTo(100 * (1 - (10 * 1.009) / 20), 6); // mean jitter 1.009
    expect(lost.costPerResultUsd.mean).toBeGreaterThan(9.5);
    const checks = resultChecks(rows);
    expect(checks.text).toMatch(/PASS: clickbait, 2 slots: cpr-thompson gets \+25\.0 ± 0\.0 %/);
    expect(checks.text).toMatch(/FAIL: aligned, 2 slots: cpr-thompson gets −5\.0 ± 0\.0 %/);
    expect(checks.text).toMatch(/FAIL: cap violations over all runs: 1/);
    expect(checks.met).toBe(false);
  });

  it('prints each reference against ctr-only, and the gap of the shipped policy to it paired on the instances', () => {
    const results: InstanceResult[] = [];
    for (let i = 0; i < 10; i++) {
      const jitter = 1 + 0.01 * (i % 3);
      results.push({
        scenario: 'independent',
        slots: 6,
        instance: i,
        ctrScale: 1,
        metrics: {
          'oracle-results': metrics({ expectedResults: 20 }),
          'ctr-only': metrics({ expectedResults: 10 * jitter }),
          'cpr-thompson': metrics({ expectedResults: 11.5 * jitter }),
          'textbook-ucb-fitted': metrics({ expectedResults: 12 * jitter }),
        },
      });
    }
    const rows = summariseResults(results, ['oracle-results', 'ctr-only', 'cpr-thompson', 'textbook-ucb-fitted']);
    const text = resultChecks(rows).text;
    expect(text).toMatch(
      /reference: independent, 6 slots: textbook-ucb-fitted \(on the learning core's fitted priors\) gets \+20\.0 ± 0\.0 % .*; cpr-thompson −5\.0 ± 0\.0 points against it\)/,
    );
  });

  it('checks that other CTR scales lose no larger share than 1 %, within one paired standard error', () => {
    const results: InstanceResult[] = [];
    for (let i = 0; i < 8; i++)
      for (const [scale, lostShare] of [
        [0.3, 0.3 + 0.02 * (i % 2)],
        [1, 0.2 + 0.02 * (i % 2)],
        [3, 0.2 + 0.01 * (i % 3)],
      ] as const)
        results.push({
          scenario: 'stationary',
          slots: 2,
          instance: i,
          ctrScale: scale,
          metrics: { oracle: metrics({ expectedClicks: 100 }), 'thompson-changepoint': metrics({ expectedClicks: 100 * (1 - lostShare) }) },
        });
    const checks = scaleChecks(results, 'thompson-changepoint');
    expect(checks.text).toMatch(/FAIL: stationary, 2 slots, mean CTR 0\.3 %/);
    expect(checks.text).toMatch(/PASS: stationary, 2 slots, mean CTR 3 %/);
    expect(checks.met).toBe(false);
  });
});
