/**
 * Specification of the Meta Marketing API simulator, exercised over HTTP like a real client.
 * Each test starts its own simulator on a random port with a frozen clock (timeScale 0) and a
 * fixed seed, and moves time only with advance().
 */
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { startMetaSimulator, type MetaSimOptions, type MetaSimulator } from '../../simulators/meta';

// Response bodies are asserted field by field, so loose typing keeps the assertions readable.
type Json = any;

const TOKEN = 'sim-meta-token';
const ACT = 'act_1234567890';
const PAGE = '122100000000000001';
const AUDIENCE = '238400000000000001';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const opened: MetaSimulator[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
});

async function sim(opts: MetaSimOptions = {}): Promise<MetaSimulator> {
  const s = await startMetaSimulator({ timeScale: 0, seed: 7, startTime: new Date('2026-11-20T08:00:00Z'), ...opts });
  opened.push(s);
  return s;
}

interface Answer {
  status: number;
  body: Json;
  headers: Headers;
}

/** Form-encoded call, the way the Graph API documents it; nested values must be JSON strings. */
async function graph(s: MetaSimulator, method: string, path: string, params: Record<string, string> = {}, version = 'v26.0'): Promise<Answer> {
  const all = new URLSearchParams({ access_token: TOKEN, ...params });
  const url = `${s.url}/${version}${path}`;
  const res =
    method === 'GET' ? await fetch(`${url}?${all}`) : await fetch(url, { method, body: all, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  return { status: res.status, body: await res.json(), headers: res.headers };
}

const targeting = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    geo_locations: { countries: ['US'] },
    targeting_automation: { advantage_audience: 0 },
    custom_audiences: [{ id: AUDIENCE }],
    ...extra,
  });

async function campaign(s: MetaSimulator, extra: Record<string, string> = {}): Promise<string> {
  const r = await graph(s, 'POST', `/${ACT}/campaigns`, {
    name: 'wf-1:camp',
    objective: 'OUTCOME_TRAFFIC',
    status: 'ACTIVE',
    special_ad_categories: '["NONE"]',
    is_adset_budget_sharing_enabled: 'false',
    ...extra,
  });
  expect(r.body).toEqual({ id: expect.stringMatching(/^\d{17,19}$/), success: true });
  return r.body.id;
}

async function adset(s: MetaSimulator, campaignId: string, extra: Record<string, string> = {}, version = 'v26.0'): Promise<Answer> {
  const params = {
    name: 'wf-1:adset',
    campaign_id: campaignId,
    billing_event: 'IMPRESSIONS',
    optimization_goal: 'LINK_CLICKS',
    daily_budget: '500',
    status: 'ACTIVE',
    targeting: targeting(),
    ...extra,
  };
  return graph(s, 'POST', `/${ACT}/adsets`, params, version);
}

async function png(color = '#336699'): Promise<Buffer> {
  return sharp({ create: { width: 1080, height: 1920, channels: 3, background: color } })
    .png()
    .toBuffer();
}

async function imageHash(s: MetaSimulator): Promise<string> {
  const r = await graph(s, 'POST', `/${ACT}/adimages`, { bytes: (await png()).toString('base64') });
  return r.body.images.bytes.hash;
}

/** campaign -> ad set -> image -> creative -> ad, returning every id. */
async function launch(s: MetaSimulator, adName = 'wf-1:ad hook=urgency review=approve') {
  const campaignId = await campaign(s);
  const adsetId = (await adset(s, campaignId)).body.id as string;
  const hash = await imageHash(s);
  const creative = await graph(s, 'POST', `/${ACT}/adcreatives`, {
    name: 'wf-1:creative',
    object_story_spec: JSON.stringify({
      page_id: PAGE,
      link_data: { link: 'https://example.com/offer', image_hash: hash, message: 'Hi', call_to_action: { type: 'LEARN_MORE' } },
    }),
  });
  expect(creative.body).toEqual({ id: expect.stringMatching(/^\d+$/) });
  const ad = await graph(s, 'POST', `/${ACT}/ads`, {
    name: adName,
    adset_id: adsetId,
    creative: JSON.stringify({ creative_id: creative.body.id }),
    status: 'ACTIVE',
  });
  expect(ad.body).toEqual({ id: expect.any(String), success: true });
  return { campaignId, adsetId, hash, creativeId: creative.body.id as string, adId: ad.body.id as string };
}

