/**
 * Shared got instance for the external API clients: no automatic retries (Temporal owns retries),
 * a per-request timeout, and errors that never carry the request URL or headers (which hold tokens)
 * into messages that end up in workflow histories.
 */
import got, { RequestError, type Got } from 'got';
import type { z } from 'zod';

export function makeHttp(timeoutMs: number, signal?: AbortSignal): Got {
  return got.extend({
    retry: { limit: 0 },
    timeout: { request: timeoutMs },
    throwHttpErrors: false,
    ...(signal ? { signal } : {}),
  });
}

/** A network-level failure (timeout, reset, refused). Transient: Temporal retries it. */
export class NetworkError extends Error {
  override readonly name = 'NetworkError';
  constructor(
    readonly service: string,
    readonly operation: string,
    readonly reason: string,
  ) {
    super(`${service} ${operation}: network error (${reason})`);
  }
}

/** Runs a request, turning got's errors (whose messages/options may include secrets) into NetworkError. */
export async function guarded<T>(service: string, operation: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof RequestError) throw new NetworkError(service, operation, err.code ?? err.name);
    throw err;
  }
}

/**
 * What is wrong with a response that does not fit its schema, as `path: message`, the first few
 * only: a huge body of bad rows must not become a huge error message (it lands in the workflow
 * history, whose payloads are capped), and no value of the body is quoted.
 */
export function shapeProblems(error: z.ZodError, max = 5): string {
  const shown = error.issues.slice(0, max).map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
  const more = error.issues.length - shown.length;
  return `${shown.join('; ')}${more > 0 ? ` (and ${more} more)` : ''}`;
}

/** Text an API sent, cut to a size fit for an error message (a hostile or broken server may send megabytes). */
export function clip(text: string, max = 1000): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length - max} more characters)` : text;
}
