/**
 * Result files served by the simulator itself at `${url}/files/<name>` (no auth, like Kie's CDN),
 * and temporary links from POST /api/v1/common/download-url at `${url}/dl/<token>/<name>`.
 * Files expire (404) after retentionMs; links after downloadUrlTtlMs (both documented, scaled).
 * Images are rendered on first download and cached; videos are the committed fixtures.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { type ResolvedConfig, scaled } from './config';
import { fail, ok, raw, type RouteResult } from './http';
import { imageSize, renderImage } from './image';

interface FileEntry {
  contentType: string;
  expiresAt: number;
  render: () => Promise<Buffer>;
}

const CACHE_LIMIT = 64;
const fixtureCache = new Map<string, Promise<Buffer>>();

/** Bytes of a committed Veo fixture clip ('9x16' or '16x9'). */
export function fixtureClip(which: '9x16' | '16x9'): Promise<Buffer> {
  let p = fixtureCache.get(which);
  if (!p) {
    p = readFile(new URL(`./fixtures/veo-${which}.mp4`, import.meta.url));
    fixtureCache.set(which, p);
  }
  return p;
}

export class FileStore {
  private readonly entries = new Map<string, FileEntry>();
  private readonly cache = new Map<string, Buffer>();
  private readonly links = new Map<string, { name: string; expiresAt: number }>();

  constructor(
    private readonly cfg: ResolvedConfig,
    private readonly baseUrl: () => string,
  ) {}

  private add(name: string, contentType: string, render: () => Promise<Buffer>): string {
    this.entries.set(name, { contentType, expiresAt: Date.now() + scaled(this.cfg, this.cfg.retentionMs), render });
    return `${this.baseUrl()}/files/${name}`;
  }

  /** Registers a result image; returns its URL. */
  addImage(taskId: string, spec: { aspect: string; resolution: string; format: 'png' | 'jpeg' }): string {
    const { width, height } = imageSize(spec.aspect, spec.resolution);
    const ext = spec.format === 'png' ? 'png' : 'jpg';
    return this.add(`${taskId}.${ext}`, spec.format === 'png' ? 'image/png' : 'image/jpeg', () => renderImage(taskId, width, height, spec.format));
  }

  /** Registers a result clip (9:16 or 16:9 fixture) under `name` (e.g. '<id>.mp4'); returns its URL. */
  addVideo(name: string, vertical: boolean): string {
    return this.add(name, 'video/mp4', () => fixtureClip(vertical ? '9x16' : '16x9'));
  }

  /** Registers a still preview image (used for 4K `imageUrls`). */
  addStill(name: string, vertical: boolean): string {
    const { width, height } = imageSize(vertical ? '9:16' : '16:9', '1K');
    return this.add(name, 'image/jpeg', () => renderImage(name, width, height, 'jpeg'));
  }

  async serve(name: string): Promise<RouteResult> {
    const entry = this.entries.get(name);
    if (!entry || Date.now() > entry.expiresAt) return raw(404, 'text/plain; charset=utf-8', 'Not Found');
    let bytes = this.cache.get(name);
    if (!bytes) {
      bytes = await entry.render();
      if (this.cache.size >= CACHE_LIMIT) {
        const oldest = this.cache.keys().next().value;
        if (oldest !== undefined) this.cache.delete(oldest);
      }
      this.cache.set(name, bytes);
    }
    return { kind: 'raw', status: 200, contentType: entry.contentType, body: bytes, headers: { 'cache-control': 'no-store' } };
  }

  /** POST /api/v1/common/download-url: only URLs of this simulator's files are accepted. */
  downloadUrl(url: unknown): RouteResult {
    if (url === undefined || url === null || url === '') return fail(422, 'url is required');
    const prefix = `${this.baseUrl()}/files/`;
    if (typeof url !== 'string' || !url.startsWith(prefix)) {
      return fail(422, 'url is invalid: only Kie-generated file URLs are supported');
    }
    const name = decodeURIComponent(url.slice(prefix.length).split(/[?#]/)[0] ?? '');
    const entry = this.entries.get(name);
    if (!entry || Date.now() > entry.expiresAt) return fail(404, 'file not found or expired');
    const token = randomBytes(12).toString('hex');
    this.links.set(token, { name, expiresAt: Date.now() + scaled(this.cfg, this.cfg.downloadUrlTtlMs) });
    return ok(`${this.baseUrl()}/dl/${token}/${encodeURIComponent(name)}`);
  }

  async serveLink(token: string): Promise<RouteResult> {
    const link = this.links.get(token);
    if (!link || Date.now() > link.expiresAt) return raw(404, 'text/plain; charset=utf-8', 'Not Found');
    return this.serve(link.name);
  }
}
