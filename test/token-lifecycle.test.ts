/**
 * The token lifecycle on schedules, as `npm start` runs them: an account whose token has expired
 * fails its cycle once (no retry of the 190), its schedule pauses itself with the reason in its note
 * and the cycle's result says why, while the other accounts' schedules go on. A token whose expiry
 * Graph's debug_token reports (the simulator serves it) is warned about days ahead, and one known
 * only from the accounts file likewise.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetaClient } from '../activities/ports/meta-client';
import { ensureSchedule, scheduledAccount } from '../client/schedule-ops';
import { cycles, findings } from '../db/schema';
import { scheduleId } from '../temporal-config/queues';
import { rootCause } from '../workflows/failure';
import type { AdCycleResult } from '../workflows/ad-cycle-types';
import { startTestStack, type TestStack } from './helpers/stack';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FINE = 'act_3000000001';
const EXPIRED = 'act_3000000002';
const EXPIRING = 'act_3000000003';
const CONFIGURED = 'act_3000000004';
const DAY_S = 86_400;

let stack: TestStack;
/** When TOKEN_EXPIRING's token expires, as the Meta simulator's debug_token reports it (Unix s). */
let expiringAt: number;
beforeAll(async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'maa-token-'));
  const file = path.join(dir, 'accounts.json');
  const nowS = Math.floor(Date.now() / 1000);
  expiringAt = nowS + 3 * DAY_S;
  const account = (id: string, i: number, extra: object = {}) => ({
    id,
    pageId: `12210000000000030${i}`,
    hookLibrary: path.join(ROOT, 'hooks/library.json'),
    runInterval: 86_400,
    adsPerRun: 1,
    ...extra,
  });
  writeFileSync(
    file,
    JSON.stringify({
      accounts: [
        account(FINE, 1),
        account(EXPIRED, 2, { token: { env: 'TOKEN_EXPIRED' } }),
        account(EXPIRING, 3, { token: { env: 'TOKEN_EXPIRING' } }),
        account(CONFIGURED, 4, { tokenExpiresAt: new Date((nowS + 5 * DAY_S) * 1000).toISOString() }),
      ],
    }),
  );
  stack = await startTestStack({
    env: { ACCOUNTS_FILE: file, TOKEN_EXPIRED: 'expired-token', TOKEN_EXPIRING: 'token-expiring-soon', TOKEN_EXPIRY_WARN_DAYS: '14' },
    meta: {
      adAccounts: [FINE, EXPIRED, EXPIRING, CONFIGURED],
      pageIds: ['122100000000000301', '122100000000000302', '122100000000000303', '122100000000000304'],
      accessTokens: ['sim-meta-token', 'token-expiring-soon'],
      tokenExpiry: { 'token-expiring-soon': expiringAt },
    },
  });
});
afterAll(async () => {
  for (const id of [FINE, EXPIRED, EXPIRING, CONFIGURED])
    await stack?.env.client.schedule
      .getHandle(scheduleId(id))
      .delete()
      .catch(() => undefined);
  await stack?.shutdown();
});

/** The first cycle a schedule started, once it has one. */
async function firstCycle(account: string) {
  const handle = stack.env.client.schedule.getHandle(scheduleId(account));
  let id: string | undefined;
  await expect
    .poll(
      async () => {
        id = (await handle.describe()).info.recentActions[0]?.action.workflow.workflowId;
        return id;
      },
      { timeout: 20_000, interval: 250 },
    )
    .toBeDefined();
  return stack.env.client.workflow.getHandle(id!);
}

