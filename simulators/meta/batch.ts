// Graph batch requests (reference 8): POST / with batch=[{method, relative_url, body}], max 50
// operations, each run through the normal pipeline (so each is rate-limited and can hit fault
// rules). An operation whose response was "lost" comes back as null. Several ad sets of the same
// campaign in one batch are refused. JSONPath dependencies between operations are not simulated.
import type { Engine, SimResponse } from './engine';
import { GraphError, invalidParam } from './errors';
import { Params } from './params';

interface BatchOp {
  method?: string;
  relative_url?: string;
  body?: string;
}

export async function runBatch(
  engine: Engine,
  version: string,
  outer: Params,
  authorization: string | undefined,
  delay: (ms: number) => Promise<void>,
): Promise<SimResponse> {
  const headers = { 'content-type': 'application/json; charset=UTF-8' };
  try {
    const ops = outer.jsonArray('batch', true) as BatchOp[];
    if (ops.length > 50) throw invalidParam('Too many requests in batch message. Maximum batch size is 50');
    const includeHeaders = outer.bool('include_headers') ?? true;
    const token = outer.string('access_token');
    const adsetCampaigns = new Set<string>();
    const results: unknown[] = [];
    for (const op of ops) {
      const method = (op.method ?? 'GET').toUpperCase();
      const rel = String(op.relative_url ?? '').replace(/^\//, '');
      const url = new URL(`http://batch.local/${rel}`);
      const segs = url.pathname.split('/').filter(Boolean);
      const opVersion = /^v\d+\.\d+$/.test(segs[0] ?? '') ? segs.shift()! : version;
      const path = `/${segs.join('/')}`;
      const entries = new Map<string, unknown>();
      url.searchParams.forEach((v, k) => entries.set(k, v));
      new URLSearchParams(op.body ?? '').forEach((v, k) => entries.set(k, v));
      if (!entries.has('access_token') && token) entries.set('access_token', token);
      if (method === 'POST' && path.endsWith('/adsets')) {
        const cid = String(entries.get('campaign_id') ?? '');
        if (adsetCampaigns.has(cid)) {
          const e = invalidParam('A batch cannot contain several ad sets under the same campaign.');
          results.push({ code: 400, headers: [], body: JSON.stringify(e.envelope()) });
          continue;
        }
        adsetCampaigns.add(cid);
      }
      const res = await engine.op({ method, version: opVersion, path, params: new Params(entries), authorization }, delay);
      if (res.lost) {
        results.push(null);
        continue;
      }
      const entry: Record<string, unknown> = { code: res.status, body: res.body };
      if (includeHeaders) entry.headers = Object.entries(res.headers).map(([name, value]) => ({ name, value }));
      results.push(entry);
    }
    return { status: 200, headers, body: JSON.stringify(results) };
  } catch (e) {
    const err = e instanceof GraphError ? e : new GraphError({ code: 1, message: String(e), httpStatus: 500 });
    return { status: err.httpStatus, headers, body: JSON.stringify(err.envelope()) };
  }
}
