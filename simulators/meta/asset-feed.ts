// asset_feed_spec checks (reference 3.5, briefly): assets exist in the account, videos are ready
// and have thumbnails, and customization rules only reference labels that assets carry
// (2446173); one title per rule label (1885878).
import type { RequestCtx } from './context';
import { invalidParam } from './errors';
import type { Account, Json } from './store';
import { isVideoReady } from './video-status';

const AD_FORMATS = ['SINGLE_IMAGE', 'SINGLE_VIDEO', 'CAROUSEL', 'CAROUSEL_IMAGE', 'CAROUSEL_VIDEO', 'AUTOMATIC_FORMAT'];

const list = (v: unknown): Json[] => (Array.isArray(v) ? (v.filter((x) => typeof x === 'object' && x) as Json[]) : []);
const labels = (asset: Json): string[] => list(asset.adlabels).map((l) => String(l.name));

export function checkAssetFeed(ctx: RequestCtx, account: Account, spec: Json): void {
  const store = ctx.world.store;
  const known = new Set<string>();
  for (const img of list(spec.images)) {
    const found = store.imageByHash(account.accountId, String(img.hash));
    if (!found || found.status !== 'ACTIVE') throw invalidParam(`asset_feed_spec image hash ${String(img.hash)} does not exist in this ad account.`);
    labels(img).forEach((l) => known.add(l));
  }
  for (const vid of list(spec.videos)) {
    const v = store.get('advideo', String(vid.video_id));
    if (!v || v.accountId !== account.accountId || !isVideoReady(v, ctx.now)) {
      throw invalidParam(`asset_feed_spec video ${String(vid.video_id)} does not exist in this ad account or is not ready.`);
    }
    if (vid.thumbnail_hash === undefined && vid.thumbnail_url === undefined) {
      throw invalidParam('Your ad needs a video thumbnail', { subcode: 1443226, userTitle: 'Video Thumbnail Missing' });
    }
    labels(vid).forEach((l) => known.add(l));
  }
  const formats = spec.ad_formats;
  if (formats !== undefined && (!Array.isArray(formats) || formats.some((f) => !AD_FORMATS.includes(String(f))))) {
    throw invalidParam(`Param asset_feed_spec[ad_formats] must contain only {${AD_FORMATS.join(', ')}}`);
  }
  const titleLabels = list(spec.titles).flatMap(labels);
  for (const rule of list(spec.asset_customization_rules)) {
    for (const key of ['image_label', 'video_label']) {
      const label = rule[key] as Json | undefined;
      if (label && !known.has(String(label.name))) {
        throw invalidParam(`Label ${String(label.name)} in asset_customization_rules does not match any asset's adlabels.`, {
          subcode: 2446173,
        });
      }
    }
    const title = rule.title_label as Json | undefined;
    if (title && titleLabels.filter((l) => l === String(title.name)).length > 1) {
      throw invalidParam('Each customization rule can use only one title.', { subcode: 1885878 });
    }
  }
}
