// Maps "/{node}" and "/{node}/{edge}" paths (version already stripped) to handlers, and says
// which ad account and rate-limit bucket a call is charged to before it runs.
import { createAd } from './ads';
import { createAdSet } from './adsets';
import { createCampaign } from './campaigns';
import { accountFromSegment, type RequestCtx } from './context';
import { createCreative } from './creatives';
import { listEdge } from './edges';
import { missingParam, unknownPath, unsupportedRequest } from './errors';
import { SPECIAL_TOKENS } from './options';
import { accountNode, audienceEdge, audienceNode, minimumBudgets, pageNode, pixelEdge, pixelNode } from './fixtures';
import { parseFields } from './fields';
import { deleteImage, uploadImages } from './images';
import { createReportRun, readInsights, readReportRun } from './insights';
import type { UseCase } from './ratelimit';
import type { Account, Kind, SimObject } from './store';
import { deleteObject, updateObject } from './updates';
import { videoThumbnails } from './video-status';
import { uploadVideo } from './videos';
import { project } from './views';

export interface Route {
  accountId?: string;
  useCase: UseCase;
  run: () => unknown;
}

const EDGE_KINDS: Record<string, Kind> = {
  campaigns: 'campaign',
  adsets: 'adset',
  ads: 'ad',
  adcreatives: 'adcreative',
  adimages: 'adimage',
  advideos: 'advideo',
};
const CREATORS: Record<string, (ctx: RequestCtx, a: Account) => unknown> = {
  campaigns: createCampaign,
  adsets: createAdSet,
  adcreatives: createCreative,
  ads: createAd,
  adimages: uploadImages,
  advideos: uploadVideo,
};

function accountRoute(ctx: RequestCtx, account: Account, edge: string | undefined): Route {
  const base = { accountId: account.accountId, useCase: 'ads_management' as UseCase };
  const store = ctx.world.store;
  if (edge === undefined) {
    if (ctx.method !== 'GET') throw unsupportedRequest(ctx.method, account.id);
    return { ...base, run: () => accountNode(ctx, account) };
  }
  if (edge === 'insights') {
    const scope = { kind: 'account' as const, accountId: account.accountId };
    if (ctx.method === 'GET') return { ...base, useCase: 'ads_insights', run: () => readInsights(ctx, scope) };
    if (ctx.method === 'POST') return { ...base, useCase: 'ads_insights', run: () => createReportRun(ctx, scope) };
  }
  const kind = EDGE_KINDS[edge];
  if (ctx.method === 'GET' && kind) {
    const mine = store.all(kind).filter((o) => o.accountId === account.accountId);
    return { ...base, run: () => listEdge(ctx, kind, mine) };
  }
  if (ctx.method === 'GET' && edge === 'customaudiences') return { ...base, run: () => audienceEdge(ctx, account) };
  if (ctx.method === 'GET' && edge === 'minimum_budgets') return { ...base, run: () => minimumBudgets() };
  if (ctx.method === 'GET' && edge === 'adspixels') return { ...base, run: () => pixelEdge(ctx, account) };
  const creator = CREATORS[edge];
  if (ctx.method === 'POST' && creator) return { ...base, run: () => creator(ctx, account) };
  if (ctx.method === 'DELETE' && edge === 'adimages') return { ...base, run: () => deleteImage(ctx, account) };
  if (kind || creator || edge === 'insights') throw unsupportedRequest(ctx.method, `${account.id}/${edge}`);
  throw unknownPath(`/${edge}`);
}

function childEdge(ctx: RequestCtx, obj: SimObject, edge: string): (() => unknown) | undefined {
  const store = ctx.world.store;
  if (edge === 'insights' && (obj.kind === 'campaign' || obj.kind === 'adset' || obj.kind === 'ad')) {
    const scope = { kind: obj.kind, id: obj.id, accountId: obj.accountId };
    return () => readInsights(ctx, scope);
  }
  if (edge === 'insights' && obj.kind === 'reportrun') return () => readReportRun(ctx, obj);
  if (edge === 'thumbnails' && obj.kind === 'advideo') return () => ({ data: videoThumbnails(obj, ctx.now) });
  if (edge === 'adsets' && obj.kind === 'campaign') {
    return () =>
      listEdge(
        ctx,
        'adset',
        store.all('adset').filter((s) => s.campaign_id === obj.id),
      );
  }
  if (edge === 'ads' && (obj.kind === 'campaign' || obj.kind === 'adset')) {
    const key = obj.kind === 'campaign' ? 'campaign_id' : 'adset_id';
    return () =>
      listEdge(
        ctx,
        'ad',
        store.all('ad').filter((a) => a[key] === obj.id),
      );
  }
  if (edge === 'adcreatives' && obj.kind === 'ad') {
    return () =>
      listEdge(
        ctx,
        'adcreative',
        store.all('adcreative').filter((c) => c.id === obj.creative_id),
      );
  }
  return undefined;
}

