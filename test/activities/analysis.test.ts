/**
 * The analysis activities against a fake Meta client and a temp DB, in MockActivityEnvironment:
 * fetchInsights stores Meta's rows and takes Meta's word on live ads (a disapproved ad frees its
 * slot with a finding, a deleted one too, an ad set budget edited in Ads Manager is what the cap
 * counts), and planCycle gives each slot its format with the same seeded draw on every retry.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createAnalysisActivities } from '../../activities/analysis';
import { MetaApiError, type MetaClient } from '../../activities/ports/meta-client';
import { createCreativeStore } from '../../db/creatives';
import { findings, performance } from '../../db/schema';
import { ACCOUNT, accounts, fakeMeta, launchedCreative, NOW, resolves, runIn, tempDb } from './fixtures';

function analysisActs(meta: MetaClient, overrides: Parameters<typeof accounts>[1] = {}) {
  const t = tempDb();
  const acts = createAnalysisActivities({
    db: t.db,
    creatives: t.creatives,
    accounts: accounts(meta, overrides),
    lookbackDays: 3,
    creditUsd: 0.005,
    now: t.now,
  });
  return { ...t, acts, env: new MockActivityEnvironment() };
}

const noRows = resolves([]);

describe('fetchInsights', () => {
  it('marks a disapproved ad paused with Meta’s reason and a finding, freeing its slot', async () => {
    const review = { global: { 'Misleading claims': 'The ad promises results.' } };
    const meta = fakeMeta({
      adInsights: noRows,
      findByNameContaining: noRows,
      debugToken: resolves({ is_valid: true, expires_at: 0 }),
      adStates: resolves([{ id: 'ad-earlier-0', adset_id: 'adset-earlier-0', effective_status: 'DISAPPROVED', ad_review_feedback: review }]),
      adSetBudgets: resolves(new Map([['adset-earlier-0', 500]])),
    });
    const { acts, env, creatives, db } = analysisActs(meta);
    const live = launchedCreative(creatives, 'earlier', 0);
    expect(live.adId).toBe('ad-earlier-0');

    const result = await runIn(env, acts.fetchInsights, { accountId: ACCOUNT, cycleId: 'cycle-7' });

    expect(result.reconciled).toEqual({ disapproved: [live.id], stoppedOutside: [], budgetsChanged: [] });
    expect(creatives.get(live.id)).toMatchObject({ status: 'paused', failReason: 'disapproved by Meta: Misleading claims', pausedAt: NOW.toISOString() });
    expect(db.select().from(findings).where(eq(findings.cycleId, 'cycle-7')).all()).toEqual([
      expect.objectContaining({
        kind: 'disapproved',
        subject: live.id,
        confidence: 1,
        text: expect.stringMatching(/stopped delivering: disapproved by Meta: Misleading claims\. Its slot and budget are free again\./),
      }),
    ]);
    // Its slot no longer counts against the cap.
    expect(
      creatives.spendCap(ACCOUNT, { maxLiveAds: 4, totalDailySpendCapCents: 2600, adSetDailyBudgetCents: 500, maxAdSetDailyBudgetCents: 1500 }, 0.005).liveAds,
    ).toBe(0);
  });

  it('treats an unlisted ad Meta says does not exist as deleted, and counts a budget edited in Ads Manager', async () => {
    const meta = fakeMeta({
      adInsights: resolves([{ ad_id: '900', date_start: '2026-03-10', date_stop: '2026-03-10', impressions: 1000, spend: 4.5, inline_link_clicks: 12 }]),
      // The edge lists the edited ad only; the other one is gone.
      adStates: resolves([{ id: 'ad-earlier-1', adset_id: 'adset-earlier-1', effective_status: 'ACTIVE' }]),
      adSetBudgets: resolves(new Map([['adset-earlier-1', 900]])),
      getStatus: async () => Promise.reject(new MetaApiError('read status', 400, 100, 33, false, 'Object does not exist')),
      findByNameContaining: noRows,
      debugToken: resolves({ is_valid: true, expires_at: 0 }),
    });
    const { acts, env, db } = analysisActs(meta);
    // Launched two hours ago: old enough to be asked for directly when the edge does not list it.
    const earlier = createCreativeStore(db, () => new Date(NOW.getTime() - 2 * 3_600_000));
    const gone = launchedCreative(earlier, 'earlier', 0);
    const edited = launchedCreative(earlier, 'earlier', 1);

    const result = await runIn(env, acts.fetchInsights, { accountId: ACCOUNT, cycleId: 'cycle-8' });

    expect(result).toMatchObject({ rows: 1, ads: 1, impressions: 1000, linkClicks: 12, spendCents: 450 });
    expect(db.select().from(performance).all()).toEqual([expect.objectContaining({ adId: '900', date: '2026-03-10', spendCents: 450, linkClicks: 12 })]);
    expect(result.reconciled).toEqual({ disapproved: [], stoppedOutside: [gone.id], budgetsChanged: [edited.id] });
    expect(earlier.get(gone.id)).toMatchObject({ status: 'paused', failReason: 'DELETED outside the agent' });
    expect(earlier.get(edited.id)).toMatchObject({ status: 'launched', dailyBudgetCents: 900 });
    expect(
      db
        .select()
        .from(findings)
        .all()
        .map((i) => i.kind)
        .sort(),
    ).toEqual(['budget-changed', 'stopped-outside']);
  });
});

describe('planCycle', () => {
  it('gives each slot its format by the seeded draw, the same on a retry, within the formats its hook allows', async () => {
    const { acts, env } = analysisActs(fakeMeta({}), { videoShare: 0.5 });
    const plan = await runIn(env, acts.planCycle, { accountId: ACCOUNT, cycleId: 'cycle-9', wanted: 3 });
    const again = await runIn(env, acts.planCycle, { accountId: ACCOUNT, cycleId: 'cycle-9', wanted: 3 });
    expect(plan.slots.length).toBeGreaterThan(0);
    expect(again.slots).toEqual(plan.slots);
    for (const s of plan.slots) {
      if (s.hookId === 'h-image') expect(s.format).toBe('image');
      if (s.hookId === 'h-video') expect(s.format).toBe('video');
    }
    const forced = await runIn(env, acts.planCycle, { accountId: ACCOUNT, cycleId: 'cycle-9', wanted: 3, format: 'image' });
    expect(forced.slots.map((s) => s.format)).toEqual(forced.slots.map(() => 'image'));
  });
});
