/**
 * Analysis activities (queue `ad-analysis`): Meta reads, metrics, scoring, hook choice and the
 * DB writes that go with them. The statistics live in learning/ (pure code, also run by HookBench);
 * these activities only move data between Meta, the DB and that code, and record what was decided:
 * meta-insights.ts pulls Meta's numbers, reconcile.ts takes Meta's word on live ads, plan.ts plans.
 */
import { recordCycle, recordFinding } from '../db/audit';
import type { Db } from '../db/client';
import { creativeIdOf } from '../db/creative-ids';
import type { CreativeStore } from '../db/creatives';
import type { PolicyName } from '../learning';
import type { Accounts } from './accounts';
import type { CreativeAction } from './budget-actions';
import { mapErrors } from './errors';
import { recordCycleMetrics } from './metrics';
import { pullInsights, type PulledInsights } from './meta-insights';
import { insightsLookbackDays } from './objectives';
import { planCycle, type PlanCtx } from './plan';
import { reconcileLive, type Reconciled } from './reconcile';
import { checkToken, type TokenHealth } from './token-check';

export type { Reconciled } from './reconcile';

/** What the analysis activities need, injected from workers/deps.ts. */
export interface AnalysisDeps {
  db: Db;
  creatives: CreativeStore;
  accounts: Accounts;
  lookbackDays: number;
  /** Pauses an account's schedule with a note (a Temporal client, injected by workers/deps.ts). */
  schedules?: { pause(accountId: string, note: string): Promise<'paused' | 'already-paused' | 'no-schedule'> };
  /** Days before a token's expiry that cycles warn (TOKEN_EXPIRY_WARN_DAYS). */
  tokenExpiryWarnDays?: number;
  creditUsd: number;
  now?: () => Date;
}

/** Input of fetchInsights. */
export interface FetchInsightsInput {
  accountId: string;
  cycleId: string;
}
/** What one insights pull stored. */
export interface FetchInsightsResult extends PulledInsights {
  /** Creatives whose state on Meta differed from ours (absent in histories recorded before). */
  reconciled?: Reconciled;
  /** The token's expiry and any warning about it (activities/token-check.ts). */
  token?: TokenHealth;
}

/** Input of recordSlotFailure. */
export interface RecordSlotFailureInput {
  accountId: string;
  cycleId: string;
  slot: number;
  hookId: string;
  format: 'image' | 'video';
  status: 'generation_failed' | 'launch_failed' | 'skipped';
  reason: string;
}

/** Input of planCycle: how many launches the cycle would like, and which policy chooses. */
export interface PlanCycleInput {
  accountId: string;
  cycleId: string;
  wanted: number;
  policy?: PolicyName;
  /** Restrict this cycle's launches to one format; absent = each hook's allowed formats. */
  format?: 'image' | 'video';
  /** Force every launch of this cycle to this hook (an operator's choice); absent = the policy chooses. */
  hookId?: string;
}
/** One launch slot chosen for this cycle. */
export interface PlannedSlot {
  slot: number;
  hookId: string;
  /** The hook's headline, for people reviewing the cycle (absent in plans recorded before). */
  headline?: string;
  format: 'image' | 'video';
  style?: string;
  sampledValue: number;
  reason: string;
}
export interface PlanCycleResult {
  policy: string;
  seed: string;
  slots: PlannedSlot[];
  skipped: Array<{ reason: string }>;
  actions: CreativeAction[];
  bestHook?: { hookId: string; probability: number };
  /** The first findings of the plan, as sentences (all of them are in the `findings` table). */
  findings: string[];
}

export interface RecordCycleResult {
  /** The account's spend today so far: Meta's reported media spend plus Kie generation, cents. */
  daySpendCents: number;
}

export function createAnalysisActivities(deps: AnalysisDeps) {
  const now = deps.now ?? (() => new Date());
  const ctx: PlanCtx = { db: deps.db, creatives: deps.creatives, accounts: deps.accounts, creditUsd: deps.creditUsd, now };

  return {
    /** Stores Meta's insights of the last days, then reconciles the live ads with what Meta says of them. */
    fetchInsights: ({ accountId, cycleId }: FetchInsightsInput): Promise<FetchInsightsResult> =>
      mapErrors(async () => {
        const account = deps.accounts(accountId);
        const meta = account.meta();
        const pulled = await pullInsights(deps.db, meta, accountId, now, insightsLookbackDays(account, deps.lookbackDays), account);
        const reconciled = await reconcileLive(ctx, meta, { accountId, cycleId });
        // After the reads: a dead token has already failed them with Graph's own message.
        const token = await checkToken(deps.db, account, meta, { cycleId }, now(), deps.tokenExpiryWarnDays ?? 14);
        return { ...pulled, reconciled, token };
      }),

    /**
     * Scores creatives and hooks, decides pauses/scales, chooses the hooks of this cycle's launches
     * (seeded by the cycle id, so a retry chooses the same), and writes findings and the audit trail.
     */
    planCycle: (input: PlanCycleInput): Promise<PlanCycleResult> => mapErrors(async () => planCycle(ctx, input)),

    /**
     * Records why a slot's creative did not go live (generation or launch failure, budget skip), when
     * the activity that failed could not write it itself (e.g. the API refused before any task existed).
     */
    recordSlotFailure: async ({ accountId, cycleId, slot, hookId, format, status, reason }: RecordSlotFailureInput): Promise<void> =>
      deps.creatives.slotFailed({ id: creativeIdOf(cycleId, slot), accountId, cycleId, slot, hookId, format, status, reason }),

    /**
     * Stops an account whose token Meta refuses (190, 10, 200, 368): its schedule is paused with the
     * reason in its note, so no later cycle meets the same refusal, and a finding says so.
     */
    stopAccount: async ({ accountId, cycleId, reason }: { accountId: string; cycleId: string; reason: string }): Promise<{ schedule: string }> => {
      const note = `stopped: ${reason}`.slice(0, 900) + ' (fix the token, then: npm run schedule -- unpause --account ' + accountId + ')';
      const schedule = deps.schedules ? await deps.schedules.pause(accountId, note) : 'no-schedule';
      recordFinding(deps.db, {
        accountId,
        cycleId,
        kind: 'account-stopped',
        subject: accountId,
        text: `${accountId} stopped (${schedule}): ${reason}`,
        confidence: 1,
        createdAt: now().toISOString(),
      });
      return { schedule };
    },

    /** Writes the cycle's final record (status and typed result) to the DB, and the account's metrics; answers the day's spend so far. */
    recordCycle: async (c: { accountId: string; cycleId: string; status: string; result: unknown }): Promise<RecordCycleResult> => {
      recordCycle(deps.db, c, now());
      const { caps } = deps.accounts(c.accountId);
      const cap = deps.creatives.spendCap(c.accountId, caps, deps.creditUsd);
      const slots = (c.result as { slots?: Array<{ status: string; format: string }> } | undefined)?.slots ?? [];
      recordCycleMetrics({
        accountId: c.accountId,
        outcome: c.status,
        launched: slots.filter((s) => s.status === 'launched'),
        liveAds: cap.liveAds,
        committedCents: cap.committedCents,
        capCents: caps.totalDailySpendCapCents,
        kieCreditsToday: cap.creditsToday,
      });
      return { daySpendCents: cap.spentCents };
    },
  };
}

export type AnalysisActivities = ReturnType<typeof createAnalysisActivities>;
