/**
 * Runs one controller (a learning policy or the oracle) on one market instance for N days and
 * measures it. The market ticks every 15 minutes; the controller runs every `cycleEveryTicks`
 * ticks and its decisions (pause / scale / launch) are executed as Meta would: launches go to
 * review first, budget edits are counted per ad set per hour, spend is paced by the daily profile.
 */
import type { Hook } from '../learning/hook-library';
import { scoreHooks } from '../learning/scoring';
import type { CreativeEvidence, Decision, Objective, PolicyName, SpendCaps } from '../learning/types';
import { deliver, launchCreative, reveal, type SimCreative } from './sim-creative';
import { bestOnDay, bestValueOnDay, conversionRng, ctrAt, DAY_MS, drawLaunch, T0_MS, TICK_MS, TICKS_PER_DAY, worstAtStart, type Truth } from './market';

/** Meta blocks a fifth budget edit on the same ad set within an hour. */
const META_BUDGET_EDITS_PER_HOUR = 4;

/** What a controller sees at a cycle. */
export interface CycleContext {
  hooks: Hook[];
  evidence: CreativeEvidence[];
  nowMs: number;
  dayStartMs: number;
  tick: number;
  caps: SpendCaps;
  budgetEditsLastHour: Record<string, number>;
  currentBudgets: Record<string, number>;
  seed: string;
  truth: Truth;
  /** True current CTR of a creative (only the oracle may look). */
  trueCtrOf: (creativeId: string) => number;
}

/** A policy under test: returns the decisions to execute this cycle. */
export type Controller = (ctx: CycleContext) => Decision[];

/** Per-run measurements. */
export interface RunMetrics {
  expectedClicks: number;
  realizedClicks: number;
  mediaSpendCents: number;
  generationCents: number;
  wastedSpendCents: number;
  capViolations: number;
  launches: number;
  pauses: number;
  /** Did the policy's report name the true best hook at the end? null for the oracle. */
  namedBestCorrect: boolean | null;
  worstLaunched: boolean;
  /** Days from the worst hook's first launch until none of its creatives was live; null if never launched. */
  worstPausedAfterDays: number | null;
  /** True when the worst hook was still live at the end (the value above is then censored). */
  worstCensored: boolean;
  /** Expected clicks per day (for loss-over-time diagnostics). */
  dailyClicks: number[];
  /** Results scenarios (0 elsewhere): expected conversions of the impressions bought (impressions × CTR × CVR). */
  expectedResults: number;
  /** Conversions drawn for the run's clicks, counted by click, including those reported after the end. */
  realizedResults: number;
  /** Conversions Meta had reported by the end of the run. */
  reportedResults: number;
  /** Media spend on creatives whose true results per impression (CTR × CVR) was below half the best hook's. */
  resultsWastedSpendCents: number;
}

/** Account limits the bench runs with. */
export function benchCaps(slots: number): SpendCaps {
  return {
    maxLiveAds: slots,
    // $5/day per slot plus a $1/day allowance for image generation, in one budget.
    dailySpendCapCents: slots * 500 + 100,
    adSetDailyBudgetCents: 500,
    maxAdSetDailyBudgetCents: 1500,
    generationCostTodayCents: 0,
    generationCostPerLaunchCents: 2, // one nano-banana image, ~4 Kie credits
    // This market spends exactly an ad set's budget each day (never Meta's +25 %), and the cap
    // arithmetic is told so; otherwise the $1 of slack would not fit the slots at all.
    dailyOverspendFactor: 1,
  };
}

