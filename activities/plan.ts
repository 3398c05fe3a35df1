/**
 * planCycle's work: gather the evidence and the caps from the DB, let learning/ score, decide and
 * choose (the same planCycle HookBench runs), give each launch its format (learning/format-choice),
 * and write the findings and the audit trail. Nothing is decided here that learning/ does not decide.
 */
import { log } from '@temporalio/activity';
import { rewritePlanAudit, type DecisionRow, type FindingRow } from '../db/audit';
import type { Db } from '../db/client';
import type { CreativeRow, CreativeStore } from '../db/creatives';
import { creativeEvidence } from '../db/evidence';
import { claimNextCycle, releaseNextCycle } from '../db/next-cycle';
import {
  chooseFormats,
  DEFAULT_POLICY,
  findingTexts,
  planCycle as learnPlan,
  scoreHooks,
  type Finding,
  type Objective,
  type PlanCycleResult as LearnedPlan,
} from '../learning';
import type { Accounts } from './accounts';
import { domainFailure } from './errors';
import type { PlanCycleInput, PlanCycleResult, PlannedSlot } from './analysis';
import type { CreativeAction } from './budget-actions';
import { day } from './meta-insights';

export interface PlanCtx {
  db: Db;
  creatives: CreativeStore;
  accounts: Accounts;
  creditUsd: number;
  now: () => Date;
}

/** Scores, decides and chooses this cycle's launches (seeded by the cycle id, so a retry chooses the same). */
export function planCycle(ctx: PlanCtx, input: PlanCycleInput): PlanCycleResult {
  const { accountId, cycleId, wanted, policy } = input;
  const account = ctx.accounts(accountId);
  const hooks = account.hooks();
  const allowed = (hookId: string, format?: 'image' | 'video') => hooks.some((h) => h.id === hookId && (!format || h.formats.includes(format)));
  if (input.hookId && !allowed(input.hookId, input.format)) {
    throw domainFailure('InvalidInput', `hookId ${input.hookId} is not in ${accountId}'s hook library${input.format ? ` as a ${input.format}` : ''}`);
  }
  // A cycle that brings no hook or format of its own takes what an operator asked of the account's next cycle.
  const notes: string[] = [];
  let forcedHook = input.hookId;
  let format = input.format;
  let forcedBy = 'an operator';
  const next = !forcedHook && !format && wanted > 0 ? claimNextCycle(ctx.db, accountId, cycleId, ctx.now()) : undefined;
  const usable = next && (!next.hookId || allowed(next.hookId, next.format ?? undefined));
  if (next && !usable)
    notes.push(`ignored the next-cycle request of ${next.requestedBy}: hook ${next.hookId} is not in the library${next.format ? ` as a ${next.format}` : ''}`);
  if (next && usable) {
    forcedHook = next.hookId ?? undefined;
    format = next.format ?? undefined;
    forcedBy = `${next.requestedBy} for this account's next cycle`;
    notes.push(
      `took the next-cycle request of ${next.requestedBy}: ${[next.hookId && `hook ${next.hookId}`, next.format && `format ${next.format}`].filter(Boolean).join(', ')}`,
    );
  }
  const at = ctx.now();
  const today = day(at);
  const ev = creativeEvidence(ctx.db, ctx.creatives, accountId, today);
  const used = policy ?? DEFAULT_POLICY;
  // What the account optimises: results accounts are judged on cost per result, within their attribution windows.
  const { objective, attribution } = account;
  const scores = scoreHooks({ hooks, evidence: ev, nowMs: at.getTime(), policy: used, objective, attribution });
  const live = ctx.creatives.ofAccount(accountId, ['launched', 'launching']);
  const plan = learnPlan({
    hooks,
    evidence: ev,
    nowMs: at.getTime(),
    caps: ctx.creatives.spendCap(accountId, account.caps, ctx.creditUsd).planningCaps(ev.reduce((sum, e) => sum + (e.spendTodayCents ?? 0), 0)),
    budgetEditsLastHour: ctx.creatives.budgetEditsLastHour(accountId),
    currentBudgets: Object.fromEntries(
      live.filter((c) => c.metaAdsetId).map((c) => [c.metaAdsetId!, c.dailyBudgetCents ?? account.caps.adSetDailyBudgetCents]),
    ),
    policy: used,
    objective,
    attribution,
    seed: cycleId,
    dayStartMs: Date.parse(`${today}T00:00:00Z`),
    format,
  });
  // The learning core sizes launches by the caps; the cycle asks for at most `wanted`.
  const launches = plan.decisions.filter((d) => d.kind === 'launch').slice(0, wanted);
  // An operator may force the hook of this cycle's launches; the caps still size them, and the audit keeps the policy's choice.
  const hookOf = (d: (typeof launches)[number]) => forcedHook ?? d.hookId!;
  const formats = chooseFormats({ seed: cycleId, hookIds: launches.map(hookOf), hooks, videoShare: account.videoShare, forced: format });
  const slots: PlannedSlot[] = launches.map((d, i) => ({
    slot: i,
    hookId: hookOf(d),
    headline: hooks.find((h) => h.id === hookOf(d))?.headline,
    format: formats[i]!,
    style: forcedHook ? undefined : d.style,
    sampledValue: d.probability ?? 0,
    reason: forcedHook ? `forced by ${forcedBy} (the policy chose ${d.hookId}: ${d.reason})` : d.reason,
  }));
  if (next && usable && !slots.length) {
    // Nothing launches this cycle (the caps): the request waits for a cycle that can honour it.
    releaseNextCycle(ctx.db, next.id, cycleId);
    notes.splice(0, notes.length, `kept the next-cycle request of ${next.requestedBy} for a later cycle: no launch fits now`);
  }
  const skipReasons = plan.decisions.filter((d) => d.kind === 'skip-launch').map((d) => d.reason);
  const skipped = Array.from({ length: wanted - slots.length }, () => ({
    reason: skipReasons[0] ?? 'no launch fits under the live-ad cap and the daily spend cap',
  }));
  const kept = plan.decisions.filter((d) => d.kind !== 'launch' || launches.includes(d));
  const texts = findingTexts(scores, kept);
  writeAudit(ctx.db, { accountId, cycleId, policy: used, objective, at }, texts, kept, plan);
  const actions = actionsOf(plan, live);
  const best = scores.bestHookId ? scores.hooks.find((h) => h.hookId === scores.bestHookId) : undefined;
  for (const n of notes) log.info(n, { cycleId });
  log.info('cycle planned', { cycleId, policy: used, objective, launches: slots.length, actions: actions.length });
  return {
    policy: used,
    seed: cycleId,
    slots,
    skipped,
    actions,
    bestHook: best ? { hookId: best.hookId, probability: best.pBest } : undefined,
    findings: [...notes, ...texts.slice(0, 6).map((t) => t.text)],
  };
}

