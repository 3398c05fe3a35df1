// Graph API error envelope. Every failure the simulator returns goes through GraphError so the
// body shape is identical to Meta's: {"error":{message,type,code,error_subcode,is_transient,...}}.
import { randomBytes } from 'node:crypto';

export interface GraphErrorInit {
  code: number;
  message: string;
  subcode?: number;
  type?: string;
  userTitle?: string;
  userMsg?: string;
  transient?: boolean;
  /** HTTP status; Meta answers 400 for almost everything, 500 for code 1/2 service failures. */
  httpStatus?: number;
  errorData?: unknown;
  /** Meta omits the "(#code) " prefix on token errors and on "Unsupported get request". */
  noPrefix?: boolean;
  headers?: Record<string, string>;
}

/** Thrown anywhere inside a handler; the engine turns it into the JSON envelope. */
export class GraphError extends Error {
  readonly init: GraphErrorInit;
  constructor(init: GraphErrorInit) {
    super(init.message);
    this.name = 'GraphError';
    this.init = init;
  }
  get httpStatus(): number {
    return this.init.httpStatus ?? 400;
  }
  envelope(): { error: Record<string, unknown> } {
    const i = this.init;
    const error: Record<string, unknown> = {
      message: i.noPrefix ? i.message : `(#${i.code}) ${i.message}`,
      type: i.type ?? 'OAuthException',
      code: i.code,
    };
    if (i.errorData !== undefined) error.error_data = i.errorData;
    if (i.subcode !== undefined) error.error_subcode = i.subcode;
    error.is_transient = i.transient ?? false;
    if (i.userTitle !== undefined) error.error_user_title = i.userTitle;
    if (i.userMsg !== undefined) error.error_user_msg = i.userMsg;
    error.fbtrace_id = fbtraceId();
    return { error };
  }
}

export function fbtraceId(): string {
  return randomBytes(9).toString('base64').replace(/[+/=]/g, 'x');
}

/** Code 100 "invalid parameter", the most common validation failure. */
export function invalidParam(message: string, extra: Omit<GraphErrorInit, 'code' | 'message'> = {}): GraphError {
  return new GraphError({ code: 100, message, ...extra });
}

export function missingParam(name: string): GraphError {
  return invalidParam(`The parameter ${name} is required`);
}

/** Object missing, of the wrong type for the operation, or in an account the token cannot see. */
export function unsupportedRequest(method: string, id: string): GraphError {
  const verb = method.toLowerCase() === 'delete' ? 'delete' : method.toLowerCase() === 'post' ? 'post' : 'get';
  return new GraphError({
    code: 100,
    subcode: 33,
    type: 'GraphMethodException',
    noPrefix: true,
    message:
      `Unsupported ${verb} request. Object with ID '${id}' does not exist, cannot be loaded due to missing ` +
      'permissions, or does not support this operation. Please read the Graph API documentation at ' +
      'https://developers.facebook.com/docs/graph-api',
  });
}

export function unknownPath(components: string): GraphError {
  return new GraphError({ code: 2500, message: `Unknown path components: ${components}`, noPrefix: false });
}
