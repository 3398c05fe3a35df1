/**
 * The Meta simulator's objectives over HTTP: which optimization goal and promoted_object each
 * campaign objective takes (reference 3.2 table), the account's own pixel, attribution_spec, and
 * the results an ad set promoted for a pixel LEAD or PURCHASE reports — late, restating past days,
 * per attribution window, with purchase values.
 */
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { startMetaSimulator, type MetaSimOptions, type MetaSimulator } from '../../simulators/meta';
import { attributionSpec, expectGraphError, graph, type Json } from '../helpers/meta-graph';

const ACT = 'act_1234567890';
const PAGE = '122100000000000001';
const PIXEL = '1122334455667788'; // the simulator's seeded pixel
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const opened: MetaSimulator[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
});

async function sim(opts: MetaSimOptions = {}): Promise<MetaSimulator> {
  const s = await startMetaSimulator({ timeScale: 0, seed: 11, startTime: new Date('2026-11-20T00:00:00Z'), reviewDelaySimMs: [60_000, 60_000], ...opts });
  opened.push(s);
  return s;
}

async function campaign(s: MetaSimulator, objective: string): Promise<string> {
  const r = await graph(s, 'POST', `/${ACT}/campaigns`, {
    name: `c ${objective}`,
    objective,
    status: 'ACTIVE',
    special_ad_categories: '[]',
    is_adset_budget_sharing_enabled: 'false',
  });
  expect(r.body).toMatchObject({ success: true });
  return r.body.id;
}

const promoted = (custom_event_type: string, pixel_id = PIXEL) => JSON.stringify({ pixel_id, custom_event_type });
const attribution = (click = 7, view = 1) => JSON.stringify(attributionSpec(click, view));

function adset(s: MetaSimulator, campaignId: string, extra: Record<string, string>) {
  return graph(s, 'POST', `/${ACT}/adsets`, {
    name: 'as',
    campaign_id: campaignId,
    billing_event: 'IMPRESSIONS',
    daily_budget: '5000',
    status: 'ACTIVE',
    destination_type: 'WEBSITE',
    targeting: JSON.stringify({ geo_locations: { countries: ['US'] }, targeting_automation: { advantage_audience: 0 } }),
    ...extra,
  });
}

/** An approved, delivering ad in a new ad set of a new campaign. */
async function launch(s: MetaSimulator, objective: string, adsetParams: Record<string, string>, hook = 'steady') {
  const campaignId = await campaign(s, objective);
  const made = await adset(s, campaignId, adsetParams);
  expect(made.body).toMatchObject({ success: true });
  const bytes = await sharp({ create: { width: 1080, height: 1920, channels: 3, background: '#335577' } })
    .png()
    .toBuffer();
  const hash = (await graph(s, 'POST', `/${ACT}/adimages`, { bytes: bytes.toString('base64') })).body.images.bytes.hash;
  const creative = await graph(s, 'POST', `/${ACT}/adcreatives`, {
    name: 'cr',
    object_story_spec: JSON.stringify({
      page_id: PAGE,
      link_data: { link: 'https://example.com/offer', image_hash: hash, call_to_action: { type: 'SIGN_UP' } },
    }),
  });
  const ad = await graph(s, 'POST', `/${ACT}/ads`, {
    name: `ad hook=${hook} review=approve`,
    adset_id: made.body.id,
    creative: JSON.stringify({ creative_id: creative.body.id }),
    status: 'ACTIVE',
  });
  return { campaignId, adsetId: made.body.id as string, adId: ad.body.id as string };
}

/** One ad's daily rows over the first days, with the given fields and windows. */
async function daily(s: MetaSimulator, adId: string, fields: string, windows?: string[]): Promise<Json[]> {
  const r = await graph(s, 'GET', `/${adId}/insights`, {
    fields: `date_start,${fields}`,
    time_increment: '1',
    time_range: JSON.stringify({ since: '2026-11-20', until: '2026-12-20' }),
    ...(windows ? { action_attribution_windows: JSON.stringify(windows) } : {}),
  });
  expect(r.status).toBe(200);
  return r.body.data;
}

const action = (row: Json, type: string, key = 'value') => Number(row.actions?.find((a: Json) => a.action_type === type)?.[key] ?? 0);

