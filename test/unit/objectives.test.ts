/**
 * Objectives per account: what the configuration accepts and refuses, what a launch asks Meta to
 * create for each objective (a traffic account's specs exactly as before objectives), and how an
 * insights row's results are counted (one action type, the account's windows, purchase values).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/env';
import { resultCounting, toRow } from '../../activities/meta-insights';
import { adSetSpec, campaignSpec } from '../../activities/meta-objects';
import { attributionWindows, insightsLookbackDays } from '../../activities/objectives';
import { InsightRow } from '../../activities/ports/meta-client';

const load = (env: Record<string, string>) => loadConfig(env, { dotenvPath: false });
const dir = mkdtempSync(path.join(os.tmpdir(), 'maa-objectives-'));
const accountsFile = (accounts: unknown[]) => {
  const p = path.join(dir, `accounts-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(p, JSON.stringify({ accounts }));
  return p;
};
const problems = (env: Record<string, string>) => {
  try {
    load(env);
    return '';
  } catch (e) {
    return (e as Error).message;
  }
};

describe('objective configuration', () => {
  it('defaults to traffic with a 7-day click, 1-day view window, and takes OBJECTIVE and PIXEL_ID for the one-account default', () => {
    expect(load({}).account).toMatchObject({ objective: 'traffic', attribution: { clickDays: 7, viewDays: 1 }, valueOptimised: false });
    expect(load({}).account.pixelId).toBeUndefined();
    const leads = load({ OBJECTIVE: 'leads', PIXEL_ID: '1122334455667788', ATTRIBUTION_CLICK_DAYS: '1', ATTRIBUTION_VIEW_DAYS: '0' }).account;
    expect(leads).toMatchObject({ objective: 'leads', pixelId: '1122334455667788', attribution: { clickDays: 1, viewDays: 0 } });
    expect(load({ OBJECTIVE: 'sales', PIXEL_ID: '42', VALUE_OPTIMISED: 'true' }).account).toMatchObject({ objective: 'sales', valueOptimised: true });
  });

  it('refuses a leads or sales account without a pixel, and bad windows, naming the variable', () => {
    expect(problems({ OBJECTIVE: 'leads' })).toMatch(/PIXEL_ID: required when OBJECTIVE is leads/);
    expect(problems({ OBJECTIVE: 'sales' })).toMatch(/PIXEL_ID: required when OBJECTIVE is sales/);
    expect(problems({ OBJECTIVE: 'leads', PIXEL_ID: '1', VALUE_OPTIMISED: 'true' })).toMatch(/VALUE_OPTIMISED: only for objective sales/);
    const bad = problems({ OBJECTIVE: 'awareness', PIXEL_ID: 'px-1', ATTRIBUTION_CLICK_DAYS: '3', ATTRIBUTION_VIEW_DAYS: '7' });
    expect(bad).toMatch(/OBJECTIVE: /);
    expect(bad).toMatch(/PIXEL_ID: must be a numeric Meta pixel/);
    expect(bad).toMatch(/ATTRIBUTION_CLICK_DAYS: must be 1, 7 or 28/);
    expect(bad).toMatch(/ATTRIBUTION_VIEW_DAYS: must be 0 or 1/);
  });

  it('reads objectives per account from the accounts file, with defaults from the environment, and names the account of a bad one', () => {
    const good = accountsFile([
      { id: 'act_1', pageId: '1' },
      { id: 'act_2', pageId: '2', objective: 'leads', pixelId: '777', attribution: { clickDays: 28 } },
      { id: 'act_3', pageId: '3', objective: 'sales', valueOptimised: true },
    ]);
    const [traffic, leads, sales] = load({ ACCOUNTS_FILE: good, PIXEL_ID: '999' }).accounts;
    expect(traffic).toMatchObject({ objective: 'traffic', attribution: { clickDays: 7, viewDays: 1 } });
    expect(leads).toMatchObject({ objective: 'leads', pixelId: '777', attribution: { clickDays: 28, viewDays: 1 }, valueOptimised: false });
    expect(sales).toMatchObject({ objective: 'sales', pixelId: '999', valueOptimised: true });

    const missing = accountsFile([
      { id: 'act_1', pageId: '1', objective: 'sales' },
      { id: 'act_2', pageId: '2', objective: 'traffic', valueOptimised: true },
    ]);
    const message = problems({ ACCOUNTS_FILE: missing });
    expect(message).toMatch(/accounts\[0\] \(act_1\)\.pixelId: required when objective is sales/);
    expect(message).toMatch(/accounts\[1\] \(act_2\)\.valueOptimised: only for objective sales/);
    const windows = problems({
      ACCOUNTS_FILE: accountsFile([{ id: 'act_1', pageId: '1', objective: 'leads', pixelId: '7', attribution: { clickDays: 14, viewDays: 7 } }]),
    });
    expect(windows).toMatch(/accounts\[0\] \(act_1\)\.attribution\.clickDays: must be 1, 7 or 28/);
    expect(windows).toMatch(/accounts\[0\] \(act_1\)\.attribution\.viewDays: must be 0 or 1/);
  });

  it('documents objectives in the shipped example, which loads as it is', () => {
    const accounts = load({ ACCOUNTS_FILE: 'accounts.example.json' }).accounts;
    expect(accounts.map((a) => a.objective)).toEqual(['traffic', 'sales', 'leads', 'traffic']);
    expect(accounts.filter((a) => a.objective !== 'traffic').every((a) => a.pixelId === '1122334455667788')).toBe(true);
  });
});

const audience = { countries: ['US'], customAudienceIds: ['2384'] };

describe('launch specs per objective', () => {
  it('keeps a traffic account’s campaign and ad set exactly as before objectives existed', () => {
    // The specs as they were sent before this change, byte for byte.
    expect(JSON.stringify(campaignSpec('c'))).toBe(
      '{"name":"c","objective":"OUTCOME_TRAFFIC","status":"PAUSED","special_ad_categories":[],"is_adset_budget_sharing_enabled":false}',
    );
    expect(JSON.stringify(campaignSpec('c', { objective: 'traffic', pixelId: '1' }))).toBe(JSON.stringify(campaignSpec('c')));
    const before =
      '{"name":"a","campaign_id":"9","status":"PAUSED","daily_budget":500,"billing_event":"IMPRESSIONS","optimization_goal":"LINK_CLICKS",' +
      '"bid_strategy":"LOWEST_COST_WITHOUT_CAP","destination_type":"WEBSITE","targeting":{"geo_locations":{"countries":["US"]},"age_min":18,' +
      '"age_max":65,"custom_audiences":[{"id":"2384"}],"publisher_platforms":["facebook","instagram"],"facebook_positions":["story","facebook_reels"],' +
      '"instagram_positions":["story","reels"],"device_platforms":["mobile"],"targeting_automation":{"advantage_audience":0}}}';
    expect(JSON.stringify(adSetSpec('a', '9', 500, audience))).toBe(before);
    expect(JSON.stringify(adSetSpec('a', '9', 500, { ...audience, objective: 'traffic', attribution: { clickDays: 1, viewDays: 0 } }))).toBe(before);
  });

  it('asks for the pixel’s leads or purchases within the account’s windows', () => {
    const leads = { ...audience, objective: 'leads' as const, pixelId: '77', attribution: { clickDays: 7, viewDays: 1 } };
    expect(campaignSpec('c', leads).objective).toBe('OUTCOME_LEADS');
    expect(adSetSpec('a', '9', 500, leads)).toMatchObject({
      billing_event: 'IMPRESSIONS',
      optimization_goal: 'OFFSITE_CONVERSIONS',
      promoted_object: { pixel_id: '77', custom_event_type: 'LEAD' },
      attribution_spec: [
        { event_type: 'CLICK_THROUGH', window_days: 7 },
        { event_type: 'VIEW_THROUGH', window_days: 1 },
      ],
    });
    const sales = { ...audience, objective: 'sales' as const, pixelId: '77', attribution: { clickDays: 1, viewDays: 0 } };
    expect(campaignSpec('c', sales).objective).toBe('OUTCOME_SALES');
    expect(adSetSpec('a', '9', 500, sales)).toMatchObject({
      optimization_goal: 'OFFSITE_CONVERSIONS',
      promoted_object: { pixel_id: '77', custom_event_type: 'PURCHASE' },
      attribution_spec: [{ event_type: 'CLICK_THROUGH', window_days: 1 }],
    });
    expect(adSetSpec('a', '9', 500, { ...sales, valueOptimised: true }).optimization_goal).toBe('VALUE');
    expect(attributionWindows(sales)).toEqual(['1d_click']);
    expect(attributionWindows(leads)).toEqual(['7d_click', '1d_view']);
  });

  it('re-reads a results account’s click window and the day before it', () => {
    expect(insightsLookbackDays({}, 3)).toBe(3);
    expect(insightsLookbackDays({ objective: 'leads', attribution: { clickDays: 7, viewDays: 1 } }, 3)).toBe(8);
    expect(insightsLookbackDays({ objective: 'sales', attribution: { clickDays: 1, viewDays: 0 } }, 3)).toBe(3);
    expect(insightsLookbackDays({ objective: 'sales', attribution: { clickDays: 28, viewDays: 1 } }, 3)).toBe(29);
  });
});

describe('results in an insights row', () => {
  const row = (extra: Record<string, unknown>) =>
    InsightRow.parse({ ad_id: '1', date_start: '2026-11-20', date_stop: '2026-11-20', impressions: '1000', spend: '10.5', inline_link_clicks: '20', ...extra });
  const both = (type: string, value: string, click: string, view: string) => ({ action_type: type, value, '7d_click': click, '1d_view': view });

  it('counts one lead type, never the aggregate on top of the pixel’s own, summed over the account’s windows', () => {
    const r = row({
      actions: [both('lead', '9', '7', '2'), both('offsite_conversion.fb_pixel_lead', '9', '7', '2'), { action_type: 'link_click', value: '20' }],
    });
    const leads = resultCounting({ objective: 'leads', pixelId: '1', attribution: { clickDays: 7, viewDays: 1 } });
    expect(toRow('act_1', r, 'now', leads)).toMatchObject({ conversions: 9, conversionValueCents: null, linkClicks: 20, spendCents: 1050 });
    // Only the aggregate reported: it stands in.
    expect(toRow('act_1', row({ actions: [both('lead', '4', '3', '1')] }), 'now', leads).conversions).toBe(4);
    // Window keys missing: the entry's value.
    expect(toRow('act_1', row({ actions: [{ action_type: 'offsite_conversion.fb_pixel_lead', value: '5' }] }), 'now', leads).conversions).toBe(5);
    // A traffic account counts its leads once too (before, lead + pixel lead were added up).
    expect(toRow('act_1', r, 'now').conversions).toBe(9);
  });

  it('counts a sales account’s purchases and their value in cents, from the same action type', () => {
    const sales = resultCounting({ objective: 'sales', pixelId: '1', attribution: { clickDays: 7, viewDays: 1 } });
    const r = row({
      actions: [both('purchase', '3', '2', '1'), both('omni_purchase', '3', '2', '1'), both('offsite_conversion.fb_pixel_purchase', '3', '2', '1')],
      action_values: [both('omni_purchase', '999.00', '990.00', '9.00'), both('offsite_conversion.fb_pixel_purchase', '180.50', '120.25', '60.25')],
    });
    expect(toRow('act_1', r, 'now', sales)).toMatchObject({ conversions: 3, conversionValueCents: 18050 });
    expect(toRow('act_1', row({ actions: [both('offsite_conversion.fb_pixel_purchase', '3', '2', '1')] }), 'now', sales).conversionValueCents).toBeNull();
    // A 1-day click window counts only its own key.
    const oneDay = resultCounting({ objective: 'sales', pixelId: '1', attribution: { clickDays: 1, viewDays: 0 } });
    const narrow = row({ actions: [{ action_type: 'offsite_conversion.fb_pixel_purchase', value: '3', '1d_click': '2' }] });
    expect(toRow('act_1', narrow, 'now', oneDay).conversions).toBe(2);
  });
});
