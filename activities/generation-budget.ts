/**
 * The Kie accounting of every paid generation (image or video). Before a submit, the day's Kie
 * credits, the account's daily spend cap (media and generation in one budget, the store's spend-cap
 * check) and the Kie balance are checked and the task intent recorded in one DB transaction, so
 * parallel slots cannot overbook a cap between the check and the record. After it, the task row
 * and the creative are settled together with the one cost rule (generationCost).
 */
import { ApplicationFailure } from '@temporalio/activity';
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import type { CreativeStore } from '../db/creatives';
import type { Queryable } from '../db/queryable';
import { generationTasks } from '../db/schema';
import { creditsToday, type SpendCapLimits } from '../db/spend-cap';
import type { NonRetryableType } from '../temporal-config/retry';
import type { AccountContext } from './accounts';
import { domainFailure, toFailure } from './errors';
import { generationCost, orphanNote, type GenerationCost } from './generation-cost';
import { KieApiError, type KieClient } from './ports/kie-client';

export { creditsToday, generationCostTodayCents, mediaCommittedTodayCents } from '../db/spend-cap';
export { generationCost, orphanNote, type GenerationCost } from './generation-cost';

export interface GenerationIntent {
  key: string;
  accountId: string;
  creativeId: string;
  model: string;
  estimatedCredits: number;
}
export interface CreditLimits {
  dailyCreditCap: number;
  minBalance: number;
  /** When set, a generation must leave room under the spend cap for itself and its launch. */
  spendCap?: SpendCapLimits;
}

/** The guard's limits for one account: its own credit and spend caps, the key's minimum balance. */
export function creditLimitsOf(account: AccountContext, minBalance: number): CreditLimits {
  return { dailyCreditCap: account.caps.kieDailyCreditCap, minBalance, spendCap: account.caps };
}

/** How a generation ends on the creative: generated with its file, or failed with why (none: the workflow says why). */
export type SettleOutcome = { status: 'generated'; filePath: string; kieTaskId?: string } | { status: 'generation_failed'; failReason: string };
/** The final state of a task row. */
export type TaskEnd = { state: 'success' | 'fail' | 'abandoned'; failReason?: string; resultUrl?: string };

export interface GenerationBooksDeps {
  db: Db;
  creatives: CreativeStore;
  creditUsd: number;
  now: () => Date;
}

/** The generation task recorded under this key (kieTaskKey), if any. */
export const generationTaskOf = (q: Queryable, key: string) => q.select().from(generationTasks).where(eq(generationTasks.key, key)).get();

/** The Kie accounting on one DB: the task rows here, the creatives through their store. */
export class GenerationBooks {
  constructor(private readonly deps: GenerationBooksDeps) {}

  /** The task row recorded under this key, if any. */
  task(key: string) {
    return generationTaskOf(this.deps.db, key);
  }

  /**
   * Records one Kie submit before it is sent, or refuses it (non-retryable GenerationBudgetExceeded,
   * creative skipped with the reason) when the credit cap, the spend cap or the minimum balance
   * would be crossed. The first submit inserts the task row; a resubmit (a retry after a submit
   * whose outcome is unknown) is a new paid task too, so it passes the same guard and adds one
   * task to the row: Kie offers no idempotency key nor task search to find the lost one.
   */
  async reserve(kie: KieClient, intent: GenerationIntent, limits: CreditLimits): Promise<void> {
    const balance = await kie.credits();
    // Check and record in one immediate transaction; a refusal is written after it (a throw inside would roll it back).
    const refused = this.deps.creatives.atomically((s, tx) => {
      const existing = generationTaskOf(tx, intent.key);
      if (existing?.taskId) return undefined; // a task is known: nothing to submit
      const why = this.budgetProblem(s, tx, intent, limits, balance);
      if (why) return { why, resubmit: !!existing };
      if (existing) {
        tx.update(generationTasks)
          .set({
            submitAttempts: sql`${generationTasks.submitAttempts} + 1`,
            estimatedCredits: sql`${generationTasks.estimatedCredits} + ${intent.estimatedCredits}`,
          })
          .where(eq(generationTasks.key, intent.key))
          .run();
      } else {
        tx.insert(generationTasks)
          .values({ ...intent, provider: 'kie', state: 'submitting', submitAttempts: 1, createdAt: this.deps.now().toISOString() })
          .run();
      }
      return undefined;
    }, 'immediate');
    if (refused) this.refuse(intent, refused, { balance });
  }

