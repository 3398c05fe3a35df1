/**
 * Input, result and message types of the adCycle workflow, with the zod schemas that validate them
 * at the boundary (workflow start, signals, updates). Pure: imported by the workflow bundle and by
 * the client alike.
 */
import { z } from 'zod';
import type { FetchInsightsResult } from '../activities/analysis';
import type { RootCause } from './failure';

import { POLICIES } from '../temporal-config/policies';

export { POLICIES };

export const AdCycleInputSchema = z
  .object({
    /** The Meta ad account, `act_<digits>`. */
    accountId: z.string().regex(/^act_\d+$/, 'must look like act_<digits>'),
    /** Creatives to make and launch this cycle (ADS_PER_RUN); caps may allow fewer. */
    adsPerRun: z.number().int().min(0).max(10).default(1),
    /** Start with launches paused (insights are still collected). */
    launchesPaused: z.boolean().default(false),
    /** How long a paused cycle waits for a resume before skipping its launches (Temporal duration). */
    pauseWaitLimit: z
      .string()
      .regex(/^\d+(ms|s|m|h)$/, 'a duration like 30s, 10m or 1h')
      .default('10m'),
    /** Hook-choice policy; the learning module's default when absent. */
    policy: z.enum(POLICIES).optional(),
    /** Force every launch of this cycle to one format; absent = VIDEO_SHARE decides per launch. */
    format: z.enum(['image', 'video']).optional(),
    /** Force every launch of this cycle to one hook of the account's library; absent = the policy chooses. */
    hookId: z
      .string()
      .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'a hook id from the hook library, e.g. "free-trial-urgency"')
      .optional(),
    /**
     * The approval gate: when set, each generated creative waits for a person to approve or reject
     * it (decideLaunch update or signal) before it may launch; after `timeout`, `onTimeout` decides.
     */
    approval: z
      .object({
        timeout: z.string().regex(/^\d+(ms|s|m|h)$/, 'a duration like 30s, 10m or 1h'),
        onTimeout: z.enum(['skip', 'approve']),
      })
      .strict()
      .optional(),
  })
  .strict();
export type AdCycleInput = z.input<typeof AdCycleInputSchema>;
export type AdCycleParams = z.output<typeof AdCycleInputSchema>;

/** A person's decision on a creative waiting at the approval gate. */
export const DecideLaunchSchema = z
  .object({ slot: z.number().int().min(0), approve: z.boolean(), by: z.string().max(100).optional(), reason: z.string().max(500).optional() })
  .strict();
export type DecideLaunchArgs = z.infer<typeof DecideLaunchSchema>;

export const SetLaunchesPausedSchema = z.object({ paused: z.boolean(), reason: z.string().max(500).optional() }).strict();
/** The pauseLaunches signal's optional argument. */
export const PauseLaunchesSchema = z
  .object({ reason: z.string().max(500).optional() })
  .strict()
  .optional();
export type SetLaunchesPausedArgs = z.infer<typeof SetLaunchesPausedSchema>;

export type CycleStage =
  | 'starting'
  | 'insights'
  | 'planning'
  | 'optimizing'
  | 'paused'
  | 'generating'
  | 'waiting-for-video'
  | 'launching'
  | 'awaiting-approval'
  | 'recording'
  | 'done'
  | 'failed';

/** Kie's completion callback, relayed by the callback endpoint as a signal. */
export const KieCallbackSchema = z.object({ slot: z.number().int().min(0), taskId: z.string().min(1), code: z.number().int() }).strict();
export type KieCallbackArgs = z.infer<typeof KieCallbackSchema>;
export type SlotStatus =
  'planned' | 'generating' | 'generated' | 'awaiting_approval' | 'launching' | 'launched' | 'generation_failed' | 'launch_failed' | 'skipped';

/** One creative slot of a cycle and what became of it. */
export interface SlotResult {
  slot: number;
  hookId: string;
  headline?: string;
  format: 'image' | 'video';
  status: SlotStatus;
  creativeId?: string;
  reason?: string;
  kieTaskId?: string;
  /** How the video wait ended: Kie's callback, or polling. */
  videoWaitEndedBy?: 'callback' | 'polling';
  costUsd?: number;
  filePath?: string;
  /** The Veo clip's URL (video slots). */
  videoUrl?: string;
  /** At the approval gate: when the wait ends by itself (ISO), and the decision taken. */
  approvalDeadline?: string;
  approval?: { approved: boolean; by: string; reason?: string };
  meta?: { campaignId: string; adsetId: string; adCreativeId: string; adId: string };
}

/** What the status query answers. */
export interface CycleStatus {
  cycleId: string;
  accountId: string;
  stage: CycleStage;
  launchesPaused: boolean;
  pauseReason?: string;
  slots: SlotResult[];
  /** Why the cycle failed, and at which stage (its root cause, Graph code included). */
  failure?: CycleFailure;
}

/** The root cause of a failed cycle, as the status query, `cycles` and `npm run cycle` show it. */
export interface CycleFailure extends RootCause {
  stage: CycleStage;
}

export type CycleOutcome = 'launched' | 'partial' | 'nothing-launched' | 'no-capacity' | 'paused' | 'insights-only';

/** The typed result of one cycle. */
export interface AdCycleResult {
  cycleId: string;
  accountId: string;
  status: 'completed';
  outcome: CycleOutcome;
  startedAt: string;
  finishedAt: string;
  insights: FetchInsightsResult;
  policy: string;
  bestHook?: { hookId: string; probability: number };
  findings: string[];
  decisions: string[];
  slots: SlotResult[];
  created: { campaignIds: string[]; adsetIds: string[]; adCreativeIds: string[]; adIds: string[] };
  generationCostUsd: number;
}

/** Formats zod issues as `field: message` lines, the error users see. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`).join('; ');
}
