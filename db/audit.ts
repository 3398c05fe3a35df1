/**
 * The agent's written record: findings (conclusions with a confidence), decisions (the audit trail
 * of every choose / pause / scale / skip) and the cycles' final results.
 */
import { and, eq, notInArray } from 'drizzle-orm';
import type { Queryable } from './queryable';
import { cycles, decisions, findings } from './schema';

export type FindingRow = typeof findings.$inferInsert;
export type DecisionRow = typeof decisions.$inferInsert;

/** Finding kinds fetchInsights writes while reconciling; a plan's rewrite of its cycle's findings keeps them. */
export const RECONCILE_KINDS = [
  'disapproved',
  'stopped-outside',
  'budget-changed',
  'duplicate-removed',
  'orphan-adopted',
  'orphan-paused',
  'orphan-deleted',
  'orphan-unrecorded',
  'token-expiring',
  'account-stopped',
];

/** Writes one finding (pass a transaction to make it part of the change it reports). */
export function recordFinding(q: Queryable, row: FindingRow): void {
  q.insert(findings).values(row).run();
}

/**
 * Replaces a cycle's plan findings and decisions in one transaction: a retried plan rewrites its
 * own rows instead of duplicating them, and keeps what reconciliation wrote for the cycle.
 */
export function rewritePlanAudit(
  q: Queryable,
  scope: { accountId: string; cycleId: string },
  rows: { findings: FindingRow[]; decisions: DecisionRow[] },
): void {
  const { accountId, cycleId } = scope;
  q.transaction((tx) => {
    tx.delete(findings)
      .where(and(eq(findings.cycleId, cycleId), eq(findings.accountId, accountId), notInArray(findings.kind, RECONCILE_KINDS)))
      .run();
    tx.delete(decisions)
      .where(and(eq(decisions.cycleId, cycleId), eq(decisions.accountId, accountId)))
      .run();
    for (const row of rows.findings) tx.insert(findings).values(row).run();
    for (const row of rows.decisions) tx.insert(decisions).values(row).run();
  });
}

/** Writes a cycle's final record (status and typed result); a retry overwrites it. */
export function recordCycle(q: Queryable, c: { accountId: string; cycleId: string; status: string; result: unknown }, at: Date): void {
  const finishedAt = at.toISOString();
  q.insert(cycles)
    .values({ ...c, finishedAt })
    .onConflictDoUpdate({ target: cycles.cycleId, set: { status: c.status, result: c.result, finishedAt } })
    .run();
}
