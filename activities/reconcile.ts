/**
 * What Meta says about our live ads overrides what we remember: an ad Meta disapproved, or one
 * paused, archived or deleted outside the agent, no longer holds a slot or a budget (left as
 * "launched" it would block a slot for good, since it never reaches the impression floor); an
 * ad set budget edited in Ads Manager is the one the caps must count. Each such change is written
 * with a finding in one transaction. Retried creates' late twins are swept here too.
 */
import { log } from '@temporalio/activity';
import { recordFinding } from '../db/audit';
import type { Db } from '../db/client';
import type { CreativeRow, CreativeStore } from '../db/creatives';
import { sweepDuplicates } from './duplicates';
import { reconcileOrphans, type OrphanDrift } from './orphans';
import { MetaApiError, type AdState, type MetaClient } from './ports/meta-client';

/** What Meta said about our live ads that we did not know. */
export interface Reconciled {
  /** Disapproved in review: the slot and its budget are free again. */
  disapproved: string[];
  /** Paused, archived or deleted outside the agent (in Ads Manager, say). */
  stoppedOutside: string[];
  /** Ad set budget edited outside the agent; the caps now count the new one. */
  budgetsChanged: string[];
  /** Meta objects deleted as twins of a recorded one (a create that committed after its retry). */
  duplicatesRemoved?: string[];
  /** Objects with this agent's names that the DB did not know: adopted, paused or deleted (activities/orphans.ts). */
  orphans?: OrphanDrift;
}

export interface ReconcileCtx {
  db: Db;
  creatives: CreativeStore;
  now: () => Date;
}
type Scope = { accountId: string; cycleId: string };
type State = Pick<AdState, 'effective_status' | 'ad_review_feedback'>;

/** How far back the reconciliation sweeps retried creates for late-committed twins. */
const DUPLICATE_SWEEP_MS = 24 * 3_600_000;
/** Effective statuses in which an ad no longer delivers and will not by itself again. */
const STOPPED = new Set(['PAUSED', 'ADSET_PAUSED', 'CAMPAIGN_PAUSED', 'ARCHIVED', 'DELETED']);

export async function reconcileLive(ctx: ReconcileCtx, meta: MetaClient, scope: Scope): Promise<Reconciled> {
  const { accountId } = scope;
  const out: Reconciled = { disapproved: [], stoppedOutside: [], budgetsChanged: [] };
  // The ledger stamps rows with the DB's real clock, so the window is on that clock too.
  const sinceIso = new Date(Date.now() - DUPLICATE_SWEEP_MS).toISOString();
  const removed = await sweepDuplicates(ctx.db, meta, { ...scope, sinceIso }, ctx.now());
  if (removed.length) out.duplicatesRemoved = removed.map((r) => r.deletedId);
  const orphans = await reconcileOrphans(ctx.db, meta, scope, ctx.now());
  if (orphans.adopted.length + orphans.paused.length + orphans.deleted.length) out.orphans = orphans;
  const live = ctx.creatives.ofAccount(accountId, ['launched'], { withAd: true });
  if (live.length === 0) return out;
  const states = new Map(
    (
      await meta.adStates(
        accountId,
        live.map((c) => c.metaAdId!),
      )
    ).map((a) => [a.id, a]),
  );
  const budgets = await meta.adSetBudgets(
    accountId,
    live.flatMap((c) => (c.metaAdsetId ? [c.metaAdsetId] : [])),
  );
  for (const c of live) {
    const state = states.get(c.metaAdId!) ?? (await askUnlisted(ctx, meta, c));
    if (state && (state.effective_status === 'DISAPPROVED' || STOPPED.has(state.effective_status))) {
      const disapproved = stopped(ctx, scope, c, state);
      (disapproved ? out.disapproved : out.stoppedOutside).push(c.id);
      continue;
    }
    const budget = c.metaAdsetId ? budgets.get(c.metaAdsetId) : undefined;
    if (budget !== undefined && budget !== c.dailyBudgetCents) {
      budgetChanged(ctx, scope, c, budget);
      out.budgetsChanged.push(c.id);
    }
  }
  return out;
}

/** Edges never list deleted ads, and can lag a new one: ask the ad itself once it is an hour old. */
async function askUnlisted(ctx: ReconcileCtx, meta: MetaClient, c: CreativeRow): Promise<State | undefined> {
  if (Date.parse(c.launchedAt ?? c.createdAt) >= ctx.now().getTime() - 3_600_000) return undefined;
  try {
    const read = await meta.getStatus(c.metaAdId!);
    return read.effective_status ? { effective_status: read.effective_status } : undefined;
  } catch (err) {
    // Code 100 (subcode 33 on Graph): the object does not exist, or no longer, for this token.
    if (!(err instanceof MetaApiError && err.code === 100 && !err.isTransient)) throw err;
    return { effective_status: 'DELETED' };
  }
}

/** Frees the slot of an ad that stopped on Meta, with Meta's reason; true when Meta disapproved it. */
function stopped(ctx: ReconcileCtx, scope: Scope, c: CreativeRow, state: State): boolean {
  const disapproved = state.effective_status === 'DISAPPROVED';
  const feedback = Object.values(state.ad_review_feedback ?? {}).flatMap((byPolicy) => Object.keys(byPolicy));
  const reason = disapproved ? `disapproved by Meta${feedback.length ? `: ${feedback.join('; ')}` : ''}` : `${state.effective_status} outside the agent`;
  const text = `Creative "${c.id}" (hook "${c.hookId}") stopped delivering: ${reason}. Its slot and budget are free again.`;
  ctx.creatives.atomically((s, tx) => {
    s.stoppedOnMeta(c.id, reason);
    recordFinding(tx, {
      ...scope,
      kind: disapproved ? 'disapproved' : 'stopped-outside',
      subject: c.id,
      text,
      confidence: 1,
      createdAt: ctx.now().toISOString(),
    });
  });
  log.warn('live ad no longer delivers', { accountId: scope.accountId, creativeId: c.id, adId: c.metaAdId, reason });
  return disapproved;
}

/** Takes Meta's budget for an ad set edited outside the agent: the spend cap counts it from now on. */
function budgetChanged(ctx: ReconcileCtx, scope: Scope, c: CreativeRow, budget: number): void {
  const text = `Creative "${c.id}": its ad set budget was changed outside the agent from ${c.dailyBudgetCents ?? '?'} to ${budget} cents a day; the spend cap now counts ${budget}.`;
  ctx.creatives.atomically((s, tx) => {
    s.budgetChangedOnMeta(c.id, budget);
    recordFinding(tx, { ...scope, kind: 'budget-changed', subject: c.id, text, confidence: 1, createdAt: ctx.now().toISOString() });
  });
  log.warn('ad set budget changed outside the agent', {
    accountId: scope.accountId,
    creativeId: c.id,
    adsetId: c.metaAdsetId,
    from: c.dailyBudgetCents,
    to: budget,
  });
}
