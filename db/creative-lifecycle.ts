/**
 * The legal moves of a creative's status (creatives.status), as one table. Every write of a status
 * goes through `checkTransition` (by the store in db/creatives.ts); a move the table does not list
 * throws IllegalCreativeTransition, which the activities turn into a non-retryable failure.
 *
 * The main path is new -> generating -> generated -> launching -> launched -> paused; a generation
 * may end generation_failed or skipped (its guard refused to pay), a launch skipped (its guard
 * refused) or, recorded by the workflow, launch_failed.
 *
 * A retried activity may record its own outcome again (generated, generation_failed, launched and
 * paused may repeat). Two late outcomes are legal because they are true: Kie may still confirm a
 * task a wait gave up on (generation_failed -> generated), and an activity attempt the slot gave up
 * on may still have switched its ad on (launch_failed -> launched), which the cap must then count.
 * The workflow's slotFailed record (recordSlotFailure) may end any creative that is not live; for
 * a live one (launched, paused) it is ignored: Meta's state wins over a slot's failure.
 */
import type { creatives } from './schema';

export type CreativeRow = typeof creatives.$inferSelect;
export type CreativeStatus = CreativeRow['status'];
/** The state of a creative not yet in the DB. */
export const NEW = 'new';
type From = CreativeStatus | typeof NEW;

interface Transition {
  from: readonly From[];
  /** Statuses the move may end in ('unchanged': it records something else, e.g. a budget). */
  to: readonly CreativeStatus[] | 'unchanged';
  /** Statuses in which the move is ignored rather than illegal. */
  ignoredFrom?: readonly CreativeStatus[];
}

const NOT_LIVE = ['planned', 'generating', 'generated', 'generation_failed', 'launching', 'launch_failed', 'skipped'] as const;

/** Every named transition: where it may start and where it ends. */
export const CREATIVE_TRANSITIONS = {
  startGeneration: { from: [NEW], to: ['generating'] },
  generated: { from: ['generating', 'generated', 'generation_failed'], to: ['generated'] },
  generationFailed: { from: ['generating', 'generation_failed'], to: ['generation_failed'] },
  /** The generation guard refused to pay (credit cap, spend cap, balance). */
  generationSkipped: { from: ['generating'], to: ['skipped'] },
  /** The launch guard reserved the ad set's budget under the caps. */
  reserveLaunch: { from: ['generated'], to: ['launching'] },
  /** The launch guard refused (live-ad cap, spend cap). */
  launchSkipped: { from: ['generated'], to: ['skipped'] },
  launched: { from: ['launching', 'launched', 'launch_failed'], to: ['launched'] },
  /** Paused by the agent (a loser, or over the cap). */
  paused: { from: ['launched', 'paused'], to: ['paused'] },
  /** Meta disapproved it, or it was paused, archived or deleted outside the agent. */
  stoppedOnMeta: { from: ['launched', 'paused'], to: ['paused'] },
  /** The agent changed its ad set's budget. */
  budgetChanged: { from: ['launched', 'paused'], to: 'unchanged' },
  /** Its ad set's budget was changed outside the agent. */
  budgetChangedOnMeta: { from: ['launched', 'paused'], to: 'unchanged' },
  /** The workflow records why a slot did not go live (the activity could not write it itself). */
  slotFailed: { from: [NEW, ...NOT_LIVE], to: ['generation_failed', 'launch_failed', 'skipped'], ignoredFrom: ['launched', 'paused'] },
} as const satisfies Record<string, Transition>;

export type CreativeTransition = keyof typeof CREATIVE_TRANSITIONS;

/** A transition asked of a creative whose status does not allow it (or of a creative that does not exist). */
export class IllegalCreativeTransition extends Error {
  override readonly name = 'IllegalCreativeTransition';
  constructor(
    readonly creativeId: string,
    readonly transition: CreativeTransition,
    /** Undefined when the creative does not exist. */
    readonly from: CreativeStatus | undefined,
    readonly to?: CreativeStatus,
  ) {
    const allowed: readonly From[] = CREATIVE_TRANSITIONS[transition].from;
    super(
      from === undefined && !allowed.includes(NEW)
        ? `creative ${creativeId} does not exist (${transition})`
        : `creative ${creativeId} is ${from ?? NEW}: ${transition}${to ? ` to ${to}` : ''} is allowed only from ${allowed.join(', ')}`,
    );
  }
}

/**
 * Checks one move: 'apply' when the table allows it, 'ignore' when the table says to leave the
 * creative as it is; throws IllegalCreativeTransition otherwise. `from` undefined = not in the DB.
 */
export function checkTransition(creativeId: string, name: CreativeTransition, from: CreativeStatus | undefined, to?: CreativeStatus): 'apply' | 'ignore' {
  const t: Transition = CREATIVE_TRANSITIONS[name];
  if (from !== undefined && t.ignoredFrom?.includes(from)) return 'ignore';
  const targetOk = t.to === 'unchanged' ? to === undefined : to === undefined ? t.to.length === 1 : t.to.includes(to);
  if (!t.from.includes(from ?? NEW) || !targetOk) throw new IllegalCreativeTransition(creativeId, name, from, to);
  return 'apply';
}

/** The status a transition ends in (the given one when it may end in several). */
export function targetOf(name: CreativeTransition, from: CreativeStatus, to?: CreativeStatus): CreativeStatus {
  const t: Transition = CREATIVE_TRANSITIONS[name];
  return t.to === 'unchanged' ? from : (to ?? t.to[0]!);
}

// --- What the transitions record ----------------------------------------------------------------

/** What a new creative is made with (one planned slot). */
export interface NewCreative {
  id: string;
  accountId: string;
  cycleId: string;
  slot: number;
  hookId: string;
  format: 'image' | 'video';
  model?: string;
  prompt?: string;
}
/** What a generation cost (generation-budget.ts computes it). */
export interface CreativeCost {
  credits: number;
  usd: number;
}
/** The ids a launch created on Meta. */
export interface LaunchedObjects {
  campaignId: string;
  adsetId: string;
  adCreativeId: string;
  adId: string;
}
/** The launch guard's answer: the reserved budget, or why the caps refuse. */
export type LaunchReservation = { budgetCents: number } | { refused: string; liveAds: number; committedCents: number };
