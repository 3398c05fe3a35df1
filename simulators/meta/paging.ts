// Cursor paging shared by edges and insights: opaque base64 cursors, `limit`, and paging.next /
// paging.previous as full URLs that include the access token (as Graph's do).
import type { RequestCtx } from './context';
import { GraphError, invalidParam } from './errors';

export const DEFAULT_LIMIT = 25;
const MAX_LIMIT = 5000;

export function encodeCursor(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[\w:.-]+$/.test(key) || encodeCursor(key) !== cursor.replace(/=+$/, '')) {
    throw new GraphError({ code: 2642, message: 'Invalid cursor' });
  }
  return key;
}

export function pageLimit(ctx: RequestCtx): number {
  const limit = ctx.params.int('limit') ?? DEFAULT_LIMIT;
  if (limit < 1) throw invalidParam('Param limit must be a positive integer.');
  return Math.min(limit, MAX_LIMIT);
}

/** Full URL of the same request with different cursor params. */
export function pageUrl(ctx: RequestCtx, cursor: { after?: string; before?: string }): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(ctx.params.toRecord())) {
    if (k === 'after' || k === 'before' || k === 'access_token') continue;
    q.set(k, typeof v === 'string' ? v : JSON.stringify(v));
  }
  q.set('access_token', ctx.token);
  if (!q.has('limit')) q.set('limit', String(DEFAULT_LIMIT));
  if (cursor.after) q.set('after', cursor.after);
  if (cursor.before) q.set('before', cursor.before);
  return `${ctx.world.baseUrl}/${ctx.version}${ctx.path}?${q.toString()}`;
}

/**
 * Pages a list already sorted in output order. `keyOf` gives each item a stable key; cursors
 * hold that key, so pages stay consistent when items are added in between.
 */
export function paginate<T>(
  ctx: RequestCtx,
  items: T[],
  keyOf: (item: T) => string,
  compare: (a: string, b: string) => number,
): { data: T[]; paging?: Record<string, unknown> } {
  const limit = pageLimit(ctx);
  const after = ctx.params.string('after');
  const before = ctx.params.string('before');
  let start = 0;
  let end = Math.min(items.length, limit);
  if (after) {
    const key = decodeCursor(after);
    start = items.findIndex((i) => compare(keyOf(i), key) > 0);
    if (start < 0) start = items.length;
    end = Math.min(items.length, start + limit);
  } else if (before) {
    const key = decodeCursor(before);
    end = items.findIndex((i) => compare(keyOf(i), key) >= 0);
    if (end < 0) end = items.length;
    start = Math.max(0, end - limit);
  }
  const data = items.slice(start, end);
  const first = data[0];
  const last = data[data.length - 1];
  if (first === undefined || last === undefined) return { data };
  const cursors = { before: encodeCursor(keyOf(first)), after: encodeCursor(keyOf(last)) };
  const paging: Record<string, unknown> = { cursors };
  if (start > 0) paging.previous = pageUrl(ctx, { before: cursors.before });
  if (end < items.length) paging.next = pageUrl(ctx, { after: cursors.after });
  return { data, paging };
}
