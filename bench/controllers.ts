/**
 * The controllers HookBench compares: every learning policy goes through the production entry
 * point (planCycle → decideActions + chooseHooks + launchCapacity); the oracles know the truth
 * and are the yardsticks (`oracle`: true CTRs, for clicks lost; `oracle-results`: true CTR × CVR,
 * for results lost).
 *
 * Results run: `ctr-only` is the shipped policy as it runs today (objective 'traffic', decides on
 * CTR); `cpr-thompson` is the same policy told to optimise leads with Meta's default attribution
 * (7-day click, 1-day view): decisions on cost per result (the name is the issue's; by default the
 * learning core redraws every slot at the day start by optimistic results per dollar, and
 * `resultsRedraw: 'off'` gives the Thompson choice with loss-check pauses).
 */
import { betaMeanPlusSd } from '../learning/beta-math';
import { launchCapacityDetail } from '../learning/capacity';
import { planCycle } from '../learning/cycle';
import { buildModel } from '../learning/model';
import { DEFAULT_POLICY, resolveParams, type PolicyParams } from '../learning/params';
import { createRng, type Rng } from '../learning/random';
import { judgedClicks } from '../learning/results';
import type { AttributionWindows, Decision, LiveAdBudget, Objective, PolicyName } from '../learning/types';
import { ctrPrior, CVR_PRIOR, TICKS_PER_DAY, valueRow } from './market';
import type { Controller, CycleContext } from './simulate';

/** The results run's controllers. */
export type ResultControllerName = 'ctr-only' | 'cpr-thompson' | 'oracle-results';
export const RESULT_CONTROLLERS: ResultControllerName[] = ['oracle-results', 'ctr-only', 'cpr-thompson'];
/**
 * Textbook policies on results (references, run only when named in --policies): told the market's
 * true priors, or, to locate what the shipped policy loses against them, the UCB one on the
 * learning core's fitted priors (`-fitted`) or on the learning core's posteriors (`-core`).
 */
export type ReferenceControllerName = 'textbook-ucb' | 'textbook-thompson' | 'textbook-ucb-fitted' | 'textbook-ucb-core';
export const REFERENCE_CONTROLLERS: ReferenceControllerName[] = ['textbook-ucb', 'textbook-thompson', 'textbook-ucb-fitted', 'textbook-ucb-core'];
/**
 * What a textbook reference believes: conjugate posteriors on raw counts from the true priors or
 * from the priors the learning core fits this cycle, or the learning core's own posteriors (its
 * CTR model with maturity, change detection and fatigue; its conversion model with angle effects).
 */
type ReferenceBeliefs = 'true-priors' | 'fitted-priors' | 'learning-core';
/** Every controller HookBench can run. */
export type ControllerName = PolicyName | 'oracle' | ResultControllerName | ReferenceControllerName;

/** Options of a learning controller beyond the policy. */
export interface LearningOptions {
  objective?: Objective;
  attribution?: AttributionWindows;
  /** Called after each planCycle call with its wall-clock time (for the planning-time report). */
  onPlan?: (ms: number, ctx: CycleContext) => void;
}

/** A policy as the production agent would run it. */
export function learningController(policy: PolicyName, params?: Partial<PolicyParams>, opts: LearningOptions = {}): Controller {
  return (ctx) => {
    const started = opts.onPlan ? performance.now() : 0;
    const plan = planCycle({
      hooks: ctx.hooks,
      evidence: ctx.evidence,
      nowMs: ctx.nowMs,
      caps: ctx.caps,
      budgetEditsLastHour: ctx.budgetEditsLastHour,
      currentBudgets: ctx.currentBudgets,
      dayStartMs: ctx.dayStartMs,
      seed: ctx.seed,
      policy,
      params,
      ...(opts.objective ? { objective: opts.objective } : {}),
      ...(opts.attribution ? { attribution: opts.attribution } : {}),
    });
    if (opts.onPlan) opts.onPlan(performance.now() - started, ctx);
    return plan.decisions;
  };
}

/**
 * Fills free slots with the hook of the highest true value per impression and, at the start of a
 * day, replaces live creatives whose true current value fell below 90 % of the best fresh one's
 * (fatigue or a changed market), which is when a replacement costs the least under the daily cap.
 * `value` is the true CTR (the clicks oracle) or CTR × CVR (the results oracle: with CPM the same
 * for every hook in expectation, results per impression ranks hooks by results per dollar).
 */
