// node:http front end: reads the body, routes /__sim/* to the admin handler, POST / with
// `batch` to the batch runner, everything else to the engine (after latencyMs, when set); applies
// lostResponse by destroying the socket after the request has been fully processed.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { handleAdmin } from './admin';
import { runBatch } from './batch';
import { collectParams } from './body';
import type { SimCore } from './core';
import type { SimResponse } from './engine';
import { GraphError } from './errors';

const MAX_BODY = 512 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) reject(new Error('request body too large'));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, r: SimResponse): void {
  res.writeHead(r.status, r.headers);
  res.end(r.body);
}

async function serve(core: SimCore, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  const url = new URL(req.url ?? '/', core.world.baseUrl || 'http://127.0.0.1');
  const body = await readBody(req);
  if (url.pathname.startsWith('/__sim/')) {
    const r = handleAdmin(core, method, url.pathname, body);
    res.writeHead(r.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(r.body));
    return;
  }
  const segments = url.pathname.split('/').filter(Boolean);
  const version = segments[0] ?? '';
  const path = `/${segments.slice(1).join('/')}`;
  const authorization = typeof req.headers.authorization === 'string' ? req.headers.authorization : undefined;
  const delay = (ms: number) => sleep(ms);
  // The network and Meta's own time, when configured (real ms, not scaled).
  const latency = core.opts.latencyMs;
  if (latency) await sleep(latency[0] + Math.random() * (latency[1] - latency[0]));
  let result: SimResponse;
  try {
    const params = await collectParams(url, method, req.headers, body);
    const isRoot = segments.length === 0 || (segments.length === 1 && /^v\d+\.\d+$/.test(version));
    if (isRoot && method === 'POST' && params.has('batch')) {
      result = await runBatch(
        core.engine,
        /^v\d+\.\d+$/.test(version) ? version : (core.opts.acceptedVersions.at(-1) ?? 'v26.0'),
        params,
        authorization,
        delay,
      );
    } else {
      // Unversioned calls get the 2635 answer too: the client must pin a version.
      const versioned = /^v\d+\.\d+$/.test(version);
      result = await core.engine.op({ method, version: versioned ? version : '', path: versioned ? path : url.pathname, params, authorization }, delay);
    }
  } catch (e) {
    const err = e instanceof GraphError ? e : new GraphError({ code: 1, message: String(e), httpStatus: 500 });
    result = { status: err.httpStatus, headers: { 'content-type': 'application/json; charset=UTF-8' }, body: JSON.stringify(err.envelope()) };
  }
  core.record(method, url.pathname, result.lost ? 0 : result.status, result.fault);
  if (result.lost) {
    req.socket.destroy();
    return;
  }
  core.usage.observe(result.headers);
  send(res, result);
}

export function requestListener(core: SimCore) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    serve(core, req, res).catch((e: unknown) => {
      console.error('[meta-sim] request failed', e);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('simulator error');
    });
  };
}
