/**
 * Validation of POST /api/v1/jobs/createTask bodies, per model, as documented in §2.1–2.5.
 * Every error message names the offending field (e.g. "input.image_size must be one of: ...").
 * Unknown extra fields are accepted silently, like the real API (so a misspelled field just
 * falls back to its default).
 */
import { isRecord } from './http';
import { MARKET_MODELS, type MarketModel } from './types';

export type Validated<T> = { ok: true; value: T } | { ok: false; msg: string };

/** What the rest of the simulator needs from a valid create body. */
export interface MarketSpec {
  model: MarketModel;
  callBackUrl: string | undefined;
  /** Aspect ratio of the result image ('auto' resolved to '1:1'). */
  aspect: string;
  resolution: '1K' | '2K' | '4K';
  format: 'png' | 'jpeg';
}

const IMAGE_SIZES = ['1:1', '9:16', '16:9', '3:4', '4:3', '3:2', '2:3', '5:4', '4:5', '21:9', 'auto'];
const PRO_RATIOS = ['1:1', '2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '21:9', 'auto'];
const NB2_RATIOS = ['auto', '1:1', '1:4', '1:8', '4:1', '8:1', '16:9', '21:9', '2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '9:16'];
const RESOLUTIONS = ['1K', '2K', '4K'] as const;

class FieldError extends Error {}

function oneOf<T extends string>(obj: Record<string, unknown>, field: string, allowed: readonly T[], dflt: T): T {
  const v = obj[field];
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'string' || !allowed.includes(v as T)) {
    throw new FieldError(`input.${field} must be one of: ${allowed.join(', ')}`);
  }
  return v as T;
}

function prompt(input: Record<string, unknown>, max: number): void {
  const p = input.prompt;
  if (p === undefined || p === null || p === '') throw new FieldError('input.prompt is required');
  if (typeof p !== 'string') throw new FieldError('input.prompt must be a string');
  if (p.length > max) throw new FieldError(`input.prompt must be at most ${max} characters`);
}

export function isUrl(v: unknown): v is string {
  if (typeof v !== 'string') return false;
  try {
    const u = new URL(v);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

function urlList(input: Record<string, unknown>, field: string, min: number, max: number, required: boolean): void {
  const v = input[field];
  if (v === undefined || v === null) {
    if (required) throw new FieldError(`input.${field} is required`);
    return;
  }
  if (!Array.isArray(v)) throw new FieldError(`input.${field} must be an array of URLs`);
  if (v.length < min || v.length > max) {
    throw new FieldError(`input.${field} must contain ${min}-${max} URLs, got ${v.length}`);
  }
  v.forEach((u, i) => {
    if (!isUrl(u)) throw new FieldError(`input.${field}[${i}] must be an http(s) URL`);
  });
}

function validateInput(model: MarketModel, input: Record<string, unknown>): Omit<MarketSpec, 'model' | 'callBackUrl'> {
  switch (model) {
    case 'google/nano-banana':
    case 'google/nano-banana-edit': {
      prompt(input, 5000);
      if (model === 'google/nano-banana-edit') urlList(input, 'image_urls', 1, 10, true);
      const format = oneOf(input, 'output_format', ['png', 'jpeg'], 'png');
      const size = oneOf(input, 'image_size', IMAGE_SIZES, '1:1');
      return { aspect: size === 'auto' ? '1:1' : size, resolution: '1K', format };
    }
    case 'nano-banana-pro':
    case 'nano-banana-2': {
      const pro = model === 'nano-banana-pro';
      prompt(input, pro ? 10000 : 20000);
      urlList(input, 'image_input', 0, pro ? 8 : 14, false);
      const ratio = oneOf(input, 'aspect_ratio', pro ? PRO_RATIOS : NB2_RATIOS, pro ? '1:1' : 'auto');
      const resolution = oneOf(input, 'resolution', RESOLUTIONS, '1K');
      const format = oneOf(input, 'output_format', ['png', 'jpg'], pro ? 'png' : 'jpg');
      if (!pro && input.google_search !== undefined && typeof input.google_search !== 'boolean') {
        throw new FieldError('input.google_search must be a boolean');
      }
      return { aspect: ratio === 'auto' ? '1:1' : ratio, resolution, format: format === 'jpg' ? 'jpeg' : 'png' };
    }
  }
}

export function validateMarketCreate(body: unknown): Validated<MarketSpec> {
  if (!isRecord(body)) return { ok: false, msg: 'request body must be a JSON object' };
  const model = body.model;
  if (model === undefined || model === null || model === '') return { ok: false, msg: 'model is required' };
  if (typeof model !== 'string' || !(MARKET_MODELS as readonly string[]).includes(model)) {
    return { ok: false, msg: `model must be one of: ${MARKET_MODELS.join(', ')}` };
  }
  const cb = body.callBackUrl;
  if (cb !== undefined && cb !== null && cb !== '' && !isUrl(cb)) {
    return { ok: false, msg: 'callBackUrl must be a valid http(s) URL' };
  }
  if (body.input === undefined || body.input === null) return { ok: false, msg: 'input is required' };
  if (!isRecord(body.input)) return { ok: false, msg: 'input must be an object' };
  try {
    const rest = validateInput(model as MarketModel, body.input);
    return { ok: true, value: { model: model as MarketModel, callBackUrl: isUrl(cb) ? cb : undefined, ...rest } };
  } catch (err) {
    if (err instanceof FieldError) return { ok: false, msg: err.message };
    throw err;
  }
}
