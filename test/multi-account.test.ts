/**
 * Several ad accounts on one worker fleet: each with its own caps, hook library and token, running
 * cycles at the same time against the simulators over HTTP, on a real Temporal server. And `npm
 * start` as a process keeping one schedule per account in step with an edited accounts file.
 */
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { manualWorkflowId, scheduleId } from '../temporal-config/queues';
import type { AdCycleResult } from '../workflows/ad-cycle-types';
import { agentPorts } from './helpers/process';
import { startTestStack, type TestStack } from './helpers/stack';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const hookIds = (file: string) => (JSON.parse(readFileSync(path.join(ROOT, file), 'utf8')) as { hooks: Array<{ id: string }> }).hooks.map((h) => h.id);

const ACME = 'act_1000000001';
const BLOOM = 'act_1000000002';
const EXPIRED = 'act_1000000003';

function writeAccounts(dir: string, accounts: object[]): string {
  const file = path.join(dir, 'accounts.json');
  writeFileSync(file, JSON.stringify({ accounts }, null, 2));
  return file;
}

describe('three accounts at once', () => {
  let stack: TestStack;
  beforeAll(async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'maa-accounts-'));
    const file = writeAccounts(dir, [
      // $5 ad sets at their worst day are 625 cents: ACME fits two, BLOOM one.
      { id: ACME, pageId: '122100000000000001', maxLiveAds: 2, totalDailySpendCap: 1400, hookLibrary: path.join(ROOT, 'hooks/library.json') },
      { id: BLOOM, pageId: '122100000000000002', maxLiveAds: 5, totalDailySpendCap: 700, hookLibrary: path.join(ROOT, 'hooks/skincare.json') },
      { id: EXPIRED, pageId: '122100000000000003', token: { env: 'META_TOKEN_EXPIRED' } },
    ]);
    stack = await startTestStack({
      env: { ACCOUNTS_FILE: file, META_TOKEN_EXPIRED: 'expired-token', MAX_LIVE_ADS: '100', TOTAL_DAILY_SPEND_CAP: '1000000' },
      meta: { adAccounts: [ACME, BLOOM, EXPIRED], pageIds: ['122100000000000001', '122100000000000002', '122100000000000003'] },
    });
  });
  afterAll(async () => stack?.shutdown());

  const start = (accountId: string, adsPerRun: number) =>
    stack.startCycle({ accountId, adsPerRun }, manualWorkflowId(accountId, `multi-${Date.now()}-${Math.random().toString(36).slice(2, 6)}`));

  it("holds each account's own caps and hook library, and stops only the account whose token expired", async () => {
    const kieBefore = stack.kie.tasks().length;
    const [acme, bloom, expired] = await Promise.all([start(ACME, 3), start(BLOOM, 3), start(EXPIRED, 1)]);
    const [a, b] = (await Promise.all([acme.result(), bloom.result()])) as [AdCycleResult, AdCycleResult];
    const failure = await expired.result().then(
      () => undefined,
      (e: unknown) => e as WorkflowFailedError,
    );

    // Each account launched what its own caps allow, with hooks from its own library.
    expect(a.slots.filter((s) => s.status === 'launched')).toHaveLength(2);
    expect(b.slots.filter((s) => s.status === 'launched')).toHaveLength(1);
    expect(a.slots.every((s) => hookIds('hooks/library.json').includes(s.hookId))).toBe(true);
    expect(b.slots.every((s) => hookIds('hooks/skincare.json').includes(s.hookId))).toBe(true);
    // Meta holds each account's objects under that account.
    const ads = stack.meta.list('ad');
    for (const id of a.created.adIds) expect(ads.find((o) => o.id === id)?.account_id).toBe(ACME.replace('act_', ''));
    for (const id of b.created.adIds) expect(ads.find((o) => o.id === id)?.account_id).toBe(BLOOM.replace('act_', ''));

    // The expired token stopped that account alone, with Graph's reason, before anything was paid for.
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect(failure!.cause).toMatchObject({ type: 'MetaAuthorizationError' });
    expect(failure!.cause!.message).toMatch(/Graph code 190\/463/);
    expect(stack.kie.tasks().length - kieBefore).toBe(a.slots.length + b.slots.length);

    // A second round: both accounts are full by their own caps, each says why.
    const [a2, b2] = await Promise.all([start(ACME, 1).then((h) => h.result()), start(BLOOM, 1).then((h) => h.result())]);
    expect(a2.outcome).toBe('no-capacity');
    expect(b2.outcome).toBe('no-capacity');
    expect(a2.decisions.join('\n')).toMatch(/live-ad cap|2 live/);
    expect(b2.decisions.join('\n')).toMatch(/spend cap/);
  });
});

