/**
 * Shared got instance for the external API clients: no automatic retries (Temporal owns retries),
 * a per-request timeout, and errors that never carry the request URL or headers (which hold tokens)
 * into messages that end up in workflow histories.
 */
import got, { RequestError, type Got } from 'got';

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
