/**
 * One running cycle as the workflow's helpers see it: its input, its state, and the two steps that
 * touch both the state and Temporal (entering a stage, which the Web UI shows as `CycleStage`, and
 * the pause gate, which may wait on a timer).
 */
import { condition, upsertSearchAttributes } from '@temporalio/workflow';
import { CycleStageKey } from '../temporal-config/search-attributes';
import type { AdCycleParams, CycleStage } from './ad-cycle-types';
import type { CycleState } from './cycle-state';

export interface CycleRun {
  input: AdCycleParams;
  cycleId: string;
  accountId: string;
  state: CycleState;
  /** Enters a stage: in the state and the CycleStage search attribute. */
  stage(s: CycleStage): void;
  /** Waits while launches are paused; false when the pause outlasted pauseWaitLimit. */
  launchesAllowed(next: CycleStage): Promise<boolean>;
}

export function createCycleRun(input: AdCycleParams, state: CycleState): CycleRun {
  const stage = (s: CycleStage) => {
    state.enter(s);
    upsertSearchAttributes([{ key: CycleStageKey, value: s }]);
  };
  const launchesAllowed = async (next: CycleStage): Promise<boolean> => {
    if (state.launchesPaused) {
      stage('paused');
      if (!(await condition(() => !state.launchesPaused, input.pauseWaitLimit))) return false;
    }
    stage(next);
    return true;
  };
  return { input, cycleId: state.cycleId, accountId: state.accountId, state, stage, launchesAllowed };
}