describe('npm start with an accounts file', () => {
  it('keeps one schedule per account in step with the file as it is edited', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'maa-start-'));
    const daily = 86_400; // no run fires during the test
    const one = { id: 'act_2000000001', pageId: '122100000000000001', runInterval: daily };
    const two = { id: 'act_2000000002', pageId: '122100000000000002', runInterval: daily };
    const three = { id: 'act_2000000003', pageId: '122100000000000003', runInterval: daily, adsPerRun: 2 };
    const file = writeAccounts(dir, [one, two]);
    const env = {
      ...process.env,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      ACCOUNTS_FILE: file,
      DATA_DIR: dir,
      ...(await agentPorts()),
      LOG_LEVEL: 'info',
    };
    const child = spawn(process.execPath, ['--import', 'tsx', 'workers/start.ts'], { cwd: ROOT, env });
    let log = '';
    child.stderr.on('data', (d: Buffer) => (log += d.toString()));
    child.stdout.on('data', (d: Buffer) => (log += d.toString()));
    const connection = await Connection.connect({ address: inject('temporalAddress') });
    const testEnv = new Client({ connection });
    const describeSchedule = async (accountId: string) => {
      try {
        const d = await testEnv.schedule.getHandle(scheduleId(accountId)).describe();
        return { paused: d.state.paused, note: d.state.note, input: d.action.type === 'startWorkflow' ? d.action.args?.[0] : undefined };
      } catch {
        return undefined;
      }
    };
    try {
      await expect.poll(() => log.includes('schedules in step with the accounts'), { timeout: 60_000, interval: 500 }).toBe(true);
      expect(await describeSchedule(one.id)).toMatchObject({ paused: false });
      expect(await describeSchedule(two.id)).toMatchObject({ paused: false });
      // The first cycle of each account starts at once, not at the first interval (a day away here), and completes.
      for (const a of [one, two]) {
        await expect
          .poll(async () => (await testEnv.schedule.getHandle(scheduleId(a.id)).describe()).info.recentActions.length, { timeout: 20_000, interval: 500 })
          .toBe(1);
        const [first] = (await testEnv.schedule.getHandle(scheduleId(a.id)).describe()).info.recentActions;
        await testEnv.workflow.getHandle(first!.action.workflow.workflowId).result();
      }
      // Not a terminal: one JSON object a line, and no webpack build report at info level.
      const lines = log.split('\n').filter(Boolean);
      expect(lines.every((l) => l.startsWith('{'))).toBe(true);
      expect(log).not.toContain('workflow-bundle-');

      // Edit: the second account is disabled, a third is added.
      writeAccounts(dir, [one, { ...two, enabled: false }, three]);
      await expect.poll(async () => (await describeSchedule(three.id))?.paused, { timeout: 30_000, interval: 500 }).toBe(false);
      await expect.poll(async () => (await describeSchedule(two.id))?.paused, { timeout: 30_000, interval: 500 }).toBe(true);
      expect((await describeSchedule(two.id))!.note).toMatch(/disabled in the accounts file; its live ads keep delivering/);
      expect((await describeSchedule(three.id))!.input).toMatchObject({ accountId: three.id, adsPerRun: 2 });

      // Edit: the first account is removed, the second enabled again.
      writeAccounts(dir, [two, three]);
      await expect.poll(async () => (await describeSchedule(one.id))?.paused, { timeout: 30_000, interval: 500 }).toBe(true);
      expect((await describeSchedule(one.id))!.note).toMatch(/removed from the accounts file/);
      await expect.poll(async () => (await describeSchedule(two.id))?.paused, { timeout: 30_000, interval: 500 }).toBe(false);
    } finally {
      // npm start stops cleanly on SIGTERM (workers drain, then the rest closes).
      const closed = new Promise<number | null>((r) => child.once('close', (code) => r(code)));
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 40_000);
      const code = await closed;
      clearTimeout(killer);
      expect(code, log.slice(-2000)).toBe(0);
      for (const a of [one, two, three])
        await testEnv.schedule
          .getHandle(scheduleId(a.id))
          .delete()
          .catch(() => undefined);
      await connection.close();
    }
  }, 180_000);
});
