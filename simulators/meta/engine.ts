// Request pipeline, independent of node:http: clock sync -> version window -> fault rules ->
// access token -> route -> rate-limit charge -> handler -> JSON with usage headers. Errors of
// any stage become the Graph error envelope.
import type { RequestCtx, World } from './context';
import { GraphError, fbtraceId } from './errors';
import type { FaultRule, Faults } from './faults';
import { SPECIAL_TOKENS } from './options';
import type { Params } from './params';
import { throttleError, type RateLimiter, type UseCase } from './ratelimit';
import { route } from './router';

export interface SimResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Destroy the socket instead of answering (lostResponse fault). */
  lost?: boolean;
  fault?: FaultRule['kind'];
}

export interface OpInput {
  method: string;
  version: string;
  /** Path after the version, e.g. '/act_1/campaigns'. */
  path: string;
  params: Params;
  authorization?: string;
}

const VERSION_RE = /^v(\d+)\.(\d+)$/;

function faultError(rule: FaultRule, useCase: UseCase): GraphError {
  switch (rule.kind) {
    case 'transient':
      return new GraphError({ code: 2, message: 'An unexpected error has occurred. Please retry your request later.', transient: true, httpStatus: 500 });
    case 'unknown':
      return new GraphError({ code: 1, message: 'An unknown error occurred', httpStatus: 500 });
    case 'rateLimit':
      return throttleError(rule.code ?? 17, useCase, rule.subcode);
    default:
      return new GraphError({
        code: rule.code ?? 100,
        subcode: rule.subcode,
        message: rule.message ?? 'Injected error (simulator fault rule)',
        transient: rule.transient,
      });
  }
}

export class Engine {
  constructor(
    readonly world: World,
    readonly faults: Faults,
    readonly limiter: RateLimiter,
  ) {}

  private authenticate(method: string, params: Params, authorization: string | undefined): string {
    const header = /^(?:Bearer|OAuth)\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    const token = params.string('access_token') ?? header;
    if (!token) {
      // Real Graph answers a missing token with code 104 (not 190).
      return this.fail(new GraphError({ code: 104, noPrefix: true, message: 'An access token is required to request this resource.' }));
    }
    if (token === SPECIAL_TOKENS.expired) {
      const now = new Date(this.world.clock.nowMs()).toUTCString();
      return this.fail(
        new GraphError({
          code: 190,
          subcode: 463,
          noPrefix: true,
          message: `Error validating access token: Session has expired on ${now}. The current time is ${now}.`,
        }),
      );
    }
    if (!this.world.opts.accessTokens.has(token)) {
      return this.fail(new GraphError({ code: 190, noPrefix: true, message: 'Invalid OAuth access token - Cannot parse access token' }));
    }
    if (token === SPECIAL_TOKENS.noPermission) {
      return this.fail(new GraphError({ code: 200, message: 'Requires either ads_management or ads_read permission' }));
    }
    if (token === SPECIAL_TOKENS.readOnly && method !== 'GET') {
      return this.fail(new GraphError({ code: 200, message: 'Requires ads_management permission to manage the object' }));
    }
    return token;
  }

  private fail(e: GraphError): never {
    throw e;
  }

  /** Runs one Graph operation. `delay` is awaited before handling for 'slow' faults. */
  async op(input: OpInput, delay: (ms: number) => Promise<void>): Promise<SimResponse> {
    const { world } = this;
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=UTF-8', 'x-fb-trace-id': fbtraceId() };
    let accountId: string | undefined;
    let useCase: UseCase = input.path.endsWith('/insights') ? 'ads_insights' : 'ads_management';
    let fault: FaultRule | undefined;
    const finish = (status: number, body: unknown, forcedBlock = false): SimResponse => {
      const now = world.clock.nowMs();
      Object.assign(headers, this.limiter.headers(accountId ?? world.store.accounts.keys().next().value, now, useCase, forcedBlock));
      return { status, headers, body: JSON.stringify(body), fault: fault?.kind };
    };
    try {
      const v = VERSION_RE.exec(input.version);
      if (!v || !world.opts.acceptedVersions.includes(input.version)) {
        const latest = world.opts.acceptedVersions[world.opts.acceptedVersions.length - 1];
        throw new GraphError({ code: 2635, message: `You are calling a deprecated version of the Ads API. Please update to the latest version: ${latest}.` });
      }
      headers['facebook-api-version'] = input.version;
      if (input.version === world.opts.acceptedVersions[0] && world.opts.acceptedVersions.length > 1) {
        headers['x-ad-api-version-warning'] = `${input.version} is the oldest supported Marketing API version and will expire soon.`;
      }
      const token = this.authenticate(input.method, input.params, input.authorization);
      if (!['GET', 'POST', 'DELETE'].includes(input.method)) throw new GraphError({ code: 100, message: `Unsupported method ${input.method}` });
      world.delivery.sync(world.clock.nowMs());
      const ctx: RequestCtx = {
        world,
        method: input.method as RequestCtx['method'],
        version: input.version,
        versionNum: Number(v[1]),
        path: input.path,
        params: input.params,
        token,
        now: world.clock.nowMs(),
      };
      const r = route(ctx);
      accountId = r.accountId;
      useCase = r.useCase;
      // Faults fire only on requests that would otherwise be served, so `times` counts real hits.
      fault = this.faults.take(input.method, input.path, (name) => input.params.string(name));
      if (fault?.kind === 'http500') {
        return {
          status: 500,
          headers: { 'content-type': 'text/html; charset=utf-8' },
          body: '<html><body><h1>500 Internal Server Error</h1></body></html>',
          fault: 'http500',
        };
      }
      // 'lateCommit': the request is held past the client's timeout and committed afterwards.
      if (fault?.kind === 'slow' || fault?.kind === 'lateCommit') {
        await delay(fault.delayMs ?? 5000);
        ctx.now = world.clock.nowMs();
        world.delivery.sync(ctx.now);
      }
      if (fault && !['slow', 'lateCommit', 'lostResponse'].includes(fault.kind)) throw faultError(fault, useCase);
      const now = ctx.now;
      if (accountId !== undefined) {
        const throttled = this.limiter.charge(accountId, useCase, input.method !== 'GET', now);
        if (throttled) throw throttled;
      }
      const result = await r.run();
      const res = finish(200, result);
      return fault?.kind === 'lostResponse' || fault?.kind === 'lateCommit' ? { ...res, lost: true } : res;
    } catch (e) {
      if (e instanceof GraphError) return finish(e.httpStatus, e.envelope(), fault?.kind === 'rateLimit');
      console.error('[meta-sim] internal error', e);
      const internal = new GraphError({ code: 1, message: `An unknown error occurred (simulator bug: ${String(e)})`, httpStatus: 500 });
      return finish(500, internal.envelope());
    }
  }
}