describe('objectives, goals and promoted objects', () => {
  it('serves the pixel the account owns, and creates a website leads ad set that reads back as sent', async () => {
    const s = await sim();
    const pixels = await graph(s, 'GET', `/${ACT}/adspixels`, { fields: 'id,name' });
    expect(pixels.body.data).toEqual([{ id: PIXEL, name: expect.any(String) }]);
    expect((await graph(s, 'GET', `/${PIXEL}`, { fields: 'id,is_unavailable' })).body).toEqual({ id: PIXEL, is_unavailable: false });

    const c = await campaign(s, 'OUTCOME_LEADS');
    const made = await adset(s, c, { optimization_goal: 'OFFSITE_CONVERSIONS', promoted_object: promoted('LEAD'), attribution_spec: attribution(7, 1) });
    expect(made.body).toMatchObject({ success: true });
    const read = await graph(s, 'GET', `/${made.body.id}`, { fields: 'optimization_goal,billing_event,promoted_object,attribution_spec,campaign{objective}' });
    expect(read.body).toMatchObject({
      optimization_goal: 'OFFSITE_CONVERSIONS',
      billing_event: 'IMPRESSIONS',
      promoted_object: { pixel_id: PIXEL, custom_event_type: 'LEAD' },
      attribution_spec: attributionSpec(7, 1),
      campaign: { objective: 'OUTCOME_LEADS' },
    });
    const sales = await campaign(s, 'OUTCOME_SALES');
    for (const goal of ['OFFSITE_CONVERSIONS', 'VALUE', 'LINK_CLICKS', 'IMPRESSIONS', 'REACH']) {
      expect((await adset(s, sales, { optimization_goal: goal, promoted_object: promoted('PURCHASE') })).body, goal).toMatchObject({ success: true });
    }
    const traffic = await campaign(s, 'OUTCOME_TRAFFIC');
    for (const goal of ['LINK_CLICKS', 'LANDING_PAGE_VIEWS', 'IMPRESSIONS', 'REACH']) {
      expect((await adset(s, traffic, { optimization_goal: goal })).body, goal).toMatchObject({ success: true });
    }
  });

  it('refuses every other objective, goal and promoted_object combination with code 100', async () => {
    const s = await sim();
    const leads = await campaign(s, 'OUTCOME_LEADS');
    const sales = await campaign(s, 'OUTCOME_SALES');
    const traffic = await campaign(s, 'OUTCOME_TRAFFIC');
    const cases: Array<[string, string, Record<string, string>, RegExp]> = [
      [
        'leads conversions without a pixel',
        leads,
        { optimization_goal: 'OFFSITE_CONVERSIONS' },
        /promoted_object with pixel_id and custom_event_type is required/,
      ],
      ['leads promoted for a purchase', leads, { optimization_goal: 'OFFSITE_CONVERSIONS', promoted_object: promoted('PURCHASE') }, /PURCHASE is not valid/],
      [
        'leads with only a pixel',
        leads,
        { optimization_goal: 'OFFSITE_CONVERSIONS', promoted_object: JSON.stringify({ pixel_id: PIXEL }) },
        /needs pixel_id and custom_event_type/,
      ],
      [
        'leads to a website on landing page views',
        leads,
        { optimization_goal: 'LANDING_PAGE_VIEWS' },
        /LANDING_PAGE_VIEWS is not valid .* OUTCOME_LEADS and destination_type WEBSITE/,
      ],
      [
        'an instant-form goal on a website',
        leads,
        { optimization_goal: 'LEAD_GENERATION', promoted_object: JSON.stringify({ page_id: PAGE }) },
        /LEAD_GENERATION is not valid/,
      ],
      [
        'traffic on conversions',
        traffic,
        { optimization_goal: 'OFFSITE_CONVERSIONS', promoted_object: promoted('LEAD') },
        /OFFSITE_CONVERSIONS is not valid .* OUTCOME_TRAFFIC/,
      ],
      ['traffic with a pixel', traffic, { optimization_goal: 'LINK_CLICKS', promoted_object: promoted('LEAD') }, /not valid for ad sets in OUTCOME_TRAFFIC/],
      ['sales without a pixel', sales, { optimization_goal: 'LINK_CLICKS' }, /promoted_object with pixel_id and custom_event_type is required/],
      [
        'sales on landing page views',
        sales,
        { optimization_goal: 'LANDING_PAGE_VIEWS', promoted_object: promoted('PURCHASE') },
        /LANDING_PAGE_VIEWS is not valid .* OUTCOME_SALES/,
      ],
      [
        'sales value for an add-to-cart',
        sales,
        { optimization_goal: 'VALUE', promoted_object: promoted('ADD_TO_CART') },
        /ADD_TO_CART is not valid for optimization goal VALUE/,
      ],
      ['sales promoted for a lead', sales, { optimization_goal: 'OFFSITE_CONVERSIONS', promoted_object: promoted('LEAD') }, /LEAD is not valid/],
      ['an unknown event', sales, { optimization_goal: 'OFFSITE_CONVERSIONS', promoted_object: promoted('BUY_STUFF') }, /custom_event_type\] must be one of/],
      [
        'an unknown pixel',
        leads,
        { optimization_goal: 'OFFSITE_CONVERSIONS', promoted_object: promoted('LEAD', '999000111') },
        /pixel 999000111 does not exist or ad account act_1234567890 has no access/,
      ],
      [
        'an unknown promoted_object key',
        leads,
        { optimization_goal: 'OFFSITE_CONVERSIONS', promoted_object: JSON.stringify({ pixel_id: PIXEL, custom_event_type: 'LEAD', link: 'x' }) },
        /Invalid keys "link"/,
      ],
    ];
    for (const [what, campaignId, params, message] of cases) {
      const answer = await adset(s, campaignId, params);
      expect(answer.status, what).toBe(400);
      expectGraphError(answer, 100, message);
    }
    expect(s.list('adset')).toHaveLength(0);
  });

  it('takes only the pixels an account owns', async () => {
    const s = await sim({ adAccounts: [ACT, 'act_2233445566'], pixelIds: { [ACT]: ['5550001'], act_2233445566: ['5550002'] } });
    const leads = await campaign(s, 'OUTCOME_LEADS');
    expect((await graph(s, 'GET', `/${ACT}/adspixels`, { fields: 'id' })).body.data).toEqual([{ id: '5550001' }]);
    const other = await adset(s, leads, { optimization_goal: 'OFFSITE_CONVERSIONS', promoted_object: promoted('LEAD', '5550002') });
    expectGraphError(other, 100, /pixel 5550002 does not exist or ad account act_1234567890 has no access/);
    expect((await adset(s, leads, { optimization_goal: 'OFFSITE_CONVERSIONS', promoted_object: promoted('LEAD', '5550001') })).body).toMatchObject({
      success: true,
    });
  });

  it('validates attribution_spec on create and on update', async () => {
    const s = await sim();
    const leads = await campaign(s, 'OUTCOME_LEADS');
    const spec = (v: unknown) => ({ optimization_goal: 'OFFSITE_CONVERSIONS', promoted_object: promoted('LEAD'), attribution_spec: JSON.stringify(v) });
    const cases: Array<[unknown, RegExp]> = [
      [{ event_type: 'CLICK_THROUGH', window_days: 7 }, /attribution_spec must be a JSON array/],
      [[{ event_type: 'CLICK_THROUGH', window_days: 3 }], /window_days\] must be one of \{1, 7, 28\}/],
      [[{ event_type: 'VIEW_THROUGH', window_days: 7 }], /window_days\] must be one of \{1\} for event_type VIEW_THROUGH/],
      [[{ event_type: 'CLICK', window_days: 7 }], /event_type\] must be one of \{CLICK_THROUGH, VIEW_THROUGH, ENGAGED_VIDEO_VIEW\}/],
      [[{ event_type: 'CLICK_THROUGH', window_days: '7' }], /window_days/],
      [
        [
          { event_type: 'CLICK_THROUGH', window_days: 7 },
          { event_type: 'CLICK_THROUGH', window_days: 1 },
        ],
        /more than once/,
      ],
      [[{ event_type: 'CLICK_THROUGH', window_days: 7, days: 7 }], /Invalid keys "days"/],
      ['7d_click', /attribution_spec\[0\] must be an object/],
    ];
    for (const [value, message] of cases)
      expectGraphError(await adset(s, leads, spec(Array.isArray(value) || typeof value === 'object' ? value : [value])), 100, message);
    expectGraphError(await adset(s, leads, { ...spec([]), attribution_spec: 'CLICK_THROUGH:7' }), 100, /attribution_spec must be a JSON-encoded value/);

    const made = await adset(s, leads, spec([{ event_type: 'CLICK_THROUGH', window_days: 1 }]));
    expect(made.body).toMatchObject({ success: true });
    expectGraphError(
      await graph(s, 'POST', `/${made.body.id}`, { attribution_spec: JSON.stringify([{ event_type: 'VIEW_THROUGH', window_days: 28 }]) }),
      100,
      /window_days/,
    );
    expect((await graph(s, 'POST', `/${made.body.id}`, { attribution_spec: attribution(28, 1) })).body).toEqual({ success: true });
    expect((await graph(s, 'GET', `/${made.body.id}`, { fields: 'attribution_spec' })).body.attribution_spec).toEqual(JSON.parse(attribution(28, 1)));
  });
});