function oracleFor(value: 'ctr' | 'results'): Controller {
  return (ctx) => {
    const day = Math.floor(ctx.tick / TICKS_PER_DAY);
    const fresh = value === 'ctr' ? ctx.truth.ctrByDay[Math.min(day, ctx.truth.days)]! : valueRow(ctx.truth, day);
    let best = 0;
    for (let h = 1; h < fresh.length; h++) if (fresh[h]! > fresh[best]!) best = h;
    const dayStart = ctx.tick % TICKS_PER_DAY === 0;
    const snapshot = { policy: 'thompson' as const, prior: { alpha: 0, beta: 0 } };
    const decisions: Decision[] = [];
    const live: LiveAdBudget[] = [];
    const cvr = ctx.truth.cvr;
    const valueOf = (creativeId: string, hookId: string) => {
      const ctr = ctx.trueCtrOf(creativeId);
      if (value === 'ctr' || !cvr) return ctr;
      return ctr * cvr[ctx.hooks.findIndex((h) => h.id === hookId)]!;
    };
    for (const ev of ctx.evidence) {
      if (ev.status === 'paused') continue;
      if (dayStart && ev.status === 'live' && valueOf(ev.creativeId, ev.hookId) < 0.9 * fresh[best]!) {
        decisions.push({ kind: 'pause', creativeId: ev.creativeId, hookId: ev.hookId, reason: 'oracle refresh', snapshot });
      } else {
        live.push({ budgetCents: ctx.currentBudgets[ev.creativeId] ?? ctx.caps.adSetDailyBudgetCents, spentTodayCents: ev.spendTodayCents });
      }
    }
    const capacity = launchCapacityDetail(ctx.caps, live);
    for (let i = 0; i < capacity.count; i++) decisions.push({ kind: 'launch', hookId: ctx.hooks[best]!.id, reason: 'oracle', snapshot });
    return decisions;
  };
}

/** Knows every hook's and creative's true current CTR (the yardstick of the CTR scenarios). */
export const oracleController: Controller = oracleFor('ctr');

/** Knows every hook's true CTR × CVR (the yardstick of the results scenarios). */
export const oracleResultsController: Controller = oracleFor('results');

/**
 * A textbook bandit on results run in HookBench's market, to tell what the market costs any policy
 * from what the learning core costs on top (bench/README.md, "On HookBench's own hooks"). By
 * default it is told what no real policy knows, both true priors (CTR Beta(6.2, 612), CVR
 * Beta(4, 46)), and skips everything the shipped policy adds (fitted priors, change and fatigue
 * models, floors, the loss check): each hook's posterior is conjugate on its raw counts,
 * conversions judged against clicks by the learning core's arrival share. At every day start it
 * picks one hook per slot and keeps the live creatives of picked hooks, pausing the rest, as the
 * frictionless bandit redraws each slot-day; in between it only fills slots that free up
 * (rejections). Picks: `ucb` scores each hook at (CTR mean + 1 sd) × (CVR mean + 1 sd), each
 * pick's slot-day fantasised at the means so one cycle's picks spread like the loop's in-flight
 * fantasy; `thompson` draws each rate with HookBench's tempers (CTR ×0.7, CVR ×0.3). With other
 * `beliefs` the same rule runs on what the shipped policy knows, which splits the gap between the
 * two into priors, the rest of the model, and the loop's own rules.
 */
