/**
 * Talking to the Meta simulator over HTTP the way a Graph client does (form-encoded, nested values
 * as JSON strings), for the simulator's own specifications and for tests that read back what the
 * agent created.
 */
import { expect } from 'vitest';
import type { MetaSimulator } from '../../simulators/meta';

// Response bodies are asserted field by field, so loose typing keeps the assertions readable.
export type Json = any;

export const SIM_TOKEN = 'sim-meta-token';

export interface GraphAnswer {
  status: number;
  body: Json;
}

/** One Graph call; GET parameters go in the query string, others in a form body. */
export async function graph(s: Pick<MetaSimulator, 'url'>, method: string, path: string, params: Record<string, string> = {}): Promise<GraphAnswer> {
  const all = new URLSearchParams({ access_token: SIM_TOKEN, ...params });
  const url = `${s.url}/v26.0${path}`;
  const res =
    method === 'GET' ? await fetch(`${url}?${all}`) : await fetch(url, { method, body: all, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  return { status: res.status, body: await res.json() };
}

/** A Graph error envelope with this code, HTTP 400, whose message matches `message`. */
export function expectGraphError(a: GraphAnswer, code: number, message?: RegExp): void {
  expect(a.status).toBe(400);
  expect(a.body.error).toMatchObject({ code, type: expect.any(String), fbtrace_id: expect.any(String) });
  if (message) expect(a.body.error.message).toMatch(message);
}

/** attribution_spec for a click window and a view window in days (0: none), as sent and as read back. */
export function attributionSpec(clickDays: number, viewDays: number): Array<{ event_type: string; window_days: number }> {
  return [{ event_type: 'CLICK_THROUGH', window_days: clickDays }, ...(viewDays ? [{ event_type: 'VIEW_THROUGH', window_days: viewDays }] : [])];
}
