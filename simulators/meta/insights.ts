// GET /act_{id}/insights and /{campaign|adset|ad}/insights (reference 5.3), plus async report
// runs (POST /act_{id}/insights -> report_run_id -> GET /{run}/insights). Rows only exist for
// periods with impressions; deleted ads are left out of account-level level=ad reads but stay
// readable by their own id.
import { dayOf } from './clock';
import type { RequestCtx } from './context';
import { attributionSetting } from './conversions';
import { GraphError, invalidParam } from './errors';
import { nonexistingField } from './fields';
import { matches, parseFilters, unsupportedFilter, type FilterRule } from './filtering';
import { increments, resolveRange } from './insights-dates';
import { INSIGHT_ID_FIELDS, INSIGHT_METRIC_FIELDS, metricNumber, metricValue, type MetricCtx } from './insights-format';
import { paginate } from './paging';
import { Params } from './params';
import type { Ad, ReportRun, SimObject } from './store';
import { addTotals, emptyTotals, type DayTotals } from './totals';
import { viewOf } from './views';

const LEVELS = ['ad', 'adset', 'campaign', 'account'] as const;
type Level = (typeof LEVELS)[number];
const WINDOWS = ['1d_click', '1d_ev', '1d_view', '7d_click', '7d_view', '28d_click', '28d_view', 'dda', 'default'];
const REPORT_RUN_SIM_MS = 20_000;

export type InsightsScope = { kind: 'account'; accountId: string } | { kind: 'campaign' | 'adset' | 'ad'; id: string; accountId: string };

function idField(field: string, ad: Ad, ctx: RequestCtx): unknown {
  const store = ctx.world.store;
  const adset = store.get('adset', ad.adset_id);
  const campaign = store.get('campaign', ad.campaign_id);
  switch (field) {
    case 'account_id':
      return ad.accountId;
    case 'account_name':
      return store.accounts.get(ad.accountId)?.name;
    case 'account_currency':
      return 'USD';
    case 'campaign_id':
      return ad.campaign_id;
    case 'campaign_name':
      return campaign?.name;
    case 'adset_id':
      return ad.adset_id;
    case 'adset_name':
      return adset?.name;
    case 'ad_id':
      return ad.id;
    case 'ad_name':
      return ad.name;
    case 'objective':
      return campaign?.objective;
    case 'optimization_goal':
      return adset?.optimization_goal;
    case 'buying_type':
      return campaign?.buying_type ?? 'AUCTION';
    case 'attribution_setting':
      return attributionSetting(adset);
    default:
      return undefined;
  }
}

// Which id/name fields make sense at each level (finer ids are dropped at coarser levels).
const LEVEL_FIELDS: Record<Level, string[]> = {
  account: ['account_id', 'account_name', 'account_currency', 'buying_type', 'attribution_setting'],
  campaign: ['campaign_id', 'campaign_name', 'objective'],
  adset: ['adset_id', 'adset_name', 'optimization_goal'],
  ad: ['ad_id', 'ad_name'],
};
function fieldAllowedAt(field: string, level: Level): boolean {
  const order: Level[] = ['account', 'campaign', 'adset', 'ad'];
  return order.slice(0, order.indexOf(level) + 1).some((l) => LEVEL_FIELDS[l].includes(field));
}

function entityFilter(rule: FilterRule, ad: Ad, ctx: RequestCtx): boolean | undefined {
  const parts = rule.field.split('.');
  if (parts.length === 1) {
    if ((INSIGHT_ID_FIELDS as readonly string[]).includes(rule.field)) return matches(idField(rule.field, ad, ctx), rule);
    return undefined;
  }
  const [head, tail] = parts as [string, string];
  if ((INSIGHT_METRIC_FIELDS as readonly string[]).includes(tail)) return undefined;
  const target: SimObject | undefined =
    head === 'ad'
      ? ad
      : head === 'adset'
        ? ctx.world.store.get('adset', ad.adset_id)
        : head === 'campaign'
          ? ctx.world.store.get('campaign', ad.campaign_id)
          : undefined;
  const getter = target ? viewOf(target.kind).fields[tail] : undefined;
  if (!target || !getter) unsupportedFilter(rule);
  return matches(getter(target, { store: ctx.world.store, now: ctx.now }), rule);
}

