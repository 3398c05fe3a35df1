/**
 * The root cause of a failure, told plainly. A failed activity reaches the workflow as
 * ActivityFailure -> ApplicationFailure (-> its cause...), and a failed workflow reaches the client
 * one level deeper still; users want the innermost failure's type and message, and Meta's Graph
 * code and subcode, which our activities put in the failure's details. Duck-typed (no SDK import)
 * so the workflow bundle and the client both use it.
 */
export interface RootCause {
  /** The failure type, e.g. MetaAuthorizationError, GenerationFailed; else the error class name. */
  type: string;
  message: string;
  /** Graph API error code and subcode, when Meta answered with an error envelope. */
  code?: number;
  subcode?: number;
}

interface FailureLike {
  type?: unknown;
  name?: unknown;
  message?: unknown;
  details?: unknown;
  cause?: unknown;
}

/** The innermost failure in err's cause chain that says anything (a typed failure with a message). */
export function rootCause(err: unknown): RootCause {
  let deepest: FailureLike | undefined;
  for (let e = err as FailureLike | undefined, depth = 0; e && typeof e === 'object' && depth < 20; e = e.cause as FailureLike | undefined, depth++) {
    if (typeof e.message === 'string' && e.message) deepest = e;
  }
  if (!deepest) return { type: 'Error', message: String(err) };
  const details = Array.isArray(deepest.details) ? (deepest.details[0] as Record<string, unknown> | undefined) : undefined;
  const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
  const type = typeof deepest.type === 'string' && deepest.type ? deepest.type : typeof deepest.name === 'string' ? deepest.name : 'Error';
  const out: RootCause = { type, message: deepest.message as string };
  const code = num(details?.code);
  const subcode = num(details?.subcode);
  if (code !== undefined) out.code = code;
  if (subcode !== undefined) out.subcode = subcode;
  return out;
}

/** One line for logs, decisions and the CLI: `Type (code 190/463): message`. */
export function describeCause(c: RootCause): string {
  const code = c.code !== undefined ? ` (Graph code ${c.code}${c.subcode !== undefined ? `/${c.subcode}` : ''})` : '';
  return `${c.type}${code}: ${c.message}`;
}
