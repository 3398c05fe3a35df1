/**
 * Route table of the Kie API surface (§1–§5) plus the unauthenticated file routes. Each route
 * says whether it needs a Bearer key and how to find the model that fault rules match on.
 */
import type { RouteCtx, SimCore } from './core';
import { fail, isRecord, ok, type RouteResult } from './http';
import { createMarketTask, marketRecordInfo } from './market';
import { veoGenerate, veoRecordInfo } from './veo';
import { veoGet1080p, veoGet4k } from './veo-upgrades';

export interface Route {
  method: 'GET' | 'POST';
  /** Exact path, or a prefix when it ends with '/'. */
  path: string;
  auth: boolean;
  isCreate: boolean;
  /** Model used by fault matching (create body's model, or the model of the task asked about). */
  model?: (core: SimCore, url: URL, body: unknown) => string | undefined;
  handle: (ctx: RouteCtx) => RouteResult | Promise<RouteResult>;
}

const bodyModel =
  (fallback?: string) =>
  (_core: SimCore, _url: URL, body: unknown): string | undefined => {
    const m = isRecord(body) ? body.model : undefined;
    return typeof m === 'string' ? m : fallback;
  };

const taskModel = (core: SimCore, url: URL, body: unknown): string | undefined => {
  const id = url.searchParams.get('taskId') ?? (isRecord(body) ? body.taskId : undefined);
  return typeof id === 'string' ? core.tasks.get(id)?.model : undefined;
};

export const ROUTES: Route[] = [
  { method: 'POST', path: '/api/v1/jobs/createTask', auth: true, isCreate: true, model: bodyModel(), handle: createMarketTask },
  { method: 'GET', path: '/api/v1/jobs/recordInfo', auth: true, isCreate: false, model: taskModel, handle: marketRecordInfo },
  { method: 'POST', path: '/api/v1/veo/generate', auth: true, isCreate: true, model: bodyModel('veo3_fast'), handle: veoGenerate },
  { method: 'GET', path: '/api/v1/veo/record-info', auth: true, isCreate: false, model: taskModel, handle: veoRecordInfo },
  { method: 'GET', path: '/api/v1/veo/get-1080p-video', auth: true, isCreate: false, model: taskModel, handle: veoGet1080p },
  { method: 'POST', path: '/api/v1/veo/get-4k-video', auth: true, isCreate: false, model: taskModel, handle: veoGet4k },
  {
    method: 'GET',
    path: '/api/v1/chat/credit',
    auth: true,
    isCreate: false,
    handle: ({ core, apiKey }) => ok(core.ledger.balance(apiKey)),
  },
  {
    method: 'POST',
    path: '/api/v1/common/download-url',
    auth: true,
    isCreate: false,
    handle: ({ core, body }) => core.files.downloadUrl(isRecord(body) ? body.url : undefined),
  },
  {
    method: 'GET',
    path: '/files/',
    auth: false,
    isCreate: false,
    model: (core, url) => core.tasks.get(fileTaskId(url.pathname.slice('/files/'.length)))?.model,
    handle: ({ core, url }) => core.files.serve(decodeURIComponent(url.pathname.slice('/files/'.length))),
  },
  {
    method: 'GET',
    path: '/dl/',
    auth: false,
    isCreate: false,
    handle: ({ core, url }) => core.files.serveLink(url.pathname.split('/')[2] ?? ''),
  },
];

function fileTaskId(name: string): string {
  return name.split(/[._]/)[0] ?? '';
}

export type RouteMatch = { route: Route } | { error: RouteResult };

export function findRoute(method: string, path: string): RouteMatch {
  const candidates = ROUTES.filter((r) => (r.path.endsWith('/') ? path.startsWith(r.path) : path === r.path));
  if (candidates.length === 0) return { error: fail(404, 'Not found') };
  const route = candidates.find((r) => r.method === method || (r.method === 'GET' && method === 'HEAD'));
  if (!route) return { error: fail(405, `Method ${method} not allowed on ${path}`) };
  return { route };
}
