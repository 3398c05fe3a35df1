/**
 * Task-queue names and workflow ids, shared by workers, client and tests. Pure constants: workflows
 * may import this module.
 *
 * Every queue carries no account id (one worker fleet can serve several accounts), but every
 * workflow id, schedule id and Meta object name carries the ad account id so more accounts can be
 * added later without collisions.
 */
export const TaskQueues = {
  /** adCycle workflow tasks only (no activities). */
  orchestrator: 'ad-orchestrator',
  /** Meta reads, metrics, scoring, hook choice, DB writes. */
  analysis: 'ad-analysis',
  /** Kie.ai Nano Banana image generation and overlay rendering. */
  images: 'ad-images',
  /** Kie.ai Veo 3.1 video generation (video issue). */
  video: 'ad-video',
  /** Meta writes: campaign, ad set, creative, ad, pause/scale. */
  campaign: 'ad-campaign',
} as const;
export type TaskQueueName = (typeof TaskQueues)[keyof typeof TaskQueues];

export const WORKFLOW_TYPE = 'adCycleWorkflow';

export const scheduleId = (accountId: string) => `ad-cycle-${accountId}`;
/** Workflow id of schedule-started runs; Temporal appends the scheduled time to keep each run unique. */
export const scheduledWorkflowId = (accountId: string) => `ad-cycle-${accountId}`;
/** Workflow id of a manual run (npm run cycle): the account plus a caller-chosen suffix. */
export const manualWorkflowId = (accountId: string, suffix: string) => `ad-cycle-${accountId}-manual-${suffix}`;