function expectError(a: Answer, code: number, subcode?: number): void {
  expect(a.status).toBe(code === 1 || code === 2 ? 500 : 400);
  expect(a.body.error).toMatchObject({ code, type: expect.any(String), is_transient: expect.any(Boolean), fbtrace_id: expect.any(String) });
  if (subcode !== undefined) expect(a.body.error.error_subcode).toBe(subcode);
}

describe('object creation chain', () => {
  it('creates campaign, ad set, image, creative and ad from form-encoded JSON strings', async () => {
    const s = await sim();
    const ids = await launch(s);
    const ad = await graph(s, 'GET', `/${ids.adId}`, { fields: 'name,status,effective_status,creative{id},adset{campaign{objective}}' });
    expect(ad.body).toEqual({
      id: ids.adId,
      name: 'wf-1:ad hook=urgency review=approve',
      status: 'ACTIVE',
      effective_status: 'PENDING_REVIEW',
      creative: { id: ids.creativeId },
      adset: { id: ids.adsetId, campaign: { id: ids.campaignId, objective: 'OUTCOME_TRAFFIC' } },
    });
    s.advance(31 * MINUTE);
    expect((await graph(s, 'GET', `/${ids.adId}`, { fields: 'effective_status' })).body.effective_status).toBe('ACTIVE');
    const adsetRead = await graph(s, 'GET', `/${ids.adsetId}`, { fields: 'daily_budget,targeting' });
    expect(adsetRead.body.daily_budget).toBe('500');
    expect(adsetRead.body.targeting).toMatchObject({ age_min: 18, age_max: 65, geo_locations: { countries: ['US'] } });
    expect(s.list('ad').map((a) => a.id)).toEqual([ids.adId]);
    expect(Number(ids.adId)).toBeGreaterThan(Number(ids.campaignId));
  });

  it('hashes images by content and keys multipart uploads by file name', async () => {
    const s = await sim();
    const bytes = await png();
    const form = new FormData();
    form.set('access_token', TOKEN);
    form.set('file', new Blob([bytes], { type: 'image/png' }), 'hook-urgency-9x16.png');
    const multipart = (await (await fetch(`${s.url}/v26.0/${ACT}/adimages`, { method: 'POST', body: form })).json()) as Json;
    const entry = multipart.images['hook-urgency-9x16.png'];
    expect(entry).toMatchObject({ hash: expect.stringMatching(/^[0-9a-f]{32}$/), width: 1080, height: 1920 });
    expect(await imageHash(s)).toBe(entry.hash);
    const read = await graph(s, 'GET', `/${ACT}/adimages`, { hashes: JSON.stringify([entry.hash]), fields: 'hash,width,status' });
    expect(read.body.data).toEqual([{ id: `1234567890:${entry.hash}`, hash: entry.hash, width: 1080, status: 'ACTIVE' }]);
    expectError(await graph(s, 'POST', `/${ACT}/adimages`, { bytes: Buffer.from('not an image').toString('base64') }), 100);
  });

  it('accepts JSON bodies with real objects as the Node SDK sends them', async () => {
    const s = await sim();
    const res = await fetch(`${s.url}/v26.0/${ACT}/campaigns`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        access_token: TOKEN,
        name: 'json',
        objective: 'OUTCOME_LEADS',
        special_ad_categories: [],
        is_adset_budget_sharing_enabled: false,
      }),
    });
    expect(await res.json()).toMatchObject({ success: true });
  });
});

