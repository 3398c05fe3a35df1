/**
 * The duplicate sweep. A Meta create may commit after the client gave up on it (reference 9), even
 * after the retry's lookup window, so a second object with the same deterministic name can exist.
 * Only keys created more than once can have one (the ledger counts attempts), so only those are
 * swept: every object of that name but the one the ledger recorded is deleted on Meta, and a
 * finding says so. Run after each launch and in every cycle's reconciliation, because the late
 * commit can land after the launch has finished.
 */
import { and, eq, gt, gte, like } from 'drizzle-orm';
import type { Db } from '../db/client';
import { creativeKeyPrefix } from '../db/creative-ids';
import { findings, sideEffects } from '../db/schema';
import type { Edge, MetaClient } from './ports/meta-client';

const EDGE_OF: Record<string, Edge | 'advideos'> = {
  'meta.campaign': 'campaigns',
  'meta.adset': 'adsets',
  'meta.creative': 'adcreatives',
  'meta.ad': 'ads',
  'meta.video': 'advideos',
};

/** One extra object found and deleted. */
export interface RemovedDuplicate {
  key: string;
  kind: string;
  name: string;
  keptId: string;
  deletedId: string;
}

export interface SweepScope {
  accountId: string;
  cycleId: string;
  /** Only this creative's keys (after its launch); otherwise every retried key updated since `sinceIso`. */
  creativeId?: string;
  sinceIso?: string;
}

export async function sweepDuplicates(db: Db, meta: MetaClient, scope: SweepScope, at: Date): Promise<RemovedDuplicate[]> {
  const retried = db
    .select()
    .from(sideEffects)
    .where(
      and(
        eq(sideEffects.accountId, scope.accountId),
        eq(sideEffects.status, 'done'),
        gt(sideEffects.attempts, 1),
        like(sideEffects.kind, 'meta.%'),
        scope.creativeId ? like(sideEffects.key, `${creativeKeyPrefix(scope.creativeId)}%`) : gte(sideEffects.updatedAt, scope.sinceIso ?? ''),
      ),
    )
    .all();
  const removed: RemovedDuplicate[] = [];
  for (const effect of retried) {
    const edge = EDGE_OF[effect.kind];
    if (!edge || !effect.externalId) continue;
    const ids =
      edge === 'advideos'
        ? await meta.findVideosByTitle(scope.accountId, effect.name)
        : (await meta.findByName(scope.accountId, edge, effect.name)).map((o) => o.id);
    for (const id of ids.filter((i) => i !== effect.externalId)) {
      await meta.deleteObject(id);
      removed.push({ key: effect.key, kind: effect.kind, name: effect.name, keptId: effect.externalId, deletedId: id });
    }
  }
  if (removed.length) {
    const stamp = at.toISOString();
    db.transaction((tx) => {
      for (const r of removed) {
        const text = `Deleted duplicate ${r.kind.replace('meta.', '')} ${r.deletedId} named "${r.name}": a create whose answer was lost committed after its retry; kept ${r.keptId}, the one recorded.`;
        tx.insert(findings)
          .values({
            accountId: scope.accountId,
            cycleId: scope.cycleId,
            kind: 'duplicate-removed',
            subject: r.key,
            text,
            confidence: 1,
            data: r,
            createdAt: stamp,
          })
          .run();
      }
    });
  }
  return removed;
}