describe('results of ad sets promoted for a pixel event', () => {
  it('reports pixel leads late, restating past days, per attribution window, at the hook’s conversion rate', async () => {
    const s = await sim({ trueCtrByHook: { good: 0.02, poor: 0.02 }, trueCvrByHook: { good: 0.2, poor: 0.01 } });
    const lead = { optimization_goal: 'OFFSITE_CONVERSIONS', promoted_object: promoted('LEAD'), attribution_spec: attribution(7, 1) };
    const good = await launch(s, 'OUTCOME_LEADS', lead, 'good');
    const poor = await launch(s, 'OUTCOME_LEADS', lead, 'poor');
    s.advance(DAY + 2 * HOUR);
    const firstDay = async (adId: string) => (await daily(s, adId, 'actions', ['7d_click', '1d_view']))[0];
    const early = await firstDay(good.adId);
    expect(early.date_start).toBe('2026-11-20');
    s.advance(6 * DAY);
    const late = await firstDay(good.adId);
    const leads = (row: Json) => action(row, 'offsite_conversion.fb_pixel_lead');
    // The same day, read again later: results kept arriving for it.
    expect(leads(late)).toBeGreaterThan(leads(early));
    // `value` is the ad set's setting, 7-day click + 1-day view: the sum of the two window keys.
    expect(leads(late)).toBe(action(late, 'offsite_conversion.fb_pixel_lead', '7d_click') + action(late, 'offsite_conversion.fb_pixel_lead', '1d_view'));
    expect(action(late, 'offsite_conversion.fb_pixel_lead', '1d_view')).toBeGreaterThan(0);
    expect(action(late, 'lead')).toBe(leads(late));
    expect(late.actions.find((a: Json) => a.action_type === 'link_click')['1d_view']).toBe('0');

    // Conversions per link click follow the hook: same CTR, twenty times the conversion rate.
    const rate = async (adId: string) => {
      const rows = await daily(s, adId, 'actions');
      const sum = (type: string) => rows.reduce((t, r) => t + action(r, type), 0);
      return sum('offsite_conversion.fb_pixel_lead') / sum('link_click');
    };
    expect(await rate(good.adId)).toBeGreaterThan(0.15);
    expect(await rate(poor.adId)).toBeLessThan(0.04);
    // No purchases from a leads ad set, and no traffic-model leads either.
    expect(action(late, 'offsite_conversion.fb_pixel_purchase')).toBe(0);
  });

  it('counts in value only the conversions within the ad set’s attribution window', async () => {
    const s = await sim({ trueCtrByHook: { steady: 0.02 }, defaultTrueCvr: 0.2 });
    const oneDay = await launch(s, 'OUTCOME_LEADS', {
      optimization_goal: 'OFFSITE_CONVERSIONS',
      promoted_object: promoted('LEAD'),
      attribution_spec: attribution(1, 0),
    });
    s.advance(9 * DAY);
    const rows = await daily(s, oneDay.adId, 'actions,attribution_setting', ['1d_click', '7d_click', '1d_view']);
    const sum = (type: string, key: string) => rows.reduce((t, r) => t + action(r, type, key), 0);
    const pixelLeads = 'offsite_conversion.fb_pixel_lead';
    expect(rows[0].attribution_setting).toBe('1d_click');
    expect(sum(pixelLeads, 'value')).toBe(sum(pixelLeads, '1d_click'));
    // Conversions later than a day after the click happened, but are outside this ad set's window.
    expect(sum(pixelLeads, '7d_click')).toBeGreaterThan(sum(pixelLeads, 'value') * 1.2);
    expect(sum(pixelLeads, '1d_view')).toBeGreaterThan(0);
  });

  it('refuses insights windows Meta does not know, and reads "default" as 7-day click and 1-day view', async () => {
    const s = await sim({ trueCtrByHook: { steady: 0.02 }, defaultTrueCvr: 0.2 });
    const { adId } = await launch(s, 'OUTCOME_LEADS', {
      optimization_goal: 'OFFSITE_CONVERSIONS',
      promoted_object: promoted('LEAD'),
      attribution_spec: attribution(7, 1),
    });
    s.advance(3 * DAY);
    const ask = (windows: string) => graph(s, 'GET', `/${adId}/insights`, { fields: 'actions', time_increment: '1', action_attribution_windows: windows });
    for (const bad of ['["3d_click"]', '["7d_click","14d_view"]', '7d_click,30d_click', '["7D_CLICK"]']) {
      expectGraphError(await ask(bad), 100, /action_attribution_windows must contain only \{1d_click, .*default\}/);
    }
    expectGraphError(await ask('["7d_click"'), 100, /action_attribution_windows/);
    const named = await ask('["7d_click","1d_view"]');
    const byDefault = await ask('["default"]');
    expect(byDefault.status).toBe(200);
    expect(byDefault.body.data).toEqual(named.body.data);
    expect(byDefault.body.data.some((r: Json) => action(r, 'offsite_conversion.fb_pixel_lead', '7d_click') > 0)).toBe(true);
  });

  it('reports purchases with their value and ROAS for a sales ad set', async () => {
    const s = await sim({ trueCtrByHook: { steady: 0.02 }, defaultTrueCvr: 0.1, averageOrderValue: 80 });
    const sale = await launch(s, 'OUTCOME_SALES', { optimization_goal: 'VALUE', promoted_object: promoted('PURCHASE'), attribution_spec: attribution(7, 1) });
    s.advance(10 * DAY);
    const rows = await daily(s, sale.adId, 'spend,actions,action_values,purchase_roas', ['7d_click', '1d_view']);
    const row = rows.find((r) => action(r, 'offsite_conversion.fb_pixel_purchase') >= 3)!;
    expect(row).toBeTruthy();
    const purchases = action(row, 'offsite_conversion.fb_pixel_purchase');
    expect(action(row, 'purchase')).toBe(purchases);
    expect(action(row, 'omni_purchase')).toBe(purchases);
    expect(action(row, 'offsite_conversion.fb_pixel_lead')).toBe(0);
    const value = row.action_values.find((a: Json) => a.action_type === 'offsite_conversion.fb_pixel_purchase');
    expect(value.value).toMatch(/^\d+(\.\d{1,2})?$/);
    expect(Number(value['7d_click']) + Number(value['1d_view'])).toBeCloseTo(Number(value.value), 1);
    const all = rows.reduce((t, r) => ({ n: t.n + action(r, 'purchase'), v: t.v + Number(r.action_values?.[0]?.value ?? 0) }), { n: 0, v: 0 });
    expect(all.v / all.n).toBeGreaterThan(55);
    expect(all.v / all.n).toBeLessThan(110);
    expect(Number(row.purchase_roas[0].value)).toBeCloseTo(Number(value.value) / Number(row.spend), 3);
  });

  it('keeps the traffic model for ad sets promoted for nothing: leads from landing page views, click windows only', async () => {
    const s = await sim({ trueCtrByHook: { steady: 0.02 } });
    const t = await launch(s, 'OUTCOME_TRAFFIC', { optimization_goal: 'LINK_CLICKS' });
    s.advance(5 * DAY);
    const rows = await daily(s, t.adId, 'actions,attribution_setting', ['7d_click', '1d_view']);
    const leads = rows.reduce((n, r) => n + action(r, 'offsite_conversion.fb_pixel_lead'), 0);
    const lpv = rows.reduce((n, r) => n + action(r, 'landing_page_view'), 0);
    expect(leads / lpv).toBeGreaterThan(0.02);
    expect(leads / lpv).toBeLessThan(0.16);
    const withLeads = rows.find((r) => action(r, 'lead') > 0)!;
    expect(action(withLeads, 'lead', '7d_click')).toBe(action(withLeads, 'lead'));
    expect(action(withLeads, 'lead', '1d_view')).toBe(0);
    expect(rows[0].attribution_setting).toBe('7d_click_1d_view');
  });
});
