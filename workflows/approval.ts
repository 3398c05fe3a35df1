/**
 * The approval gate (optional, per account): a generated creative waits durably for a person to
 * approve or reject it before it may launch, by the decideLaunch update (which says whether it
 * took) or the launchDecision signal; after the account's timeout its default decides (skip, or
 * approve). Nothing waiting here is launched unapproved.
 */
import { condition } from '@temporalio/workflow';
import { DecideLaunchSchema, describeIssues, type CycleStatus, type DecideLaunchArgs } from './ad-cycle-types';
import type { CycleRun } from './cycle-run';
import type { CycleState } from './cycle-state';

export function validateDecision(state: CycleState, args: DecideLaunchArgs): void {
  const r = DecideLaunchSchema.safeParse(args);
  if (!r.success) throw new Error(`Invalid decideLaunch: ${describeIssues(r.error)}`);
  state.waitingSlot(r.data.slot); // throws unless that slot waits at the gate
}

export function decideLaunch(state: CycleState, args: DecideLaunchArgs): CycleStatus {
  state.decide(state.waitingSlot(args.slot), args.approve, args.by ?? 'a person', args.reason);
  return state.status();
}

/**
 * The approval gate: the generated creative (its file or clip, hook, headline and cost are in the
 * status query) waits durably for a person's decision (decideLaunch update or launchDecision
 * signal); after the timeout, the input's default decides. True when the slot may launch.
 */
export async function approvalGate(run: CycleRun, i: number): Promise<boolean> {
  const { state } = run;
  const { timeout, onTimeout } = run.input.approval!;
  state.awaitingApproval(i, new Date(Date.now() + durationMs(timeout)).toISOString());
  run.stage('awaiting-approval');
  if (!(await condition(() => state.decided(i), timeout))) state.decide(i, onTimeout === 'approve', 'timeout', `no decision within ${timeout}`);
  return state.slots[i]!.status === 'generated';
}

/** Milliseconds of a validated duration such as 30s, 10m or 2h. */
function durationMs(d: string): number {
  const [, n, unit] = /^(\d+)(ms|s|m|h)$/.exec(d)!;
  return Number(n) * { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[unit as 'ms' | 's' | 'm' | 'h'];
}
