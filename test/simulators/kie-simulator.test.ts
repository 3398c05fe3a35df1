/**
 * Specification of the Kie.ai simulator, exercised over HTTP like a real client would.
 * Each test starts its own simulator on a random port with a large timeScale.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { type KieSimOptions, type KieSimulator, startKieSimulator } from '../../simulators/kie';

// Response bodies are asserted field by field, so loose typing keeps the assertions readable.
type Json = any;

const KEY = 'sim-kie-key';
const FAST = 1000; // timeScale: a 30 s documented generation takes 30 ms

const opened: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((o) => o.close()));
});

async function sim(opts: KieSimOptions = {}): Promise<KieSimulator> {
  const s = await startKieSimulator({ timeScale: FAST, seed: 7, ...opts });
  opened.push(s);
  return s;
}

interface Answer {
  http: number;
  code: number;
  msg: string;
  data: Json;
}

async function call(s: KieSimulator, method: string, path: string, body?: unknown, key: string | null = KEY): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (key !== null) headers.authorization = `Bearer ${key}`;
  const res = await fetch(`${s.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = (await res.json()) as { code: number; msg?: string; message?: string; data: unknown };
  return { http: res.status, code: json.code, msg: json.msg ?? json.message ?? '', data: json.data };
}

const createImage = (s: KieSimulator, input: Record<string, unknown>, extra: Record<string, unknown> = {}, key?: string) =>
  call(s, 'POST', '/api/v1/jobs/createTask', { model: 'google/nano-banana', input, ...extra }, key);
const recordInfo = (s: KieSimulator, id: string) => call(s, 'GET', `/api/v1/jobs/recordInfo?taskId=${id}`);
const generateVideo = (s: KieSimulator, body: Record<string, unknown>) => call(s, 'POST', '/api/v1/veo/generate', body);
const veoInfo = (s: KieSimulator, id: string) => call(s, 'GET', `/api/v1/veo/record-info?taskId=${id}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `done` holds for the answer (or fails after 200 tries), backing off on 429. */
async function pollUntil(fetchOnce: () => Promise<Answer>, done: (a: Answer) => boolean, everyMs = 15): Promise<Answer[]> {
  const seen: Answer[] = [];
  for (let i = 0; i < 200; i++) {
    const a = await fetchOnce();
    if (a.code === 429) {
      await sleep(100); // status rate limit: back off like a real client
      continue;
    }
    seen.push(a);
    if (done(a)) return seen;
    await sleep(everyMs);
  }
  throw new Error(`condition never met; last answer ${JSON.stringify(seen.at(-1))}`);
}

/** Waits for an image task to succeed and gives its first result file's URL. */
async function firstResultUrl(s: KieSimulator, taskId: string): Promise<string> {
  const done = (
    await pollUntil(
      () => recordInfo(s, taskId),
      (a) => a.data.state === 'success',
    )
  ).at(-1)!;
  return (JSON.parse(done.data.resultJson) as { resultUrls: string[] }).resultUrls[0]!;
}

/** A local callback receiver recording what it gets. */
async function receiver(): Promise<{ url: string; got: Array<{ headers: IncomingHttpHeaders; body: Json }>; close(): Promise<void> }> {
  const got: Array<{ headers: IncomingHttpHeaders; body: Json }> = [];
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      got.push({ headers: req.headers, body: JSON.parse(text) });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const r = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    got,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
  opened.push(r);
  return r;
}

