/**
 * applyActions' two moves on live ad sets: a pause (idempotent by nature) and a budget raise,
 * which is recorded under its key before Meta is called (a retry finishes the same edit) and
 * refused when it is no raise, when Meta's budget-edit limit is reached, or when the raised ad
 * set's worst day would not fit under the daily spend cap (the store's spend-cap check).
 */
import { budgetEditKey } from '../db/creative-ids';
import type { CreativeRow, CreativeStore } from '../db/creatives';
import { META_MAX_BUDGET_EDITS_PER_HOUR } from '../learning/params';
import type { AccountContext } from './accounts';
import type { MetaClient } from './ports/meta-client';

/** A pause or a budget raise the plan decided for a launched creative. */
export interface CreativeAction {
  kind: 'pause' | 'scale';
  creativeId: string;
  toBudgetCents?: number;
  reason: string;
}
/** What applyActions did, and what it refused with why. */
export interface ApplyActionsResult {
  applied: Array<CreativeAction & { adsetId: string }>;
  skipped: Array<CreativeAction & { why: string }>;
}

export interface ActionCtx {
  creatives: CreativeStore;
  creditUsd: number;
  account: AccountContext;
  meta: MetaClient;
  cycleId: string;
}
type Outcome = { applied: ApplyActionsResult['applied'][number] } | { skipped: ApplyActionsResult['skipped'][number] };
type Live = CreativeRow & { metaAdsetId: string };

/** Applies one action to a launched creative of the account (any other creative is skipped). */
export async function applyAction(ctx: ActionCtx, action: CreativeAction): Promise<Outcome> {
  const row = ctx.creatives.get(action.creativeId);
  if (!row?.metaAdsetId || row.accountId !== ctx.account.id) return { skipped: { ...action, why: 'not a launched creative of this account' } };
  const live = row as Live;
  if (action.kind === 'pause') {
    await ctx.meta.setStatus(live.metaAdsetId, 'PAUSED'); // idempotent by nature
    ctx.creatives.paused(live.id, action.reason);
    return { applied: { ...action, adsetId: live.metaAdsetId } };
  }
  return raiseBudget(ctx, live, action);
}

async function raiseBudget(ctx: ActionCtx, row: Live, action: CreativeAction): Promise<Outcome> {
  const { creatives, account, meta } = ctx;
  const { caps } = account;
  const from = row.dailyBudgetCents ?? caps.adSetDailyBudgetCents;
  const to = Math.min(action.toBudgetCents ?? from, caps.maxAdSetDailyBudgetCents);
  const key = budgetEditKey(ctx.cycleId, row.metaAdsetId);
  const done = creatives.budgetEdit(key);
  if (done) {
    // Intent recorded by an earlier attempt: finish it (setting the same budget twice is harmless).
    if (row.dailyBudgetCents !== done.toCents) {
      await meta.setDailyBudget(row.metaAdsetId, done.toCents);
      creatives.budgetChanged(row.id, done.toCents);
    }
    return { applied: { ...action, toBudgetCents: done.toCents, adsetId: row.metaAdsetId } };
  }
  const why = raiseRefusal(ctx, row, from, to);
  if (why) return { skipped: { ...action, why } };
  creatives.budgetEditIntended({ key, accountId: account.id, adsetId: row.metaAdsetId, fromCents: from, toCents: to });
  await meta.setDailyBudget(row.metaAdsetId, to);
  creatives.budgetChanged(row.id, to);
  return { applied: { ...action, toBudgetCents: to, adsetId: row.metaAdsetId } };
}

/** Why this raise may not be made now, or undefined. */
function raiseRefusal(ctx: ActionCtx, row: Live, from: number, to: number): string | undefined {
  if (to <= from) return 'not an increase';
  const recent = ctx.creatives.budgetEditsLastHour(ctx.account.id)[row.metaAdsetId] ?? 0;
  if (recent >= META_MAX_BUDGET_EDITS_PER_HOUR) return `Meta allows ${META_MAX_BUDGET_EDITS_PER_HOUR} budget edits per ad set per hour`;
  return ctx.creatives.spendCap(ctx.account.id, ctx.account.caps, ctx.creditUsd).raiseProblem(from, to);
}