function metricField(rule: FilterRule): string {
  const tail = rule.field.split('.').pop() ?? '';
  if (!(INSIGHT_METRIC_FIELDS as readonly string[]).includes(tail)) unsupportedFilter(rule);
  return tail;
}

function levelKey(level: Level, ad: Ad): string {
  return level === 'ad' ? ad.id : level === 'adset' ? ad.adset_id : level === 'campaign' ? ad.campaign_id : ad.accountId;
}

export function readInsights(ctx: RequestCtx, scope: InsightsScope): unknown {
  const p = ctx.params;
  const store = ctx.world.store;
  const fields = p.list('fields') ?? ['impressions', 'spend'];
  for (const f of fields) {
    if (f === 'date_start' || f === 'date_stop') continue;
    if (!(INSIGHT_ID_FIELDS as readonly string[]).includes(f) && !(INSIGHT_METRIC_FIELDS as readonly string[]).includes(f)) {
      throw nonexistingField(f, 'AdsInsights');
    }
  }
  const level: Level = p.enumOf('level', LEVELS) ?? (scope.kind === 'account' ? 'account' : scope.kind);
  if ((p.list('breakdowns') ?? []).length > 0) throw invalidParam('breakdowns are not supported by the simulator.');
  const actionBreakdowns = p.list('action_breakdowns');
  if (actionBreakdowns && actionBreakdowns.some((b) => b !== 'action_type')) {
    throw invalidParam('Only action_breakdowns=["action_type"] is supported by the simulator.');
  }
  let windows = p.list('action_attribution_windows');
  windows?.forEach((w) => {
    if (!WINDOWS.includes(w)) throw invalidParam(`Param action_attribution_windows must contain only {${WINDOWS.join(', ')}}`);
  });
  if (windows?.includes('default')) windows = [...new Set([...windows.filter((w) => w !== 'default'), '7d_click', '1d_view'])];

  const ads = store.all('ad').filter((ad) => {
    if (ad.accountId !== scope.accountId) return false;
    if (scope.kind === 'campaign') return ad.campaign_id === scope.id;
    if (scope.kind === 'adset') return ad.adset_id === scope.id;
    if (scope.kind === 'ad') return ad.id === scope.id;
    return !(level === 'ad' && [ad.status, store.get('adset', ad.adset_id)?.status, store.get('campaign', ad.campaign_id)?.status].includes('DELETED'));
  });
  const today = dayOf(ctx.now);
  const earliest = ads.reduce((min, ad) => (dayOf(ad.createdAt) < min ? dayOf(ad.createdAt) : min), today);
  const buckets = increments(p, resolveRange(p, today, earliest));
  const filters = parseFilters(p.jsonArray('filtering'));
  const entityRules = filters.filter((r) =>
    r.field.split('.').length > 1
      ? !(INSIGHT_METRIC_FIELDS as readonly string[]).includes(r.field.split('.')[1] ?? '')
      : (INSIGHT_ID_FIELDS as readonly string[]).includes(r.field),
  );
  const metricRules = filters.filter((r) => !entityRules.includes(r));
  metricRules.forEach(metricField);

  interface Group {
    key: string;
    ad: Ad;
    bucket: number;
    totals: DayTotals;
    days: Set<string>;
  }
  const groups = new Map<string, Group>();
  for (const ad of ads) {
    if (!entityRules.every((r) => entityFilter(r, ad, ctx) !== false)) continue;
    const perDay = ctx.world.delivery.days.get(ad.id);
    if (!perDay) continue;
    for (const [day, totals] of perDay) {
      const bucket = buckets.findIndex((b) => day >= b.since && day <= b.until);
      if (bucket < 0 || totals.impressions === 0) continue;
      const key = `${levelKey(level, ad).padStart(20, '0')}:${String(bucket).padStart(5, '0')}`;
      const g = groups.get(key) ?? { key, ad, bucket, totals: emptyTotals(), days: new Set<string>() };
      addTotals(g.totals, totals);
      g.days.add(day);
      groups.set(key, g);
    }
  }
  const benchmarkCtr = ctx.world.opts.defaultTrueCtr;
  const mctx = (g: Group): MetricCtx => ({ activeDays: g.days.size, windows, benchmarkCtr, adLevel: level === 'ad' });
  let rows = [...groups.values()].filter((g) => metricRules.every((r) => matches(metricNumber(metricField(r), g.totals, mctx(g)), r)));
  rows.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const sort = p.list('sort')?.[0];
  if (sort) {
    const m = /^(.+)_(ascending|descending)$/.exec(sort);
    if (!m || !(INSIGHT_METRIC_FIELDS as readonly string[]).includes(m[1] ?? '')) throw invalidParam(`Param sort has an invalid value: ${sort}`);
    const dir = m[2] === 'ascending' ? 1 : -1;
    rows = rows
      .map((g, i) => ({ g, i }))
      .sort((x, y) => dir * (metricNumber(m[1]!, x.g.totals, mctx(x.g)) - metricNumber(m[1]!, y.g.totals, mctx(y.g))) || x.i - y.i)
      .map((x) => x.g);
    rows.forEach((g, i) => (g.key = String(i).padStart(10, '0')));
  }
  const page = paginate(
    ctx,
    rows,
    (g) => g.key,
    (a, b) => (a < b ? -1 : a > b ? 1 : 0),
  );
  const data = page.data.map((g) => {
    const row: Record<string, unknown> = {};
    for (const f of fields) {
      if (f === 'date_start' || f === 'date_stop') continue;
      const v = (INSIGHT_ID_FIELDS as readonly string[]).includes(f)
        ? fieldAllowedAt(f, level)
          ? idField(f, g.ad, ctx)
          : undefined
        : metricValue(f, g.totals, mctx(g));
      if (v !== undefined) row[f] = v;
    }
    const b = buckets[g.bucket]!;
    row.date_start = b.since;
    row.date_stop = b.until;
    return row;
  });
  return page.paging ? { data, paging: page.paging } : { data };
}