describe('token lifecycle', () => {
  it('an expired token fails its cycle once and pauses its schedule with the reason; the other accounts go on; expiries are warned ahead', async () => {
    for (const a of stack.config.accounts) await ensureSchedule(stack.env.client, scheduledAccount(a), { triggerImmediately: true });

    const expired = await firstCycle(EXPIRED);
    const err = await expired.result().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const cause = rootCause(err as WorkflowFailedError);
    expect(cause.message).toMatch(/Error validating access token/);
    // Not retried: the activity that met the 190 ran once.
    const history = await expired.fetchHistory();
    const attempts = (history.events ?? []).flatMap((e) => (e.activityTaskStartedEventAttributes ? [e.activityTaskStartedEventAttributes.attempt ?? 1] : []));
    expect(Math.max(...attempts)).toBe(1);
    await expect
      .poll(async () => (await stack.env.client.schedule.getHandle(scheduleId(EXPIRED)).describe()).state, { timeout: 20_000, interval: 250 })
      .toMatchObject({
        paused: true,
        note: expect.stringMatching(/^stopped: MetaAuthorizationError \(Graph code 190\/463\): Meta read insights: Error validating access token/),
      });
    // The cycle's record says why, and that the account was stopped.
    const row = stack.activities.db.select().from(cycles).where(eq(cycles.cycleId, expired.workflowId)).get()!;
    expect(row.result).toMatchObject({ status: 'failed', accountStopped: 'paused', failure: { type: 'MetaAuthorizationError', code: 190, stage: 'insights' } });

    // The others completed and their schedules run on.
    for (const id of [FINE, EXPIRING, CONFIGURED]) {
      const result = (await (await firstCycle(id)).result()) as AdCycleResult;
      expect(result.outcome, id).toBe('launched');
      expect((await stack.env.client.schedule.getHandle(scheduleId(id)).describe()).state.paused).toBe(false);
    }

    // Expiry from debug_token: warned in the result and once as a finding.
    const expiring = (await (await firstCycle(EXPIRING)).result()) as AdCycleResult;
    expect(expiring.insights.token).toMatchObject({
      source: 'debug_token',
      daysLeft: 2,
      warning: expect.stringContaining(`The Meta token of ${EXPIRING} expires on`),
    });
    const configured = (await (await firstCycle(CONFIGURED)).result()) as AdCycleResult;
    expect(configured.insights.token).toMatchObject({ source: 'configuration', daysLeft: 4, warning: expect.stringContaining('from configuration') });
    const fine = (await (await firstCycle(FINE)).result()) as AdCycleResult;
    expect(fine.insights.token).toEqual({ source: 'none' });
    const warned = (account: string) =>
      stack.activities.db
        .select()
        .from(findings)
        .where(and(eq(findings.accountId, account), eq(findings.kind, 'token-expiring')))
        .all();
    expect(warned(EXPIRING)).toHaveLength(1);
    // A second cycle the same day does not write the finding again.
    await (await stack.startCycle({ accountId: EXPIRING, adsPerRun: 0 })).result();
    expect(warned(EXPIRING)).toHaveLength(1);
  });

  it("the Meta simulator's GET /debug_token refuses a missing input_token with Graph code 100, and answers the client's call with validity, expiry and scopes", async () => {
    const version = stack.config.meta.version;
    // No input_token: Graph's error envelope (the shape the client's ErrorEnvelope reads), over HTTP 400.
    const res = await fetch(`${stack.meta.url}/${version}/debug_token?${new URLSearchParams({ access_token: 'sim-meta-token' })}`);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: {
        message: expect.stringContaining('The parameter input_token is required'),
        type: 'OAuthException',
        code: 100,
        is_transient: false,
        fbtrace_id: expect.any(String),
      },
    });

    // The client's own call (input_token = its token), through its response schema: data.is_valid, data.expires_at (Unix s, 0 = never), data.scopes.
    const debugToken = (accessToken: string) => createMetaClient({ baseUrl: stack.meta.url, version, accessToken, timeoutMs: 10_000 }).debugToken();
    const expiring = await debugToken('token-expiring-soon');
    expect(expiring).toMatchObject({ is_valid: true, expires_at: expiringAt, scopes: ['ads_management', 'ads_read', 'business_management'] });
    expect(expiring.data_access_expires_at).toEqual(expect.any(Number));
    expect(expiring.issued_at).toEqual(expect.any(Number));
    expect(await debugToken('sim-meta-token')).toMatchObject({ is_valid: true, expires_at: 0 });
    // An input_token Graph does not know is answered, not refused: 200, is_valid false, the 190 inside data.
    const unknown = await fetch(
      `${stack.meta.url}/${version}/debug_token?${new URLSearchParams({ access_token: 'sim-meta-token', input_token: 'no-such-token' })}`,
    );
    expect(unknown.status).toBe(200);
    expect(await unknown.json()).toMatchObject({ data: { is_valid: false, error: { code: 190 } } });
  });
});
