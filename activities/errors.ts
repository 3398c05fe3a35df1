/**
 * The error taxonomy of the activities, and the one mapping from API errors to Temporal failures.
 * Non-retryable types (temporal-config/retry.ts) are listed in the workflow's retry policies.
 * Transient errors stay plain Errors so Temporal retries them with backoff.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { IllegalCreativeTransition } from '../db/creative-lifecycle';
import { HookLibraryError } from '../learning/hook-library';
import { countFailure } from './metrics';
import { KieApiError } from './ports/kie-client';
import { MetaApiError } from './ports/meta-client';
import type { NonRetryableType } from '../temporal-config/retry';

/** Builds a non-retryable failure of one of our domain types, with structured details. */
export function domainFailure(type: NonRetryableType, message: string, details?: Record<string, unknown>) {
  return ApplicationFailure.create({ type, message, nonRetryable: true, details: details ? [details] : undefined });
}

// Graph API codes that mean "throttled, nothing was written, retry later".
const META_THROTTLE = new Set([4, 17, 613, 80000, 80004]);
// Codes that mean a transient server problem.
const META_TRANSIENT = new Set([1, 2]);
// Codes that mean the token or the account may not do this: expired or invalid token (190),
// missing permission (10, 200), account or user blocked for policy (368). No retry can help and
// nothing should be paid for until a person fixes it.
const META_AUTHORIZATION = new Set([190, 10, 200, 368]);

/** The Graph error's identity, kept on every failure so the root cause can be told plainly. */
const metaDetails = (err: MetaApiError) => ({ code: err.code, subcode: err.subcode, httpStatus: err.httpStatus, operation: err.operation });

/** True when Meta's answer proves the create wrote nothing (a refusal), false when it may have committed. */
export function nothingCreated(err: unknown): boolean {
  if (!(err instanceof MetaApiError)) return false; // network errors, timeouts: unknown outcome
  if (META_THROTTLE.has(err.code)) return true;
  return err.httpStatus >= 400 && err.httpStatus < 500 && !err.isTransient && !META_TRANSIENT.has(err.code);
}

/** True for the Graph errors that stop the account (see META_AUTHORIZATION). */
export function isAuthorizationError(err: unknown): err is MetaApiError {
  return err instanceof MetaApiError && META_AUTHORIZATION.has(err.code);
}

/** Converts an API error into the failure Temporal should see; other errors pass through unchanged. */
export function toFailure(err: unknown): unknown {
  if (err instanceof IllegalCreativeTransition) {
    // The creative's recorded state forbids the move: no retry can change that.
    const details = { creativeId: err.creativeId, transition: err.transition, from: err.from ?? null };
    return domainFailure(err.from === undefined ? 'NotFound' : 'InvalidInput', err.message, details);
  }
  if (err instanceof HookLibraryError) {
    // The file is wrong: every retry would read the same fields, so the cycle fails once, naming them.
    return domainFailure('HookLibraryError', err.message, { file: err.source, issues: err.issues });
  }
  if (err instanceof MetaApiError) {
    if (META_THROTTLE.has(err.code)) {
      return ApplicationFailure.create({
        type: 'MetaRateLimited',
        message: err.message,
        nextRetryDelay: err.retryAfterMs ?? 60_000,
        details: [metaDetails(err)],
      });
    }
    if (META_AUTHORIZATION.has(err.code)) return domainFailure('MetaAuthorizationError', err.message, metaDetails(err));
    if (err.isTransient || META_TRANSIENT.has(err.code)) {
      return ApplicationFailure.create({ type: 'MetaTransientError', message: err.message, details: [metaDetails(err)] });
    }
    return domainFailure('MetaRequestRejected', err.message, metaDetails(err));
  }
  if (err instanceof KieApiError) {
    if (err.code === 402) return domainFailure('KieInsufficientCredits', err.message, { code: 402 });
    if (err.code === 429) return ApplicationFailure.create({ type: 'KieRateLimited', message: err.message, nextRetryDelay: 10_000 });
    if ([408, 455, 500, 501, 502, 503, 504].includes(err.code)) return ApplicationFailure.retryable(err.message, 'KieTransientError');
    return domainFailure('KieRequestRejected', err.message, { code: err.code });
  }
  return err;
}

/** Wraps an activity body so API errors leave it as the right Temporal failure, counted by type. */
export async function mapErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const failure = toFailure(err);
    countFailure(failure instanceof ApplicationFailure ? (failure.type ?? 'ApplicationFailure') : failure instanceof Error ? failure.name : 'Error');
    throw failure;
  }
}
