/**
 * The error taxonomy of the activities, and the one mapping from API errors to Temporal failures.
 * Non-retryable types (temporal-config/retry.ts) are listed in the workflow's retry policies.
 * Transient errors stay plain Errors so Temporal retries them with backoff.
 */
import { ApplicationFailure } from '@temporalio/activity';
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

/** Converts an API error into the failure Temporal should see; other errors pass through unchanged. */
export function toFailure(err: unknown): unknown {
  if (err instanceof MetaApiError) {
    if (META_THROTTLE.has(err.code)) {
      return ApplicationFailure.create({
        type: 'MetaRateLimited',
        message: err.message,
        nextRetryDelay: err.retryAfterMs ?? 60_000,
      });
    }
    if (err.isTransient || META_TRANSIENT.has(err.code)) return ApplicationFailure.retryable(err.message, 'MetaTransientError');
    return domainFailure('MetaRequestRejected', err.message, { code: err.code, subcode: err.subcode });
  }
  if (err instanceof KieApiError) {
    if (err.code === 402) return domainFailure('KieInsufficientCredits', err.message, { code: 402 });
    if (err.code === 429) return ApplicationFailure.create({ type: 'KieRateLimited', message: err.message, nextRetryDelay: 10_000 });
    if ([408, 455, 500, 501, 502, 503, 504].includes(err.code)) return ApplicationFailure.retryable(err.message, 'KieTransientError');
    return domainFailure('KieRequestRejected', err.message, { code: err.code });
  }
  return err;
}

/** Wraps an activity body so API errors leave it as the right Temporal failure. */
export async function mapErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toFailure(err);
  }
}
