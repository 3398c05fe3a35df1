/**
 * Recovery after a Meta create whose outcome the agent cannot know, as the Graph API really
 * behaves (reference 5.1 and 9): the name lookup uses each edge's own status enum, a retry looks
 * again over a window before creating anew, a create that commits after the retry is swept away,
 * and authorization errors stop the account before anything is paid for. Real Temporal server,
 * simulators over HTTP.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { eq } from 'drizzle-orm';
import got from 'got';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cycles, findings } from '../db/schema';
import { createMetaClient, findByNameParams, type Edge } from '../activities/ports/meta-client';
import { statusQuery } from '../workflows/ad-cycle';
import { startTestStack, type TestStack } from './helpers/stack';

type Kind = 'campaign' | 'adset' | 'adcreative' | 'ad' | 'adimage' | 'advideo';
const KINDS = ['campaign', 'adset', 'adcreative', 'ad'] as const;
/** Names of the objects a launch creates start with this (activities/campaign.ts metaName). */
const handlePrefix = 'maa|ad-cycle-';

/** Objects (deleted ones excluded) whose name carries this cycle's id. */
const liveObjectsOf = (stack: TestStack, kind: Kind, cycleId: string) =>
  stack.meta.list(kind).filter((o) => String(o.name ?? o.title ?? '').includes(cycleId) && o.status !== 'DELETED' && o.status?.toString() !== 'DELETED');

/** Requests Meta refused (4xx) that no injected fault caused: a lookup Graph would reject shows here. */
const rejectedSince = (stack: TestStack, from: number) =>
  stack.meta
    .calls()
    .slice(from)
    .filter((c) => c.status >= 400 && c.status < 500 && !c.fault);

const graphGet = (stack: TestStack, path: string, params: Record<string, unknown>) =>
  got(`${stack.meta.url}/v26.0/${path}`, {
    searchParams: Object.fromEntries(
      Object.entries({ ...params, access_token: stack.config.account.meta.accessToken }).map(([k, v]) => [
        k,
        typeof v === 'object' ? JSON.stringify(v) : String(v),
      ]),
    ),
    throwHttpErrors: false,
  });

describe('the name lookup Graph accepts', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ groups: [] });
  });
  afterAll(async () => stack?.shutdown());

  it('refuses the old lookup: ad-only statuses on /campaigns and /adsets, effective_status on /adcreatives', async () => {
    const account = stack.config.account.id;
    const adOnly = [
      'ACTIVE',
      'PAUSED',
      'PENDING_REVIEW',
      'DISAPPROVED',
      'CAMPAIGN_PAUSED',
      'ADSET_PAUSED',
      'ARCHIVED',
      'IN_PROCESS',
      'WITH_ISSUES',
      'PREAPPROVED',
    ];
    const name = [{ field: 'name', operator: 'EQUAL', value: 'x' }];
    for (const edge of ['campaigns', 'adsets']) {
      const res = await graphGet(stack, `${account}/${edge}`, {
        fields: 'id,name,status,effective_status',
        filtering: name,
        effective_status: adOnly,
        limit: 5,
      });
      expect(res.statusCode).toBe(400);
      expect(JSON.parse(res.body).error).toMatchObject({ code: 100, message: expect.stringMatching(/effective_status\[2\] must be one of/) });
    }
    const fields = await graphGet(stack, `${account}/adcreatives`, { fields: 'id,name,status,effective_status', filtering: name, limit: 5 });
    expect(JSON.parse(fields.body).error).toMatchObject({
      code: 100,
      message: '(#100) Tried accessing nonexisting field (effective_status) on node type (AdCreative)',
    });
    const filter = await graphGet(stack, `${account}/adcreatives`, { fields: 'id,name,status', filtering: name, effective_status: ['ACTIVE'] });
    expect(JSON.parse(filter.body).error).toMatchObject({ code: 100 });
  });

  it('accepts the lookup the client sends on every edge', async () => {
    const meta = createMetaClient({ baseUrl: stack.meta.url, version: 'v26.0', accessToken: stack.config.account.meta.accessToken, timeoutMs: 5000 });
    for (const edge of ['campaigns', 'adsets', 'ads', 'adcreatives'] as Edge[]) {
      const res = await graphGet(stack, `${stack.config.account.id}/${edge}`, findByNameParams(edge, 'no such name'));
      expect(res.statusCode, `${edge}: ${res.body}`).toBe(200);
      await expect(meta.findByName(stack.config.account.id, edge, 'no such name')).resolves.toEqual([]);
    }
  });
});

