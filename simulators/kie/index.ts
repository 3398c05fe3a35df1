/**
 * Kie.ai API simulator — a local HTTP server that fakes https://api.kie.ai for tests and demos.
 *
 * Fakes (see /work/shared/reference/kie-api.md): Nano Banana "Market" tasks (jobs/createTask,
 * jobs/recordInfo; waiting -> queuing -> generating -> success|fail), Veo 3.1 tasks
 * (veo/generate, veo/record-info; successFlag 0 -> 1|2|3; 1080p and 4K upgrades), credits
 * (chat/credit), download links (common/download-url), result files that really download
 * (sharp-rendered PNG/JPEG at the requested ratio; committed 8 s H.264+AAC MP4 fixtures), and
 * completion callbacks with optional HMAC signatures. Every delay is divided by `timeScale`.
 *
 * How to force each failure (in-process via the handle, or over HTTP via /__sim/*):
 *   401            call without / with an unknown Bearer key
 *   402            setCredits(key, 0) (balance < price; no task is created, nothing is debited)
 *   422            send an invalid body (bad enum, missing prompt, `jpg` on google/nano-banana, ...)
 *   429            > 20 creates per rolling 10 s, or > 10 status calls per second, per key
 *   any code       injectFault({ match: { path }, kind: 'code', code: 455 | 500 | 501 | 505 | ... })
 *   task failure   injectFault({ match: { path: '/jobs/createTask' }, kind: 'taskFail', failCode: '422' })
 *                  injectFault({ match: { path: '/veo/generate' }, kind: 'taskFail', successFlag: 3 })
 *   stuck task     kind 'stuck' (never leaves generating / successFlag 0)
 *   lost response  kind 'lostResponse' (work done, socket destroyed before answering)
 *   slow / drop    kind 'slow' with delayMs (real ms) / kind 'drop' (socket destroyed, nothing done)
 *   callbacks      setCallbackMode('drop' | 'duplicate' | 'late' | 'badSignature')
 *   expiry         retentionMs / downloadUrlTtlMs (documented ms, scaled) -> 404 on files, 422 on old Veo records
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { makeRng, resolveConfig } from './config';
import { SimCore } from './core';
import { createRequestHandler } from './server';
import type { KieFaultRule, KieSimOptions, KieSimulator } from './types';

export type {
  CallbackMode,
  KieCallbackRecord,
  KieFaultRule,
  KieShapeVariants,
  KieSimLogger,
  KieSimOptions,
  KieSimulator,
  KieTaskView,
  MarketModel,
  PriceKey,
  VeoModel,
} from './types';
export { signWebhook } from './callbacks';
export { DEFAULT_PRICES } from './config';

export async function startKieSimulator(opts: KieSimOptions = {}): Promise<KieSimulator> {
  const cfg = resolveConfig(opts);
  const core = new SimCore(cfg, makeRng(opts.seed));
  const server = createServer(createRequestHandler(core));
  server.on('clientError', (_err, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(cfg.port, cfg.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = cfg.host.includes(':') ? `[${cfg.host}]` : cfg.host;
  core.baseUrl = opts.publicUrl?.replace(/\/$/, '') ?? `http://${host}:${port}`;
  cfg.logger.info({ url: core.baseUrl }, 'kie-sim: listening');

  let closing: Promise<void> | undefined;
  return {
    url: core.baseUrl,
    close() {
      closing ??= new Promise<void>((resolve) => {
        core.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
    injectFault(rule: KieFaultRule) {
      core.faults.add(rule);
    },
    clearFaults() {
      core.faults.clear();
    },
    tasks() {
      return [...core.tasks.values()].map((t) => core.view(t));
    },
    credits(apiKey?: string) {
      const key = apiKey ?? core.ledger.defaultKey();
      return key === undefined ? 0 : core.ledger.balance(key);
    },
    setCredits(apiKey: string, credits: number) {
      core.ledger.set(apiKey, credits);
    },
    callbacks() {
      return core.callbacks.records.map((r) => ({ ...r }));
    },
    setCallbackMode(mode) {
      core.callbacks.mode = mode ?? 'once';
    },
  };
}
