/**
 * A video creative's clip on Meta: uploaded once by URL (Meta fetches Kie's result file itself;
 * looked up by title after a crash, since the edge takes no name filter), then waited for until
 * Meta has processed it and offers a thumbnail.
 */
import { ApplicationFailure, heartbeat, sleep } from '@temporalio/activity';
import type { Db } from '../db/client';
import { kieTaskKey, metaEffect } from '../db/creative-ids';
import { domainFailure } from './errors';
import { generationTaskOf } from './generation-budget';
import { ensureCreated, type EnsureOptions } from './ledger';
import type { MetaClient } from './ports/meta-client';

/** How long to wait for Meta to process an uploaded video, and how often to look. */
export interface MetaVideoWait {
  waitLimitMs: number;
  pollMs: number;
}

/** Uploads the creative's Veo clip once (found by title after a crash); returns the Meta video id. */
export async function ensureVideo(
  db: Db,
  meta: MetaClient,
  c: { accountId: string; creativeId: string; hookId: string },
  opts: EnsureOptions,
): Promise<string> {
  const task = generationTaskOf(db, kieTaskKey(c.creativeId, 'video'));
  const fileUrl = task?.resultUrl;
  if (!fileUrl) throw domainFailure('InvalidInput', `creative ${c.creativeId} has no generated video URL`);
  const effect = metaEffect(c.accountId, c.creativeId, c.hookId, 'video');
  const title = effect.name;
  const video = await ensureCreated(
    db,
    effect,
    async () => (await meta.findVideosByTitle(c.accountId, title))[0],
    async () => (await meta.uploadVideoFromUrl(c.accountId, { fileUrl, title })).id,
    opts,
  );
  return video.id;
}

/** Waits (heartbeating) until Meta has processed the video and offers a thumbnail; returns its URL. */
export async function waitForVideo(meta: MetaClient, videoId: string, wait: MetaVideoWait = { waitLimitMs: 600_000, pollMs: 3_000 }): Promise<string> {
  const deadline = Date.now() + wait.waitLimitMs;
  while (Date.now() < deadline) {
    const status = await meta.videoStatus(videoId);
    if (status === 'ready') {
      const thumbs = await meta.videoThumbnails(videoId);
      const best = thumbs.find((t) => t.is_preferred) ?? thumbs[0];
      if (best) return best.uri;
    } else if (status !== 'processing') {
      throw domainFailure('MetaRequestRejected', `Meta could not process video ${videoId}: status ${status}`);
    }
    heartbeat({ videoId, status });
    await sleep(wait.pollMs);
  }
  throw ApplicationFailure.retryable(`video ${videoId} still processing after ${wait.waitLimitMs} ms`, 'MetaVideoProcessing');
}