/** Simulates one run. */
export function simulate(opts: {
  truth: Truth;
  hooks: Hook[];
  slots: number;
  days: number;
  cycleEveryTicks: number;
  controller: Controller;
  /** Whose report (scoreHooks) is checked for naming the best hook at the end; null for oracles. */
  scoring: { policy: PolicyName; objective?: Objective } | null;
}): RunMetrics {
  const { truth, hooks, slots, days, controller } = opts;
  const caps = benchCaps(slots);
  const hookIndex = new Map(hooks.map((h, i) => [h.id, i]));
  const all: SimCreative[] = [];
  const evidence: CreativeEvidence[] = [];
  const currentBudgets: Record<string, number> = {};
  const worst = worstAtStart(truth);
  let worstFirstLaunch = -1;
  let worstPausedTick = -1;
  const m: RunMetrics = {
    expectedClicks: 0,
    realizedClicks: 0,
    mediaSpendCents: 0,
    generationCents: 0,
    wastedSpendCents: 0,
    capViolations: 0,
    launches: 0,
    pauses: 0,
    namedBestCorrect: null,
    worstLaunched: false,
    worstPausedAfterDays: null,
    worstCensored: false,
    dailyClicks: Array.from({ length: days }, () => 0),
    expectedResults: 0,
    realizedResults: 0,
    reportedResults: 0,
    resultsWastedSpendCents: 0,
  };
  const cvr = truth.cvr;
  let dayMedia = 0;
  let dayGen = 0;
  let bestCtr = bestOnDay(truth, 0).ctr;
  let bestValue = bestValueOnDay(truth, 0).value;
  const endTick = days * TICKS_PER_DAY;

  for (let tick = 0; tick < endTick; tick++) {
    const day = Math.floor(tick / TICKS_PER_DAY);
    if (tick % TICKS_PER_DAY === 0) {
      if (day > 0 && dayMedia + dayGen > caps.dailySpendCapCents + 1e-6) m.capViolations++;
      dayMedia = 0;
      dayGen = 0;
      for (const c of all) c.ev.spendTodayCents = 0;
      bestCtr = bestOnDay(truth, day).ctr;
      bestValue = bestValueOnDay(truth, day).value;
    }

    // Data that becomes visible now, and reviews that finish now.
    for (const c of all) reveal(c, tick, day);

    if (tick % opts.cycleEveryTicks === 0) {
      const edits: Record<string, number> = {};
      for (const c of all) {
        const n = c.editTicks.filter((t) => t > tick - 4).length;
        if (n > 0) edits[c.ev.creativeId] = n;
      }
      const decisions = controller({
        hooks,
        evidence,
        nowMs: T0_MS + tick * TICK_MS,
        dayStartMs: T0_MS + day * DAY_MS,
        tick,
        caps: { ...caps, generationCostTodayCents: dayGen, mediaSpendTodayCents: dayMedia },
        budgetEditsLastHour: edits,
        currentBudgets,
        seed: `${truth.key}/cycle/${tick}`,
        truth,
        trueCtrOf: (id) => {
          const c = all.find((x) => x.ev.creativeId === id);
          return c ? ctrAt(truth, c.hook, tick, c.launchTick, c.draws.fatigueDays) : 0;
        },
      });
      for (const d of decisions) {
        if (d.kind === 'pause' && d.creativeId) {
          const c = all.find((x) => x.ev.creativeId === d.creativeId);
          if (c && (c.state === 'live' || c.state === 'review')) {
            c.state = 'paused';
            c.ev.status = 'paused';
            m.pauses++;
          }
        } else if (d.kind === 'scale' && d.creativeId && d.toBudgetCents !== undefined) {
          const c = all.find((x) => x.ev.creativeId === d.creativeId);
          if (c && c.state === 'live') {
            c.budget = d.toBudgetCents;
            currentBudgets[c.ev.creativeId] = c.budget;
            c.editTicks.push(tick);
            const editsThisHour = c.editTicks.filter((t) => t > tick - 4).length;
            if (editsThisHour > META_BUDGET_EDITS_PER_HOUR || c.budget > caps.maxAdSetDailyBudgetCents) m.capViolations++;
          }
        } else if (d.kind === 'launch' && d.hookId) {
          const hook = hookIndex.get(d.hookId);
          if (hook === undefined) throw new Error(`controller launched unknown hook ${d.hookId}`);
          const draws = drawLaunch(truth.key, m.launches);
          const id = `c${m.launches}`;
          const convRng = cvr ? conversionRng(truth.key, m.launches) : null;
          const c = launchCreative({ id, hookId: d.hookId, hook, style: d.style, tick, budget: caps.adSetDailyBudgetCents, draws, convRng });
          all.push(c);
          evidence.push(c.ev);
          currentBudgets[id] = c.budget;
          m.launches++;
          dayGen += caps.generationCostPerLaunchCents ?? 0;
          m.generationCents += caps.generationCostPerLaunchCents ?? 0;
          if (hook === worst && worstFirstLaunch < 0) worstFirstLaunch = tick;
        }
      }
      const live = all.filter((c) => c.state === 'live' || c.state === 'review').length;
      if (live > caps.maxLiveAds) m.capViolations++;
      if (worstFirstLaunch >= 0 && worstPausedTick < 0) {
        const worstLive = all.some((c) => c.hook === worst && (c.state === 'live' || c.state === 'review'));
        if (!worstLive) worstPausedTick = tick;
      }
    }

    // Delivery during this tick.
    for (const c of all) {
      const t = deliver(c, truth, tick, day);
      if (t.impressions === 0 && t.spendCents === 0) continue;
      m.expectedClicks += t.impressions * t.ctr;
      m.dailyClicks[day]! += t.impressions * t.ctr;
      m.realizedClicks += t.clicks;
      m.mediaSpendCents += t.spendCents;
      if (t.ctr < 0.7 * bestCtr) m.wastedSpendCents += t.spendCents;
      if (cvr) {
        const value = t.ctr * cvr[c.hook]!;
        m.expectedResults += t.impressions * value;
        m.realizedResults += t.conversions;
        if (value < 0.5 * bestValue) m.resultsWastedSpendCents += t.spendCents;
      }
      dayMedia += t.spendCents;
    }
  }
  if (dayMedia + dayGen > caps.dailySpendCapCents + 1e-6) m.capViolations++;

  if (worstFirstLaunch >= 0) {
    m.worstLaunched = true;
    const until = worstPausedTick >= 0 ? worstPausedTick : endTick;
    m.worstCensored = worstPausedTick < 0;
    m.worstPausedAfterDays = (until - worstFirstLaunch) / TICKS_PER_DAY;
  }
  m.reportedResults = evidence.reduce((s, ev) => s + ev.conversions, 0);
  if (opts.scoring) {
    const scores = scoreHooks({ hooks, evidence, nowMs: T0_MS + endTick * TICK_MS, policy: opts.scoring.policy, objective: opts.scoring.objective });
    // The best hook by CTR, or by results per impression in the results scenarios.
    const trueBest = bestValueOnDay(truth, days - 1).hook;
    m.namedBestCorrect = scores.bestHookId !== null && hookIndex.get(scores.bestHookId) === trueBest;
  }
  return m;
}
