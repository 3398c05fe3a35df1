/**
 * adCycleWorkflow: one pass of the agent over an ad account, started every RUN_INTERVAL by a
 * schedule. insights -> plan (score, decide, choose hooks) -> pause/scale -> generate each creative
 * -> launch each -> record. Activities run on one task queue per group; this file only orchestrates.
 *
 * A pause (signal or update) holds new generations and launches; insight collection goes on.
 * One slot's failure is recorded with its reason and never fails the other slots or the cycle.
 */
import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  defineQuery,
  defineSignal,
  defineUpdate,
  isCancellation,
  log,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { CampaignActivities } from '../activities/campaign';
import type { ImageActivities } from '../activities/images';
import type { InsightsActivities, PlannedSlot } from '../activities/insights';
import type { VideoActivities } from '../activities/video';
import { TaskQueues } from '../temporal-config/queues';
import { AdHooksKey, AdsLaunchedKey, CreativeFormatsKey, CycleOutcomeKey, CycleStageKey, AdAccountIdKey } from '../temporal-config/search-attributes';
import { RETRY_NON_RETRYABLE } from '../temporal-config/retry';
import {
  AdCycleInputSchema,
  describeIssues,
  SetLaunchesPausedSchema,
  type AdCycleInput,
  type AdCycleResult,
  type CycleOutcome,
  type CycleStage,
  type CycleStatus,
  KieCallbackSchema,
  type KieCallbackArgs,
  type SetLaunchesPausedArgs,
  type SlotResult,
} from './ad-cycle-types';
import { describeCause, rootCause, type RootCause } from './failure';

// --- Activity options, one proxy per queue and behaviour ------------------------------------
const insightsActs = proxyActivities<InsightsActivities>({
  taskQueue: TaskQueues.insights,
  startToCloseTimeout: '2m', // one paged insights pull or one scoring pass
  heartbeatTimeout: '1m',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 6, nonRetryableErrorTypes: [...RETRY_NON_RETRYABLE] },
});
const imageActs = proxyActivities<ImageActivities>({
  taskQueue: TaskQueues.images,
  // Kie's own guidance: give up on a task after 10-15 min; the activity abandons at KIE_IMAGE_TIMEOUT_MS.
  startToCloseTimeout: '15m',
  heartbeatTimeout: '1m', // a dead worker is noticed within a minute and another one resumes the same task
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 5, nonRetryableErrorTypes: [...RETRY_NON_RETRYABLE] },
});
const campaignActs = proxyActivities<CampaignActivities>({
  taskQueue: TaskQueues.campaign,
  startToCloseTimeout: '5m',
  heartbeatTimeout: '2m',
  // Throttling comes back with its own nextRetryDelay; everything else backs off up to 2 min.
  retry: { initialInterval: '3s', backoffCoefficient: 2, maximumInterval: '2m', maximumAttempts: 8, nonRetryableErrorTypes: [...RETRY_NON_RETRYABLE] },
});

const videoActs = proxyActivities<VideoActivities>({
  taskQueue: TaskQueues.video,
  startToCloseTimeout: '2m', // submit and finish are single calls (+ a download)
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 6, nonRetryableErrorTypes: [...RETRY_NON_RETRYABLE] },
});
const videoWait = proxyActivities<Pick<VideoActivities, 'awaitVideo'>>({
  taskQueue: TaskQueues.video,
  summary: 'Waiting for the Veo 3.1 video (Kie.ai)',
  // The activity gives up itself at VEO_WAIT_LIMIT_MS (15 min by default); this is the backstop.
  startToCloseTimeout: '20m',
  // It heartbeats every 2 s: a killed worker is noticed in 20 s and the retry resumes the SAME Kie task.
  heartbeatTimeout: '20s',
  // A callback ends the wait: do not wait for the activity to acknowledge its cancellation.
  cancellationType: ActivityCancellationType.TRY_CANCEL,
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 20, nonRetryableErrorTypes: [...RETRY_NON_RETRYABLE] },
});

// --- Messages -----------------------------------------------------------------------------
export const statusQuery = defineQuery<CycleStatus>('status');
export const pauseLaunchesSignal = defineSignal<[{ reason?: string }?]>('pauseLaunches');
export const resumeLaunchesSignal = defineSignal('resumeLaunches');
export const setLaunchesPausedUpdate = defineUpdate<CycleStatus, [SetLaunchesPausedArgs]>('setLaunchesPaused');
/** Sent by the callback endpoint when Kie reports a task finished: the video wait ends at once. */
export const kieCallbackSignal = defineSignal<[KieCallbackArgs]>('kieCallback');

