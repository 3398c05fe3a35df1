/**
 * adCycleWorkflow: one pass of the agent over an ad account, started every RUN_INTERVAL by a
 * schedule. insights -> plan (score, decide, choose hooks) -> pause/scale -> generate each creative
 * -> launch each -> record. Activities run on one task queue per group; this file only orchestrates.
 *
 * A pause (signal or update) holds new generations and launches; insight collection goes on.
 * One slot's failure is recorded with its reason and never fails the other slots or the cycle.
 * The cycle's state lives in one CycleState (cycle-state.ts); its slots run in slot-run.ts.
 */
import {
  ApplicationFailure,
  defineQuery,
  defineSignal,
  defineUpdate,
  isCancellation,
  log,
  patched,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { FetchInsightsResult, PlanCycleResult, RecordCycleResult } from '../activities/analysis';
import { AdAccountIdKey, AdHooksKey, AdsLaunchedKey, CreativeFormatsKey, CycleOutcomeKey, DaySpendUsdKey } from '../temporal-config/search-attributes';
import { accountStopped, failureMessage } from './activity-errors';
import {
  AdCycleInputSchema,
  describeIssues,
  KieCallbackSchema,
  PauseLaunchesSchema,
  SetLaunchesPausedSchema,
  type AdCycleInput,
  type AdCycleResult,
  type CycleStatus,
  type DecideLaunchArgs,
  type KieCallbackArgs,
  type SetLaunchesPausedArgs,
} from './ad-cycle-types';
import { analysisActsWith, campaignActsWith } from './cycle-activities';
import { createdOnMeta, cycleOutcome, generationCostUsd, notLaunchedDecisions } from './cycle-outcome';
import { decideLaunch, validateDecision } from './approval';
import { createCycleRun, type CycleRun } from './cycle-run';
import { CycleState } from './cycle-state';
import { describeCause, rootCause } from './failure';
import { runSlot } from './slot-run';

// --- Messages -----------------------------------------------------------------------------
export const statusQuery = defineQuery<CycleStatus>('status');
export const pauseLaunchesSignal = defineSignal<[{ reason?: string }?]>('pauseLaunches');
export const resumeLaunchesSignal = defineSignal('resumeLaunches');
export const setLaunchesPausedUpdate = defineUpdate<CycleStatus, [SetLaunchesPausedArgs]>('setLaunchesPaused');
/** A person approves or rejects a creative waiting at the approval gate (the update says if it took). */
export const decideLaunchUpdate = defineUpdate<CycleStatus, [DecideLaunchArgs]>('decideLaunch');
export const launchDecisionSignal = defineSignal<[DecideLaunchArgs]>('launchDecision');
/** Sent by the callback endpoint when Kie reports a task finished: the video wait ends at once. */
export const kieCallbackSignal = defineSignal<[KieCallbackArgs]>('kieCallback');

export async function adCycleWorkflow(rawInput: AdCycleInput): Promise<AdCycleResult> {
  const parsed = AdCycleInputSchema.safeParse(rawInput ?? {});
  if (!parsed.success) throw ApplicationFailure.nonRetryable(`Invalid adCycle input: ${describeIssues(parsed.error)}`, 'InvalidInput');
  const input = parsed.data;
  const startedAt = new Date().toISOString();
  const state = new CycleState(workflowInfo().workflowId, input.accountId, input.launchesPaused);
  setHandler(statusQuery, () => state.status());
  setHandler(pauseLaunchesSignal, (args) => pauseLaunches(state, args));
  setHandler(resumeLaunchesSignal, () => state.setPaused(false));
  setHandler(setLaunchesPausedUpdate, (args) => setLaunchesPaused(state, args), { validator: validateSetLaunchesPaused });
  setHandler(kieCallbackSignal, (args) => kieCallback(state, args));
  setHandler(decideLaunchUpdate, (args) => decideLaunch(state, args), { validator: (args) => validateDecision(state, args) });
  setHandler(launchDecisionSignal, (args) => {
    try {
      validateDecision(state, args);
      decideLaunch(state, args);
    } catch (err) {
      log.warn('ignored a launchDecision signal', { problem: (err as Error).message });
    }
  });

  const run = createCycleRun(input, state);
  upsertSearchAttributes([{ key: AdAccountIdKey, value: input.accountId }]);
  try {
    const { insights, plan, decisions } = await prepare(run);
    await Promise.all(plan.slots.map((p, i) => runSlot(run, p, i)));
    if (state.stopped) throw accountStopped(state.stopped);
    return await finish(run, { startedAt, insights, plan, decisions });
  } catch (err) {
    if (isCancellation(err)) throw err;
    throw await failCycle(run, err, startedAt);
  }
}

function setLaunchesPaused(state: CycleState, { paused, reason }: SetLaunchesPausedArgs): CycleStatus {
  state.setPaused(paused, reason ?? (paused ? 'paused by update' : undefined));
  return state.status();
}

function validateSetLaunchesPaused(args: SetLaunchesPausedArgs): void {
  const r = SetLaunchesPausedSchema.safeParse(args);
  if (!r.success) throw new Error(`Invalid setLaunchesPaused: ${describeIssues(r.error)}`);
}

/** A malformed argument (not absent, not {reason?: string}) pauses nothing: it is logged and ignored, as garbage on the other signals is. */
function pauseLaunches(state: CycleState, args: unknown): void {
  const r = PauseLaunchesSchema.safeParse(args ?? undefined);
  if (!r.success) return log.warn('ignored an invalid pauseLaunches signal', { problem: describeIssues(r.error) });
  state.setPaused(true, r.data?.reason ?? 'paused by signal');
}

function kieCallback(state: CycleState, args: KieCallbackArgs): void {
  const r = KieCallbackSchema.safeParse(args);
  if (!r.success) return log.warn('ignored an invalid kieCallback signal', { problem: describeIssues(r.error) });
  state.callbackReceived(r.data.taskId, r.data.code);
}

/** Insights, the plan, pause/scale, and the write-access check: everything before a slot is paid for. */
async function prepare(run: CycleRun): Promise<{ insights: FetchInsightsResult; plan: PlanCycleResult; decisions: string[] }> {
  const { input, state, accountId, cycleId } = run;
  run.stage('insights');
  const insights = await analysisActsWith(`Pull ${accountId}'s Meta insights and reconcile its live ads`).fetchInsights({ accountId, cycleId });

  run.stage('planning');
  const plan = await analysisActsWith(`Score hooks and choose ${input.adsPerRun} launch(es) by ${input.policy ?? 'the default policy'}`).planCycle({
    accountId,
    cycleId,
    wanted: input.adsPerRun,
    policy: input.policy,
    format: input.format,
    ...(input.hookId ? { hookId: input.hookId } : {}),
  });
  state.plan(plan.slots);
  if (plan.slots.length) {
    upsertSearchAttributes([
      { key: AdHooksKey, value: [...new Set(plan.slots.map((s) => s.hookId))] },
      { key: CreativeFormatsKey, value: [...new Set(plan.slots.map((s) => s.format))] },
    ]);
    // The Web UI's Memo tab: what each slot will be. (Cycles recorded before the memo replay without it.)
    if (patched('memo-slots'))
      upsertMemo({
        account: accountId,
        policy: plan.policy,
        slots: plan.slots.map(({ slot, hookId, headline, format }) => ({ slot, hookId, headline, format })),
      });
  }
  const decisions = [...plan.slots.map((s) => `choose ${s.hookId} (${s.format}): ${s.reason}`), ...plan.skipped.map((s) => `skip: ${s.reason}`)];

  if (plan.actions.length) {
    run.stage('optimizing');
    try {
      const what = plan.actions.map((a) => `${a.kind} ${a.creativeId}`).join(', ');
      const applied = await campaignActsWith(`Pause losers and scale winners: ${what}`).applyActions({ accountId, cycleId, actions: plan.actions });
      decisions.push(...applied.applied.map((a) => `${a.kind} ${a.creativeId}: ${a.reason}`));
      decisions.push(...applied.skipped.map((a) => `not ${a.kind === 'pause' ? 'paused' : 'scaled'} ${a.creativeId}: ${a.why}`));
    } catch (err) {
      decisions.push(`pause/scale failed: ${failureMessage(err)}`);
      state.stopIfUnauthorized(rootCause(err));
    }
  }
  // Prove the token may write before anything is paid for: a token that can read but not write
  // would otherwise buy a creative every cycle that can never launch. (Cycles started before this
  // check existed replay without it.)
  if (plan.slots.length && !state.stopped && patched('write-access-check')) {
    await campaignActsWith(`Check that the token may write to ${accountId} (validate_only, creates nothing)`).checkWriteAccess({ accountId });
  }
  if (state.stopped) throw accountStopped(state.stopped);
  return { insights, plan, decisions };
}

/** Records the completed cycle (in `cycles` and its search attributes) and builds its result. */
async function finish(
  run: CycleRun,
  { startedAt, insights, plan, decisions }: { startedAt: string; insights: FetchInsightsResult; plan: PlanCycleResult; decisions: string[] },
): Promise<AdCycleResult> {
  const { input, state, accountId, cycleId } = run;
  run.stage('recording');
  const slots = state.status().slots;
  const outcome = cycleOutcome(slots, { adsPerRun: input.adsPerRun, pausedOut: state.pausedOut });
  const created = createdOnMeta(slots);
  const result: AdCycleResult = {
    cycleId,
    accountId,
    status: 'completed',
    outcome,
    startedAt,
    finishedAt: new Date().toISOString(),
    insights,
    policy: plan.policy,
    bestHook: plan.bestHook,
    // A plan recorded by a worker from before the rename carries them as `insights`.
    findings: plan.findings ?? (plan as { insights?: string[] }).insights ?? [],
    decisions: [...decisions, ...notLaunchedDecisions(slots)],
    slots,
    created,
    generationCostUsd: generationCostUsd(slots),
  };
  const recorded = await analysisActsWith(`Record the cycle: ${outcome}`).recordCycle({ accountId, cycleId, status: outcome, result });
  upsertSearchAttributes([
    { key: CycleOutcomeKey, value: outcome },
    { key: AdsLaunchedKey, value: created.adIds.length },
  ]);
  daySpendAttribute(recorded);
  run.stage('done');
  log.info('cycle finished', { cycleId, outcome, launched: created.adIds.length });
  return result;
}

/** The Web UI's DaySpendUsd column. (Cycles recorded before it replay without it; their recordCycle answered nothing.) */
function daySpendAttribute(recorded: RecordCycleResult | undefined): void {
  if (recorded && typeof recorded.daySpendCents === 'number' && patched('day-spend-attribute'))
    upsertSearchAttributes([{ key: DaySpendUsdKey, value: Math.round(recorded.daySpendCents) / 100 }]);
}

/** Records the failed cycle (in `cycles`, the status query and its search attributes) and builds the failure it ends with. */
async function failCycle(run: CycleRun, err: unknown, startedAt: string): Promise<ApplicationFailure> {
  const { state, accountId, cycleId } = run;
  const cause = rootCause(err);
  const failure = state.fail(cause);
  upsertSearchAttributes([{ key: CycleOutcomeKey, value: 'failed' }]);
  run.stage('failed');
  // A token Meta refuses stops the account: its schedule pauses with the reason in its note. (Cycles
  // recorded before this replay without it.)
  let accountStopped: string | undefined;
  if (cause.type === 'MetaAuthorizationError' && patched('stop-account-on-auth')) {
    try {
      accountStopped = (
        await analysisActsWith(`Pause ${accountId}'s schedule: Meta refuses its token`).stopAccount({ accountId, cycleId, reason: describeCause(cause) })
      ).schedule;
    } catch (stopErr) {
      log.error('could not pause the schedule of a stopped account', { accountId, error: failureMessage(stopErr) });
    }
  }
  const failed = {
    cycleId,
    accountId,
    status: 'failed',
    startedAt,
    finishedAt: new Date().toISOString(),
    failure,
    slots: state.status().slots,
    ...(accountStopped ? { accountStopped } : {}),
  };
  try {
    const recorded = await analysisActsWith(`Record the failed cycle: ${describeCause(cause)}`.slice(0, 200)).recordCycle({
      accountId,
      cycleId,
      status: 'failed',
      result: failed,
    });
    daySpendAttribute(recorded);
  } catch (recordErr) {
    log.error('could not record the failed cycle', { cycleId, error: failureMessage(recordErr) });
  }
  // Non-retryable: a schedule with pauseOnFailure pauses itself, and the root cause is the message.
  return ApplicationFailure.create({
    type: cause.type,
    message: `cycle failed while ${failure.stage}: ${describeCause(cause)}`,
    nonRetryable: true,
    details: [failure],
    cause: err instanceof Error ? err : undefined,
  });
}
