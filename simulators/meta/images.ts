// POST/DELETE /act_{id}/adimages (reference 3.3). Images arrive as base64 `bytes` or multipart
// files whose name carries an extension; the hash is the MD5 of the bytes, so re-uploading the
// same file returns the same hash (uploads are idempotent). Bytes must decode as an image.
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import type { RequestCtx } from './context';
import { invalidParam, missingParam } from './errors';
import { isFile } from './params';
import type { Account, AdImage } from './store';
import { project } from './views';

const MAX_BYTES = 30 * 1024 * 1024;
const EXTENSIONS = /\.(jpe?g|png|gif|bmp|tiff?|webp)$/i;
const RESPONSE_FIELDS = ['hash', 'url', 'url_128', 'width', 'height', 'name'].map((name) => ({ name }));

async function dimensions(data: Buffer): Promise<{ width?: number; height?: number }> {
  try {
    const meta = await sharp(data).metadata();
    return { width: meta.width, height: meta.height };
  } catch {
    throw invalidParam('Invalid image: the uploaded bytes could not be decoded as JPG, PNG, GIF, BMP, TIFF or WEBP.', {
      userTitle: 'Image Upload Failed',
      userMsg: 'The file is not a supported image.',
    });
  }
}

async function storeImage(ctx: RequestCtx, account: Account, data: Buffer, name: string): Promise<AdImage> {
  if (data.length === 0) throw invalidParam('The uploaded image is empty.');
  if (data.length > MAX_BYTES) throw invalidParam('Images must be 30 MB or smaller.');
  const { width, height } = await dimensions(data);
  const hash = createHash('md5').update(data).digest('hex');
  const store = ctx.world.store;
  const existing = store.imageByHash(account.accountId, hash);
  if (existing) {
    existing.status = 'ACTIVE';
    existing.name = name;
    existing.updatedAt = ctx.now;
    return existing;
  }
  return store.add<AdImage>({
    kind: 'adimage',
    id: `${account.accountId}:${hash}`,
    accountId: account.accountId,
    createdAt: ctx.now,
    updatedAt: ctx.now,
    hash,
    name,
    width,
    height,
    status: 'ACTIVE',
  });
}

export async function uploadImages(ctx: RequestCtx, account: Account): Promise<unknown> {
  const p = ctx.params;
  const uploads: Array<[key: string, data: Buffer, name: string]> = [];
  const bytes = p.string('bytes');
  if (bytes !== undefined) {
    const clean = bytes.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(clean)) throw invalidParam('Param bytes must be base64-encoded image data.');
    uploads.push(['bytes', Buffer.from(clean, 'base64'), p.string('name') ?? 'bytes']);
  }
  for (const name of p.names()) {
    const v = p.raw(name);
    if (!isFile(v)) continue;
    const filename = v.filename || name;
    if (!EXTENSIONS.test(filename)) {
      throw invalidParam(`Invalid image file name "${filename}": the file name must carry an image extension such as .jpg or .png.`);
    }
    uploads.push([filename, v.data, filename]);
  }
  const copyFrom = p.jsonObject('copy_from');
  if (copyFrom) {
    const source = ctx.world.store.imageByHash(String(copyFrom.source_account_id ?? ''), String(copyFrom.hash ?? ''));
    if (!source) throw invalidParam('copy_from must name an existing image (source_account_id and hash).');
    const copy =
      ctx.world.store.imageByHash(account.accountId, source.hash) ??
      ctx.world.store.add<AdImage>({
        ...source,
        id: `${account.accountId}:${source.hash}`,
        accountId: account.accountId,
        createdAt: ctx.now,
        updatedAt: ctx.now,
      });
    return { images: { [source.hash]: project(copy, RESPONSE_FIELDS, { store: ctx.world.store, now: ctx.now }) } };
  }
  if (uploads.length === 0) {
    if (p.has('url')) {
      throw invalidParam('url is not a parameter of /adimages; upload base64 `bytes` or a multipart file.');
    }
    throw missingParam('bytes');
  }
  const images: Record<string, unknown> = {};
  for (const [key, data, name] of uploads) {
    const img = await storeImage(ctx, account, data, name);
    const view = project(img, RESPONSE_FIELDS, { store: ctx.world.store, now: ctx.now });
    delete view.id;
    images[key] = view;
  }
  return { images };
}

export function deleteImage(ctx: RequestCtx, account: Account): unknown {
  const hash = ctx.params.string('hash');
  if (!hash) throw missingParam('hash');
  const img = ctx.world.store.imageByHash(account.accountId, hash);
  if (!img || img.status === 'DELETED') throw invalidParam(`Image with hash ${hash} does not exist in this ad account.`);
  img.status = 'DELETED';
  img.updatedAt = ctx.now;
  return { success: true };
}
