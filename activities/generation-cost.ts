/**
 * THE cost rule of a Kie generation, for images and videos alike, and how a failure message says
 * what lost responses cost. Pure: the accounting in generation-budget.ts applies it.
 */

/** What a generation cost, in credits and dollars. */
export interface GenerationCost {
  credits: number;
  usd: number;
  /** Submits whose response was lost: their tasks exist on Kie, unseen, and are assumed charged. */
  orphans: number;
}

/**
 * Every submit may have made a paid task: the confirmed one (`taskId`) costs its price unless Kie
 * failed it (failed tasks are not charged); every other submit is an orphan whose response was
 * lost, so its task is invisible to us and assumed charged. An abandoned task may still finish and
 * be charged: it counts.
 */
export function generationCost(task: { submitAttempts: number; taskId: string | null; state: string }, unitCredits: number, creditUsd: number): GenerationCost {
  const confirmed = task.taskId ? 1 : 0;
  const orphans = Math.max(0, task.submitAttempts - confirmed);
  const charged = orphans + (confirmed && task.state !== 'fail' ? 1 : 0);
  const credits = charged * unitCredits;
  return { credits, usd: Math.round(credits * creditUsd * 10_000) / 10_000, orphans };
}

/** A failure message's note on what lost responses cost ('' when none did). */
export function orphanNote(cost: GenerationCost | undefined): string {
  if (!cost?.orphans) return '';
  return ` (${cost.orphans} earlier Kie submit(s) whose response was lost are assumed charged: ${cost.credits} credits)`;
}