describe('Nano Banana (Market) tasks', () => {
  it('walks waiting -> queuing -> generating -> success and serves a 9:16 PNG', async () => {
    const s = await sim({
      timeScale: 100,
      rateLimits: false,
      // 300 ms a state: seen by a poll every 20 ms even when the machine is busy with other test files.
      imageStateDelaysMs: { waiting: [30_000, 30_000], queuing: [30_000, 30_000], generating: [30_000, 30_000] },
    });
    const created = await createImage(s, { prompt: 'neon shoes', image_size: '9:16', output_format: 'png' });
    expect(created).toMatchObject({ http: 200, code: 200, msg: 'success' });
    const taskId = created.data.taskId as string;
    expect(taskId).toMatch(/^[0-9a-f]{32}$/);

    const seen = await pollUntil(
      () => recordInfo(s, taskId),
      (a) => a.data.state === 'success',
      20,
    );
    const states = [...new Set(seen.map((a) => a.data.state))];
    expect(states).toEqual(['waiting', 'queuing', 'generating', 'success']);
    expect(seen[0]?.data.completeTime).toBeNull();

    const done = seen.at(-1)!.data;
    expect(JSON.parse(done.param)).toEqual({ model: 'google/nano-banana', input: { prompt: 'neon shoes', image_size: '9:16', output_format: 'png' } });
    expect(done).toMatchObject({ taskId, model: 'google/nano-banana', failCode: '', failMsg: '' });
    expect(done.costTime).toBe(done.completeTime - done.createTime);
    expect(done.updateTime).toBe(done.completeTime);
    const { resultUrls } = JSON.parse(done.resultJson) as { resultUrls: string[] };
    expect(resultUrls).toHaveLength(1);

    const file = await fetch(resultUrls[0]!);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('image/png');
    const meta = await sharp(Buffer.from(await file.arrayBuffer())).metadata();
    expect(meta).toMatchObject({ format: 'png', width: 576, height: 1024 });
    expect(s.credits()).toBe(10_000 - 4);
  });

  it.each([
    ['a bad image_size', { prompt: 'x', image_size: '9:17' }, 'google/nano-banana', 'input.image_size'],
    ['a missing prompt', { image_size: '1:1' }, 'google/nano-banana', 'input.prompt'],
    ['jpg on google/nano-banana', { prompt: 'x', output_format: 'jpg' }, 'google/nano-banana', 'input.output_format'],
    ['jpeg on nano-banana-pro', { prompt: 'x', output_format: 'jpeg' }, 'nano-banana-pro', 'input.output_format'],
    ['edit without image_urls', { prompt: 'x' }, 'google/nano-banana-edit', 'input.image_urls'],
    ['15 image_input on nano-banana-2', { prompt: 'x', image_input: Array(15).fill('https://a.test/i.png') }, 'nano-banana-2', 'input.image_input'],
  ])('rejects %s with 422 naming the field', async (_name, input, model, field) => {
    const s = await sim();
    const a = await call(s, 'POST', '/api/v1/jobs/createTask', { model, input });
    expect(a.code).toBe(422);
    expect(a.msg).toContain(field);
    expect(s.tasks()).toHaveLength(0);
  });

  it('rejects a missing input and an unknown model, but ignores unknown extra fields', async () => {
    const s = await sim();
    expect((await call(s, 'POST', '/api/v1/jobs/createTask', { model: 'google/nano-banana' })).msg).toContain('input');
    expect((await call(s, 'POST', '/api/v1/jobs/createTask', { model: 'dall-e', input: { prompt: 'x' } })).msg).toContain('model');
    const ok = await createImage(s, { prompt: 'x', aspect_ratio: '9:16', shiny: true }, { extra: 1 });
    expect(ok.code).toBe(200);
  });

  it('answers 402 without creating a task or debiting when credits are short', async () => {
    const s = await sim();
    s.setCredits(KEY, 3);
    const a = await createImage(s, { prompt: 'x' });
    expect(a.code).toBe(402);
    expect(s.tasks()).toHaveLength(0);
    expect(s.credits(KEY)).toBe(3);
    expect((await call(s, 'GET', '/api/v1/chat/credit')).data).toBe(3);
  });

  it('answers 429 to the 21st create within 10 s and does not queue it', async () => {
    const s = await sim();
    for (let i = 0; i < 20; i++) expect((await createImage(s, { prompt: `p${i}` })).code).toBe(200);
    const over = await createImage(s, { prompt: 'one too many' });
    expect(over.code).toBe(429);
    expect(s.tasks()).toHaveLength(20);
  });

  it('ends a taskFail task in state fail with a string failCode and refunds it', async () => {
    const s = await sim();
    s.injectFault({ match: { path: '/api/v1/jobs/createTask' }, kind: 'taskFail', failCode: '422' });
    const { data } = await createImage(s, { prompt: 'x' });
    expect(s.credits()).toBe(10_000 - 4);
    const [last] = (
      await pollUntil(
        () => recordInfo(s, data.taskId),
        (a) => a.data.state === 'fail',
      )
    ).slice(-1);
    expect(last?.data).toMatchObject({ state: 'fail', failCode: '422', resultJson: '' });
    expect(last?.data.failMsg).not.toBe('');
    expect(s.credits()).toBe(10_000);
  });

  it('answers 400 without taskId and 404 for an unknown one', async () => {
    const s = await sim();
    expect((await call(s, 'GET', '/api/v1/jobs/recordInfo')).code).toBe(400);
    expect((await recordInfo(s, 'f'.repeat(32))).code).toBe(404);
  });
});