describe('a cycle after a create whose outcome was unknown', () => {
  let stack: TestStack;
  beforeAll(async () => {
    // The stack's short lookup window (3 s): a create that committed is found at the first look, one
    // that did not (the 500) is made anew once the window has passed, without waiting 12 s for that.
    stack = await startTestStack({ env: { HTTP_TIMEOUT_MS: '2500' } });
  });
  afterAll(async () => stack?.shutdown());

  const cases: Array<{ edge: string; kind: Kind; fault: 'lostResponse' | 'http500'; format?: 'video' }> = [
    { edge: 'campaigns', kind: 'campaign', fault: 'lostResponse' },
    { edge: 'adsets', kind: 'adset', fault: 'lostResponse' },
    { edge: 'adcreatives', kind: 'adcreative', fault: 'lostResponse' },
    { edge: 'ads', kind: 'ad', fault: 'lostResponse' },
    { edge: 'adimages', kind: 'adimage', fault: 'lostResponse' },
    { edge: 'advideos', kind: 'advideo', fault: 'lostResponse', format: 'video' },
    { edge: 'adsets', kind: 'adset', fault: 'http500' },
  ];
  for (const c of cases) {
    it(`launches with one object of each name after a ${c.fault} on POST /${c.edge}`, async () => {
      const from = stack.meta.calls().length;
      // Only the agent's own creates (named maa|...), not the validate_only write-access check.
      const param = c.edge === 'campaigns' ? { name: 'name', includes: handlePrefix } : undefined;
      stack.meta.injectFault({ match: { method: 'POST', path: `/${c.edge}`, ...(param ? { param } : {}) }, kind: c.fault, times: 1 });
      const handle = await stack.startCycle({ adsPerRun: 1, ...(c.format ? { format: c.format } : {}) });
      const result = await handle.result();
      stack.meta.clearFaults();

      expect(result.outcome).toBe('launched');
      expect(
        stack.meta
          .calls()
          .slice(from)
          .filter((x) => x.fault === c.fault),
      ).toHaveLength(1); // the fault fired
      expect(rejectedSince(stack, from)).toEqual([]);
      for (const kind of KINDS) expect(liveObjectsOf(stack, kind, handle.workflowId), kind).toHaveLength(1);
      if (c.kind === 'advideo') expect(liveObjectsOf(stack, 'advideo', handle.workflowId)).toHaveLength(1);
    });
  }
});

describe('a create that commits after the client timed out', () => {
  let stack: TestStack;
  beforeAll(async () => {
    // A short client timeout so a held create outlives it; a lookup window long enough to see it commit.
    stack = await startTestStack({ env: { HTTP_TIMEOUT_MS: '2500', META_CREATE_LOOKUP_WINDOW_MS: '12000', META_CREATE_LOOKUP_INTERVAL_MS: '1000' } });
  });
  afterAll(async () => stack?.shutdown());

  it('adopts an ad whose create commits after the client timed out, instead of creating a second', async () => {
    const from = stack.meta.calls().length;
    // Held 7 s: the client gives up at 2.5 s, Temporal retries ~3 s later, the window sees it commit.
    stack.meta.injectFault({ match: { method: 'POST', path: '/ads' }, kind: 'lateCommit', delayMs: 7000, times: 1 });
    const handle = await stack.startCycle({ adsPerRun: 1 });
    const result = await handle.result();
    expect(result.outcome).toBe('launched');
    await new Promise((r) => setTimeout(r, 200)); // the held request is recorded when it ends
    expect(
      stack.meta
        .calls()
        .slice(from)
        .filter((x) => x.fault === 'lateCommit'),
    ).toHaveLength(1);
    expect(
      stack.meta
        .calls()
        .slice(from)
        .filter((x) => x.method === 'POST' && /\/ads$/.test(x.path)),
    ).toHaveLength(1);
    expect(rejectedSince(stack, from)).toEqual([]);
    for (const kind of KINDS) expect(liveObjectsOf(stack, kind, handle.workflowId), kind).toHaveLength(1);
    expect(liveObjectsOf(stack, 'ad', handle.workflowId)[0]!.id).toBe(result.slots[0]!.meta!.adId);
  });
});

