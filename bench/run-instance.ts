/**
 * Runs every controller on one market instance (same truth, same random streams) and returns
 * their metrics. The unit of work a bench worker processes.
 */
import type { Hook } from '../learning/hook-library';
import type { PolicyParams } from '../learning/params';
import { makeController, type ControllerName } from './controllers';
import { drawTruth, isResultScenario, type Scenario } from './market';
import { simulate, type RunMetrics } from './simulate';

/** One unit of bench work. */
export interface InstanceTask {
  scenario: Scenario;
  slots: number;
  instance: number;
  days: number;
  seed: string;
  cycleEveryTicks: number;
  policies: ControllerName[];
  /** Mean CTR of the market as a multiple of the (Beta(6.2, 612), ≈ 1 %); 1 if absent. */
  ctrScale?: number;
  /** Overrides applied to every learning policy (for experiments; the shipped bench passes none). */
  params?: Partial<PolicyParams>;
}

/** Metrics of every controller on one instance. */
export interface InstanceResult {
  scenario: Scenario;
  slots: number;
  instance: number;
  ctrScale: number;
  metrics: Partial<Record<ControllerName, RunMetrics>>;
}

/**
 * The instance's key: its truth and every launch's streams derive from it. The three results
 * scenarios share one key per slot count and instance, so they meet the same CTRs, the same twelve
 * CVR draws (only paired differently with the CTRs), CPMs, reviews and click uniforms.
 */
export function instanceKey(task: Pick<InstanceTask, 'seed' | 'scenario' | 'slots' | 'instance'>): string {
  const group = isResultScenario(task.scenario) ? 'results' : task.scenario;
  return `${task.seed}/${group}/${task.slots}/${task.instance}`;
}

export function runInstance(task: InstanceTask, hooks: Hook[]): InstanceResult {
  const ctrScale = task.ctrScale ?? 1;
  const truth = drawTruth(task.scenario, task.days, instanceKey(task), ctrScale);
  const metrics: InstanceResult['metrics'] = {};
  for (const name of task.policies) {
    const { controller, scoring } = makeController(name, task.params);
    metrics[name] = simulate({ truth, hooks, slots: task.slots, days: task.days, cycleEveryTicks: task.cycleEveryTicks, controller, scoring });
  }
  return { scenario: task.scenario, slots: task.slots, instance: task.instance, ctrScale, metrics };
}
