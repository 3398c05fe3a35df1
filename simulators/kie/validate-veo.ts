/**
 * Validation of POST /api/v1/veo/generate bodies (§4.1). Accepts both `aspect_ratio` (current
 * docs) and `aspectRatio` (older docs, original agent); snake_case wins when both are present.
 * Unknown extra fields are accepted silently.
 */
import { isRecord } from './http';
import { VEO_MODELS, type VeoModel } from './types';
import { isUrl, type Validated } from './validate-market';

export type GenerationType = 'TEXT_2_VIDEO' | 'FIRST_AND_LAST_FRAMES_2_VIDEO' | 'REFERENCE_2_VIDEO';
const GENERATION_TYPES: readonly GenerationType[] = ['TEXT_2_VIDEO', 'FIRST_AND_LAST_FRAMES_2_VIDEO', 'REFERENCE_2_VIDEO'];
const ASPECTS = ['16:9', '9:16', 'Auto'] as const;
const RESOLUTIONS = ['720p', '1080p', '4k'] as const;

export interface VeoSpec {
  model: VeoModel;
  generationType: GenerationType;
  aspect: (typeof ASPECTS)[number];
  resolution: (typeof RESOLUTIONS)[number];
  callBackUrl: string | undefined;
}

export function validateVeoGenerate(body: unknown): Validated<VeoSpec> {
  if (!isRecord(body)) return { ok: false, msg: 'request body must be a JSON object' };
  const bad = (msg: string): Validated<VeoSpec> => ({ ok: false, msg });

  const p = body.prompt;
  if (p === undefined || p === null || p === '') return bad('prompt is required');
  if (typeof p !== 'string') return bad('prompt must be a string');

  const model = body.model ?? 'veo3_fast';
  if (typeof model !== 'string' || !(VEO_MODELS as readonly string[]).includes(model)) {
    return bad(`model must be one of: ${VEO_MODELS.join(', ')}`);
  }

  const aspectField = body.aspect_ratio !== undefined && body.aspect_ratio !== null ? 'aspect_ratio' : 'aspectRatio';
  const aspect = body[aspectField] ?? '16:9';
  if (typeof aspect !== 'string' || !(ASPECTS as readonly string[]).includes(aspect)) {
    return bad(`${aspectField} must be one of: ${ASPECTS.join(', ')}`);
  }

  const imageUrls = body.imageUrls;
  const hasImages = Array.isArray(imageUrls) && imageUrls.length > 0;
  if (imageUrls !== undefined && imageUrls !== null) {
    if (!Array.isArray(imageUrls)) return bad('imageUrls must be an array of URLs');
    if (imageUrls.length < 1 || imageUrls.length > 3) return bad(`imageUrls must contain 1-3 URLs, got ${imageUrls.length}`);
    const badIndex = imageUrls.findIndex((u) => !isUrl(u));
    if (badIndex >= 0) return bad(`imageUrls[${badIndex}] must be an http(s) URL`);
  }

  const gt = body.generationType ?? (hasImages ? 'FIRST_AND_LAST_FRAMES_2_VIDEO' : 'TEXT_2_VIDEO');
  if (typeof gt !== 'string' || !(GENERATION_TYPES as readonly string[]).includes(gt)) {
    return bad(`generationType must be one of: ${GENERATION_TYPES.join(', ')}`);
  }
  const count = Array.isArray(imageUrls) ? imageUrls.length : 0;
  if (gt === 'TEXT_2_VIDEO' && count > 0) return bad('imageUrls must be empty for generationType TEXT_2_VIDEO');
  if (gt === 'FIRST_AND_LAST_FRAMES_2_VIDEO' && (count < 1 || count > 2)) {
    return bad('imageUrls must contain 1-2 URLs for generationType FIRST_AND_LAST_FRAMES_2_VIDEO');
  }
  if (gt === 'REFERENCE_2_VIDEO') {
    if (model !== 'veo3_fast') return bad('generationType REFERENCE_2_VIDEO is only supported with model veo3_fast');
    if (aspect === 'Auto') return bad(`${aspectField} must be 16:9 or 9:16 for generationType REFERENCE_2_VIDEO`);
    if (count < 1) return bad('imageUrls must contain 1-3 URLs for generationType REFERENCE_2_VIDEO');
  }

  const seeds = body.seeds;
  if (seeds !== undefined && seeds !== null) {
    if (typeof seeds !== 'number' || !Number.isInteger(seeds) || seeds < 10000 || seeds > 99999) {
      return bad('seeds must be an integer between 10000 and 99999');
    }
  }
  for (const flag of ['enableFallback', 'enableTranslation'] as const) {
    if (body[flag] !== undefined && body[flag] !== null && typeof body[flag] !== 'boolean') {
      return bad(`${flag} must be a boolean`);
    }
  }
  if (body.watermark !== undefined && body.watermark !== null && typeof body.watermark !== 'string') {
    return bad('watermark must be a string');
  }
  const resolution = body.resolution ?? '720p';
  if (typeof resolution !== 'string' || !(RESOLUTIONS as readonly string[]).includes(resolution)) {
    return bad(`resolution must be one of: ${RESOLUTIONS.join(', ')}`);
  }
  const cb = body.callBackUrl;
  if (cb !== undefined && cb !== null && cb !== '' && !isUrl(cb)) return bad('callBackUrl must be a valid http(s) URL');

  return {
    ok: true,
    value: {
      model: model as VeoModel,
      generationType: gt as GenerationType,
      aspect: aspect as VeoSpec['aspect'],
      resolution: resolution as VeoSpec['resolution'],
      callBackUrl: isUrl(cb) ? cb : undefined,
    },
  };
}
