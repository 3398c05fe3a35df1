/**
 * How the workflow reads a failed activity: its message, whether it is a decision rather than a
 * failure, what it still cost; and the failure a cycle ends with when the account is stopped.
 */
import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import type { RootCause } from './failure';

/** The failure a cycle ends with when Meta refuses the account's token or permissions. */
export function accountStopped(cause: RootCause): ApplicationFailure {
  return ApplicationFailure.create({ type: 'MetaAuthorizationError', message: cause.message, nonRetryable: true, details: [cause] });
}

/** The `costUsd` a generation failure carries in its details (0 when none). */
export function failureCostUsd(err: unknown): number {
  const cause = err instanceof ActivityFailure && err.cause ? err.cause : err;
  const details = cause instanceof ApplicationFailure ? (cause.details?.[0] as { costUsd?: unknown } | undefined) : undefined;
  return typeof details?.costUsd === 'number' ? details.costUsd : 0;
}

/** Budget and cap refusals are decisions, not failures. */
export function isSkip(err: unknown): boolean {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure && (cause.type === 'SpendCapReached' || cause.type === 'GenerationBudgetExceeded');
}

/** `Type: message` of the activity's own failure, as slot reasons and decisions show it. */
export function failureMessage(err: unknown): string {
  const cause = err instanceof ActivityFailure && err.cause ? err.cause : err;
  if (cause instanceof ApplicationFailure) return `${cause.type ?? 'Error'}: ${cause.message}`;
  return cause instanceof Error ? cause.message : String(cause);
}