  /**
   * Sends a create counted by `reserve`. When Kie refused it (402, 422, 429, ...) no task exists,
   * so the submit is uncounted; a refusal no retry fixes ends the row as failed, still counting
   * earlier lost-response tasks. Lost or unreadable answers stay counted (the task may exist).
   */
  async submitCounted<T>(key: string, unitCredits: number, create: () => Promise<T>): Promise<T> {
    try {
      return await create();
    } catch (err) {
      if (!kieRefusedCreate(err)) throw err;
      this.deps.db
        .update(generationTasks)
        .set({
          submitAttempts: sql`max(${generationTasks.submitAttempts} - 1, 0)`,
          estimatedCredits: sql`max(${generationTasks.estimatedCredits} - ${unitCredits}, 0)`,
        })
        .where(eq(generationTasks.key, key))
        .run();
      const failure = toFailure(err);
      if (failure instanceof ApplicationFailure && failure.nonRetryable) {
        const cost = this.settle(key, { state: 'fail', failReason: (err as Error).message }, unitCredits);
        if (cost.orphans)
          throw domainFailure((failure.type ?? 'KieRequestRejected') as NonRetryableType, `${failure.message}${orphanNote(cost)}`, {
            code: (err as KieApiError).code,
            costCredits: cost.credits,
            costUsd: cost.usd,
          });
      }
      throw err;
    }
  }

  /** Kie accepted the task: its id goes on the task row and the creative before any waiting. */
  submitted(key: string, creativeId: string, taskId: string, extra: { callbackToken?: string } = {}): void {
    this.deps.creatives.atomically((s, tx) => {
      tx.update(generationTasks)
        .set({ taskId, state: 'submitted', ...extra })
        .where(eq(generationTasks.key, key))
        .run();
      s.taskSubmitted(creativeId, taskId);
    });
  }

  /**
   * Ends a generation: its task row gets the final state and its actual credits, and the creative
   * its cost (and its outcome), both from generationCost in one transaction.
   */
  settle(key: string, end: TaskEnd, unitCredits: number, outcome?: SettleOutcome): GenerationCost {
    const { creditUsd, now } = this.deps;
    return this.deps.creatives.atomically((s, tx) => {
      const row = generationTaskOf(tx, key);
      if (!row) throw domainFailure('NotFound', `no generation task recorded under ${key}`);
      const cost = generationCost({ ...row, state: end.state }, unitCredits, creditUsd);
      tx.update(generationTasks)
        .set({ ...end, actualCredits: cost.credits, completedAt: now().toISOString() })
        .where(eq(generationTasks.key, key))
        .run();
      if (outcome?.status === 'generated') s.generated(row.creativeId, cost, { filePath: outcome.filePath, kieTaskId: outcome.kieTaskId });
      else if (outcome) s.generationFailed(row.creativeId, cost, outcome.failReason);
      else s.costSettled(row.creativeId, cost);
      return cost;
    }, 'immediate');
  }

  /** Why this submit may not be paid for (today's committed credits already hold earlier submits), or undefined. */
  private budgetProblem(s: CreativeStore, tx: Queryable, intent: GenerationIntent, limits: CreditLimits, balance: number): string | undefined {
    const cap = limits.spendCap ? s.spendCap(intent.accountId, limits.spendCap, this.deps.creditUsd) : undefined;
    const spent = cap?.creditsToday ?? creditsToday(tx, intent.accountId, this.deps.now());
    const estimate = intent.estimatedCredits;
    if (spent + estimate > limits.dailyCreditCap) return `daily Kie credit cap: ${spent} committed today + ${estimate} > ${limits.dailyCreditCap}`;
    const overCap = cap?.generationProblem(estimate);
    if (overCap) return overCap;
    if (balance - estimate < limits.minBalance) return `Kie balance ${balance} - ${estimate} would go under the minimum ${limits.minBalance}`;
    return undefined;
  }

  /**
   * Refuses a submit: the creative is skipped with the reason. A refused resubmit closes its task
   * row as abandoned with the cost of the earlier submits whose responses were lost (assumed charged).
   */
  private refuse(intent: GenerationIntent, refused: { why: string; resubmit: boolean }, details: Record<string, unknown>): never {
    const { why } = refused;
    const cost = refused.resubmit
      ? this.settle(intent.key, { state: 'abandoned', failReason: `resubmit refused: ${why}` }, intent.estimatedCredits)
      : undefined;
    this.deps.creatives.generationSkipped(intent.creativeId, why);
    throw domainFailure('GenerationBudgetExceeded', `generation skipped: ${why}${orphanNote(cost)}`, {
      ...details,
      estimate: intent.estimatedCredits,
      costCredits: cost?.credits ?? 0,
      costUsd: cost?.usd ?? 0,
    });
  }
}

/** The Kie accounting on one DB. */
export const generationBooks = (deps: GenerationBooksDeps) => new GenerationBooks(deps);

/** Kie answered a create with an error of its own (not a lost or garbled answer): no task was made. */
function kieRefusedCreate(err: unknown): boolean {
  // 408 and 5xx may come after the task was made (a gateway timing out in front of Kie): unknown.
  return err instanceof KieApiError && err.code >= 400 && err.code < 500 && err.code !== 408;
}
