/**
 * The launch chain on Meta: campaign -> ad set -> (picture or clip) -> ad creative -> ad, all
 * PAUSED, each create idempotent through the ledger (deterministic name + key recorded first, a
 * retry looks the object up by name), then switched on from the leaves up so nothing delivers
 * half-built. The caller has reserved the budget (the launch guard) and records the result.
 */
import { heartbeat } from '@temporalio/activity';
import { readFile } from 'node:fs/promises';
import type { Db } from '../db/client';
import { imageUploadName, metaEffect, metaName, type MetaObjectKind } from '../db/creative-ids';
import type { CreativeRow, CreativeStore, LaunchedObjects } from '../db/creatives';
import type { Hook } from '../learning/hook-library';
import type { AccountContext } from './accounts';
import { ensureCreated, type EnsureOptions } from './ledger';
import { adSetSpec, adSpec, campaignSpec, creativeSpec, imageStorySpec, videoStorySpec } from './meta-objects';
import { ensureVideo, waitForVideo, type MetaVideoWait } from './meta-video';
import type { Edge, MetaClient } from './ports/meta-client';

/** What a launch needs besides the creative: the DB (ledger), the store, and how to wait and look up. */
export interface LaunchCtx {
  db: Db;
  creatives: CreativeStore;
  metaVideo?: MetaVideoWait;
  /** Ledger options of one Meta create (its lookup window), by object kind. */
  ensureOpts: (kind: MetaObjectKind) => EnsureOptions;
}

/** Ids of the chain, and the picture's hash or the clip's id. */
export type LaunchedChain = LaunchedObjects & { imageHash?: string; videoId?: string };

/** Creates (or finds) the whole chain for a generated creative at `budgetCents` a day, and switches it on. */
export async function launchChain(
  ctx: LaunchCtx,
  account: AccountContext,
  meta: MetaClient,
  row: CreativeRow & { filePath: string },
  hook: Hook,
  budgetCents: number,
): Promise<LaunchedChain> {
  const accountId = account.id;
  const name = (kind: MetaObjectKind) => metaName(row.id, hook.id, kind);
  const ensure = async (kind: MetaObjectKind, edge: Edge, create: () => Promise<{ id: string }>) => {
    const byName = async () => (await meta.findByName(accountId, edge, name(kind)))[0]?.id;
    const made = await ensureCreated(ctx.db, metaEffect(accountId, row.id, hook.id, kind), byName, async () => (await create()).id, ctx.ensureOpts(kind));
    heartbeat(kind);
    return made.id;
  };

  const campaignId = await ensure('campaign', 'campaigns', () => meta.createCampaign(accountId, campaignSpec(name('campaign'), account)));
  const adsetId = await ensure('adset', 'adsets', () => meta.createAdSet(accountId, adSetSpec(name('adset'), campaignId, budgetCents, account)));
  const { media, storySpec } = await creativeMedia(ctx, meta, account, row, hook);
  const adCreativeId = await ensure('creative', 'adcreatives', () => meta.createCreative(accountId, creativeSpec(name('creative'), storySpec)));
  const adId = await ensure('ad', 'ads', () => meta.createAd(accountId, adSpec(name('ad'), adsetId, adCreativeId)));
  // The chain exists: switch it on from the leaves up, so nothing delivers half-built.
  await meta.setStatus(adId, 'ACTIVE');
  await meta.setStatus(adsetId, 'ACTIVE');
  await meta.setStatus(campaignId, 'ACTIVE');
  return { campaignId, adsetId, adCreativeId, adId, ...media };
}

/** The creative's media on Meta (the clip processed, or the picture uploaded) and the story around it. */
async function creativeMedia(ctx: LaunchCtx, meta: MetaClient, account: AccountContext, row: CreativeRow & { filePath: string }, hook: Hook) {
  if (row.format === 'video') {
    const videoId = await ensureVideo(ctx.db, meta, { accountId: account.id, creativeId: row.id, hookId: hook.id }, ctx.ensureOpts('video'));
    const thumbnail = await waitForVideo(meta, videoId, ctx.metaVideo);
    return { media: { videoId }, storySpec: videoStorySpec(account, hook, videoId, thumbnail) };
  }
  // Same bytes give the same hash, so a re-upload after a crash is harmless.
  const imageHash = row.metaImageHash ?? (await meta.uploadImage(account.id, imageUploadName(row.id), await readFile(row.filePath)));
  ctx.creatives.imageUploaded(row.id, imageHash);
  return { media: { imageHash }, storySpec: imageStorySpec(account, hook, imageHash) };
}
