// Video processing as a pure function of sim time: upload -> processing -> ready | error,
// rendered in the `status` shape of reference 3.4. Thumbnails appear a few sim seconds after
// the bytes are complete.
import type { AdVideo } from './store';

const THUMBNAIL_DELAY_MS = 5_000;

export interface VideoStatusView {
  video_status: 'processing' | 'ready' | 'error';
  uploading_phase: Record<string, unknown>;
  processing_phase: Record<string, unknown>;
  publishing_phase: Record<string, unknown>;
  processing_progress: number;
}

export function videoStatus(v: AdVideo, now: number): VideoStatusView {
  if (v.uploadedAt === undefined || v.readyAt === undefined) {
    return {
      video_status: 'processing',
      uploading_phase: { status: 'in_progress', bytes_transferred: v.session?.received ?? 0 },
      processing_phase: { status: 'not_started' },
      publishing_phase: { status: 'not_started' },
      processing_progress: 0,
    };
  }
  if (now < v.readyAt) {
    const span = Math.max(1, v.readyAt - v.uploadedAt);
    return {
      video_status: 'processing',
      uploading_phase: { status: 'complete' },
      processing_phase: { status: 'in_progress' },
      publishing_phase: { status: 'not_started' },
      processing_progress: Math.min(99, Math.floor((100 * (now - v.uploadedAt)) / span)),
    };
  }
  if (v.fails) {
    return {
      video_status: 'error',
      uploading_phase: { status: 'complete' },
      processing_phase: {
        status: 'error',
        error: { message: 'Video processing failed: the file could not be decoded (simulated).' },
      },
      publishing_phase: { status: 'not_started' },
      processing_progress: 0,
    };
  }
  return {
    video_status: 'ready',
    uploading_phase: { status: 'complete' },
    processing_phase: { status: 'complete' },
    publishing_phase: { status: 'complete' },
    processing_progress: 100,
  };
}

export function isVideoReady(v: AdVideo, now: number): boolean {
  return !v.deleted && videoStatus(v, now).video_status === 'ready';
}

export function videoThumbnails(v: AdVideo, now: number): Array<Record<string, unknown>> {
  if (v.uploadedAt === undefined || now < v.uploadedAt + THUMBNAIL_DELAY_MS || v.fails) return [];
  return [0, 1, 2].map((i) => ({
    id: `${v.id}${i}`,
    uri: `https://scontent.sim.fbcdn.net/v/t15.5256-10/${v.id}_${i}_n.jpg`,
    is_preferred: i === 0,
    width: 1080,
    height: 1920,
    scale: 1,
  }));
}
