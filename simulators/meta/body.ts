// Request parameter collection: query string plus a form-urlencoded, multipart or JSON body
// (body values win over query values, as Graph merges them). Multipart is parsed with the
// WHATWG Request/FormData built into Node 20 so no parser dependency is needed.
import { invalidParam } from './errors';
import { Params, type FileParam } from './params';

export async function collectParams(url: URL, method: string, headers: Record<string, string | string[] | undefined>, body: Buffer): Promise<Params> {
  const entries = new Map<string, unknown>();
  url.searchParams.forEach((v, k) => entries.set(k, v));
  if (method === 'GET' || body.length === 0) return new Params(entries);

  const type = String(headers['content-type'] ?? '').toLowerCase();
  if (type.startsWith('application/json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw invalidParam('The request body is not valid JSON.');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw invalidParam('A JSON request body must be an object of parameters.');
    }
    for (const [k, v] of Object.entries(parsed)) entries.set(k, v);
  } else if (type.startsWith('multipart/form-data')) {
    const request = new Request('http://sim.local/', {
      method: 'POST',
      headers: { 'content-type': String(headers['content-type']) },
      body,
    });
    let form: FormData;
    try {
      form = await request.formData();
    } catch {
      throw invalidParam('The multipart/form-data body could not be parsed.');
    }
    for (const [k, v] of form.entries()) {
      if (typeof v === 'string') {
        entries.set(k, v);
      } else {
        const file: FileParam = {
          kind: 'file',
          filename: v.name,
          contentType: v.type,
          data: Buffer.from(await v.arrayBuffer()),
        };
        entries.set(k, file);
      }
    }
  } else {
    // Graph treats anything else (including a missing content type) as a urlencoded form.
    new URLSearchParams(body.toString('utf8')).forEach((v, k) => entries.set(k, v));
  }
  return new Params(entries);
}
