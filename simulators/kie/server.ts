/**
 * Request dispatcher: admin routes, then for Kie routes: read body -> pick fault rules ->
 * ('slow' wait) -> (latencyMs wait) -> ('drop' / 'code' short-circuit) -> auth -> handler -> write the result, or
 * destroy the socket for 'lostResponse' (the work is done, the client never hears about it).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { handleAdmin, send as sendAdmin } from './admin';
import type { SimCore } from './core';
import { bearerKey, fail, parseJson, readBody, type RouteResult, writeResult } from './http';
import { findRoute } from './routes';

export function createRequestHandler(core: SimCore): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(core, req, res).catch((err: unknown) => {
      core.cfg.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'kie-sim: handler crashed');
      if (!res.headersSent && !res.destroyed) writeResult(core.cfg, res, fail(500));
      else res.destroy();
    });
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function handle(core: SimCore, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://kie-sim.local');
  const method = (req.method ?? 'GET').toUpperCase();
  const path = url.pathname;

  let text: string | undefined;
  try {
    text = await readBody(req);
  } catch {
    return writeResult(core.cfg, res, fail(413));
  }
  const parsed = parseJson(text);

  if (path.startsWith('/__sim/')) {
    if (!parsed.ok) return sendAdmin(res, 400, { error: 'body must be valid JSON' });
    return handleAdmin(core, method, path, parsed.value, res);
  }

  const match = findRoute(method, path);
  const route = 'route' in match ? match.route : undefined;
  const body = parsed.ok ? parsed.value : undefined;
  const picked = core.faults.pick({
    path,
    method,
    model: route?.model?.(core, url, body),
    isCreate: route?.isCreate ?? false,
  });

  if (picked.slow?.delayMs) await sleep(picked.slow.delayMs);
  // The network and Kie's own answer time, when configured (real ms; Math.random keeps the seeded stream as it is).
  const latency = core.cfg.latencyMs;
  if (latency) await sleep(latency[0] + Math.random() * (latency[1] - latency[0]));
  const action = picked.action;
  if (action) core.cfg.logger.info({ path, kind: action.kind }, 'kie-sim: fault applied');
  if (action?.kind === 'drop') {
    req.socket.destroy();
    return;
  }
  if (action?.kind === 'code') return writeResult(core.cfg, res, fail(action.code ?? 500, action.msg));

  let result: RouteResult;
  if (!route) {
    result = 'error' in match ? match.error : fail(404);
  } else {
    const key = bearerKey(req);
    if (route.auth && !core.ledger.isKnownKey(key)) {
      result = fail(401, 'You do not have access permissions');
    } else if (!parsed.ok) {
      result = fail(422, 'request body must be valid JSON');
    } else {
      result = await route.handle({ core, url, body, apiKey: route.auth ? (key ?? '') : '', fault: action });
    }
  }

  if (action?.kind === 'lostResponse') {
    req.socket.destroy();
    return;
  }
  writeResult(core.cfg, res, result);
}