describe('validation mirrors Meta', () => {
  it('rejects campaign mistakes the original system made', async () => {
    const s = await sim();
    const base = { name: 'c', objective: 'OUTCOME_TRAFFIC', special_ad_categories: '[]', is_adset_budget_sharing_enabled: '0' };
    const legacy = await graph(s, 'POST', `/${ACT}/campaigns`, { ...base, objective: 'LINK_CLICKS' });
    expectError(legacy, 100);
    expect(legacy.body.error.message).toMatch(/^\(#100\) Objective LINK_CLICKS is invalid/);
    const { special_ad_categories: _omit, ...noCategories } = base;
    expect((await graph(s, 'POST', `/${ACT}/campaigns`, noCategories)).body.error.message).toContain('special_ad_categories');
    expect((await graph(s, 'POST', `/${ACT}/campaigns`, { ...base, special_ad_categories: 'NONE' })).body.error.message).toContain('special_ad_categories');
    const { is_adset_budget_sharing_enabled: _s, ...noSharing } = base;
    expect((await graph(s, 'POST', `/${ACT}/campaigns`, noSharing)).body.error.message).toContain('is_adset_budget_sharing_enabled');
    expectError(await graph(s, 'POST', `/${ACT}/campaigns`, { ...base, bid_strategy: 'LOWEST_COST_WITHOUT_CAP' }), 100);
    expect(s.list('campaign')).toHaveLength(0);
  });

  it('rejects ad set targeting and budget mistakes with Meta subcodes', async () => {
    const s = await sim();
    const c = await campaign(s);
    const noAdvantage = await adset(s, c, { targeting: JSON.stringify({ geo_locations: { countries: ['US'] } }) });
    expectError(noAdvantage, 100, 1870227);
    expect(noAdvantage.body.error.error_user_title).toBeTruthy();
    const notJson = await adset(s, c, { targeting: '[object Object]' });
    expectError(notJson, 100);
    expect(notJson.body.error.message).toContain('targeting');
    expectError(await adset(s, c, { targeting: JSON.stringify({ targeting_automation: { advantage_audience: 1 } }) }), 100, 1885364);
    const unknownAudience = await adset(s, c, { targeting: targeting({ custom_audiences: [{ id: '999' }] }) });
    expectError(unknownAudience, 100);
    expect(unknownAudience.body.error.message).toContain('999');
    expectError(await adset(s, c, { targeting: targeting({ targeting_automation: { advantage_audience: 1 }, age_max: 45 }) }), 100);
    const explore = { targeting: targeting({ instagram_positions: ['story', 'explore'] }), execution_options: '["validate_only"]' };
    expectError(await adset(s, c, explore), 100);
    expect((await adset(s, c, explore, 'v25.0')).body).toEqual({ success: true });
    const low = await adset(s, c, { daily_budget: '400', billing_event: 'LINK_CLICKS' });
    expect(low.body.error.error_user_title).toBe('Budget Is Too Low');
    expectError(await adset(s, c, { promoted_object: JSON.stringify({ link: 'https://example.com' }) }), 100);
    expectError(await adset(s, c, { bid_amount: '50', bid_strategy: 'LOWEST_COST_WITHOUT_CAP' }), 100);
    const cbo = await campaign(s, { daily_budget: '2000', is_adset_budget_sharing_enabled: 'false' });
    expectError(await adset(s, cbo), 100, 1885621);
    expect(s.list('adset')).toHaveLength(0);
  });

  it('needs a ready video and a thumbnail for video creatives', async () => {
    const s = await sim();
    const upload = await graph(s, 'POST', `/${ACT}/advideos`, { file_url: 'https://cdn.example.com/v.mp4', title: 'v' });
    const videoId = upload.body.id as string;
    const spec = (data: Record<string, unknown>) => ({
      object_story_spec: JSON.stringify({
        page_id: PAGE,
        video_data: { video_id: videoId, call_to_action: { type: 'LEARN_MORE', value: { link: 'https://example.com' } }, ...data },
      }),
    });
    expect((await graph(s, 'GET', `/${videoId}`, { fields: 'status' })).body.status).toMatchObject({
      video_status: 'processing',
      uploading_phase: { status: 'complete' },
    });
    expectError(await graph(s, 'POST', `/${ACT}/adcreatives`, spec({ image_url: 'https://example.com/t.jpg' })), 100);
    s.advance(2 * MINUTE + 1000);
    expect((await graph(s, 'GET', `/${videoId}`, { fields: 'status' })).body.status).toMatchObject({ video_status: 'ready', processing_progress: 100 });
    expect((await graph(s, 'GET', `/${videoId}/thumbnails`)).body.data[0]).toMatchObject({ uri: expect.any(String), is_preferred: true });
    expectError(await graph(s, 'POST', `/${ACT}/adcreatives`, spec({})), 100, 1443226);
    expect((await graph(s, 'POST', `/${ACT}/adcreatives`, spec({ image_hash: await imageHash(s) }))).body.id).toBeTruthy();
  });

  it('reports chunked-upload offset mistakes with the resume offsets', async () => {
    const s = await sim({ videoChunkBytes: 4 });
    const start = await graph(s, 'POST', `/${ACT}/advideos`, { upload_phase: 'start', file_size: '10' });
    expect(start.body).toMatchObject({ start_offset: '0', end_offset: '4', upload_session_id: expect.any(String) });
    const chunk = async (offset: number, bytes: string) => {
      const form = new FormData();
      form.set('access_token', TOKEN);
      form.set('upload_phase', 'transfer');
      form.set('upload_session_id', start.body.upload_session_id);
      form.set('start_offset', String(offset));
      form.set('video_file_chunk', new Blob([bytes]), 'chunk');
      const res = await fetch(`${s.url}/v26.0/${ACT}/advideos`, { method: 'POST', body: form });
      return { status: res.status, body: (await res.json()) as Json, headers: res.headers };
    };
    expect((await chunk(0, 'abcd')).body).toEqual({ start_offset: '4', end_offset: '8' });
    const wrong = await chunk(8, 'ijkl');
    expectError(wrong, 6001, 1363037);
    expect(wrong.body.error.error_data).toEqual({ start_offset: 4, end_offset: 8 });
    await chunk(4, 'efgh');
    expect((await chunk(8, 'ij')).body).toEqual({ start_offset: '10', end_offset: '10' });
    const finish = await graph(s, 'POST', `/${ACT}/advideos`, { upload_phase: 'finish', upload_session_id: start.body.upload_session_id, title: 'x' });
    expect(finish.body).toEqual({ success: true });
  });

  it('refuses unknown fields, missing objects, bad tokens and versions outside the window', async () => {
    const s = await sim();
    const c = await campaign(s);
    const bad = await graph(s, 'GET', `/${c}`, { fields: 'name,nope' });
    expectError(bad, 100);
    expect(bad.body.error.message).toContain('nonexisting field (nope)');
    const missing = await graph(s, 'GET', '/123456789012345678');
    expectError(missing, 100, 33);
    expect(missing.body.error.type).toBe('GraphMethodException');
    expectError(await graph(s, 'GET', `/${c}`, { access_token: 'expired-token' }), 190, 463);
    expectError(await graph(s, 'GET', `/${c}`, { access_token: 'bogus' }), 190);
    expectError(await graph(s, 'GET', `/${c}`, {}, 'v24.0'), 2635);
    expect((await graph(s, 'GET', `/${c}`, {}, 'v25.0')).status).toBe(200);
  });
});

describe('reads, recovery and limits', () => {
  it('finds a PAUSED object by name with filtering, and archived ones only when asked', async () => {
    const s = await sim();
    const paused = await campaign(s, { name: 'wf-7f3a:camp:hook-urgency', status: 'PAUSED' });
    await campaign(s, { name: 'other' });
    const filtering = JSON.stringify([{ field: 'name', operator: 'EQUAL', value: 'wf-7f3a:camp:hook-urgency' }]);
    const found = await graph(s, 'GET', `/${ACT}/campaigns`, { fields: 'id,name,effective_status', filtering });
    expect(found.body.data).toEqual([{ id: paused, name: 'wf-7f3a:camp:hook-urgency', effective_status: 'PAUSED' }]);
    await graph(s, 'POST', `/${paused}`, { status: 'ARCHIVED' });
    expect((await graph(s, 'GET', `/${ACT}/campaigns`, { filtering })).body.data).toEqual([]);
    const withArchived = await graph(s, 'GET', `/${ACT}/campaigns`, { filtering, effective_status: '["ARCHIVED","PAUSED","ACTIVE"]' });
    expect(withArchived.body.data).toEqual([{ id: paused }]);
    expectError(await graph(s, 'POST', `/${paused}`, { status: 'ACTIVE' }), 100);
  });

  it('pages edges with cursors and full next URLs', async () => {
    const s = await sim();
    for (let i = 0; i < 3; i++) await campaign(s, { name: `c${i}` });
    const first = await graph(s, 'GET', `/${ACT}/campaigns`, { fields: 'name', limit: '2' });
    expect(first.body.data.map((c: Json) => c.name)).toEqual(['c2', 'c1']);
    expect(first.body.paging.next).toContain('access_token=');
    const second = (await (await fetch(first.body.paging.next)).json()) as Json;
    expect(second.data.map((c: Json) => c.name)).toEqual(['c0']);
    expect(second.paging.next).toBeUndefined();
  });

  it('shows CAMPAIGN_PAUSED on children of a paused campaign', async () => {
    const s = await sim();
    const ids = await launch(s);
    s.advance(HOUR);
    await graph(s, 'POST', `/${ids.campaignId}`, { status: 'PAUSED' });
    expect((await graph(s, 'GET', `/${ids.adId}`, { fields: 'effective_status' })).body.effective_status).toBe('CAMPAIGN_PAUSED');
    expect((await graph(s, 'GET', `/${ids.adsetId}`, { fields: 'effective_status' })).body.effective_status).toBe('CAMPAIGN_PAUSED');
  });

  it('lostResponse creates the object but the client only sees a dropped connection', async () => {
    const s = await sim();
    const c = await campaign(s);
    s.injectFault({ match: { method: 'POST', path: '/adsets' }, kind: 'lostResponse' });
    await expect(adset(s, c)).rejects.toThrow();
    expect(s.list('adset')).toHaveLength(1);
    expect(s.calls().at(-1)).toMatchObject({ method: 'POST', status: 0, fault: 'lostResponse' });
    expect((await adset(s, c)).status).toBe(200);
  });

  it('injects transient, rate-limit and custom errors, also over the admin endpoint', async () => {
    const s = await sim();
    s.injectFault({ kind: 'transient', match: { method: 'GET' } });
    const t = await graph(s, 'GET', `/${ACT}/campaigns`);
    expectError(t, 2);
    expect(t.body.error.is_transient).toBe(true);
    s.injectFault({ kind: 'rateLimit', code: 80004 });
    const rl = await graph(s, 'GET', `/${ACT}/campaigns`);
    expectError(rl, 80004, 2446079);
    const usage = JSON.parse(rl.headers.get('x-business-use-case-usage')!);
    expect(usage['1234567890'][0]).toMatchObject({ type: 'ads_management', estimated_time_to_regain_access: 5 });
    await fetch(`${s.url}/__sim/faults`, { method: 'POST', body: JSON.stringify({ kind: 'error', code: 368, message: 'blocked', times: 'Infinity' }) });
    expectError(await graph(s, 'GET', `/${ACT}/campaigns`), 368);
    expectError(await graph(s, 'GET', `/${ACT}/campaigns`), 368);
    await fetch(`${s.url}/__sim/faults`, { method: 'DELETE' });
    const ok = await graph(s, 'GET', `/${ACT}/campaigns`);
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.headers.get('x-ad-account-usage')!)).toMatchObject({ acc_id_util_pct: expect.any(Number) });
    expect(ok.headers.get('x-app-usage')).toBeTruthy();
  });

  it('throttles an account once its score is exceeded', async () => {
    const s = await sim({ rateLimit: { maxScore: 10, blockSec: 300 } });
    for (let i = 0; i < 10; i++) expect((await graph(s, 'GET', `/${ACT}/campaigns`)).status).toBe(200);
    expectError(await graph(s, 'GET', `/${ACT}/campaigns`), 17, 2446079);
    s.advance(301_000);
    expect((await graph(s, 'GET', `/${ACT}/campaigns`)).status).toBe(200);
  });

  it('validate_only runs every check and creates nothing', async () => {
    const s = await sim();
    const ok = await graph(s, 'POST', `/${ACT}/campaigns`, {
      name: 'v',
      objective: 'OUTCOME_TRAFFIC',
      special_ad_categories: '[]',
      is_adset_budget_sharing_enabled: 'false',
      execution_options: '["validate_only"]',
    });
    expect(ok.body).toEqual({ success: true });
    expect(s.list('campaign')).toHaveLength(0);
    const c = await campaign(s);
    expectError(await adset(s, c, { execution_options: '["validate_only"]', targeting: '{}' }), 100, 1885364);
    expect((await adset(s, c, { execution_options: '["validate_only"]' })).body).toEqual({ success: true });
    expect(s.list('adset')).toHaveLength(0);
  });

  it('allows 4 budget edits per ad set per hour, then blocks budget edits for an hour', async () => {
    const s = await sim();
    const { body } = await adset(s, await campaign(s));
    for (const budget of ['600', '700', '800', '900']) {
      expect((await graph(s, 'POST', `/${body.id}`, { daily_budget: budget })).body).toEqual({ success: true });
    }
    expectError(await graph(s, 'POST', `/${body.id}`, { daily_budget: '1000' }), 17, 2446079);
    expect((await graph(s, 'POST', `/${body.id}`, { name: 'renamed' })).body).toEqual({ success: true });
    s.advance(30 * MINUTE);
    expectError(await graph(s, 'POST', `/${body.id}`, { daily_budget: '1000' }), 17);
    s.advance(31 * MINUTE);
    expect((await graph(s, 'POST', `/${body.id}`, { daily_budget: '1000' })).body).toEqual({ success: true });
    expect((await graph(s, 'GET', `/${body.id}`, { fields: 'daily_budget' })).body.daily_budget).toBe('1000');
  });
});

