/**
 * One whole learning cycle: actions on live creatives, then the hooks for the launches that fit.
 * This is the entry point the Temporal activity and HookBench both call, so the benchmark
 * measures exactly the production decision path.
 */
import { decideFromModel, type DecideActionsInput } from './actions';
import { chooseFromModel, type ChooseHooksResult } from './choice';
import type { CreativeFormat } from './hook-library';
import { buildModel } from './model';
import { DEFAULT_POLICY, resolveParams } from './params';
import type { Decision } from './types';

/** Input of planCycle: decideActions' input plus the seed for the launch draws. */
export interface PlanCycleInput extends DecideActionsInput {
  /** Cycle id; seeds every draw of this cycle. */
  seed: string;
  format?: CreativeFormat;
}

/** Decisions to execute (pauses, scales, one 'launch' per chosen hook, keeps) and the choice audit. */
export interface PlanCycleResult {
  decisions: Decision[];
  /** Null when no launch fits under the caps this cycle. */
  choice: ChooseHooksResult | null;
}

/** Runs decideActions and, if launches fit, chooseHooks on the same posterior model. */
export function planCycle(input: PlanCycleInput): PlanCycleResult {
  const policy = input.policy ?? DEFAULT_POLICY;
  const params = resolveParams(policy, input.params);
  // The input carries the model's fields (hooks, evidence, nowMs, objective, attribution); params resolved.
  const model = buildModel({ ...input, params });
  const actions = decideFromModel(model, policy, input);
  const launch = actions.find((d) => d.kind === 'launch');
  if (!launch || !launch.count) return { decisions: actions, choice: null };

  const leaving = new Set(actions.filter((d) => d.kind === 'pause').map((d) => d.creativeId!));
  const choice = chooseFromModel(model, policy, launch.count, input.seed, input.format, leaving, input.caps.adSetDailyBudgetCents);
  const launches: Decision[] = choice.choices.map((c, i) => ({
    kind: 'launch',
    hookId: c.hookId,
    style: c.style,
    format: c.format,
    probability: c.sampledValue,
    reason: c.reason,
    snapshot: {
      ...launch.snapshot,
      posterior: choice.posterior.hooks[c.hookId],
      samples: Object.fromEntries(Object.entries(choice.samples).filter(([k]) => k.startsWith(`${i}/`))),
    },
  }));
  return { decisions: actions.flatMap((d) => (d === launch ? launches : [d])), choice };
}
