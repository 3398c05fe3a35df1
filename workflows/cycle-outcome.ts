/**
 * What a finished cycle's slots add up to: its outcome, the Meta objects it created, what it spent
 * on generation, and a decision line for every slot that did not go live. Pure functions of the slot
 * states (no Temporal import), unit-tested in test/unit/cycle-outcome.test.ts.
 */
import type { CycleOutcome, SlotResult, SlotStatus } from './ad-cycle-types';

/** Statuses a slot can end a cycle in. */
export const FINAL_SLOT_STATUSES: readonly SlotStatus[] = ['launched', 'generation_failed', 'launch_failed', 'skipped'];

/**
 * The outcome of a cycle whose slots have all settled. No slots: `insights-only` when none were
 * asked for, else `no-capacity` (the caps left no room). Otherwise by how many went live, and when
 * none did, `paused` if a slot was skipped because the pause outlasted its wait limit.
 */
export function cycleOutcome(slots: ReadonlyArray<Pick<SlotResult, 'slot' | 'status'>>, opts: { adsPerRun: number; pausedOut: boolean }): CycleOutcome {
  const unsettled = slots.find((s) => !FINAL_SLOT_STATUSES.includes(s.status));
  if (unsettled) throw new Error(`slot ${unsettled.slot} has not settled (status ${unsettled.status})`);
  if (slots.length === 0) return opts.adsPerRun === 0 ? 'insights-only' : 'no-capacity';
  const launched = slots.filter((s) => s.status === 'launched').length;
  if (launched === slots.length) return 'launched';
  if (launched > 0) return 'partial';
  return opts.pausedOut ? 'paused' : 'nothing-launched';
}

/** Every Meta object the cycle's launched slots created, by kind. */
export function createdOnMeta(slots: readonly SlotResult[]) {
  const metas = slots.flatMap((s) => (s.status === 'launched' && s.meta ? [s.meta] : []));
  return {
    campaignIds: metas.map((m) => m.campaignId),
    adsetIds: metas.map((m) => m.adsetId),
    adCreativeIds: metas.map((m) => m.adCreativeId),
    adIds: metas.map((m) => m.adId),
  };
}

/** One decision line per slot that did not go live: `slot 1 hook-a: launch_failed — <reason>`. */
export function notLaunchedDecisions(slots: readonly SlotResult[]): string[] {
  return slots.filter((s) => s.status !== 'launched').map((s) => `slot ${s.slot} ${s.hookId}: ${s.status}${s.reason ? ` — ${s.reason}` : ''}`);
}

/** What the cycle's generations cost, failed and skipped ones included (a charged lost task counts). */
export function generationCostUsd(slots: readonly SlotResult[]): number {
  return slots.reduce((sum, s) => sum + (s.costUsd ?? 0), 0);
}
