/**
 * Learning in the running agent: caps hold across cycles, and after days of simulated delivery the
 * cycle pauses a clear loser on Meta and writes its findings and audit rows. The agent reads the
 * Meta simulator's clock here, so three days pass in a second. Every simulated day is the worst
 * one Meta allows (each ad set spends 1.25 × its daily budget), so a cap that counted budgets at
 * face value would be broken.
 */
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creatives, decisions, findings, performance } from '../db/schema';
import { startSimulatedDaysStack, type TestStack } from './helpers/stack';

const DAY = 86_400_000;
const trueCtr: Record<string, number> = {};
let stack: TestStack;

beforeAll(async () => {
  stack = await startSimulatedDaysStack({
    env: { MAX_LIVE_ADS: '3', TOTAL_DAILY_SPEND_CAP: '1600' },
    meta: { trueCtrByHook: trueCtr, defaultTrueCtr: 0.002, dailySpendFactor: [1.25, 1.25] },
  });
});
afterAll(async () => stack?.shutdown());

const liveAds = () => stack.meta.list('ad').filter((a) => a.status === 'ACTIVE');

describe('learning in the cycle', () => {
  it('never launches past the live-ad cap or the daily spend cap, and says why', async () => {
    const first = await (await stack.startCycle({ adsPerRun: 5 }, 'ad-cycle-act_1234567890-manual-learn-1')).result();
    // 3 live ads would be allowed, but $5 ad sets may each spend $6.25 on a day: two fit under $16, three do not.
    expect(first.slots.filter((s) => s.status === 'launched')).toHaveLength(2);
    expect(first.decisions.filter((d) => d.startsWith('skip:'))).toHaveLength(3);
    expect(first.decisions.some((d) => /daily spend cap/.test(d))).toBe(true);
    const second = await (await stack.startCycle({ adsPerRun: 2 })).result();
    expect(second.outcome).toBe('no-capacity');
    expect(second.created.adIds).toHaveLength(0);
    expect(liveAds()).toHaveLength(2);
    const budgets = stack.meta.list('adset').map((a) => Number(a.daily_budget));
    expect(budgets.reduce((a, b) => a + 1.25 * b, 0)).toBeLessThanOrEqual(1600);
  });

  it('pauses a clear loser after days of delivery and records the decision with its evidence', async () => {
    const launched = stack.activities.db.select().from(creatives).where(eq(creatives.status, 'launched')).all();
    expect(launched).toHaveLength(2);
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
    const texts = stack.activities.db.select().from(findings).where(eq(findings.cycleId, handle.workflowId)).all();
    expect(texts.some((t) => t.kind === 'pause' && /probability/.test(t.text))).toBe(true);
    expect(result.decisions.some((d) => d.startsWith('pause '))).toBe(true);

    // Meta spent 25 % over every budget on every day, and the account still stayed under its cap.
    const perDay = stack.activities.db
      .select({ date: performance.date, cents: sql<number>`sum(${performance.spendCents})` })
      .from(performance)
      .groupBy(performance.date)
      .all();
    const fullDays = perDay.filter((d) => d.date > '2026-11-20' && d.date < '2026-11-23');
    expect(fullDays).toHaveLength(2);
    for (const d of fullDays) {
      expect(d.cents).toBeGreaterThan(1000 * 1.2); // the two $5 ad sets overspent...
      expect(d.cents).toBeLessThanOrEqual(1600); // ...within the cap
    }
  });
});
