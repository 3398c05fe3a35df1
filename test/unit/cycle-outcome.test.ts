/**
 * The cycle's outcome as a pure function of its slot states, and the CycleState transitions that
 * produce those states. Plain vitest: no Temporal server, no workflow sandbox.
 */
import { describe, expect, it } from 'vitest';
import type { PlannedSlot } from '../../activities/analysis';
import type { SlotStatus } from '../../workflows/ad-cycle-types';
import { createdOnMeta, cycleOutcome, generationCostUsd, notLaunchedDecisions } from '../../workflows/cycle-outcome';
import { CycleState, IllegalTransition } from '../../workflows/cycle-state';

const slots = (...statuses: SlotStatus[]) => statuses.map((status, slot) => ({ slot, status }));
const open = { adsPerRun: 2, pausedOut: false };

describe('cycleOutcome', () => {
  it('is insights-only when no launch was asked for, and no-capacity when the caps left no slot', () => {
    expect(cycleOutcome([], { adsPerRun: 0, pausedOut: false })).toBe('insights-only');
    expect(cycleOutcome([], { adsPerRun: 3, pausedOut: false })).toBe('no-capacity');
  });

  it('is launched when every slot went live, partial when only some did', () => {
    expect(cycleOutcome(slots('launched', 'launched'), open)).toBe('launched');
    expect(cycleOutcome(slots('launched', 'launch_failed'), open)).toBe('partial');
    expect(cycleOutcome(slots('skipped', 'launched', 'generation_failed'), open)).toBe('partial');
  });

  it('is partial, not paused, when a pause skipped some slots but another one launched', () => {
    expect(cycleOutcome(slots('launched', 'skipped'), { adsPerRun: 2, pausedOut: true })).toBe('partial');
  });

  it('is paused when nothing went live and a pause outlasted its wait, else nothing-launched', () => {
    expect(cycleOutcome(slots('skipped', 'skipped'), { adsPerRun: 2, pausedOut: true })).toBe('paused');
    expect(cycleOutcome(slots('generation_failed', 'launch_failed'), open)).toBe('nothing-launched');
    expect(cycleOutcome(slots('skipped'), open)).toBe('nothing-launched');
  });

  it('refuses to judge a cycle whose slots have not all settled', () => {
    for (const unsettled of ['planned', 'generating', 'generated', 'launching'] as const) {
      expect(() => cycleOutcome(slots('launched', unsettled), open)).toThrow(/slot 1 has not settled/);
    }
  });
});

describe('what the settled slots add up to', () => {
  const meta = { campaignId: 'c1', adsetId: 'as1', adCreativeId: 'cr1', adId: 'ad1' };
  const settled = [
    { slot: 0, hookId: 'a', format: 'image' as const, status: 'launched' as const, costUsd: 0.02, meta },
    { slot: 1, hookId: 'b', format: 'video' as const, status: 'generation_failed' as const, costUsd: 0.3, reason: 'GenerationFailed: boom' },
    { slot: 2, hookId: 'c', format: 'image' as const, status: 'skipped' as const },
  ];

  it('lists the Meta objects of the launched slots only', () => {
    expect(createdOnMeta(settled)).toEqual({ campaignIds: ['c1'], adsetIds: ['as1'], adCreativeIds: ['cr1'], adIds: ['ad1'] });
  });

  it('says why each other slot did not go live', () => {
    expect(notLaunchedDecisions(settled)).toEqual(['slot 1 b: generation_failed — GenerationFailed: boom', 'slot 2 c: skipped']);
  });

  it('counts what every generation cost, failed ones included', () => {
    expect(generationCostUsd(settled)).toBeCloseTo(0.32);
  });
});

const planned = (n: number, format: 'image' | 'video' = 'image'): PlannedSlot => ({ slot: n, hookId: `hook-${n}`, format, sampledValue: 0.5, reason: 'test' });
const newCycle = (...plan: PlannedSlot[]) => {
  const state = new CycleState('cycle-1', 'act_1', false);
  state.plan(plan);
  return state;
};