describe('Veo 3.1 tasks', () => {
  it('goes from successFlag 0 to 1 and serves a real 9:16 MP4', async () => {
    // 500 ms of generation: the first poll sees it still running even on a busy machine.
    const s = await sim({ timeScale: 100, veoDelaysMs: { veo3_fast: [50_000, 50_000], veo3: [1, 1], veo3_lite: [1, 1] } });
    const created = await generateVideo(s, { prompt: 'barista', aspectRatio: '9:16', seeds: 48213 });
    expect(created.code).toBe(200);
    const seen = await pollUntil(
      () => veoInfo(s, created.data.taskId),
      (a) => a.data.successFlag !== 0,
      10,
    );
    expect(seen[0]?.data).toMatchObject({ successFlag: 0, response: null, completeTime: null });
    const done = seen.at(-1)!.data;
    expect(done.successFlag).toBe(1);
    expect(done.createTime).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(JSON.parse(done.paramJson)).toMatchObject({ prompt: 'barista', aspectRatio: '9:16' });
    expect(done.response).toMatchObject({ taskId: created.data.taskId, resolution: '720p' });
    expect(done.response.originUrls).toHaveLength(1);

    const clip = await fetch(done.response.resultUrls[0]);
    expect(clip.headers.get('content-type')).toBe('video/mp4');
    const bytes = Buffer.from(await clip.arrayBuffer());
    expect(bytes.subarray(4, 8).toString('latin1')).toBe('ftyp');
    expect(bytes.length).toBeGreaterThan(10_000);
    expect(s.credits()).toBe(10_000 - 60);
  });

  it.each([
    [2, 400],
    [3, 501],
  ] as const)('reports a failed generation as successFlag %i with errorCode %i and refunds', async (flag, errorCode) => {
    const s = await sim();
    s.injectFault({ match: { path: '/api/v1/veo/generate' }, kind: 'taskFail', successFlag: flag });
    const { data } = await generateVideo(s, { prompt: 'x', aspect_ratio: '16:9', model: 'veo3' });
    const last = (
      await pollUntil(
        () => veoInfo(s, data.taskId),
        (a) => a.data.successFlag !== 0,
      )
    ).at(-1)!;
    expect(last.data).toMatchObject({ successFlag: flag, errorCode, response: null });
    expect(last.data.errorMessage).toBeTruthy();
    expect(s.credits()).toBe(10_000);
  });

  it('validates the body and answers 422 "record is null" for unknown ids', async () => {
    const s = await sim();
    expect((await generateVideo(s, { aspect_ratio: '9:16' })).msg).toContain('prompt');
    expect((await generateVideo(s, { prompt: 'x', aspect_ratio: '4:3' })).msg).toContain('aspect_ratio');
    expect((await generateVideo(s, { prompt: 'x', seeds: 5 })).msg).toContain('seeds');
    expect((await generateVideo(s, { prompt: 'x', model: 'veo3', generationType: 'REFERENCE_2_VIDEO', imageUrls: ['https://a.test/1.png'] })).code).toBe(422);
    const unknown = await veoInfo(s, 'a'.repeat(32));
    expect(unknown).toMatchObject({ code: 422, msg: 'record is null' });
  });
});

describe('Veo upgrades and status limits', () => {
  it('serves 1080p after a processing period and 4K with a snake_case callback', async () => {
    const hook = await receiver();
    // 500 ms of processing each (timeScale 1000): long enough to be seen processing on a busy machine.
    const s = await sim({ upgradeDelaysMs: { '1080p': [500_000, 500_000], '4k': [500_000, 500_000] } });
    const { data } = await generateVideo(s, { prompt: 'x', aspect_ratio: '9:16' });
    const info = (path: string) => call(s, 'GET', `/api/v1/veo/get-1080p-video?taskId=${data.taskId}&index=0`.replace('get-1080p-video', path));
    expect((await info('get-1080p-video')).code).toBe(422); // not successful yet
    await pollUntil(
      () => veoInfo(s, data.taskId),
      (a) => a.data.successFlag === 1,
    );

    expect((await info('get-1080p-video')).msg).toContain('1080P is processing');
    const hd = (
      await pollUntil(
        () => info('get-1080p-video'),
        (a) => a.code === 200,
      )
    ).at(-1)!;
    expect((await fetch(hd.data.resultUrl)).status).toBe(200);

    const fourK = (b: unknown) => call(s, 'POST', '/api/v1/veo/get-4k-video', b);
    expect(await fourK({ taskId: data.taskId, callBackUrl: hook.url })).toMatchObject({ code: 200, data: { resultUrls: null } });
    expect((await fourK({ taskId: data.taskId })).msg).toContain('4k is processing');
    await waitFor(() => hook.got.length === 1);
    expect(hook.got[0]?.body).toMatchObject({ code: 200, data: { task_id: data.taskId } });
    const doneAgain = await fourK({ taskId: data.taskId });
    expect(doneAgain).toMatchObject({ code: 422, msg: 'The video has been generated successfully' });
    expect(doneAgain.data.resultUrls).toHaveLength(1);
    expect(s.credits()).toBe(10_000 - 60 - 120);
  });

  it('answers 429 to more than 10 status calls in one second', async () => {
    const s = await sim();
    const { data } = await createImage(s, { prompt: 'x' });
    const codes = await Promise.all(Array.from({ length: 11 }, () => recordInfo(s, data.taskId).then((a) => a.code)));
    expect(codes.filter((c) => c === 429)).toHaveLength(1);
  });
});

