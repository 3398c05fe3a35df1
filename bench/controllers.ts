/**
 * The controllers HookBench compares: every learning policy goes through the production entry
 * point (planCycle → decideActions + chooseHooks + launchCapacity); the oracle knows the true
 * CTRs and is the yardstick for clicks lost.
 */
import { launchCapacityDetail } from '../learning/capacity';
import { planCycle } from '../learning/cycle';
import type { PolicyParams } from '../learning/params';
import type { Decision, LiveAdBudget, PolicyName } from '../learning/types';
import { TICKS_PER_DAY } from './market';
import type { Controller } from './simulate';

/** A policy as the production agent would run it. */
export function learningController(policy: PolicyName, params?: Partial<PolicyParams>): Controller {
  return (ctx) =>
    planCycle({
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
    }).decisions;
}

/**
 * Knows every hook's true current CTR. Fills free slots with the best hook; at the start of a day
 * it replaces creatives that have fallen below 90 % of the best fresh CTR (fatigue or a changed
 * market), which is when a replacement costs the least under the daily cap.
 */
export const oracleController: Controller = (ctx) => {
  const day = Math.floor(ctx.tick / TICKS_PER_DAY);
  const fresh = ctx.truth.ctrByDay[Math.min(day, ctx.truth.days)]!;
  let best = 0;
  for (let h = 1; h < fresh.length; h++) if (fresh[h]! > fresh[best]!) best = h;
  const dayStart = ctx.tick % TICKS_PER_DAY === 0;
  const snapshot = { policy: 'thompson' as const, prior: { alpha: 0, beta: 0 } };
  const decisions: Decision[] = [];
  const live: LiveAdBudget[] = [];
  for (const ev of ctx.evidence) {
    if (ev.status === 'paused') continue;
    if (dayStart && ev.status === 'live' && ctx.trueCtrOf(ev.creativeId) < 0.9 * fresh[best]!) {
      decisions.push({ kind: 'pause', creativeId: ev.creativeId, hookId: ev.hookId, reason: 'oracle refresh', snapshot });
    } else {
      live.push({ budgetCents: ctx.currentBudgets[ev.creativeId] ?? ctx.caps.adSetDailyBudgetCents, spentTodayCents: ev.spendTodayCents });
    }
  }
  const capacity = launchCapacityDetail(ctx.caps, live);
  for (let i = 0; i < capacity.count; i++) decisions.push({ kind: 'launch', hookId: ctx.hooks[best]!.id, reason: 'oracle', snapshot });
  return decisions;
};
