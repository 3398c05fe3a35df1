/**
 * CycleState: everything one cycle knows, in one object, changed only through named transitions
 * (the way the safe-message-handlers sample keeps its cluster state in one class). The workflow and
 * its message handlers call these; the status query reads `status()`.
 *
 * A slot goes planned -> generating -> generated -> launching -> launched, and may instead end as
 * generation_failed (while generating), launch_failed (while launching) or skipped (at any step
 * before it settles). Any other move throws IllegalTransition: it can only be a bug in the workflow.
 *
 * Pure: no Temporal import, no I/O, so it is unit-tested without a server.
 */
import type { PlannedSlot } from '../activities/analysis';
import type { CycleFailure, CycleStage, CycleStatus, SlotResult, SlotStatus } from './ad-cycle-types';
import { describeCause, type RootCause } from './failure';

/** Thrown when a transition is asked of a slot (or cycle) whose state does not allow it. */
export class IllegalTransition extends Error {
  override readonly name = 'IllegalTransition';
}

/** What a finished generation made. */
export interface Generated {
  creativeId: string;
  kieTaskId?: string;
  costUsd?: number;
  filePath?: string;
  videoUrl?: string;
}

/** A slot's Meta objects once it is live. */
export type LaunchedMeta = NonNullable<SlotResult['meta']>;

const UNSETTLED: readonly SlotStatus[] = ['planned', 'generating', 'generated', 'awaiting_approval', 'launching'];

export class CycleState {
  private currentStage: CycleStage = 'starting';
  private paused: boolean;
  private reasonForPause?: string;
  private readonly slotList: SlotResult[] = [];
  private planned = false;
  private stoppedBy?: RootCause;
  private failedWith?: CycleFailure;
  private skippedForPause = false;
  /** Kie completion callbacks by task id. Duplicates and late ones overwrite the same entry: harmless. */
  private readonly callbacks = new Map<string, number>();

  constructor(
    readonly cycleId: string,
    readonly accountId: string,
    launchesPaused: boolean,
  ) {
    this.paused = launchesPaused;
  }

  // --- Cycle ------------------------------------------------------------------------------
  get stage(): CycleStage {
    return this.currentStage;
  }
  get launchesPaused(): boolean {
    return this.paused;
  }
  get pauseReason(): string | undefined {
    return this.reasonForPause;
  }
  /** Set when Meta refused the account's token or permissions: nothing more is paid for, and the cycle fails. */
  get stopped(): RootCause | undefined {
    return this.stoppedBy;
  }
  /** True once a slot was skipped because the pause outlasted its wait limit. */
  get pausedOut(): boolean {
    return this.skippedForPause;
  }
  get slots(): readonly Readonly<SlotResult>[] {
    return this.slotList;
  }

  enter(stage: CycleStage): void {
    if (this.currentStage === 'done' || this.currentStage === 'failed')
      throw new IllegalTransition(`cycle already ${this.currentStage}: cannot enter ${stage}`);
    this.currentStage = stage;
  }
  setPaused(paused: boolean, reason?: string): void {
    this.paused = paused;
    this.reasonForPause = paused ? reason : undefined;
  }
  /** An authorization failure stops the account (the first one is kept); any other failure does not. */
  stopIfUnauthorized(cause: RootCause): void {
    if (cause.type === 'MetaAuthorizationError') this.stoppedBy ??= cause;
  }
  /** The cycle failed at its current stage. */
  fail(cause: RootCause): CycleFailure {
    this.failedWith = { ...cause, stage: this.currentStage };
    return this.failedWith;
  }
  callbackReceived(taskId: string, code: number): void {
    this.callbacks.set(taskId, code);
  }
  hasCallback(taskId: string): boolean {
    return this.callbacks.has(taskId);
  }