function textbookResultsController(kind: 'ucb' | 'thompson', beliefs: ReferenceBeliefs = 'true-priors'): Controller {
  const params = resolveParams(DEFAULT_POLICY);
  const ctr0 = ctrPrior();
  const slotDayImpressions = 500; // $5 at the market's $10 median CPM
  return (ctx) => {
    const rng = createRng(`${ctx.seed}/textbook-${kind}`);
    const index = new Map(ctx.hooks.map((h, i) => [h.id, i]));
    const stats = ctx.hooks.map(() => ({ impressions: 0, clicks: 0, conversions: 0, judgedClicks: 0 }));
    for (const ev of ctx.evidence) {
      const s = stats[index.get(ev.hookId)!]!;
      s.impressions += ev.impressions;
      s.clicks += ev.linkClicks;
      s.conversions += ev.conversions;
      s.judgedClicks += judgedClicks(ev, ctx.nowMs, params, BENCH_ATTRIBUTION);
    }
    // Each hook's two posteriors as Beta counts, which the ucb picks' fantasies then add to.
    const model =
      beliefs === 'true-priors'
        ? null
        : buildModel({ hooks: ctx.hooks, evidence: ctx.evidence, nowMs: ctx.nowMs, params, objective: 'leads', attribution: BENCH_ATTRIBUTION });
    const ctrPriorNow = model ? model.prior : ctr0;
    const cvrPriorNow = model ? model.results!.conversionPrior : CVR_PRIOR;
    const posteriors = stats.map((s, h) => {
      const core = beliefs === 'learning-core' ? model!.hookById.get(ctx.hooks[h]!.id)! : null;
      return {
        ctr: core
          ? { a: core.posterior.alpha, b: core.posterior.beta }
          : { a: ctrPriorNow.alpha + s.clicks, b: ctrPriorNow.beta + Math.max(s.impressions - s.clicks, 0) },
        cvr: core
          ? { a: core.results!.conversion.alpha, b: core.results!.conversion.beta }
          : { a: cvrPriorNow.alpha + s.conversions, b: cvrPriorNow.beta + Math.max(s.judgedClicks - s.conversions, 0) },
      };
    });
    const pick = (): number => {
      let best = 0;
      let bestValue = -Infinity;
      posteriors.forEach(({ ctr, cvr }, h) => {
        const v =
          kind === 'ucb' ? betaMeanPlusSd(ctr.a, ctr.b) * betaMeanPlusSd(cvr.a, cvr.b) : tempered(ctr.a, ctr.b, 0.7, rng) * tempered(cvr.a, cvr.b, 0.3, rng);
        if (v > bestValue) {
          bestValue = v;
          best = h;
        }
      });
      if (kind === 'ucb') {
        const { ctr, cvr } = posteriors[best]!;
        const clicks = (slotDayImpressions * ctr.a) / (ctr.a + ctr.b);
        const conversions = (clicks * cvr.a) / (cvr.a + cvr.b);
        ctr.a += clicks;
        ctr.b += slotDayImpressions - clicks;
        cvr.a += conversions;
        cvr.b += clicks - conversions;
      }
      return best;
    };
    const snapshot = { policy: 'thompson' as const, prior: { alpha: ctr0.alpha, beta: ctr0.beta } };
    const decisions: Decision[] = [];
    const live: LiveAdBudget[] = [];
    const wanted: number[] = [];
    const dayStart = ctx.tick % TICKS_PER_DAY === 0;
    if (dayStart) for (let i = 0; i < ctx.caps.maxLiveAds; i++) wanted.push(pick());
    for (const ev of ctx.evidence) {
      if (ev.status === 'paused') continue;
      const k = dayStart ? wanted.indexOf(index.get(ev.hookId)!) : -2;
      if (k === -1) {
        decisions.push({ kind: 'pause', creativeId: ev.creativeId, hookId: ev.hookId, reason: `textbook ${kind}: not picked today`, snapshot });
        continue;
      }
      if (k >= 0) wanted.splice(k, 1);
      live.push({ budgetCents: ctx.currentBudgets[ev.creativeId] ?? ctx.caps.adSetDailyBudgetCents, spentTodayCents: ev.spendTodayCents });
    }
    const capacity = launchCapacityDetail(ctx.caps, live).count;
    for (let i = 0; i < capacity; i++) {
      decisions.push({ kind: 'launch', hookId: ctx.hooks[wanted[i] ?? pick()]!.id, reason: `textbook ${kind}`, snapshot });
    }
    return decisions;
  };
}

function tempered(a: number, b: number, temper: number, rng: Rng): number {
  const m = a / (a + b);
  return m + temper * (rng.beta(a, b) - m);
}

/** Meta's default attribution setting, which `cpr-thompson` is told the account uses. */
export const BENCH_ATTRIBUTION: AttributionWindows = { clickDays: 7, viewDays: 1 };

/** A controller by name, and whose report the run checks at the end (null for the oracles). */
export function makeController(
  name: ControllerName,
  params?: Partial<PolicyParams>,
  onPlan?: LearningOptions['onPlan'],
): { controller: Controller; scoring: { policy: PolicyName; objective?: Objective } | null } {
  switch (name) {
    case 'oracle':
      return { controller: oracleController, scoring: null };
    case 'oracle-results':
      return { controller: oracleResultsController, scoring: null };
    case 'ctr-only':
      return {
        controller: learningController(DEFAULT_POLICY, params, { objective: 'traffic', onPlan }),
        scoring: { policy: DEFAULT_POLICY, objective: 'traffic' },
      };
    case 'cpr-thompson':
      return {
        controller: learningController(DEFAULT_POLICY, params, { objective: 'leads', attribution: BENCH_ATTRIBUTION, onPlan }),
        scoring: { policy: DEFAULT_POLICY, objective: 'leads' },
      };
    case 'textbook-ucb':
      return { controller: textbookResultsController('ucb'), scoring: null };
    case 'textbook-thompson':
      return { controller: textbookResultsController('thompson'), scoring: null };
    case 'textbook-ucb-fitted':
      return { controller: textbookResultsController('ucb', 'fitted-priors'), scoring: null };
    case 'textbook-ucb-core':
      return { controller: textbookResultsController('ucb', 'learning-core'), scoring: null };
    default:
      return { controller: learningController(name, params, { onPlan }), scoring: { policy: name } };
  }
}
