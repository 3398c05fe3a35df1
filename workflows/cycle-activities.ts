/**
 * The adCycle workflow's activity proxies: one per task queue and behaviour class, each with its
 * timeouts and retry policy declared once. Activities are imported as types only, so none of their
 * code enters the workflow bundle.
 */
import { ActivityCancellationType, proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { AnalysisActivities } from '../activities/analysis';
import type { CampaignActivities } from '../activities/campaign';
import type { ImageActivities } from '../activities/images';
import type { VideoActivities } from '../activities/video';
import { TaskQueues } from '../temporal-config/queues';
import { RETRY_NON_RETRYABLE } from '../temporal-config/retry';

const ANALYSIS_OPTIONS: ActivityOptions = {
  taskQueue: TaskQueues.analysis,
  startToCloseTimeout: '2m', // one paged insights pull or one scoring pass
  heartbeatTimeout: '1m',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 6, nonRetryableErrorTypes: [...RETRY_NON_RETRYABLE] },
};
export const analysisActs = proxyActivities<AnalysisActivities>(ANALYSIS_OPTIONS);
/** The same activities with a summary the Web UI shows on that one call (what it does, for which hook and slot). */
export const analysisActsWith = (summary: string) => proxyActivities<AnalysisActivities>({ ...ANALYSIS_OPTIONS, summary });
const IMAGE_OPTIONS: ActivityOptions = {
  taskQueue: TaskQueues.images,
  // Kie's own guidance: give up on a task after 10-15 min; the activity abandons at KIE_IMAGE_TIMEOUT_MS.
  startToCloseTimeout: '15m',
  heartbeatTimeout: '1m', // a dead worker is noticed within a minute and another one resumes the same task
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 5, nonRetryableErrorTypes: [...RETRY_NON_RETRYABLE] },
};
export const imageActs = proxyActivities<ImageActivities>(IMAGE_OPTIONS);
/** The same activities with a summary the Web UI shows on that one call (what it does, for which hook and slot). */
export const imageActsWith = (summary: string) => proxyActivities<ImageActivities>({ ...IMAGE_OPTIONS, summary });
const CAMPAIGN_OPTIONS: ActivityOptions = {
  taskQueue: TaskQueues.campaign,
  startToCloseTimeout: '5m',
  heartbeatTimeout: '2m',
  // Throttling comes back with its own nextRetryDelay; everything else backs off up to 2 min.
  retry: { initialInterval: '3s', backoffCoefficient: 2, maximumInterval: '2m', maximumAttempts: 8, nonRetryableErrorTypes: [...RETRY_NON_RETRYABLE] },
};
export const campaignActs = proxyActivities<CampaignActivities>(CAMPAIGN_OPTIONS);
/** The same activities with a summary the Web UI shows on that one call (what it does, for which hook and slot). */
export const campaignActsWith = (summary: string) => proxyActivities<CampaignActivities>({ ...CAMPAIGN_OPTIONS, summary });

const VIDEO_OPTIONS: ActivityOptions = {
  taskQueue: TaskQueues.video,
  startToCloseTimeout: '2m', // submit and finish are single calls (+ a download)
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 6, nonRetryableErrorTypes: [...RETRY_NON_RETRYABLE] },
};
export const videoActs = proxyActivities<VideoActivities>(VIDEO_OPTIONS);
/** The same activities with a summary the Web UI shows on that one call (what it does, for which hook and slot). */
export const videoActsWith = (summary: string) => proxyActivities<VideoActivities>({ ...VIDEO_OPTIONS, summary });
const VIDEOWAIT_OPTIONS: ActivityOptions = {
  taskQueue: TaskQueues.video,
  summary: 'Waiting for the Veo 3.1 video (Kie.ai)',
  // The activity gives up itself at VEO_WAIT_LIMIT_MS (15 min by default); this is the backstop.
  startToCloseTimeout: '20m',
  // It heartbeats every 2 s: a killed worker is noticed in 20 s and the retry resumes the SAME Kie task.
  heartbeatTimeout: '20s',
  // A callback ends the wait: do not wait for the activity to acknowledge its cancellation.
  cancellationType: ActivityCancellationType.TRY_CANCEL,
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 20, nonRetryableErrorTypes: [...RETRY_NON_RETRYABLE] },
};
export const videoWait = proxyActivities<Pick<VideoActivities, 'awaitVideo'>>(VIDEOWAIT_OPTIONS);
/** The same activities with a summary the Web UI shows on that one call (what it does, for which hook and slot). */
export const videoWaitWith = (summary: string) => proxyActivities<Pick<VideoActivities, 'awaitVideo'>>({ ...VIDEOWAIT_OPTIONS, summary });