describe('CycleState', () => {
  it('takes a slot from planned to launched through its named transitions', () => {
    const state = newCycle(planned(0));
    state.generating(0);
    state.generated(0, { creativeId: 'cycle-1:s0', kieTaskId: 't1', costUsd: 0.02, filePath: '/x.png' });
    state.launching(0);
    state.launched(0, { campaignId: 'c', adsetId: 'as', adCreativeId: 'cr', adId: 'ad' });
    expect(state.slots[0]).toEqual({
      slot: 0,
      hookId: 'hook-0',
      format: 'image',
      status: 'launched',
      creativeId: 'cycle-1:s0',
      kieTaskId: 't1',
      costUsd: 0.02,
      filePath: '/x.png',
      meta: { campaignId: 'c', adsetId: 'as', adCreativeId: 'cr', adId: 'ad' },
    });
    expect(cycleOutcome(state.slots, open)).toBe('launched');
  });

  it('keeps the Kie task and the wait of a video slot while it generates', () => {
    const state = newCycle(planned(0, 'video'));
    state.generating(0);
    state.videoSubmitted(0, 'cycle-1:s0', 'veo-1');
    state.videoWaitEnded(0, 'callback');
    state.generationFailed(0, 'GenerationTimedOut: never confirmed', 0.3);
    expect(state.slots[0]).toMatchObject({
      status: 'generation_failed',
      kieTaskId: 'veo-1',
      videoWaitEndedBy: 'callback',
      costUsd: 0.3,
      reason: 'GenerationTimedOut: never confirmed',
    });
  });

  it('throws on a transition the slot state does not allow', () => {
    const state = newCycle(planned(0), planned(1));
    expect(() => state.launching(0)).toThrow(IllegalTransition); // not generated yet
    expect(() => state.generated(0, { creativeId: 'x' })).toThrow(/slot 0 is planned: cannot go to generated/);
    state.generating(0);
    expect(() => state.generating(0)).toThrow(IllegalTransition);
    expect(() => state.launchFailed(0, 'no')).toThrow(IllegalTransition);
    state.generationFailed(0, 'boom');
    expect(() => state.skipped(0, 'late')).toThrow(IllegalTransition); // a settled slot stays settled
    expect(() => state.generating(5)).toThrow(/no slot at index 5/);
    expect(() => state.plan([planned(2)])).toThrow(/already planned/);
    expect(state.slots.map((s) => s.status)).toEqual(['generation_failed', 'planned']);
  });

  it('skips a slot at any unsettled step, and says when a pause outlasted its wait', () => {
    const state = newCycle(planned(0), planned(1));
    state.setPaused(true, 'budget review');
    state.skippedForPauseTimeout(0);
    state.generating(1);
    state.skipped(1, 'GenerationBudgetExceeded: over the cap', 0.02);
    expect(state.pausedOut).toBe(true);
    expect(state.slots).toMatchObject([
      { status: 'skipped', reason: 'launches paused: budget review' },
      { status: 'skipped', reason: 'GenerationBudgetExceeded: over the cap', costUsd: 0.02 },
    ]);
    expect(cycleOutcome(state.slots, { adsPerRun: 2, pausedOut: state.pausedOut })).toBe('paused');
  });

  it('is stopped by the first authorization failure only, and skips slots as account stopped', () => {
    const state = newCycle(planned(0));
    expect(() => state.skippedForStop(0)).toThrow(IllegalTransition);
    state.stopIfUnauthorized({ type: 'MetaRequestRejected', message: 'bad param' });
    expect(state.stopped).toBeUndefined();
    state.stopIfUnauthorized({ type: 'MetaAuthorizationError', message: 'token expired', code: 190 });
    state.stopIfUnauthorized({ type: 'MetaAuthorizationError', message: 'second' });
    state.skippedForStop(0);
    expect(state.slots[0]).toMatchObject({ status: 'skipped', reason: 'account stopped: MetaAuthorizationError (Graph code 190): token expired' });
  });

  it('answers the status query with a copy in the CycleStatus shape, failure and stage included', () => {
    const state = newCycle(planned(0));
    state.enter('insights');
    state.setPaused(true, 'review');
    const failure = state.fail({ type: 'MetaAuthorizationError', message: 'no' });
    state.enter('failed');
    const status = state.status();
    expect(status).toEqual({
      cycleId: 'cycle-1',
      accountId: 'act_1',
      stage: 'failed',
      launchesPaused: true,
      pauseReason: 'review',
      slots: [{ slot: 0, hookId: 'hook-0', format: 'image', status: 'planned' }],
      failure: { type: 'MetaAuthorizationError', message: 'no', stage: 'insights' },
    });
    expect(failure.stage).toBe('insights');
    status.slots[0]!.status = 'launched';
    expect(state.slots[0]!.status).toBe('planned');
    expect(() => state.enter('recording')).toThrow(/cycle already failed/);
  });

  it('remembers Kie callbacks by task id', () => {
    const state = newCycle();
    expect(state.hasCallback('t1')).toBe(false);
    state.callbackReceived('t1', 200);
    state.callbackReceived('t1', 200); // a duplicate changes nothing
    expect(state.hasCallback('t1')).toBe(true);
  });
});
