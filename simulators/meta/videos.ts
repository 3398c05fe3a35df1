// POST /act_{id}/advideos (reference 3.4): simple upload (`source` file or `file_url`) and the
// resumable start/transfer/finish protocol. A transfer at the wrong offset fails with
// 6001/1363037 carrying the offsets to resume from. Processing then runs in sim time.
import type { RequestCtx } from './context';
import { GraphError, invalidParam, missingParam } from './errors';
import type { Account, AdVideo } from './store';

const FORCE_ERROR_TOKEN = 'sim-video-error';

function beginProcessing(ctx: RequestCtx, v: AdVideo, hint: string): void {
  const { opts, rng } = ctx.world;
  const [min, max] = opts.videoProcessingSimMs;
  v.uploadedAt = ctx.now;
  v.readyAt = ctx.now + Math.round(rng.uniform(min, max));
  v.fails = hint.includes(FORCE_ERROR_TOKEN) || rng.chance(opts.videoErrorRate);
  v.updatedAt = ctx.now;
}

function newVideo(ctx: RequestCtx, account: Account, sizeBytes: number): AdVideo {
  const p = ctx.params;
  return ctx.world.store.add<AdVideo>({
    kind: 'advideo',
    id: ctx.world.store.nextId(),
    accountId: account.accountId,
    createdAt: ctx.now,
    updatedAt: ctx.now,
    title: p.string('title') ?? p.string('name'),
    description: p.string('description'),
    fails: false,
    sizeBytes,
    deleted: false,
  });
}

function sessionVideo(ctx: RequestCtx, account: Account): AdVideo {
  const sessionId = ctx.params.string('upload_session_id');
  if (!sessionId) throw missingParam('upload_session_id');
  const video = ctx.world.store.all('advideo').find((v) => v.session?.id === sessionId && v.accountId === account.accountId);
  if (!video?.session) throw invalidParam(`Invalid upload_session_id ${sessionId}.`);
  return video;
}

function uploadError(start: number, end: number): GraphError {
  return new GraphError({
    code: 6001,
    subcode: 1363037,
    message: 'There was a problem uploading your video. Please try again.',
    noPrefix: true,
    userTitle: 'Error Uploading Video',
    userMsg: 'There was a problem uploading your video. Please try uploading it again.',
    errorData: { start_offset: start, end_offset: end },
  });
}

export function uploadVideo(ctx: RequestCtx, account: Account): unknown {
  const p = ctx.params;
  const chunk = ctx.world.opts.videoChunkBytes;
  const phase = p.enumOf('upload_phase', ['start', 'transfer', 'finish', 'cancel']);

  if (phase === 'start') {
    const size = p.int('file_size');
    if (size === undefined) throw missingParam('file_size');
    if (size <= 0) throw invalidParam('Param file_size must be a positive number of bytes.');
    const v = newVideo(ctx, account, size);
    v.session = { id: ctx.world.store.nextId(), fileSize: size, received: 0 };
    return {
      video_id: v.id,
      upload_session_id: v.session.id,
      start_offset: '0',
      end_offset: String(Math.min(chunk, size)),
    };
  }
  if (phase === 'transfer') {
    const v = sessionVideo(ctx, account);
    const s = v.session!;
    const start = p.int('start_offset');
    if (start === undefined) throw missingParam('start_offset');
    const file = p.file('video_file_chunk');
    if (!file) throw missingParam('video_file_chunk');
    if (start !== s.received || s.received + file.data.length > s.fileSize || v.uploadedAt !== undefined) {
      throw uploadError(s.received, Math.min(s.received + chunk, s.fileSize));
    }
    s.received += file.data.length;
    v.updatedAt = ctx.now;
    return { start_offset: String(s.received), end_offset: String(Math.min(s.received + chunk, s.fileSize)) };
  }
  if (phase === 'finish') {
    const v = sessionVideo(ctx, account);
    const s = v.session!;
    if (s.received < s.fileSize) throw uploadError(s.received, Math.min(s.received + chunk, s.fileSize));
    const title = p.string('title');
    if (title !== undefined) v.title = title;
    if (v.uploadedAt === undefined) beginProcessing(ctx, v, `${v.title ?? ''}`);
    return { success: true };
  }
  if (phase === 'cancel') {
    const v = sessionVideo(ctx, account);
    v.deleted = true;
    return { success: true };
  }

  const source = p.file('source');
  const fileUrl = p.string('file_url');
  if (!source && !fileUrl) throw missingParam('source');
  if (fileUrl !== undefined && !/^https?:\/\/[^\s/]+/.test(fileUrl)) {
    throw invalidParam('Param file_url must be a public http(s) URL that Meta can download.');
  }
  if (source && source.data.length === 0) throw invalidParam('The uploaded video file is empty.');
  const v = newVideo(ctx, account, source ? source.data.length : 5_000_000);
  beginProcessing(ctx, v, `${v.title ?? ''} ${fileUrl ?? ''} ${source?.filename ?? ''}`);
  return { id: v.id };
}
