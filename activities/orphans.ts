/**
 * Orphan reconciliation. Every Meta object this agent creates has a deterministic "maa|" name and a
 * ledger row written before the create (db/creative-ids.ts, activities/ledger.ts). A crash between
 * the create and the record, or a cycle that failed for good before its retry's lookup, leaves an
 * object the DB does not know. Each cycle lists the account's "maa|" objects and, for each unknown
 * one, adopts it into the ledger row of its name (so the DB knows every object Meta has), deletes it
 * when that row already names another object (a twin), and pauses it when it would deliver for a
 * creative that is not live (an orphan ad set spends outside the spend cap). Every drift is a finding.
 */
import { log } from '@temporalio/activity';
import { and, eq, like } from 'drizzle-orm';
import { recordFinding } from '../db/audit';
import type { Db } from '../db/client';
import { creatives, sideEffects } from '../db/schema';
import type { MetaClient } from './ports/meta-client';

/** Statuses in which an object may deliver (and spend). */
const DELIVERING = new Set(['ACTIVE', 'IN_PROCESS', 'WITH_ISSUES', 'PENDING_REVIEW', 'PREAPPROVED']);

export interface OrphanDrift {
  adopted: string[];
  paused: string[];
  deleted: string[];
}

export async function reconcileOrphans(db: Db, meta: MetaClient, scope: { accountId: string; cycleId: string }, at: Date): Promise<OrphanDrift> {
  const { accountId } = scope;
  const drift: OrphanDrift = { adopted: [], paused: [], deleted: [] };
  const ledger = db
    .select()
    .from(sideEffects)
    .where(and(eq(sideEffects.accountId, accountId), like(sideEffects.kind, 'meta.%')))
    .all();
  const known = new Set(ledger.flatMap((r) => (r.externalId ? [r.externalId] : [])));
  const byName = new Map(ledger.map((r) => [r.name, r]));
  const rows = db.select().from(creatives).where(eq(creatives.accountId, accountId)).all();
  const live = new Set(
    rows.filter((r) => r.status === 'launched').flatMap((r) => [r.metaCampaignId, r.metaAdsetId, r.metaAdId].filter((x): x is string => !!x)),
  );
  // A launch in flight (another cycle of this account) has created objects it has not recorded yet: not orphans.
  const launching = new Set(rows.filter((r) => r.status === 'launching').map((r) => r.id));
  const inFlight = (key: string) => launching.has(key.slice(0, key.lastIndexOf(':meta.')));

  for (const edge of ['campaigns', 'adsets', 'ads', 'adcreatives'] as const) {
    for (const o of await meta.findByNameContaining(accountId, edge, 'maa|')) {
      if (known.has(o.id) || !o.name) continue;
      const row = byName.get(o.name);
      if (row && inFlight(row.key)) continue;
      const note = (kind: string, text: string) =>
        recordFinding(db, { ...scope, kind, subject: o.id, text, confidence: 1, data: { edge, name: o.name, id: o.id }, createdAt: at.toISOString() });
      if (row && row.externalId && row.externalId !== o.id) {
        // The ledger already holds this name's object: this one is a twin from a create whose answer was lost.
        await meta.deleteObject(o.id);
        note('orphan-deleted', `Meta ${edge} ${o.id} ("${o.name}") was a second copy of ${row.externalId}, unknown to the DB: deleted.`);
        drift.deleted.push(o.id);
        continue;
      }
      if (row) {
        db.update(sideEffects).set({ externalId: o.id, status: 'done', updatedAt: at.toISOString() }).where(eq(sideEffects.key, row.key)).run();
        known.add(o.id);
        row.externalId = o.id;
        note('orphan-adopted', `Meta ${edge} ${o.id} ("${o.name}") existed without its record (a crash between create and record): adopted into the ledger.`);
        drift.adopted.push(o.id);
      } else {
        note('orphan-unrecorded', `Meta ${edge} ${o.id} ("${o.name}") carries this agent's name but no ledger row: left as it is, pausing it if it delivers.`);
      }
      // Its own status, not the effective one: an ad set ACTIVE under a paused campaign delivers again once the campaign does.
      if (edge !== 'adcreatives' && (o.status === 'ACTIVE' || (o.effective_status && DELIVERING.has(o.effective_status))) && !live.has(o.id)) {
        await meta.setStatus(o.id, 'PAUSED');
        note('orphan-paused', `Meta ${edge} ${o.id} ("${o.name}") was ${o.status} for no live creative: paused, so it cannot spend outside the cap.`);
        drift.paused.push(o.id);
      }
    }
  }
  if (drift.adopted.length + drift.paused.length + drift.deleted.length) log.warn('orphan Meta objects reconciled', { accountId, ...drift });
  return drift;
}
