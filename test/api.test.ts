/**
 * The trigger API over HTTP, against a real Temporal server, real workers and the simulators: the
 * bearer token on every route but /healthz, validated bodies, and each operation doing what it says.
 */
import got, { type OptionsOfTextResponseBody } from 'got';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer } from '../client/api-server';
import { scheduleId } from '../temporal-config/queues';
import { ensureSchedule } from '../client/schedule-ops';
import { nextCycleRequests } from '../workers/next-cycle';
import { startTestStack, type TestStack } from './helpers/stack';

const TOKEN = 'test-api-token-0123456789';
let stack: TestStack;
let api: { url: string; close(): Promise<void> };
let dbBroken = false;

beforeAll(async () => {
  stack = await startTestStack();
  const account = stack.config.account;
  api = await startApiServer({
    port: 0,
    token: TOKEN,
    client: stack.env.client,
    accounts: () => [{ accountId: account.id, intervalSeconds: 86_400, adsPerRun: 1, enabled: true }],
    checkDb: () => {
      if (dbBroken) throw new Error('database is locked');
      stack.activities.db.$client.prepare('select count(*) from cycles').get();
    },
    nextCycle: nextCycleRequests(
      () => stack.activities.db,
      () => stack.config.accounts,
    ),
  });
});
afterAll(async () => {
  await api?.close();
  await stack?.shutdown();
});

const call = (method: 'GET' | 'POST' | 'DELETE', path: string, opts: OptionsOfTextResponseBody & { token?: string | null } = {}) => {
  const { token = TOKEN, ...rest } = opts;
  return got(`${api.url}${path}`, { method, throwHttpErrors: false, ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}), ...rest });
};
const json = (r: { body: string }) => JSON.parse(r.body) as Record<string, unknown>;

describe('trigger API', () => {
  it('answers /healthz without a token, and says which dependency is down', async () => {
    const ok = await call('GET', '/healthz', { token: null });
    expect(ok.statusCode).toBe(200);
    expect(json(ok)).toEqual({ ok: true, checks: { temporal: 'ok', db: 'ok' } });
    dbBroken = true;
    const down = await call('GET', '/healthz', { token: null });
    dbBroken = false;
    expect(down.statusCode).toBe(503);
    expect(json(down)).toMatchObject({ ok: false, checks: { temporal: 'ok', db: 'unreadable: database is locked' } });
  });

  it('refuses every other route without the right bearer token', async () => {
    for (const token of [null, 'wrong-token']) {
      const r = await call('POST', '/cycles', { token, json: { account: stack.config.account.id } });
      expect(r.statusCode).toBe(401);
      expect(r.headers['www-authenticate']).toBe('Bearer');
    }
    expect((await call('GET', '/cycles/anything', { token: 'x' })).statusCode).toBe(401);
  });

  it('names the bad field of an invalid body, and refuses an unknown account', async () => {
    const bad = await call('POST', '/cycles', { json: { account: '123', ads: 99, format: 'gif' } });
    expect(bad.statusCode).toBe(400);
    const problems = (json(bad).problems as string[]).join('\n');
    for (const field of ['account', 'ads', 'format']) expect(problems).toContain(`${field}:`);
    const unknown = await call('POST', '/cycles', { json: { account: 'act_999' } });
    expect(unknown.statusCode).toBe(404);
  });

  it('starts a cycle, pauses and resumes it, and reports its status', async () => {
    const started = await call('POST', '/cycles', { json: { account: stack.config.account.id, ads: 1, launchesPaused: true } });
    expect(started.statusCode).toBe(202);
    const { workflowId } = json(started) as { workflowId: string };
    expect(workflowId).toMatch(/^ad-cycle-act_1234567890-manual-api-/);
    const status = async () => json(await call('GET', `/cycles/${encodeURIComponent(workflowId)}`));
    await expect.poll(async () => (await status()).stage, { timeout: 20_000, interval: 250 }).toBe('paused');
    expect(await status()).toMatchObject({ runStatus: 'RUNNING', launchesPaused: true });
    expect((await call('POST', `/cycles/${encodeURIComponent(workflowId)}/resume`)).statusCode).toBe(200);
    const result = await stack.env.client.workflow.getHandle(workflowId).result();
    expect(result.outcome).toBe('launched');
    expect(await status()).toMatchObject({ runStatus: 'COMPLETED', stage: 'done', launchesPaused: false });
    expect((await call('GET', '/cycles/no-such-cycle')).statusCode).toBe(404);
  });

  it('pauses and resumes the launches of future scheduled cycles', async () => {
    const account = stack.config.account.id;
    await ensureSchedule(stack.env.client, { accountId: account, intervalSeconds: 86_400, adsPerRun: 1 });
    const handle = stack.env.client.schedule.getHandle(scheduleId(account));
    const launchesPaused = async () => ((await handle.describe()).action as { args?: Array<{ launchesPaused?: boolean }> }).args?.[0]?.launchesPaused;
    try {
      expect((await call('POST', `/accounts/${account}/launches/pause`)).statusCode).toBe(200);
      expect(await launchesPaused()).toBe(true);
      expect((await call('POST', `/accounts/${account}/launches/resume`)).statusCode).toBe(200);
      expect(await launchesPaused()).toBe(false);
    } finally {
      await handle.delete();
    }
  });
  it("asks the account's next cycle for a hook or format, checked against the library, and the next cycle takes it", async () => {
    const account = stack.config.account.id;
    const bad = await call('POST', `/accounts/${account}/next-cycle`, { json: { hook: 'no-such-hook' } });
    expect(bad.statusCode).toBe(400);
    expect(json(bad).problems).toEqual([expect.stringContaining('hook: no-such-hook is not in')]);
    const empty = await call('POST', `/accounts/${account}/next-cycle`, { json: {} });
    expect(empty.statusCode).toBe(400);
    expect(json(empty).problems).toEqual(['hook: give a hook, a format or both']);
    expect((await call('POST', '/accounts/act_999/next-cycle', { json: { format: 'image' } })).statusCode).toBe(404);

    const asked = await call('POST', `/accounts/${account}/next-cycle`, { json: { hook: 'why-teams-switch', by: 'dashboard' } });
    expect(asked.statusCode).toBe(200);
    expect(json(await call('GET', `/accounts/${account}/next-cycle`)).pending).toMatchObject({ hookId: 'why-teams-switch', requestedBy: 'dashboard' });
    const result = await (await stack.startCycle({ adsPerRun: 1 })).result();
    expect(result.slots[0]).toMatchObject({ hookId: 'why-teams-switch' });
    expect(json(await call('GET', `/accounts/${account}/next-cycle`)).pending).toBeNull();
    expect(json(await call('DELETE', `/accounts/${account}/next-cycle`))).toEqual({ cleared: false });
  });
});
