/**
 * The creative store: the one owner of a creative's lifecycle. Every status a creative takes, and
 * every Meta object or Kie task recorded on it, is written here by a named transition checked
 * against the table in creative-lifecycle.ts (an illegal one throws). It also gives the id
 * builders (creative-ids.ts) and THE spend-cap check (spend-cap.ts) that planning, the generation
 * guard and the launch guard all use. Built once per DB by workers/deps.ts and injected into every
 * activity factory; `atomically` makes a transition part of a caller's transaction.
 */
import { and, eq, gte, inArray, isNotNull } from 'drizzle-orm';
import type { Db } from './client';
import {
  checkTransition,
  targetOf,
  type CreativeCost,
  type CreativeRow,
  type CreativeStatus,
  type CreativeTransition,
  type LaunchedObjects,
  type LaunchReservation,
  type NewCreative,
} from './creative-lifecycle';
import type { Queryable } from './queryable';
import { budgetEdits, creatives } from './schema';
import { spendCapOf, type SpendCap, type SpendCapLimits } from './spend-cap';

export * from './creative-ids';
export {
  CREATIVE_TRANSITIONS,
  IllegalCreativeTransition,
  type CreativeCost,
  type CreativeRow,
  type CreativeStatus,
  type CreativeTransition,
} from './creative-lifecycle';
export type { LaunchedObjects, LaunchReservation, NewCreative } from './creative-lifecycle';
export type { SpendCap, SpendCapLimits } from './spend-cap';
type CreativeFields = Partial<Omit<typeof creatives.$inferInsert, 'id' | 'status'>>;

export class CreativeStore {
  constructor(
    private readonly q: Queryable,
    private readonly now: () => Date = () => new Date(),
    /** True for the store `atomically` hands out: its moves are already inside a transaction. */
    private readonly inTransaction = false,
  ) {}

  /** Runs `fn` in one transaction (IMMEDIATE when a check must not race another writer). */
  atomically<T>(fn: (store: CreativeStore, tx: Queryable) => T, behavior?: 'immediate'): T {
    return this.q.transaction((tx) => fn(new CreativeStore(tx, this.now, true), tx), behavior ? { behavior } : undefined);
  }

  get(id: string): CreativeRow | undefined {
    return this.q.select().from(creatives).where(eq(creatives.id, id)).get();
  }

  /** The account's creatives in these statuses (only those with a Meta ad when `withAd`). */
  ofAccount(accountId: string, statuses: CreativeStatus[], opts: { withAd?: boolean } = {}): CreativeRow[] {
    const conds = [eq(creatives.accountId, accountId), inArray(creatives.status, statuses)];
    if (opts.withAd) conds.push(isNotNull(creatives.metaAdId));
    return this.q
      .select()
      .from(creatives)
      .where(and(...conds))
      .all();
  }

  /** THE spend-cap check for an account, on today's figures (see spend-cap.ts). */
  spendCap(accountId: string, limits: SpendCapLimits, creditUsd: number): SpendCap {
    return spendCapOf(this.q, accountId, limits, creditUsd, this.now());
  }

  /** Budget edits per ad set in the last hour (Meta allows META_MAX_BUDGET_EDITS_PER_HOUR). */
  budgetEditsLastHour(accountId: string): Record<string, number> {
    const hourAgo = new Date(this.now().getTime() - 3_600_000).toISOString();
    const edits = this.q
      .select()
      .from(budgetEdits)
      .where(and(eq(budgetEdits.accountId, accountId), gte(budgetEdits.createdAt, hourAgo)))
      .all();
    return edits.reduce<Record<string, number>>((m, e) => ({ ...m, [e.adsetId]: (m[e.adsetId] ?? 0) + 1 }), {});
  }

  /** The budget edit recorded under this key by an earlier attempt, if any. */
  budgetEdit(key: string) {
    return this.q.select().from(budgetEdits).where(eq(budgetEdits.key, key)).get();
  }

  // --- Generation ------------------------------------------------------------------------------

  /** Records a planned slot's creative as generating; a retry finds its row and moves nothing. */
  startGeneration(c: NewCreative): CreativeRow {
    const row = this.get(c.id);
    if (row) return row;
    checkTransition(c.id, 'startGeneration', undefined);
    this.q
      .insert(creatives)
      .values({ ...c, status: 'generating' })
      .onConflictDoNothing()
      .run();
    return this.get(c.id)!;
  }

  /** The Kie task was accepted: its id is on the creative before any waiting. */
  taskSubmitted(id: string, kieTaskId: string): void {
    this.write(id, { kieTaskId });
  }

  generated(id: string, cost: CreativeCost, fields: { filePath: string; kieTaskId?: string }): void {
    this.move(id, 'generated', { ...fields, ...costFields(cost) });
  }

  generationFailed(id: string, cost: CreativeCost, reason: string): void {
    this.move(id, 'generationFailed', { failReason: reason, ...costFields(cost) });
  }

  /** What the generation cost so far, when it ends without a status of its own (the workflow records why). */
  costSettled(id: string, cost: CreativeCost): void {
    this.write(id, costFields(cost));
  }

  /** The generation guard refused to pay. */
  generationSkipped(id: string, reason: string): void {
    this.move(id, 'generationSkipped', { failReason: reason });
  }

