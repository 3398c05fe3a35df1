/**
 * One creative slot of a cycle: generate (image, or a Veo video raced against Kie's callback), then
 * launch, each behind the pause gate. A slot's failure is recorded with its reason and never fails
 * the other slots or the cycle; only an authorization failure stops the account.
 *
 * The awaits here are in the order running cycles recorded them: slots run concurrently, so an
 * extra await (a helper split off with its own `await`) could reorder the commands of two slots
 * within one workflow task and break replay. Change their shape only behind patched().
 */
import { ApplicationFailure, CancellationScope, condition } from '@temporalio/workflow';
import type { PlannedSlot } from '../activities/analysis';
import type { LaunchCreativeResult } from '../activities/campaign';
import type { FinishVideoResult } from '../activities/video';
import { failureCostUsd, failureMessage, isSkip } from './activity-errors';
import { analysisActsWith, campaignActsWith, imageActsWith, videoActsWith, videoWaitWith } from './cycle-activities';
import { approvalGate } from './approval';
import type { CycleRun } from './cycle-run';
import type { Generated } from './cycle-state';
import { rootCause } from './failure';

/** Runs slot `i` of the plan to one of its final states. */
export async function runSlot(run: CycleRun, planned: PlannedSlot, i: number): Promise<void> {
  const { state, accountId, cycleId } = run;
  if (state.stopped) return state.skippedForStop(i);
  if (!(await run.launchesAllowed('generating'))) return state.skippedForPauseTimeout(i);
  state.generating(i);
  let made: Generated;
  try {
    if (planned.format === 'video') {
      const done = await generateVideo(run, planned, i);
      made = { creativeId: done.creativeId, costUsd: done.costUsd, filePath: done.filePath, ...(done.videoUrl ? { videoUrl: done.videoUrl } : {}) };
    } else {
      const img = await imageActsWith(`Generate the 9:16 image for hook ${planned.hookId} (slot ${planned.slot}) with Nano Banana`).generateImageCreative({
        accountId,
        cycleId,
        slot: planned.slot,
        hookId: planned.hookId,
      });
      made = { creativeId: img.creativeId, kieTaskId: img.taskId, costUsd: img.costUsd, filePath: img.filePath };
    }
  } catch (err) {
    // What the generation still cost (a lost-response Kie task is charged though never seen).
    if (isSkip(err)) state.skipped(i, failureMessage(err), failureCostUsd(err));
    else state.generationFailed(i, failureMessage(err), failureCostUsd(err));
    await recordFailure(run, i);
    return;
  }
  state.generated(i, made);
  // Only cycles with an approval gate wait here (no await otherwise: the command order of the others is unchanged).
  if (run.input.approval && !state.stopped && !(await approvalGate(run, i))) return recordFailure(run, i);
  if (state.stopped || !(await run.launchesAllowed('launching'))) {
    if (state.stopped) state.skippedForStop(i);
    else state.skippedForPauseTimeout(i);
    return recordFailure(run, i); // the creative exists (and was paid for): say why it is not live
  }
  state.launching(i);
  let launched: LaunchCreativeResult;
  try {
    launched = await campaignActsWith(`Launch hook ${planned.hookId} (slot ${planned.slot}) on Meta: campaign, ad set, creative, ad`).launchCreative({
      accountId,
      creativeId: made.creativeId,
    });
  } catch (err) {
    if (isSkip(err)) state.skipped(i, failureMessage(err));
    else state.launchFailed(i, failureMessage(err));
    state.stopIfUnauthorized(rootCause(err));
    await recordFailure(run, i);
    return;
  }
  state.launched(i, { campaignId: launched.campaignId, adsetId: launched.adsetId, adCreativeId: launched.adCreativeId, adId: launched.adId });
}

/**
 * Submit one Veo task, wait for it (polling activity raced with Kie's callback signal), then
 * confirm on record-info. A callback that arrives before the task is really done sends us back
 * to polling, so a forged or early callback cannot skip the wait.
 */
async function generateVideo(run: CycleRun, planned: PlannedSlot, i: number): Promise<FinishVideoResult> {
  const { state } = run;
  const sub = await videoActsWith(`Submit the Veo 3.1 video for hook ${planned.hookId} (slot ${planned.slot})`).submitVideo({
    accountId: run.accountId,
    cycleId: run.cycleId,
    slot: planned.slot,
    hookId: planned.hookId,
  });
  state.videoSubmitted(i, sub.creativeId, sub.taskId);
  run.stage('waiting-for-video');
  for (let round = 0; round < 3; round++) {
    const scope = new CancellationScope();
    const polling = scope.run(() =>
      videoWaitWith(`Wait for the Veo 3.1 video of hook ${planned.hookId} (slot ${planned.slot}), round ${round + 1}`).awaitVideo({
        creativeId: sub.creativeId,
        taskId: sub.taskId,
      }),
    );
    const called = round === 0 ? condition(() => state.hasCallback(sub.taskId)).then(() => 'callback' as const) : new Promise<never>(() => {});
    const endedBy = await Promise.race([polling.then(() => 'polling' as const), called]);
    if (endedBy === 'callback') {
      scope.cancel();
      polling.catch(() => undefined); // its cancellation is expected
    }
    state.videoWaitEnded(i, endedBy);
    const done = await videoActsWith(`Confirm and download the video of hook ${planned.hookId} (slot ${planned.slot})`).finishVideo({
      creativeId: sub.creativeId,
      taskId: sub.taskId,
    });
    if (done.state === 'done') return done;
  }
  throw ApplicationFailure.nonRetryable(`Veo task ${sub.taskId} never confirmed as finished`, 'GenerationTimedOut');
}

/** Records why slot `i` did not go live. */
function recordFailure(run: CycleRun, i: number): Promise<void> {
  const slot = run.state.slots[i]!;
  return analysisActsWith(`Record why slot ${slot.slot} (hook ${slot.hookId}) is not live: ${slot.status}`).recordSlotFailure({
    accountId: run.accountId,
    cycleId: run.cycleId,
    slot: slot.slot,
    hookId: slot.hookId,
    format: slot.format,
    status: slot.status as 'generation_failed' | 'launch_failed' | 'skipped',
    reason: slot.reason ?? 'unknown',
  });
}