function objectRoute(ctx: RequestCtx, obj: SimObject, edge: string | undefined): Route {
  const base = { accountId: obj.accountId, useCase: 'ads_management' as UseCase };
  if (edge !== undefined) {
    if (ctx.method !== 'GET') throw unsupportedRequest(ctx.method, `${obj.id}/${edge}`);
    const run = childEdge(ctx, obj, edge);
    if (!run) throw unknownPath(`/${edge}`);
    const insights = edge === 'insights';
    return { ...base, useCase: insights ? 'ads_insights' : 'ads_management', run };
  }
  if (ctx.method === 'GET') {
    const fields = parseFields(ctx.params.string('fields')) ?? [];
    return { ...base, run: () => project(obj, fields, { store: ctx.world.store, now: ctx.now }) };
  }
  if (obj.kind === 'reportrun') throw unsupportedRequest(ctx.method, obj.id);
  if (ctx.method === 'POST') return { ...base, run: () => updateObject(ctx, obj) };
  return { ...base, run: () => deleteObject(ctx, obj) };
}

/** GET /debug_token?input_token=: reference §14 (an invalid token answers 200 with is_valid false and an error). */
function debugToken(ctx: RequestCtx) {
  const token = ctx.params.string('input_token');
  if (!token) throw missingParam('input_token');
  const opts = ctx.world.opts;
  const nowS = Math.floor(ctx.world.clock.nowMs() / 1000);
  const base = { app_id: '1000000000000001', type: 'USER', application: 'Meta Ads Master Agent (simulated)', user_id: '100000000000001' };
  if (token === SPECIAL_TOKENS.expired) {
    return { data: { ...base, is_valid: false, expires_at: nowS - 86_400, scopes: [], error: { code: 190, subcode: 463, message: 'Session has expired' } } };
  }
  if (!opts.accessTokens.has(token))
    return { data: { app_id: base.app_id, is_valid: false, scopes: [], error: { code: 190, message: 'Invalid OAuth access token' } } };
  const expiresAt = opts.tokenExpiry[token] ?? 0;
  const scopes = token === SPECIAL_TOKENS.readOnly ? ['ads_read'] : ['ads_management', 'ads_read', 'business_management'];
  if (expiresAt && expiresAt <= nowS)
    return { data: { ...base, is_valid: false, expires_at: expiresAt, scopes, error: { code: 190, subcode: 463, message: 'Session has expired' } } };
  return { data: { ...base, is_valid: true, expires_at: expiresAt, data_access_expires_at: nowS + 90 * 86_400, issued_at: nowS - 86_400, scopes } };
}

export function route(ctx: RequestCtx): Route {
  const segments = ctx.path.split('/').filter(Boolean).map(decodeURIComponent);
  const [node, edge, ...rest] = segments;
  if (node === undefined) throw unsupportedRequest(ctx.method, '');
  if (rest.length > 0) throw unknownPath(`/${rest.join('/')}`);
  const store = ctx.world.store;
  if (node.startsWith('act_')) {
    const account = accountFromSegment(ctx, node);
    if (!account) throw unsupportedRequest(ctx.method, node);
    return accountRoute(ctx, account, edge);
  }
  if (node === 'debug_token' && edge === undefined && ctx.method === 'GET') return { useCase: 'ads_management', run: () => debugToken(ctx) };
  const obj = store.objects.get(node);
  if (obj) return objectRoute(ctx, obj, edge);
  if (ctx.method === 'GET' && edge === undefined && store.audiences.has(node)) {
    return { useCase: 'ads_management', run: () => audienceNode(ctx, node) };
  }
  if (ctx.method === 'GET' && edge === undefined && store.pages.has(node)) {
    return { useCase: 'ads_management', run: () => pageNode(ctx, node) };
  }
  if (ctx.method === 'GET' && edge === undefined && store.pixels.has(node)) {
    return { useCase: 'ads_management', run: () => pixelNode(ctx, node) };
  }
  throw unsupportedRequest(ctx.method, node);
}
