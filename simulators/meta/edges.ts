// Edge reads: GET /act_{id}/campaigns|adsets|ads|adcreatives|adimages|advideos (and the
// /{campaign}/adsets, /{campaign|adset}/ads sub-edges). Newest first; default excludes ARCHIVED
// and DELETED; DELETED never appears under an edge; `effective_status`, `filtering`, `hashes`,
// `summary`, and cursor paging as in reference 5.2.
import type { RequestCtx } from './context';
import { AD_EFFECTIVE_STATUSES, ADSET_EFFECTIVE_STATUSES, CAMPAIGN_EFFECTIVE_STATUSES } from './enums';
import { invalidParam } from './errors';
import { nonexistingField, parseFields, type FieldSpec } from './fields';
import { matches, parseFilters, unsupportedFilter, type FilterRule } from './filtering';
import { paginate } from './paging';
import { effectiveStatus } from './status';
import type { Kind, SimObject } from './store';
import { project, viewOf, type ViewCtx } from './views';

const ENTITY_NAMES: Record<string, string[]> = {
  campaign: ['campaign'],
  adset: ['adset', 'adcampaign'],
  ad: ['ad', 'adgroup'],
  adcreative: ['adcreative', 'creative'],
  adimage: ['adimage', 'image'],
  advideo: ['advideo', 'video'],
};

/** Validate every requested field up front: Graph rejects bad fields even on empty results. */
export function checkFields(kind: SimObject['kind'], specs: FieldSpec[]): void {
  const view = viewOf(kind);
  for (const s of specs) {
    if (!view.relations?.[s.name] && !view.fields[s.name]) throw nonexistingField(s.name, view.nodeType);
  }
}

function fieldValue(obj: SimObject, rule: FilterRule, vctx: ViewCtx): unknown {
  const view = viewOf(obj.kind);
  const parts = rule.field.split('.');
  const [head, tail] = parts.length === 2 ? parts : [undefined, parts[0]];
  if (parts.length > 2 || tail === undefined) unsupportedFilter(rule);
  if (head === undefined || ENTITY_NAMES[obj.kind]?.includes(head)) {
    const getter = view.fields[tail];
    if (!getter) unsupportedFilter(rule);
    return getter(obj, vctx);
  }
  const rel = view.relations?.[head];
  const target = rel ? vctx.store.objects.get(rel(obj) ?? '') : undefined;
  if (!rel) unsupportedFilter(rule);
  if (!target) return undefined;
  const getter = viewOf(target.kind).fields[tail];
  if (!getter) unsupportedFilter(rule);
  return getter(target, vctx);
}

/** The `effective_status` filter values each edge accepts; an edge not listed takes no such filter. */
const STATUS_FILTER_ENUM: Partial<Record<Kind, readonly string[]>> = {
  campaign: CAMPAIGN_EFFECTIVE_STATUSES,
  adset: ADSET_EFFECTIVE_STATUSES,
  ad: AD_EFFECTIVE_STATUSES,
  adimage: ['ACTIVE', 'DELETED'],
  advideo: ['ACTIVE', 'DELETED'],
};

function checkStatusParam(kind: Kind, statusParam: unknown[] | undefined): void {
  if (statusParam === undefined) return;
  const allowed = STATUS_FILTER_ENUM[kind];
  if (!allowed) throw invalidParam(`Param effective_status is not a valid parameter for the ${viewOf(kind).nodeType} edge`);
  statusParam.forEach((s, i) => {
    if (typeof s !== 'string' || !allowed.includes(s)) {
      throw invalidParam(`Param effective_status[${i}] must be one of {${allowed.join(', ')}}`);
    }
  });
}

const sortKey = (o: SimObject) => `${String(o.createdAt).padStart(14, '0')}:${o.id}`;
const newestFirst = (a: string, b: string) => (a > b ? -1 : a < b ? 1 : 0);

export function listEdge(ctx: RequestCtx, kind: Kind, candidates: SimObject[]): unknown {
  const p = ctx.params;
  const vctx: ViewCtx = { store: ctx.world.store, now: ctx.now };
  const fields = parseFields(p.string('fields')) ?? [];
  checkFields(kind, fields);
  const filters = parseFilters(p.jsonArray('filtering'));
  const statusParam = p.jsonArray('effective_status');
  checkStatusParam(kind, statusParam);
  const statusFiltered = statusParam !== undefined || filters.some((f) => f.field.endsWith('effective_status'));
  const hashes = kind === 'adimage' ? p.jsonArray('hashes')?.map(String) : undefined;
  const lag = ctx.world.opts.edgeReadLagSimMs;

  const rows = candidates.filter((o) => {
    const eff = effectiveStatus(ctx.world.store, o, ctx.now);
    if (eff === 'DELETED') return false;
    if (!statusFiltered && eff === 'ARCHIVED') return false;
    if (statusParam && !statusParam.includes(eff)) return false;
    if (lag > 0 && ctx.now - o.createdAt < lag) return false;
    if (hashes && o.kind === 'adimage' && !hashes.includes(o.hash)) return false;
    return filters.every((f) => matches(fieldValue(o, f, vctx), f));
  });
  rows.sort((a, b) => newestFirst(sortKey(a), sortKey(b)));
  const page = paginate(ctx, rows, sortKey, newestFirst);
  const out: Record<string, unknown> = { data: page.data.map((o) => project(o, fields, vctx)) };
  if (page.paging) out.paging = page.paging;
  const summary = p.string('summary');
  if (summary !== undefined && summary !== 'false') out.summary = { total_count: rows.length };
  return out;
}
