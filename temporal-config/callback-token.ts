/**
 * The per-task token carried in Kie's callback URL when Kie's webhook signature is not enabled.
 * Computed by the video activity when it submits a task and checked by the callback endpoint, so
 * both import it from here (a pure function of the secret, the workflow id and the slot).
 */
import { createHmac } from 'node:crypto';

export function callbackToken(secret: string, workflowId: string, slot: number): string {
  return createHmac('sha256', secret).update(`${workflowId}:${slot}`).digest('hex').slice(0, 32);
}