  // --- Slots, by their index in the plan ---------------------------------------------------
  plan(slots: readonly PlannedSlot[]): void {
    if (this.planned) throw new IllegalTransition('the cycle is already planned');
    this.planned = true;
    for (const s of slots)
      this.slotList.push({ slot: s.slot, hookId: s.hookId, ...(s.headline ? { headline: s.headline } : {}), format: s.format, status: 'planned' });
  }
  generating(i: number): void {
    this.move(i, ['planned'], { status: 'generating' });
  }
  videoSubmitted(i: number, creativeId: string, kieTaskId: string): void {
    this.move(i, ['generating'], { creativeId, kieTaskId });
  }
  videoWaitEnded(i: number, by: 'callback' | 'polling'): void {
    this.move(i, ['generating'], { videoWaitEndedBy: by });
  }
  generated(i: number, made: Generated): void {
    this.move(i, ['generating'], { status: 'generated', ...made });
  }
  /** `costUsd`: what the failed generation still cost (a lost-response Kie task is charged though never seen). */
  generationFailed(i: number, reason: string, costUsd = 0): void {
    this.move(i, ['generating'], { status: 'generation_failed', reason, ...(costUsd ? { costUsd } : {}) });
  }
  /** The generated creative waits at the approval gate until `deadline` (ISO). */
  awaitingApproval(i: number, deadline: string): void {
    this.move(i, ['generated'], { status: 'awaiting_approval', approvalDeadline: deadline });
  }
  /** True once a decision (a person's, or the timeout's) was taken on slot i. */
  decided(i: number): boolean {
    return this.slotList[i]?.approval !== undefined;
  }
  /** A decision on a waiting creative: approved goes back to generated (then launching), rejected is skipped. */
  decide(i: number, approved: boolean, by: string, reason?: string): void {
    const approval = { approved, by, ...(reason ? { reason } : {}) };
    if (approved) this.move(i, ['awaiting_approval'], { status: 'generated', approval });
    else this.move(i, ['awaiting_approval'], { status: 'skipped', approval, reason: `rejected by ${by}${reason ? `: ${reason}` : ''}` });
  }
  /** The slot index of plan slot number `slot` waiting at the gate, or an error saying why not. */
  waitingSlot(slot: number): number {
    const i = this.slotList.findIndex((s) => s.slot === slot);
    if (i < 0) throw new IllegalTransition(`no slot ${slot} in this cycle`);
    if (this.slotList[i]!.status !== 'awaiting_approval') throw new IllegalTransition(`slot ${slot} is ${this.slotList[i]!.status}, not awaiting approval`);
    return i;
  }
  launching(i: number): void {
    this.move(i, ['generated'], { status: 'launching' });
  }
  launched(i: number, meta: LaunchedMeta): void {
    this.move(i, ['launching'], { status: 'launched', meta });
  }
  launchFailed(i: number, reason: string): void {
    this.move(i, ['launching'], { status: 'launch_failed', reason });
  }
  /** A decision not to go on with the slot (a budget or cap refusal, a pause, a stopped account). */
  skipped(i: number, reason: string, costUsd = 0): void {
    this.move(i, UNSETTLED, { status: 'skipped', reason, ...(costUsd ? { costUsd } : {}) });
  }
  skippedForPauseTimeout(i: number): void {
    this.skipped(i, `launches paused: ${this.reasonForPause ?? ''}`.trim());
    this.skippedForPause = true;
  }
  skippedForStop(i: number): void {
    if (!this.stoppedBy) throw new IllegalTransition(`slot ${i}: the account is not stopped`);
    this.skipped(i, `account stopped: ${describeCause(this.stoppedBy)}`);
  }

  /** What the status query answers: a copy, so a caller cannot change the state. */
  status(): CycleStatus {
    return {
      cycleId: this.cycleId,
      accountId: this.accountId,
      stage: this.currentStage,
      launchesPaused: this.paused,
      pauseReason: this.reasonForPause,
      slots: this.slotList.map((s) => ({ ...s })),
      failure: this.failedWith,
    };
  }

  private move(i: number, from: readonly SlotStatus[], change: Partial<SlotResult>): void {
    const slot = this.slotList[i];
    if (!slot) throw new IllegalTransition(`no slot at index ${i}`);
    if (!from.includes(slot.status))
      throw new IllegalTransition(`slot ${slot.slot} is ${slot.status}: cannot go to ${change.status ?? 'update'} (only from ${from.join(' or ')})`);
    Object.assign(slot, change);
  }
}