describe('insights', () => {
  it('accrue after advance() as strings per day, with paging', async () => {
    const s = await sim({ trueCtrByHook: { urgency: 0.02 } });
    const { adId } = await launch(s);
    const query = {
      level: 'ad',
      time_increment: '1',
      limit: '2',
      fields: 'ad_id,ad_name,impressions,spend,clicks,inline_link_clicks,ctr,cpm,actions,cost_per_action_type',
      time_range: JSON.stringify({ since: '2026-11-20', until: '2026-11-30' }),
    };
    expect((await graph(s, 'GET', `/${ACT}/insights`, query)).body.data).toEqual([]);
    s.advance(4 * DAY);
    const page1 = await graph(s, 'GET', `/${ACT}/insights`, query);
    expect(page1.body.data).toHaveLength(2);
    const row = page1.body.data[1];
    expect(row).toMatchObject({ ad_id: adId, date_start: '2026-11-21', date_stop: '2026-11-21', impressions: expect.stringMatching(/^\d+$/) });
    expect(Number(row.spend)).toBeGreaterThan(3.5);
    expect(Number(row.spend)).toBeLessThan(6.5);
    expect(row.ctr).toMatch(/^\d+\.\d{6}$/);
    expect(Number(row.ctr)).toBeCloseTo((Number(row.clicks) / Number(row.impressions)) * 100, 4);
    expect(row.actions).toContainEqual({ action_type: 'link_click', value: row.inline_link_clicks });
    expect(row.cost_per_action_type[0].value).toEqual(expect.any(String));
    const page2 = (await (await fetch(page1.body.paging.next)).json()) as Json;
    expect(page2.data.map((r: Json) => r.date_start)).toEqual(['2026-11-22', '2026-11-23']);
    const today = async () => Number((await graph(s, 'GET', `/${adId}/insights`, { fields: 'impressions', date_preset: 'today' })).body.data[0].impressions);
    const before = await today();
    s.advance(6 * HOUR);
    expect(await today()).toBeGreaterThan(before);
  });

  it('follows the hidden CTR of the hook named in the ad', async () => {
    const s = await sim({ trueCtrByHook: { strong: 0.03, weak: 0.003 } });
    const strong = await launch(s, 'strong hook=strong review=approve');
    const weak = await launch(s, 'weak hook=weak review=approve');
    s.advance(10 * DAY);
    const ctr = async (adId: string) => {
      const r = await graph(s, 'GET', `/${adId}/insights`, { fields: 'inline_link_click_ctr', date_preset: 'last_7d' });
      return Number(r.body.data[0].inline_link_click_ctr);
    };
    expect(await ctr(strong.adId)).toBeGreaterThan(2 * (await ctr(weak.adId)));
  });

  it('keeps disapproved ads out of delivery', async () => {
    const s = await sim();
    const { adId } = await launch(s, 'bad review=disapprove');
    s.advance(2 * DAY);
    const read = await graph(s, 'GET', `/${adId}`, { fields: 'effective_status,ad_review_feedback' });
    expect(read.body.effective_status).toBe('DISAPPROVED');
    expect(read.body.ad_review_feedback.global).toBeTruthy();
    expect((await graph(s, 'GET', `/${adId}/insights`, { date_preset: 'maximum' })).body.data).toEqual([]);
  });

  it('serves async report runs once the job completes', async () => {
    const s = await sim();
    await launch(s);
    s.advance(2 * DAY);
    const run = await graph(s, 'POST', `/${ACT}/insights`, { level: 'ad', fields: 'ad_id,impressions', date_preset: 'yesterday' });
    const id = run.body.report_run_id as string;
    expect((await graph(s, 'GET', `/${id}`, { fields: 'async_status' })).body.async_status).not.toBe('Job Completed');
    s.advance(MINUTE);
    expect((await graph(s, 'GET', `/${id}`, { fields: 'async_status,async_percent_completion' })).body).toMatchObject({
      async_status: 'Job Completed',
      async_percent_completion: 100,
    });
    const rows = await graph(s, 'GET', `/${id}/insights`);
    expect(rows.body.data[0]).toMatchObject({ impressions: expect.stringMatching(/^\d+$/), date_start: '2026-11-21' });
  });
});

describe('batch requests', () => {
  it('runs each operation through the pipeline and returns bodies as strings', async () => {
    const s = await sim();
    const c = await campaign(s);
    const batch = JSON.stringify([
      { method: 'GET', relative_url: `v26.0/${c}?fields=name` },
      { method: 'POST', relative_url: `${c}`, body: 'status=PAUSED' },
      { method: 'GET', relative_url: 'v26.0/999?fields=name' },
    ]);
    const res = (await (await fetch(`${s.url}/v26.0/`, { method: 'POST', body: new URLSearchParams({ access_token: TOKEN, batch }) })).json()) as Json;
    expect(res.map((r: Json) => r.code)).toEqual([200, 200, 400]);
    expect(JSON.parse(res[0].body)).toEqual({ id: c, name: 'wf-1:camp' });
    expect(JSON.parse(res[2].body).error.error_subcode).toBe(33);
    expect(s.list('campaign')[0]!.status).toBe('PAUSED');
  });
});
