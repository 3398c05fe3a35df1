/**
 * The approval gate, against a real Temporal server, real workers and the simulators: a generated
 * creative waits durably for approve or reject (update, signal, CLI, API), the wait shows in the
 * status query, nothing launches unapproved, and the configured default decides after the timeout.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import got from 'got';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer } from '../client/api-server';
import { decideLaunchUpdate, launchDecisionSignal, statusQuery } from '../workflows/ad-cycle';
import { startTestStack, type TestStack } from './helpers/stack';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TOKEN = 'approval-test-token';
let stack: TestStack;
let api: { url: string; close(): Promise<void> };

beforeAll(async () => {
  stack = await startTestStack();
  api = await startApiServer({ port: 0, token: TOKEN, client: stack.env.client, accounts: () => [], checkDb: () => undefined });
});
afterAll(async () => {
  await api?.close();
  await stack?.shutdown();
});

const adsOf = (cycleId: string) => stack.meta.list('ad').filter((o) => String(o.name ?? '').includes(cycleId));
const waitForGate = async (handle: Awaited<ReturnType<TestStack['startCycle']>>, n: number) =>
  expect
    .poll(async () => (await handle.query(statusQuery)).slots.filter((s) => s.status === 'awaiting_approval').length, { timeout: 30_000, interval: 250 })
    .toBe(n);

describe('approval gate', () => {
  it('waits for a person: approved by update, rejected by signal; nothing launches before', async () => {
    const handle = await stack.startCycle({ adsPerRun: 2, approval: { timeout: '1h', onTimeout: 'skip' } });
    await waitForGate(handle, 2);
    const waiting = await handle.query(statusQuery);
    expect(waiting.stage).toBe('awaiting-approval');
    for (const s of waiting.slots) {
      expect(s).toMatchObject({ status: 'awaiting_approval', filePath: expect.stringMatching(/\.png$/), headline: expect.any(String) });
      expect(s.costUsd).toBeGreaterThan(0);
      expect(Date.parse(s.approvalDeadline!)).toBeGreaterThan(Date.now() + 50 * 60_000);
    }
    expect(adsOf(handle.workflowId)).toHaveLength(0); // nothing on Meta while it waits

    // An invalid decision is refused by the update's validator and changes nothing.
    await expect(handle.executeUpdate(decideLaunchUpdate, { args: [{ slot: 7, approve: true }] })).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    const after = await handle.executeUpdate(decideLaunchUpdate, { args: [{ slot: 0, approve: true, by: 'ana' }] });
    expect(after.slots[0]!.approval).toEqual({ approved: true, by: 'ana' });
    await handle.signal(launchDecisionSignal, { slot: 1, approve: false, by: 'ben', reason: 'off-brand' });

    const result = await handle.result();
    expect(result.slots.map((s) => s.status)).toEqual(['launched', 'skipped']);
    expect(result.slots[1]!.reason).toBe('rejected by ben: off-brand');
    expect(adsOf(handle.workflowId)).toHaveLength(1);
  });

  it('applies the configured default when nobody decides in time', async () => {
    const skip = await stack.startCycle({ adsPerRun: 1, approval: { timeout: '2s', onTimeout: 'skip' } });
    const approve = await stack.startCycle({ adsPerRun: 1, approval: { timeout: '2s', onTimeout: 'approve' } });
    const [skipped, approved] = await Promise.all([skip.result(), approve.result()]);
    expect(skipped.slots[0]).toMatchObject({ status: 'skipped', approval: { approved: false, by: 'timeout' } });
    expect(adsOf(skip.workflowId)).toHaveLength(0);
    expect(approved.slots[0]).toMatchObject({ status: 'launched', approval: { approved: true, by: 'timeout' } });
  });

  it('takes decisions from npm run cycles and from the API', async () => {
    const handle = await stack.startCycle({ adsPerRun: 2, approval: { timeout: '1h', onTimeout: 'skip' } });
    await waitForGate(handle, 2);
    const cli = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'client/cycles.ts', 'approve', handle.workflowId, '0', '--by', 'cli-user'], {
        cwd: ROOT,
        env: { ...process.env, TEMPORAL_ADDRESS: stack.envVars.TEMPORAL_ADDRESS! },
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.on('close', (code) => resolve({ code, out }));
    });
    expect(cli.code).toBe(0);
    expect(JSON.parse(cli.out)).toMatchObject({ slot: 0, status: 'generated', approval: { approved: true, by: 'cli-user' } });
    const rejected = await got.post(`${api.url}/cycles/${encodeURIComponent(handle.workflowId)}/slots/1/reject`, {
      headers: { authorization: `Bearer ${TOKEN}` },
      json: { reason: 'wrong offer' },
      throwHttpErrors: false,
    });
    expect(rejected.statusCode).toBe(200);
    const again = await got.post(`${api.url}/cycles/${encodeURIComponent(handle.workflowId)}/slots/1/approve`, {
      headers: { authorization: `Bearer ${TOKEN}` },
      throwHttpErrors: false,
    });
    expect(again.statusCode).toBe(409); // already decided
    const result = await handle.result();
    expect(result.slots.map((s) => s.status)).toEqual(['launched', 'skipped']);
    expect(result.slots[1]!.reason).toBe('rejected by the API: wrong offer');
  });
});