  // --- Launch ----------------------------------------------------------------------------------

  /**
   * The launch guard: reserves the ad set's budget under the caps, atomically with the move to
   * launching (an earlier attempt's reservation is returned as it is). A refusal is written after
   * the check's transaction, so that it is not rolled back with it.
   */
  reserveLaunch(id: string, limits: SpendCapLimits, creditUsd: number): LaunchReservation {
    const budgetCents = limits.adSetDailyBudgetCents;
    const answer = this.atomically((s): LaunchReservation => {
      const row = s.get(id);
      if (row?.status === 'launching' || row?.status === 'launched') return { budgetCents: row.dailyBudgetCents ?? budgetCents };
      checkTransition(id, 'reserveLaunch', row?.status);
      const cap = s.spendCap(row!.accountId, limits, creditUsd);
      const refused = cap.launchProblem(budgetCents);
      if (refused) return { refused, liveAds: cap.liveAds, committedCents: cap.committedCents };
      s.move(id, 'reserveLaunch', { dailyBudgetCents: budgetCents });
      return { budgetCents };
    }, 'immediate');
    if ('refused' in answer) this.move(id, 'launchSkipped', { failReason: answer.refused });
    return answer;
  }

  /** The picture is on Meta (same bytes, same hash: a re-upload is harmless). */
  imageUploaded(id: string, metaImageHash: string): void {
    this.write(id, { metaImageHash });
  }

  launched(id: string, meta: LaunchedObjects): void {
    this.move(id, 'launched', (row) => ({
      metaCampaignId: meta.campaignId,
      metaAdsetId: meta.adsetId,
      metaCreativeId: meta.adCreativeId,
      metaAdId: meta.adId,
      launchedAt: row.launchedAt ?? this.now().toISOString(),
    }));
  }

  // --- Live ------------------------------------------------------------------------------------

  /** Paused by the agent, with why. */
  paused(id: string, reason: string): void {
    this.move(id, 'paused', { pausedAt: this.now().toISOString(), failReason: reason });
  }

  /** Stopped on Meta (disapproved, or paused, archived, deleted outside the agent): slot and budget are free. */
  stoppedOnMeta(id: string, reason: string): void {
    this.move(id, 'stoppedOnMeta', { pausedAt: this.now().toISOString(), failReason: reason });
  }

  /** Records a raise's intent before Meta is called: a retry finds it under `key` and finishes it. */
  budgetEditIntended(edit: { key: string; accountId: string; adsetId: string; fromCents: number; toCents: number }): void {
    this.q
      .insert(budgetEdits)
      .values({ ...edit, createdAt: this.now().toISOString() })
      .run();
  }

  /** The agent set the ad set's budget. */
  budgetChanged(id: string, cents: number): void {
    this.move(id, 'budgetChanged', { dailyBudgetCents: cents });
  }

  /** Meta reports another budget than ours (edited in Ads Manager): the caps count Meta's. */
  budgetChangedOnMeta(id: string, cents: number): void {
    this.move(id, 'budgetChangedOnMeta', { dailyBudgetCents: cents });
  }

  /** Why a slot did not go live, as the workflow knows it; ignored for a live creative. */
  slotFailed(c: NewCreative & { status: 'generation_failed' | 'launch_failed' | 'skipped'; reason: string }): void {
    const failReason = c.reason.slice(0, 1000);
    const { reason: _reason, status, ...values } = c;
    this.atomically((s) => {
      const row = s.get(c.id);
      if (checkTransition(c.id, 'slotFailed', row?.status, status) === 'ignore') return;
      if (row) s.move(c.id, 'slotFailed', { failReason }, status);
      else
        s.q
          .insert(creatives)
          .values({ ...values, status, failReason })
          .run();
    }, 'immediate');
  }

  // --- Writes ----------------------------------------------------------------------------------

  /**
   * One checked move: reads the status, checks the table, writes the new status with `fields`,
   * in one IMMEDIATE transaction (workers in other processes write the same rows).
   */
  private move(id: string, name: CreativeTransition, fields: CreativeFields | ((row: CreativeRow) => CreativeFields), to?: CreativeStatus): void {
    if (!this.inTransaction) return this.atomically((s) => s.move(id, name, fields, to), 'immediate');
    const row = this.get(id);
    checkTransition(id, name, row?.status, to);
    const status = targetOf(name, row!.status, to);
    const set = typeof fields === 'function' ? fields(row!) : fields;
    this.q
      .update(creatives)
      .set({ ...set, status, updatedAt: this.now().toISOString() })
      .where(eq(creatives.id, id))
      .run();
  }

  /** A field recorded on the creative without a change of status. */
  private write(id: string, fields: CreativeFields): void {
    this.q
      .update(creatives)
      .set({ ...fields, updatedAt: this.now().toISOString() })
      .where(eq(creatives.id, id))
      .run();
  }
}

const costFields = (cost: CreativeCost) => ({ costCredits: cost.credits, costUsd: cost.usd });

/** The store on a DB, stamping its rows with `now` (tests pass a simulator's clock). */
export function createCreativeStore(db: Db, now?: () => Date): CreativeStore {
  return new CreativeStore(db, now);
}