describe('callbacks', () => {
  it('delivers one signed Market callback whose HMAC verifies', async () => {
    const hook = await receiver();
    const s = await sim({ webhookHmacKey: 'test-hmac-key' });
    const { data } = await createImage(s, { prompt: 'x' }, { callBackUrl: hook.url });
    await pollUntil(
      () => recordInfo(s, data.taskId),
      (a) => a.data.state === 'success',
    );
    await waitFor(() => hook.got.length === 1);
    await sleep(50);
    expect(hook.got).toHaveLength(1);
    const { headers, body } = hook.got[0]!;
    expect(body).toMatchObject({ code: 200, data: { taskId: data.taskId, state: 'success', consumeCredits: 4, remainedCredits: 9_996 } });
    const timestamp = String(headers['x-webhook-timestamp']);
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(10);
    const expected = createHmac('sha256', 'test-hmac-key').update(`${body.data.taskId}.${timestamp}`).digest();
    expect(timingSafeEqual(expected, Buffer.from(String(headers['x-webhook-signature']), 'base64'))).toBe(true);
    expect(s.callbacks()).toMatchObject([{ taskId: data.taskId, url: hook.url, status: 200 }]);
  });

  it('delivers a Veo failure callback with the error code', async () => {
    const hook = await receiver();
    const s = await sim();
    s.injectFault({ match: { model: 'veo3_fast' }, kind: 'taskFail', successFlag: 2, code: 500 });
    const { data } = await generateVideo(s, { prompt: 'x', callBackUrl: hook.url });
    await waitFor(() => hook.got.length === 1);
    expect(hook.got[0]?.body).toMatchObject({ code: 500, data: { taskId: data.taskId } });
  });

  it('drops callbacks in drop mode and sends two in duplicate mode', async () => {
    const hook = await receiver();
    const s = await sim({ callbackMode: 'drop' });
    const first = await generateVideo(s, { prompt: 'x', callBackUrl: hook.url });
    await pollUntil(
      () => veoInfo(s, first.data.taskId),
      (a) => a.data.successFlag === 1,
    );
    await sleep(100);
    expect(hook.got).toHaveLength(0);
    expect(s.callbacks()).toHaveLength(0);

    s.setCallbackMode('duplicate');
    const second = await generateVideo(s, { prompt: 'y', callBackUrl: hook.url });
    await waitFor(() => hook.got.length === 2);
    expect(hook.got.map((g) => g.body.data.taskId)).toEqual([second.data.taskId, second.data.taskId]);
    expect(hook.got[0]?.body).toMatchObject({ code: 200, data: { info: { resolution: '720p' } } });
  });

  it('signs with a wrong key in badSignature mode and delivers after the poll in late mode', async () => {
    const hook = await receiver();
    // Late by 1 s (timeScale 1000): the poll sees the task done well before the callback, even on a busy machine.
    const s = await sim({ webhookHmacKey: 'k', callbackMode: 'badSignature', lateCallbackMs: 1_000_000 });
    const bad = await createImage(s, { prompt: 'x' }, { callBackUrl: hook.url });
    await waitFor(() => hook.got.length === 1);
    const { headers } = hook.got[0]!;
    const good = createHmac('sha256', 'k')
      .update(`${bad.data.taskId}.${String(headers['x-webhook-timestamp'])}`)
      .digest('base64');
    expect(headers['x-webhook-signature']).toBeTruthy();
    expect(headers['x-webhook-signature']).not.toBe(good);

    s.setCallbackMode('late');
    const late = await createImage(s, { prompt: 'y' }, { callBackUrl: hook.url });
    const done = (
      await pollUntil(
        () => recordInfo(s, late.data.taskId),
        (a) => a.data.state === 'success',
        5,
      )
    ).at(-1)!;
    expect(hook.got).toHaveLength(1);
    await waitFor(() => hook.got.length === 2);
    const record = s.callbacks().find((c) => c.taskId === late.data.taskId)!;
    expect(record.at - done.data.completeTime).toBeGreaterThanOrEqual(990);
  });

  it('records a delivery error when the receiver is down, and keeps serving', async () => {
    const s = await sim();
    const { data } = await createImage(s, { prompt: 'x' }, { callBackUrl: 'http://127.0.0.1:9/nowhere' });
    await waitFor(() => s.callbacks().some((c) => c.status === 'error'));
    expect(s.callbacks()[0]?.taskId).toBe(data.taskId);
    expect((await call(s, 'GET', '/api/v1/chat/credit')).code).toBe(200);
  });
});

