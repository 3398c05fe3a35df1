/**
 * The controllers HookBench compares: every learning policy goes through the production entry
 * point (planCycle → decideActions + chooseHooks + launchCapacity); the oracles know the truth
 * and are the yardsticks (`oracle`: true CTRs, for clicks lost; `oracle-results`: true CTR × CVR,
 * for results lost).
 *
 * Results run: `ctr-only` is the shipped policy as it runs today (objective 'traffic', decides on
 * CTR); `cpr-thompson` is the same policy told to optimise leads with Meta's default attribution
 * (7-day click, 1-day view), i.e. cost-per-result Thompson sampling once the learning core has it.
 */
import { launchCapacityDetail } from '../learning/capacity';
import { planCycle } from '../learning/cycle';
import { DEFAULT_POLICY, type PolicyParams } from '../learning/params';
import type { AttributionWindows, Decision, LiveAdBudget, Objective, PolicyName } from '../learning/types';
import { TICKS_PER_DAY, valueRow } from './market';
import type { Controller, CycleContext } from './simulate';

/** The results run's controllers. */
export type ResultControllerName = 'ctr-only' | 'cpr-thompson' | 'oracle-results';
export const RESULT_CONTROLLERS: ResultControllerName[] = ['oracle-results', 'ctr-only', 'cpr-thompson'];
/** Every controller HookBench can run. */
export type ControllerName = PolicyName | 'oracle' | ResultControllerName;

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
    default:
      return { controller: learningController(name, params, { onPlan }), scoring: { policy: name } };
  }
}
