/**
 * Learning in the running agent: caps hold across cycles, and after days of simulated delivery the
 * cycle pauses a clear loser on Meta and writes its insights and audit rows. The agent reads the
 * Meta simulator's clock here, so three days pass in a second.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creatives, decisions, insights } from '../db/schema';
import { startTestStack, type TestStack } from './helpers/stack';

const DAY = 86_400_000;
const trueCtr: Record<string, number> = {};
let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({
    simClock: true,
    env: { MAX_LIVE_ADS: '3', TOTAL_DAILY_SPEND_CAP: '1600' },
    meta: { timeScale: 0, startTime: new Date('2026-11-20T00:00:00Z'), trueCtrByHook: trueCtr, defaultTrueCtr: 0.002, disapprovalRate: 0, reviewDelaySimMs: [60_000, 60_000] },
  });
});
afterAll(async () => stack?.shutdown());

const liveAds = () => stack.meta.list('ad').filter((a) => a.status === 'ACTIVE');

describe('learning in the cycle', () => {
  it('never launches past the live-ad cap or the daily spend cap, and says why', async () => {
    const first = await (await stack.startCycle({ adsPerRun: 5 }, 'ad-cycle-act_1234567890-manual-learn-1')).result();
    // 3 live ads max; 3 x $5 + generation cost must stay under $16.
    expect(first.slots.filter((s) => s.status === 'launched')).toHaveLength(3);
    expect(first.decisions.filter((d) => d.startsWith('skip:'))).toHaveLength(2);
    const second = await (await stack.startCycle({ adsPerRun: 2 })).result();
    expect(second.outcome).toBe('no-capacity');
    expect(second.created.adIds).toHaveLength(0);
    expect(liveAds()).toHaveLength(3);
    const budgets = stack.meta.list('adset').map((a) => Number(a.daily_budget));
    expect(budgets.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1600);
  });

  it('pauses a clear loser after days of delivery and records the decision with its evidence', async () => {
    const launched = stack.activities.db.select().from(creatives).where(eq(creatives.status, 'launched')).all();
    expect(launched).toHaveLength(3);
    // The first creative's hook really works (3 % CTR); the others barely (0.2 %).
    trueCtr[launched[0]!.hookId] = 0.03;
    stack.meta.advance(3 * DAY);

    const handle = await stack.startCycle({ adsPerRun: 0 });
    const result = await handle.result();
    expect(result.insights.rows).toBeGreaterThan(0);
    expect(result.insights.impressions).toBeGreaterThan(1000);

    const paused = stack.activities.db.select().from(creatives).where(eq(creatives.status, 'paused')).all();
    expect(paused.length).toBeGreaterThanOrEqual(1);
    expect(paused.map((p) => p.hookId)).not.toContain(launched[0]!.hookId);
    for (const p of paused) {
      const adset = stack.meta.list('adset').find((a) => a.id === p.metaAdsetId)!;
      expect(adset.status).toBe('PAUSED');
    }
    const audit = stack.activities.db
      .select()
      .from(decisions)
      .where(and(eq(decisions.cycleId, handle.workflowId), eq(decisions.kind, 'pause')))
      .all();
    expect(audit.length).toBe(paused.length);
    expect(audit[0]!.probability).toBeGreaterThan(0.9);
    expect(audit[0]!.snapshot).toBeTruthy();
    const texts = stack.activities.db.select().from(insights).where(eq(insights.cycleId, handle.workflowId)).all();
    expect(texts.some((t) => t.kind === 'pause' && /probability/.test(t.text))).toBe(true);
    expect(result.decisions.some((d) => d.startsWith('pause '))).toBe(true);
  });
});