describe('a create that commits after its retry created a second one', () => {
  let stack: TestStack;
  beforeAll(async () => {
    // No lookup window to speak of: the retry creates anew before the held create commits.
    stack = await startTestStack({ env: { HTTP_TIMEOUT_MS: '2000', META_CREATE_LOOKUP_WINDOW_MS: '0' } });
  });
  afterAll(async () => stack?.shutdown());

  it('deletes the twin in the next reconciliation, keeps the recorded ad, and says so in a finding', async () => {
    stack.meta.injectFault({ match: { method: 'POST', path: '/ads' }, kind: 'lateCommit', delayMs: 12_000, times: 1 });
    const handle = await stack.startCycle({ adsPerRun: 1 });
    const result = await handle.result();
    expect(result.outcome).toBe('launched');
    const keptId = result.slots[0]!.meta!.adId;
    // Wait for the held create to commit: now there are two ads of that name.
    await expect.poll(() => liveObjectsOf(stack, 'ad', handle.workflowId).length, { timeout: 20_000, interval: 250 }).toBe(2);

    const next = await stack.startCycle({ adsPerRun: 0 });
    const swept = await next.result();
    expect(swept.insights.reconciled?.duplicatesRemoved).toHaveLength(1);
    const ads = liveObjectsOf(stack, 'ad', handle.workflowId);
    expect(ads.map((a) => a.id)).toEqual([keptId]);
    const text = stack.activities.db.select().from(findings).where(eq(findings.kind, 'duplicate-removed')).all();
    expect(text).toHaveLength(1);
    expect(text[0]!.text).toContain(`kept ${keptId}`);
  });
});

describe('authorization errors stop the account before anything is paid for', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => stack?.shutdown());

  const failedCycle = async (fault: Parameters<TestStack['meta']['injectFault']>[0]) => {
    const kieBefore = stack.kie.tasks().length;
    stack.meta.injectFault(fault);
    const handle = await stack.startCycle({ adsPerRun: 1 });
    const err = await handle.result().then(
      () => undefined,
      (e: unknown) => e,
    );
    stack.meta.clearFaults();
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const desc = await handle.describe();
    expect(desc.status.name).toBe('FAILED');
    const row = stack.activities.db.select().from(cycles).where(eq(cycles.cycleId, handle.workflowId)).get();
    const status = await handle.query(statusQuery);
    return { err: err as WorkflowFailedError, row, status, kieTasks: stack.kie.tasks().length - kieBefore, handle };
  };

  it('an expired token (190) fails the cycle at insights, non-retryably, with the reason recorded', async () => {
    const { err, row, status, kieTasks } = await failedCycle({
      match: { path: '/insights' },
      kind: 'error',
      code: 190,
      subcode: 463,
      message: 'Error validating access token: Session has expired',
      times: Infinity,
    });
    expect(err.cause).toMatchObject({ type: 'MetaAuthorizationError', nonRetryable: true });
    expect(err.cause!.message).toMatch(/insights.*Graph code 190\/463.*Session has expired/);
    expect(row).toMatchObject({ status: 'failed' });
    expect(row!.result).toMatchObject({ failure: { type: 'MetaAuthorizationError', code: 190, subcode: 463, stage: 'insights' } });
    expect(status.failure).toMatchObject({ code: 190, stage: 'insights' });
    expect(kieTasks).toBe(0);
  });

  it('a scheduled cycle that fails on an authorization error pauses its schedule', async () => {
    const { ensureSchedule } = await import('../client/schedule-ops');
    const { scheduleId } = await import('../temporal-config/queues');
    const account = stack.config.account.id;
    stack.meta.injectFault({ match: { path: '/insights' }, kind: 'error', code: 190, subcode: 463, message: 'Error validating access token', times: Infinity });
    // Every 3 s: the scheduler notices a run's failure when it wakes for the next one.
    await ensureSchedule(stack.env.client, { accountId: account, intervalSeconds: 3, adsPerRun: 1 });
    const schedule = stack.env.client.schedule.getHandle(scheduleId(account));
    try {
      await expect.poll(async () => (await schedule.describe()).state.paused, { timeout: 60_000, interval: 500 }).toBe(true);
      const runs = (await schedule.describe()).info.recentActions.length;
      await new Promise((r) => setTimeout(r, 7_000)); // two more intervals: nothing else starts
      const desc = await schedule.describe();
      expect(desc.info.recentActions.length).toBe(runs);
      expect(runs).toBeLessThanOrEqual(2);
      // The cycle's last step paused it, with the root cause as the note.
      expect(desc.state.note).toMatch(/^stopped: MetaAuthorizationError/);
    } finally {
      stack.meta.clearFaults();
      await schedule.delete();
    }
  });

  it('a token that reads but cannot write (200) fails the cycle before any generation is paid for', async () => {
    const { err, row, kieTasks } = await failedCycle({
      match: { method: 'POST' },
      kind: 'error',
      code: 200,
      message: 'Requires ads_management permission to manage the object',
      times: Infinity,
    });
    expect(err.cause).toMatchObject({ type: 'MetaAuthorizationError' });
    expect(row!.result).toMatchObject({ failure: { code: 200 } });
    expect(kieTasks).toBe(0);
  });
});
