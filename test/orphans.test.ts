/**
 * Orphan reconciliation: Meta objects this agent created (known by their "maa|" names) but never
 * recorded. The crash between a create and its record is reproduced as it happens: the ledger row
 * is written pending, the create goes to the Meta simulator over HTTP, and the record never comes
 * (the cycle that owned it is gone). The next cycle must adopt each object into its ledger row,
 * pause the one that would deliver for no live creative, delete a twin of a recorded object, and
 * write each drift as a finding; afterwards every "maa|" object on the simulator is known to the DB.
 */
import { eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignSpec, adSetSpec } from '../activities/meta-objects';
import { createMetaClient } from '../activities/ports/meta-client';
import { metaEffect } from '../db/creative-ids';
import { findings, sideEffects } from '../db/schema';
import { startTestStack, type TestStack } from './helpers/stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => stack?.shutdown());

describe('orphan reconciliation', () => {
  it('adopts, pauses or deletes the objects a crash left unrecorded, and says so in findings', async () => {
    const account = stack.config.account;
    const first = await (await stack.startCycle({ adsPerRun: 1 })).result();
    expect(first.outcome).toBe('launched');
    const db = stack.activities.db;
    const meta = createMetaClient({ baseUrl: stack.meta.url, version: stack.config.meta.version, accessToken: account.meta.accessToken, timeoutMs: 10_000 });

    // A creative of a cycle that crashed mid-launch: its ledger rows were written, the creates went through, the records never did.
    const lost = `ad-cycle-${account.id}-manual-crashed:s0`;
    const campaign = metaEffect(account.id, lost, 'creative-burnout', 'campaign');
    const adset = metaEffect(account.id, lost, 'creative-burnout', 'adset');
    for (const e of [campaign, adset])
      db.insert(sideEffects)
        .values({ ...e, status: 'pending', attempts: 1 })
        .run();
    // It crashed half-way through the activation: both are ACTIVE, so the ad set would deliver (and spend) for nothing.
    const campaignId = (await meta.createCampaign(account.id, { ...campaignSpec(campaign.name), status: 'ACTIVE' })).id;
    const adsetId = (await meta.createAdSet(account.id, { ...adSetSpec(adset.name, campaignId, 500, account), status: 'ACTIVE' })).id;
    // A twin of the first cycle's recorded campaign (a create whose answer was lost, made again).
    const recorded = db.select().from(sideEffects).where(like(sideEffects.key, '%:meta.campaign')).all()[0]!;
    const twinId = (await meta.createCampaign(account.id, campaignSpec(recorded.name))).id;

    const next = await (await stack.startCycle({ adsPerRun: 0 })).result();
    expect(next.insights.reconciled?.orphans).toEqual({ adopted: [campaignId, adsetId], paused: [campaignId, adsetId], deleted: [twinId] });

    const row = (key: string) => db.select().from(sideEffects).where(eq(sideEffects.key, key)).get()!;
    expect(row(campaign.key)).toMatchObject({ status: 'done', externalId: campaignId });
    expect(row(adset.key)).toMatchObject({ status: 'done', externalId: adsetId });
    const simAdset = stack.meta.list('adset').find((a) => a.id === adsetId)!;
    expect(simAdset.status).toBe('PAUSED');
    expect(stack.meta.list('campaign').find((c) => c.id === campaignId)!.status).toBe('PAUSED');
    expect(stack.meta.list('campaign').find((c) => c.id === twinId)!.status).toBe('DELETED');
    const kinds = db
      .select()
      .from(findings)
      .where(eq(findings.cycleId, next.cycleId))
      .all()
      .map((f) => f.kind);
    expect(kinds.filter((k) => k.startsWith('orphan-')).sort()).toEqual([
      'orphan-adopted',
      'orphan-adopted',
      'orphan-deleted',
      'orphan-paused',
      'orphan-paused',
    ]);

    // Every object with this agent's name that still exists is known to the DB now, and nothing unknown delivers.
    const known = new Set(
      db
        .select()
        .from(sideEffects)
        .all()
        .map((r) => r.externalId),
    );
    for (const kind of ['campaign', 'adset', 'ad'] as const) {
      for (const o of stack.meta.list(kind).filter((x) => String(x.name).startsWith('maa|') && x.status !== 'DELETED'))
        expect(known.has(o.id as string), `${kind} ${o.id}`).toBe(true);
    }
    // A third cycle finds no drift: the reconciliation is idempotent.
    const third = await (await stack.startCycle({ adsPerRun: 0 })).result();
    expect(third.insights.reconciled?.orphans).toBeUndefined();
  });
});
