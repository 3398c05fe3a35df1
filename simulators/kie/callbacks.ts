/**
 * Callback delivery (§6, §10.4). One POST per terminal state by default; modes:
 *   once          deliver right when the poll shows the terminal state
 *   drop          never deliver (nothing is recorded: there was no attempt)
 *   duplicate     deliver twice
 *   late          deliver lateCallbackMs (documented, scaled) after the terminal state
 *   badSignature  deliver once with a wrong X-Webhook-Signature
 * HMAC headers (§6.3) are added when webhookHmacKey is set. No retries (Kie's policy is
 * undocumented). A receiver that is down or slow only produces a recorded 'error'.
 */
import { createHmac } from 'node:crypto';
import { type ResolvedConfig, scaled } from './config';
import type { CallbackMode, KieCallbackRecord } from './types';

const MIN_TIMEOUT_REAL_MS = 1000;

export class CallbackSender {
  readonly records: KieCallbackRecord[] = [];
  mode: CallbackMode;
  private readonly inflight = new Set<AbortController>();
  private closed = false;

  constructor(
    private readonly cfg: ResolvedConfig,
    private readonly after: (realMs: number, fn: () => void) => void,
  ) {
    this.mode = cfg.callbackMode;
  }

  /** Schedules delivery of `body` for `taskId` according to the current mode. */
  deliver(taskId: string, url: string, body: unknown): void {
    const mode = this.mode;
    switch (mode) {
      case 'drop':
        this.cfg.logger.info({ taskId, url }, 'kie-sim: callback dropped');
        return;
      case 'late':
        this.after(scaled(this.cfg, this.cfg.lateCallbackMs), () => void this.post(taskId, url, body, false));
        return;
      case 'duplicate':
        void this.post(taskId, url, body, false).then(() => this.post(taskId, url, body, false));
        return;
      case 'badSignature':
        void this.post(taskId, url, body, true);
        return;
      case 'once':
        void this.post(taskId, url, body, false);
        return;
    }
  }

  abortAll(): void {
    this.closed = true;
    for (const c of this.inflight) c.abort();
    this.inflight.clear();
  }

  private headers(taskId: string, badSignature: boolean): Record<string, string> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const key = this.cfg.webhookHmacKey;
    if (!key && !badSignature) return headers;
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signingKey = badSignature ? `not-${key ?? 'the-key'}` : (key as string);
    headers['x-webhook-timestamp'] = timestamp;
    headers['x-webhook-signature'] = signWebhook(signingKey, taskId, timestamp);
    return headers;
  }

  private async post(taskId: string, url: string, body: unknown, badSignature: boolean): Promise<void> {
    if (this.closed) return;
    const headers = this.headers(taskId, badSignature);
    const record: KieCallbackRecord = { taskId, url, status: 'error', at: Date.now(), body, headers };
    this.records.push(record);
    const controller = new AbortController();
    this.inflight.add(controller);
    const timeoutMs = Math.max(MIN_TIMEOUT_REAL_MS, scaled(this.cfg, this.cfg.callbackTimeoutMs));
    const timer = setTimeout(() => controller.abort(new Error(`callback timed out after ${timeoutMs} ms`)), timeoutMs);
    try {
      const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body), signal: controller.signal });
      record.status = res.status;
      await res.arrayBuffer().catch(() => undefined);
      this.cfg.logger.info({ taskId, url, status: res.status }, 'kie-sim: callback delivered');
    } catch (err) {
      record.status = 'error';
      record.error = err instanceof Error ? err.message : String(err);
      this.cfg.logger.warn({ taskId, url, err: record.error }, 'kie-sim: callback failed');
    } finally {
      clearTimeout(timer);
      this.inflight.delete(controller);
    }
  }
}

/** base64(HMAC-SHA256(key, `${taskId}.${timestamp}`)) per §6.3. */
export function signWebhook(key: string, taskId: string, timestamp: string): string {
  return createHmac('sha256', key).update(`${taskId}.${timestamp}`).digest('base64');
}
