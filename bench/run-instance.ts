/**
 * Runs every controller on one market instance (same truth, same random streams) and returns
 * their metrics. The unit of work a bench worker processes.
 */
import type { Hook } from '../learning/hook-library';
import type { PolicyParams } from '../learning/params';
import type { PolicyName } from '../learning/types';
import { learningController, oracleController } from './controllers';
import { drawTruth, type Scenario } from './market';
import { simulate, type RunMetrics } from './simulate';

/** One unit of bench work. */
export interface InstanceTask {
  scenario: Scenario;
  slots: number;
  instance: number;
  days: number;
  seed: string;
  cycleEveryTicks: number;
  policies: Array<PolicyName | 'oracle'>;
  /** Overrides applied to every learning policy (for experiments; the shipped bench passes none). */
  params?: Partial<PolicyParams>;
}

/** Metrics of every controller on one instance. */
export interface InstanceResult {
  scenario: Scenario;
  slots: number;
  instance: number;
  metrics: Partial<Record<PolicyName | 'oracle', RunMetrics>>;
}

export function runInstance(task: InstanceTask, hooks: Hook[]): InstanceResult {
  const key = `${task.seed}/${task.scenario}/${task.slots}/${task.instance}`;
  const truth = drawTruth(task.scenario, task.days, key);
  const metrics: InstanceResult['metrics'] = {};
  for (const policy of task.policies) {
    const controller = policy === 'oracle' ? oracleController : learningController(policy, task.params);
    metrics[policy] = simulate({ truth, hooks, slots: task.slots, days: task.days, cycleEveryTicks: task.cycleEveryTicks, controller, policy });
  }
  return { scenario: task.scenario, slots: task.slots, instance: task.instance, metrics };
}