export function createReportRun(ctx: RequestCtx, scope: InsightsScope): unknown {
  readInsights(ctx, scope); // same validation errors as a synchronous call
  const store = ctx.world.store;
  const run: ReportRun = store.add<ReportRun>({
    kind: 'reportrun',
    id: store.nextId(),
    accountId: scope.accountId,
    createdAt: ctx.now,
    updatedAt: ctx.now,
    query: ctx.params.without('access_token', 'limit', 'after', 'before').toRecord(),
    scopeId: scope.kind === 'account' ? `act_${scope.accountId}` : scope.id,
    completesAt: ctx.now + REPORT_RUN_SIM_MS,
  });
  return { report_run_id: run.id };
}

export function readReportRun(ctx: RequestCtx, run: ReportRun): unknown {
  if (ctx.now < run.completesAt) {
    throw new GraphError({ code: 100, message: `Report ${run.id} is not complete yet; poll async_status until "Job Completed".` });
  }
  const paging = ['limit', 'after', 'before'].filter((k) => ctx.params.has(k)).map((k) => [k, ctx.params.raw(k)] as [string, unknown]);
  const params = Params.fromEntries([...Object.entries(run.query), ...paging]);
  const obj = ctx.world.store.objects.get(run.scopeId);
  const scope: InsightsScope =
    obj && (obj.kind === 'campaign' || obj.kind === 'adset' || obj.kind === 'ad')
      ? { kind: obj.kind, id: obj.id, accountId: run.accountId }
      : { kind: 'account', accountId: run.accountId };
  return readInsights({ ...ctx, params }, scope);
}