describe('injected faults and transports', () => {
  it('lostResponse creates a task the client never hears about', async () => {
    const s = await sim();
    s.injectFault({ match: { path: '/api/v1/jobs/createTask' }, kind: 'lostResponse' });
    await expect(createImage(s, { prompt: 'x' })).rejects.toThrow();
    expect(s.tasks()).toHaveLength(1);
    expect(s.credits()).toBe(10_000 - 4);
  });

  it('answers an injected code once, then behaves normally (fault set over the admin API)', async () => {
    const s = await sim();
    const res = await fetch(`${s.url}/__sim/faults`, {
      method: 'POST',
      body: JSON.stringify({ match: { path: '/veo/generate' }, kind: 'code', code: 455 }),
    });
    expect(res.status).toBe(200);
    expect((await generateVideo(s, { prompt: 'x' })).code).toBe(455);
    expect((await generateVideo(s, { prompt: 'x' })).code).toBe(200);
    const state = (await (await fetch(`${s.url}/__sim/state`)).json()) as { tasks: unknown[]; credits: Record<string, number> };
    expect(state.tasks).toHaveLength(1);
    expect(state.credits[KEY]).toBe(10_000 - 60);
  });

  it('stuck tasks never leave generating', async () => {
    const s = await sim();
    s.injectFault({ match: { model: 'google/nano-banana' }, kind: 'stuck' });
    const { data } = await createImage(s, { prompt: 'x' });
    await sleep(150);
    expect((await recordInfo(s, data.taskId)).data.state).toBe('generating');
  });

  it('download-url gives a working temporary link for simulator files only', async () => {
    const s = await sim();
    const { data } = await createImage(s, { prompt: 'x', image_size: '16:9', output_format: 'jpeg' });
    const fileUrl = await firstResultUrl(s, data.taskId);
    const link = await call(s, 'POST', '/api/v1/common/download-url', { url: fileUrl });
    expect(link.code).toBe(200);
    const meta = await sharp(Buffer.from(await (await fetch(link.data)).arrayBuffer())).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: 1024, height: 576 });
    expect((await call(s, 'POST', '/api/v1/common/download-url', { url: 'https://example.com/a.png' })).code).toBe(422);
  });

  it('expires result files after the retention period', async () => {
    const s = await sim({ retentionMs: 1_500_000 }); // 1.5 s real at timeScale 1000
    const { data } = await createImage(s, { prompt: 'x' });
    const fileUrl = await firstResultUrl(s, data.taskId);
    expect((await fetch(fileUrl)).status).toBe(200);
    await sleep(1_600);
    expect((await fetch(fileUrl)).status).toBe(404);
  });

  describe.each(['body', 'http'] as const)('error transport %s', (transport) => {
    const expectedHttp = (code: number) => (transport === 'http' ? code : 200);

    it('carries 401, 402 and 422 and still answers successes with 200', async () => {
      const s = await sim({ errorTransport: transport });
      const noKey = await createImage(s, { prompt: 'x' }, {}, 'wrong-key');
      expect(noKey).toMatchObject({ http: expectedHttp(401), code: 401, msg: 'You do not have access permissions' });
      const missing = await call(s, 'GET', '/api/v1/chat/credit', undefined, null);
      expect(missing).toMatchObject({ http: expectedHttp(401), code: 401 });
      const invalid = await createImage(s, { prompt: '' });
      expect(invalid).toMatchObject({ http: expectedHttp(422), code: 422 });
      s.setCredits(KEY, 0);
      expect(await generateVideo(s, { prompt: 'x' })).toMatchObject({ http: expectedHttp(402), code: 402 });
      s.setCredits(KEY, 100);
      expect(await call(s, 'GET', '/api/v1/chat/credit')).toMatchObject({ http: 200, code: 200, data: 100 });
    });
  });
});

/** Waits (up to ~3 s) for a condition on in-memory state. */
async function waitFor(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (cond()) return;
    await sleep(10);
  }
  throw new Error('condition not met in time');
}
