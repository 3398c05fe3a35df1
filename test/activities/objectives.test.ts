/**
 * The activities of a results account (sales here) against a fake Meta client and a temp DB, in
 * MockActivityEnvironment: fetchInsights reads the whole click window with the account's
 * attribution windows and stores purchases and their value; checkWriteAccess proves the account
 * may create its own kind of campaign; planCycle writes the objective into every audit row.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { eq } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { createAnalysisActivities } from '../../activities/analysis';
import { createCampaignActivities } from '../../activities/campaign';
import type { MetaClient } from '../../activities/ports/meta-client';
import { decisions, findings, performance } from '../../db/schema';
import { ACCOUNT, accounts, fakeMeta, launchedCreative, resolves, runIn, tempDb } from './fixtures';

const SALES = { objective: 'sales' as const, pixelId: '1122334455667788', attribution: { clickDays: 7, viewDays: 1 }, valueOptimised: false };

function analysis(meta: MetaClient) {
  const t = tempDb();
  const acts = createAnalysisActivities({ db: t.db, creatives: t.creatives, accounts: accounts(meta, SALES), lookbackDays: 3, creditUsd: 0.005, now: t.now });
  return { ...t, acts, env: new MockActivityEnvironment() };
}

/** An action as the client's schema parses it: `value` a number, the window keys as Meta sends them. */
const entry = (action_type: string, value: number, click: string, view: string) => ({ action_type, value, '7d_click': click, '1d_view': view });

describe('a sales account’s activities', () => {
  it('reads 8 days of insights with its attribution windows and stores purchases once, with their value in cents', async () => {
    const adInsights = vi.fn(async () => [
      {
        ad_id: 'ad-earlier-0',
        date_start: '2026-03-04',
        date_stop: '2026-03-04',
        impressions: 2000,
        spend: 20,
        inline_link_clicks: 40,
        actions: [entry('offsite_conversion.fb_pixel_purchase', 5, '4', '1'), entry('purchase', 5, '4', '1')],
        action_values: [entry('offsite_conversion.fb_pixel_purchase', 312.4, '250.00', '62.40')],
      },
    ]);
    const meta = fakeMeta({
      adInsights,
      findByNameContaining: resolves([]),
      debugToken: resolves({ is_valid: true, expires_at: 0 }),
      adStates: resolves([{ id: 'ad-earlier-0', adset_id: 'adset-earlier-0', effective_status: 'ACTIVE' }]),
      adSetBudgets: resolves(new Map([['adset-earlier-0', 500]])),
    });
    const { acts, env, db, creatives } = analysis(meta);
    launchedCreative(creatives, 'earlier', 0);

    const result = await runIn(env, acts.fetchInsights, { accountId: ACCOUNT, cycleId: 'cycle-1' });

    // Today is 2026-03-10: 7 days of click window and the day before them.
    expect(adInsights).toHaveBeenCalledWith(ACCOUNT, '2026-03-03', '2026-03-10', expect.any(Function), ['7d_click', '1d_view']);
    expect(result).toMatchObject({ since: '2026-03-03', objective: 'sales', results: 5, resultValueCents: 31240, spendCents: 2000 });
    expect(db.select().from(performance).where(eq(performance.adId, 'ad-earlier-0')).get()).toMatchObject({ conversions: 5, conversionValueCents: 31240 });
  });

  it('checks write access with a campaign of its own objective', async () => {
    const validateWriteAccess = vi.fn(async () => ({ success: true }));
    const t = tempDb();
    const acts = createCampaignActivities({
      db: t.db,
      creatives: t.creatives,
      accounts: accounts(fakeMeta({ validateWriteAccess }), SALES),
      creditUsd: 0.005,
      now: t.now,
    });
    await runIn(new MockActivityEnvironment(), acts.checkWriteAccess, { accountId: ACCOUNT });
    expect(validateWriteAccess).toHaveBeenCalledWith(ACCOUNT, 'OUTCOME_SALES');
  });

  it('names the objective in every decision and finding the plan writes', async () => {
    const { acts, env, db } = analysis(fakeMeta({}));
    await runIn(env, acts.planCycle, { accountId: ACCOUNT, cycleId: 'cycle-2', wanted: 2 });
    const audit = db.select().from(decisions).where(eq(decisions.cycleId, 'cycle-2')).all();
    expect(audit.length).toBeGreaterThan(0);
    expect(audit.map((d) => (d.snapshot as { objective?: string }).objective)).toEqual(audit.map(() => 'sales'));
    const texts = db.select().from(findings).where(eq(findings.cycleId, 'cycle-2')).all();
    expect(texts.length).toBeGreaterThan(0);
    expect(texts.map((t) => (t.data as { objective?: string }).objective)).toEqual(texts.map(() => 'sales'));
  });
});