/**
 * The plan's findings and every kept decision (with its posterior snapshot), replacing a retried
 * plan's rows. Each row names the objective it was decided for: the snapshot's own (the learning
 * core's), else the account's, which is what the plan was asked to optimise.
 */
function writeAudit(
  db: Db,
  c: { accountId: string; cycleId: string; policy: string; objective: Objective; at: Date },
  texts: Finding[],
  kept: LearnedPlan['decisions'],
  plan: LearnedPlan,
): void {
  const { accountId, cycleId } = c;
  const createdAt = c.at.toISOString();
  const findings: FindingRow[] = texts.map((t) => ({
    accountId,
    cycleId,
    kind: t.kind,
    subject: t.subject,
    text: t.text,
    confidence: t.confidence,
    data: { objective: c.objective },
    createdAt,
  }));
  const decisions: DecisionRow[] = kept.map((d) => ({
    accountId,
    cycleId,
    kind: d.kind === 'launch' ? 'choose' : d.kind,
    creativeId: d.creativeId ?? null,
    hookId: d.hookId ?? null,
    reason: d.reason,
    probability: d.probability ?? null,
    snapshot: {
      ...d.snapshot,
      objective: d.snapshot.objective ?? c.objective,
      policy: c.policy,
      seed: cycleId,
      ...(d.kind === 'launch' && plan.choice ? { prior: plan.choice.posterior.prior } : {}),
    },
    createdAt,
  }));
  rewritePlanAudit(db, { accountId, cycleId }, { findings, decisions });
}

/** The plan's pauses and raises, each for the creative whose ad set it names. */
function actionsOf(plan: LearnedPlan, live: CreativeRow[]): CreativeAction[] {
  const byAdset = new Map(live.map((c) => [c.metaAdsetId, c.id]));
  return plan.decisions
    .filter((d) => d.kind === 'pause' || d.kind === 'scale')
    .map((d) => ({
      kind: d.kind as 'pause' | 'scale',
      creativeId: d.creativeId ?? (d.adSetId ? byAdset.get(d.adSetId) : undefined) ?? '',
      toBudgetCents: d.toBudgetCents,
      reason: d.reason,
    }))
    .filter((a) => a.creativeId);
}