export async function adCycleWorkflow(rawInput: AdCycleInput): Promise<AdCycleResult> {
  const parsed = AdCycleInputSchema.safeParse(rawInput ?? {});
  if (!parsed.success) throw ApplicationFailure.nonRetryable(`Invalid adCycle input: ${describeIssues(parsed.error)}`, 'InvalidInput');
  const input = parsed.data;
  const { accountId } = input;
  const cycleId = workflowInfo().workflowId;
  const startedAt = new Date().toISOString();

  const state: CycleStatus = { cycleId, accountId, stage: 'starting', launchesPaused: input.launchesPaused, slots: [] };
  const setPaused = (paused: boolean, reason?: string) => {
    state.launchesPaused = paused;
    state.pauseReason = paused ? reason : undefined;
  };
  setHandler(statusQuery, () => state);
  setHandler(pauseLaunchesSignal, (args) => setPaused(true, args?.reason ?? 'paused by signal'));
  setHandler(resumeLaunchesSignal, () => setPaused(false));
  setHandler(
    setLaunchesPausedUpdate,
    ({ paused, reason }) => {
      setPaused(paused, reason ?? (paused ? 'paused by update' : undefined));
      return state;
    },
    {
      validator: (args) => {
        const r = SetLaunchesPausedSchema.safeParse(args);
        if (!r.success) throw new Error(`Invalid setLaunchesPaused: ${describeIssues(r.error)}`);
      },
    },
  );

  // Callbacks by Kie task id. Duplicates and late ones overwrite the same entry: harmless.
  const callbacks = new Map<string, number>();
  setHandler(kieCallbackSignal, (args) => {
    const r = KieCallbackSchema.safeParse(args);
    if (!r.success) {
      log.warn('ignored an invalid kieCallback signal', { problem: describeIssues(r.error) });
      return;
    }
    callbacks.set(r.data.taskId, r.data.code);
  });

  const stage = (s: CycleStage) => {
    state.stage = s;
    upsertSearchAttributes([{ key: CycleStageKey, value: s }]);
  };
  upsertSearchAttributes([{ key: AdAccountIdKey, value: accountId }]);

  /** Waits while launches are paused; false when the pause outlasted pauseWaitLimit. */
  const launchesAllowed = async (next: CycleStage): Promise<boolean> => {
    if (state.launchesPaused) {
      stage('paused');
      if (!(await condition(() => !state.launchesPaused, input.pauseWaitLimit))) return false;
    }
    stage(next);
    return true;
  };

  /** Set when Meta refuses the account's token or permissions: nothing more is paid for, and the cycle fails. */
  let stopped: RootCause | undefined;
  const stopIfUnauthorized = (err: unknown) => {
    const cause = rootCause(err);
    if (cause.type === 'MetaAuthorizationError') stopped ??= cause;
  };

  try {
    stage('insights');
    const insights = await insightsActs.fetchInsights({ accountId, cycleId });

    stage('planning');
    const plan = await insightsActs.planCycle({ accountId, cycleId, wanted: input.adsPerRun, policy: input.policy, format: input.format });
    state.slots = plan.slots.map((s) => ({ slot: s.slot, hookId: s.hookId, format: s.format, status: 'planned' }));
    if (plan.slots.length) {
      upsertSearchAttributes([
        { key: AdHooksKey, value: [...new Set(plan.slots.map((s) => s.hookId))] },
        { key: CreativeFormatsKey, value: [...new Set(plan.slots.map((s) => s.format))] },
      ]);
    }
    const decisions = [
      ...plan.slots.map((s) => `choose ${s.hookId} (${s.format}): ${s.reason}`),
      ...plan.skipped.map((s) => `skip: ${s.reason}`),
    ];

    if (plan.actions.length) {
      stage('optimizing');
      try {
        const applied = await campaignActs.applyActions({ accountId, cycleId, actions: plan.actions });
        decisions.push(...applied.applied.map((a) => `${a.kind} ${a.creativeId}: ${a.reason}`));
        decisions.push(...applied.skipped.map((a) => `not ${a.kind === 'pause' ? 'paused' : 'scaled'} ${a.creativeId}: ${a.why}`));
      } catch (err) {
        decisions.push(`pause/scale failed: ${failureMessage(err)}`);
        stopIfUnauthorized(err);
      }
    }
    // Prove the token may write before anything is paid for: a token that can read but not write
    // would otherwise buy a creative every cycle that can never launch. (Cycles started before this
    // check existed replay without it.)
    if (plan.slots.length && !stopped && patched('write-access-check')) {
      await campaignActs.checkWriteAccess({ accountId });
    }
    if (stopped) throw accountStopped(stopped);

    /**
     * Submit one Veo task, wait for it (polling activity raced with Kie's callback signal), then
     * confirm on record-info. A callback that arrives before the task is really done sends us back
     * to polling, so a forged or early callback cannot skip the wait.
     */
    const generateVideo = async (planned: PlannedSlot, slot: SlotResult) => {
      const sub = await videoActs.submitVideo({ accountId, cycleId, slot: planned.slot, hookId: planned.hookId });
      Object.assign(slot, { creativeId: sub.creativeId, kieTaskId: sub.taskId });
      stage('waiting-for-video');
      for (let round = 0; round < 3; round++) {
        const scope = new CancellationScope();
        const polling = scope.run(() => videoWait.awaitVideo({ creativeId: sub.creativeId, taskId: sub.taskId }));
        const called = round === 0 ? condition(() => callbacks.has(sub.taskId)).then(() => 'callback' as const) : new Promise<never>(() => {});
        const endedBy = await Promise.race([polling.then(() => 'polling' as const), called]);
        if (endedBy === 'callback') {
          scope.cancel();
          polling.catch(() => undefined); // its cancellation is expected
        }
        slot.videoWaitEndedBy = endedBy;
        const done = await videoActs.finishVideo({ creativeId: sub.creativeId, taskId: sub.taskId });
        if (done.state === 'done') return done;
      }
      throw ApplicationFailure.nonRetryable(`Veo task ${sub.taskId} never confirmed as finished`, 'GenerationTimedOut');
    };

    const recordFailure = (slot: SlotResult) =>
      insightsActs.recordSlotFailure({
        accountId,
        cycleId,
        slot: slot.slot,
        hookId: slot.hookId,
        format: slot.format,
        status: slot.status as 'generation_failed' | 'launch_failed' | 'skipped',
        reason: slot.reason ?? 'unknown',
      });

    let pausedOut = false;
    const skipPaused = (slot: SlotResult) => {
      Object.assign(slot, { status: 'skipped', reason: `launches paused: ${state.pauseReason ?? ''}`.trim() });
      pausedOut = true;
    };
    const skipStopped = (slot: SlotResult) => Object.assign(slot, { status: 'skipped', reason: `account stopped: ${describeCause(stopped!)}` });
    const runSlot = async (planned: PlannedSlot, slot: SlotResult) => {
      if (stopped) return skipStopped(slot);
      if (!(await launchesAllowed('generating'))) return skipPaused(slot);
      slot.status = 'generating';
      try {
        if (planned.format === 'video') {
          const done = await generateVideo(planned, slot);
          Object.assign(slot, { status: 'generated', creativeId: done.creativeId, costUsd: done.costUsd, filePath: done.filePath });
        } else {
          const img = await imageActs.generateImageCreative({ accountId, cycleId, slot: planned.slot, hookId: planned.hookId });
          Object.assign(slot, { status: 'generated', creativeId: img.creativeId, kieTaskId: img.taskId, costUsd: img.costUsd, filePath: img.filePath });
        }
      } catch (err) {
        // What the generation still cost (a lost-response Kie task is charged though never seen).
        const costUsd = failureCostUsd(err);
        Object.assign(slot, { status: isSkip(err) ? 'skipped' : 'generation_failed', reason: failureMessage(err), ...(costUsd ? { costUsd } : {}) });
        await recordFailure(slot);
        return;
      }
      if (stopped || !(await launchesAllowed('launching'))) {
        if (stopped) skipStopped(slot);
        else skipPaused(slot);
        return recordFailure(slot); // the creative exists (and was paid for): say why it is not live
      }
      slot.status = 'launching';
      try {
        const launched = await campaignActs.launchCreative({ accountId, creativeId: slot.creativeId! });
        Object.assign(slot, { status: 'launched', meta: { campaignId: launched.campaignId, adsetId: launched.adsetId, adCreativeId: launched.adCreativeId, adId: launched.adId } });
      } catch (err) {
        Object.assign(slot, { status: isSkip(err) ? 'skipped' : 'launch_failed', reason: failureMessage(err) });
        stopIfUnauthorized(err);
        await recordFailure(slot);
      }
    };
    await Promise.all(plan.slots.map((p, i) => runSlot(p, state.slots[i]!)));
    if (stopped) throw accountStopped(stopped);

    stage('recording');
    const launched = state.slots.filter((s) => s.status === 'launched');
    const outcome: CycleOutcome =
      plan.slots.length === 0
        ? input.adsPerRun === 0
          ? 'insights-only'
          : 'no-capacity'
        : launched.length === plan.slots.length
          ? 'launched'
          : launched.length > 0
            ? 'partial'
            : pausedOut
              ? 'paused'
              : 'nothing-launched';
    for (const s of state.slots.filter((x) => x.status !== 'launched')) decisions.push(`slot ${s.slot} ${s.hookId}: ${s.status}${s.reason ? ` — ${s.reason}` : ''}`);
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
      findings: plan.insights,
      decisions,
      slots: state.slots,
      created: {
        campaignIds: launched.map((s) => s.meta!.campaignId),
        adsetIds: launched.map((s) => s.meta!.adsetId),
        adCreativeIds: launched.map((s) => s.meta!.adCreativeId),
        adIds: launched.map((s) => s.meta!.adId),
      },
      generationCostUsd: state.slots.reduce((sum, s) => sum + (s.costUsd ?? 0), 0),
    };
    await insightsActs.recordCycle({ accountId, cycleId, status: outcome, result });
    upsertSearchAttributes([
      { key: CycleOutcomeKey, value: outcome },
      { key: AdsLaunchedKey, value: launched.length },
    ]);
    stage('done');
    log.info('cycle finished', { cycleId, outcome, launched: launched.length });
    return result;
  } catch (err) {
    if (isCancellation(err)) throw err;
    throw await failCycle(err);
  }

  /** Records the failed cycle (in `cycles`, the status query and its search attributes) and builds the failure it ends with. */
  async function failCycle(err: unknown): Promise<ApplicationFailure> {
    const cause = rootCause(err);
    const failedStage = state.stage;
    state.failure = { ...cause, stage: failedStage };
    upsertSearchAttributes([{ key: CycleOutcomeKey, value: 'failed' }]);
    stage('failed');
    const failed = { cycleId, accountId, status: 'failed', startedAt, finishedAt: new Date().toISOString(), failure: state.failure, slots: state.slots };
    try {
      await insightsActs.recordCycle({ accountId, cycleId, status: 'failed', result: failed });
    } catch (recordErr) {
      log.error('could not record the failed cycle', { cycleId, error: failureMessage(recordErr) });
    }
    // Non-retryable: a schedule with pauseOnFailure pauses itself, and the root cause is the message.
    return ApplicationFailure.create({
      type: cause.type,
      message: `cycle failed while ${failedStage}: ${describeCause(cause)}`,
      nonRetryable: true,
      details: [state.failure],
      cause: err instanceof Error ? err : undefined,
    });
  }
}

/** The failure a cycle ends with when Meta refuses the account's token or permissions. */
function accountStopped(cause: RootCause): ApplicationFailure {
  return ApplicationFailure.create({ type: 'MetaAuthorizationError', message: cause.message, nonRetryable: true, details: [cause] });
}

/** The `costUsd` a generation failure carries in its details (0 when none). */
function failureCostUsd(err: unknown): number {
  const cause = err instanceof ActivityFailure && err.cause ? err.cause : err;
  const details = cause instanceof ApplicationFailure ? (cause.details?.[0] as { costUsd?: unknown } | undefined) : undefined;
  return typeof details?.costUsd === 'number' ? details.costUsd : 0;
}

/** Budget and cap refusals are decisions, not failures. */
function isSkip(err: unknown): boolean {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure && (cause.type === 'SpendCapReached' || cause.type === 'GenerationBudgetExceeded');
}

function failureMessage(err: unknown): string {
  const cause = err instanceof ActivityFailure && err.cause ? err.cause : err;
  if (cause instanceof ApplicationFailure) return `${cause.type ?? 'Error'}: ${cause.message}`;
  return cause instanceof Error ? cause.message : String(cause);
}
