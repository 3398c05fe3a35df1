/**
 * Local simulator of the Meta Marketing (Graph) API, faithful enough to catch the integration
 * bugs listed in shared/reference/meta-marketing-api.md section 0 and to drive the agent end to end.
 *
 * Fakes: /{version}/act_{id}/campaigns|adsets|adcreatives|ads|adimages|advideos|insights (create,
 * edge reads with fields/filtering/effective_status/paging), node reads/updates/deletes on /{id},
 * /{id}/insights, /{video}/thumbnails, async insights report runs, batch requests, ad review,
 * video processing, delivery that accrues impressions/clicks/leads/purchases over a controllable sim clock
 * (results per attribution window, arriving late and restating past days), seeded pixels,
 * per-account BUC rate limiting with usage headers, and the exact Graph error envelope.
 *
 * Forcing failures (details in README.md):
 * - transport/service: injectFault({kind:'http500'|'transient'|'unknown'|'rateLimit'|'lostResponse'|'slow'|'error', match, times, probability})
 *   or POST /__sim/faults with the same JSON.
 * - auth: token 'expired-token' (190/463), 'no-permission-token' (200), unknown token (190), none (104);
 *   'dev-mode-token' makes creative creation fail with 100/1885183.
 * - version outside acceptedVersions -> 2635.
 * - validation: send what Meta refuses (missing advantage_audience -> 100/1870227, no geo -> 100/1885364,
 *   legacy objective, form value that is not JSON, unknown custom audience, video creative without thumbnail -> 1443226,
 *   a goal or promoted_object outside the objective table, a pixel the account does not own, a bad attribution_spec, ...).
 * - review: disapprovalRate, or put "review=disapprove" / "review=approve" in the ad name.
 * - video processing error: videoErrorRate, or "sim-video-error" in the title / file_url / file name.
 * - rate limits: rateLimit.maxScore small; ad set budget edits: a 5th edit within a sim hour -> 17.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SimCore, type CallRecord } from './core';
import type { FaultRule } from './faults';
import type { MetaSimOptions } from './options';
import { Persister } from './persist';
import { requestListener } from './server';

export type { MetaSimOptions, RateLimitOptions } from './options';
export type { FaultKind, FaultRule } from './faults';
export type { CallRecord } from './core';

export type SimKind = 'campaign' | 'adset' | 'adcreative' | 'ad' | 'adimage' | 'advideo';

export interface MetaSimulator {
  /** Base URL without version, e.g. http://127.0.0.1:40123 */
  url: string;
  close(): Promise<void>;
  /** Move the simulated clock forward: insights accrue, reviews finish, videos process. */
  advance(simMs: number): void;
  /** Simulated now. */
  now(): Date;
  injectFault(rule: FaultRule): void;
  clearFaults(): void;
  /** All objects of a kind, including deleted ones, with every readable field. */
  list(kind: SimKind): Array<Record<string, unknown>>;
  /** Request log (admin /__sim calls excluded). */
  calls(): CallRecord[];
  /** The simulator's own record of what each account's ads spent, per simulated day (cents), delivered so far. */
  spendByDay(): Array<{ accountId: string; day: string; spendCents: number }>;
}

export async function startMetaSimulator(opts: MetaSimOptions = {}): Promise<MetaSimulator> {
  const core = new SimCore(opts);
  const persister = core.opts.stateFile ? new Persister(core.opts.stateFile, () => core.snapshot()) : undefined;
  let autosave: NodeJS.Timeout | undefined;
  if (persister) {
    core.onChange = () => persister.schedule();
    // Delivery accrues with the clock even without requests; save it now and then.
    autosave = setInterval(() => persister.schedule(), 30_000);
    autosave.unref();
  }
  const server = createServer(requestListener(core));
  // Keep-alive sockets would hold close() open; lostResponse relies on per-socket destroy.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(core.opts.port, core.opts.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = core.opts.host.includes(':') ? `[${core.opts.host}]` : core.opts.host;
  const url = `http://${host}:${port}`;
  core.world.baseUrl = url;
  return {
    url,
    close: async () => {
      if (autosave) clearInterval(autosave);
      await new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
      await persister?.flush();
    },
    advance: (ms) => core.advance(ms),
    now: () => core.now(),
    injectFault: (rule) => core.faults.add(rule),
    clearFaults: () => core.faults.clear(),
    list: (kind) => core.list(kind),
    calls: () => core.calls.map((c) => ({ ...c })),
    spendByDay: () => core.spendByDay(),
  };
}
