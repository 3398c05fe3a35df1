/**
 * Meta is the truth about live ads. An ad Meta disapproves no longer holds a slot (left as
 * "launched" it would never reach the floor and never be paused), and a budget edited in Ads
 * Manager is what the spend cap counts, so an account pushed over its cap that way sheds ad sets.
 * The agent reads the Meta simulator's clock, which only moves when the test advances it.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creatives, decisions, findings } from '../db/schema';
import { startSimulatedDaysStack, type TestStack } from './helpers/stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startSimulatedDaysStack({
    env: { MAX_LIVE_ADS: '1', TOTAL_DAILY_SPEND_CAP: '1000' },
    meta: { startTime: new Date('2026-11-20T06:00:00Z'), disapprovalRate: 1 },
  });
});
afterAll(async () => stack?.shutdown());

const row = (id: string) => stack.activities.db.select().from(creatives).where(eq(creatives.id, id)).get()!;

describe('reconciling live ads with Meta', () => {
  let first: string;

  it('frees the slot of an ad Meta disapproved, with Meta’s reason', async () => {
    const a = await (await stack.startCycle({ adsPerRun: 1 })).result();
    expect(a.outcome).toBe('launched');
    first = a.slots[0]!.creativeId!;
    // In review, the ad holds the only slot.
    expect((await (await stack.startCycle({ adsPerRun: 1 })).result()).outcome).toBe('no-capacity');

    stack.meta.advance(5 * 60_000); // review ends: disapproved
    const c = await (await stack.startCycle({ adsPerRun: 1 })).result();
    expect(c.insights.reconciled?.disapproved).toEqual([first]);
    expect(row(first)).toMatchObject({ status: 'paused' });
    expect(row(first).failReason).toMatch(/^disapproved by Meta: Unacceptable Business Practices/);
    expect(c.outcome).toBe('launched'); // the freed slot is used at once
    const said = stack.activities.db.select().from(findings).where(eq(findings.cycleId, c.cycleId)).all();
    expect(said.find((t) => t.kind === 'disapproved')!.text).toMatch(
      /stopped delivering: disapproved by Meta: Unacceptable Business Practices\. Its slot and budget are free again/,
    );
  });

  it('counts a budget raised in Ads Manager, and sheds the ad set when that breaks the cap', async () => {
    const live = stack.activities.db.select().from(creatives).where(eq(creatives.status, 'launched')).all();
    expect(live).toHaveLength(1);
    const adsetId = live[0]!.metaAdsetId!;
    // Someone raises the ad set to $20/day by hand: its worst day ($25) is over the $10 cap.
    const res = await fetch(`${stack.meta.url}/v26.0/${adsetId}`, {
      method: 'POST',
      body: new URLSearchParams({ daily_budget: '2000', access_token: 'sim-meta-token' }),
    });
    expect(res.status).toBe(200);

    const handle = await stack.startCycle({ adsPerRun: 0 });
    const d = await handle.result();
    expect(d.insights.reconciled?.budgetsChanged).toEqual([live[0]!.id]);
    expect(row(live[0]!.id)).toMatchObject({ status: 'paused', dailyBudgetCents: 2000 });
    expect(stack.meta.list('adset').find((a) => a.id === adsetId)!.status).toBe('PAUSED');
    const audit = stack.activities.db.select().from(decisions).where(eq(decisions.cycleId, handle.workflowId)).all();
    expect(audit.find((x) => x.kind === 'pause')!.reason).toMatch(/^over the daily spend cap: \$25\.\d\d committed of \$10\.00/);
    expect(row(first).status).toBe('paused'); // unchanged
    const said = stack.activities.db.select().from(findings).where(eq(findings.cycleId, handle.workflowId)).all();
    expect(said.find((t) => t.kind === 'budget-changed')!.text).toMatch(/changed outside the agent from 500 to 2000 cents a day/);
  });

  it('frees the slot of an ad deleted in Ads Manager, which Meta no longer lists', async () => {
    const e = await (await stack.startCycle({ adsPerRun: 1 })).result();
    expect(e.outcome).toBe('launched');
    const id = e.slots[0]!.creativeId!;
    const res = await fetch(`${stack.meta.url}/v26.0/${row(id).metaAdId}`, {
      method: 'POST',
      body: new URLSearchParams({ status: 'DELETED', access_token: 'sim-meta-token' }),
    });
    expect(res.status).toBe(200);
    stack.meta.advance(2 * 3_600_000);
    const f = await (await stack.startCycle({ adsPerRun: 0 })).result();
    expect(f.insights.reconciled?.stoppedOutside).toEqual([id]);
    expect(row(id)).toMatchObject({ status: 'paused', failReason: 'DELETED outside the agent' });
  });

  it('treats an ad Meta says does not exist as deleted, rather than failing every cycle', async () => {
    const g = await (await stack.startCycle({ adsPerRun: 1 })).result();
    const id = g.slots[0]!.creativeId!;
    // As if the ad had been removed for good: Graph answers code 100 for its id.
    stack.activities.db.update(creatives).set({ metaAdId: '120219999999999999' }).where(eq(creatives.id, id)).run();
    stack.meta.advance(2 * 3_600_000);
    const h = await (await stack.startCycle({ adsPerRun: 0 })).result();
    expect(h.insights.reconciled?.stoppedOutside).toEqual([id]);
    expect(row(id)).toMatchObject({ status: 'paused', failReason: 'DELETED outside the agent' });
  });
});
