/**
 * The commands as a user runs them: separate processes, real exit codes and output, against a
 * Temporal server of this file's own (helpers/own-server.ts), so the workers they start never meet
 * those of the other test files.
 */
import { fileURLToPath } from 'node:url';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { resolveTemporalCli } from '../scripts/temporal-cli';
import type { RunningServer } from '../scripts/temporal-server';
import { startMetaSimulator } from '../simulators/meta';
import { startOwnTemporalServer } from './helpers/own-server';
import { agentPorts, runProcess } from './helpers/process';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TEMPORAL = resolveTemporalCli();
/**
 * Runs a command as a user does (node + tsx), awaited rather than spawnSync'd: one test runs a
 * simulator in this process, and a worker blocked through many commands in a row can miss vitest's
 * own calls ("Timeout calling onTaskUpdate").
 */
const run = (args: string[], env: Record<string, string>) => runProcess(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, env, timeoutMs: 60_000 });

let server: RunningServer;
beforeAll(async () => {
  server = await startOwnTemporalServer();
});
afterAll(async () => server?.stop());

/** The environment of an `npm run cycle` process: the test server, its own data folder and free ports. */
const cycleEnv = async () => ({
  TEMPORAL_ADDRESS: server.address,
  DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'maa-cmd-')),
  ...(await agentPorts()),
  KIE_POLL_INTERVAL_MS: '250',
});

describe('commands', () => {
  it('npm run cycle brings up simulators and workers, runs one cycle and prints it as one JSON line', async () => {
    const env = await cycleEnv();
    const r = await run(['workers/cycle.ts', '--ads', '1'], env);
    expect(r.stderr).toContain('Simulator mode');
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const out = JSON.parse(lines[0]!);
    expect(out).toMatchObject({ status: 'COMPLETED', outcome: 'launched', accountId: 'act_1234567890' });
    expect(out.workflowId).toMatch(/^ad-cycle-act_1234567890-manual-/);
    expect(out.created.adIds).toHaveLength(1);
    expect(out.decisions[0]).toMatch(/^choose /);

    // The same cycle, read back by the other commands (no worker needed once it ended).
    const status = await run(['client/cycles.ts', 'status', out.workflowId], env);
    expect(status.status, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ workflowId: out.workflowId, runStatus: 'COMPLETED', outcome: 'launched' });
    const listed = await run(['client/cycles.ts', 'list', '--account', 'act_1234567890', '--limit', '50'], env);
    expect(listed.status, listed.stderr).toBe(0);
    const row = (JSON.parse(listed.stdout) as Array<Record<string, unknown>>).find((r) => r.workflowId === out.workflowId);
    expect(row).toMatchObject({ status: 'COMPLETED', account: 'act_1234567890', outcome: 'launched', adsLaunched: 1 });
    expect(row!.generationCostUsd).toBeCloseTo(out.generationCostUsd);
  });

  it('npm run cycle forces a hook and a format for its launches, and refuses a hook the library lacks', async () => {
    const env = await cycleEnv();
    const forced = await run(['workers/cycle.ts', '--ads', '1', '--hook', 'wasted-budget-math', '--format', 'image'], env);
    expect(forced.status, forced.stderr).toBe(0);
    const out = JSON.parse(forced.stdout.trim());
    expect(out).toMatchObject({ outcome: 'launched', slots: [{ hookId: 'wasted-budget-math', format: 'image', status: 'launched' }] });
    expect(out.decisions[0]).toMatch(/^choose wasted-budget-math \(image\): forced by an operator/);
    const unknown = await run(['workers/cycle.ts', '--ads', '1', '--hook', 'no-such-hook'], env);
    expect(unknown.status).toBe(1);
    expect(JSON.parse(unknown.stdout.trim())).toMatchObject({
      status: 'FAILED',
      stage: 'planning',
      cause: { type: 'InvalidInput', message: expect.stringContaining('no-such-hook') },
    });
  });

  it("npm run cycle -- --next asks the account's next cycle for a hook and format: checked now, claimed by one cycle only", async () => {
    const env = await cycleEnv();
    const bad = await run(['workers/cycle.ts', '--next', '--hook', 'no-such-hook'], env);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('hook: no-such-hook is not in act_1234567890');
    const none = await run(['workers/cycle.ts', '--next'], env);
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('hook or format');
    const asked = await run(['workers/cycle.ts', '--next', '--hook', 'creative-burnout', '--format', 'image', '--by', 'ops-test'], env);
    expect(asked.status, asked.stderr).toBe(0);
    expect(JSON.parse(asked.stdout)).toMatchObject({
      account: 'act_1234567890',
      nextCycle: { hookId: 'creative-burnout', format: 'image', requestedBy: 'ops-test' },
    });

    // The next cycle (started without a hook of its own, as the schedule starts them) takes it; the one after does not.
    const first = JSON.parse((await run(['workers/cycle.ts', '--ads', '2'], env)).stdout.trim());
    expect(first.slots.map((s: { hookId: string; format: string }) => [s.hookId, s.format])).toEqual([
      ['creative-burnout', 'image'],
      ['creative-burnout', 'image'],
    ]);
    expect(first.decisions[0]).toMatch(/^choose creative-burnout \(image\): forced by ops-test for this account's next cycle/);
    expect(first.findings[0]).toBe('took the next-cycle request of ops-test: hook creative-burnout, format image');
    const second = JSON.parse((await run(['workers/cycle.ts', '--ads', '1'], env)).stdout.trim());
    expect(second.decisions[0]).not.toMatch(/forced/);

    // A request can be withdrawn before a cycle takes it.
    expect((await run(['workers/cycle.ts', '--next', '--format', 'image'], env)).status).toBe(0);
    expect(JSON.parse((await run(['workers/cycle.ts', '--next', '--clear'], env)).stdout)).toEqual({ account: 'act_1234567890', cleared: true });
    expect(JSON.parse((await run(['workers/cycle.ts', '--next', '--clear'], env)).stdout)).toEqual({ account: 'act_1234567890', cleared: false });
  });

  it('npm run cycle prints the root cause of a failed cycle (type, Graph code and subcode, stage) and records it', async () => {
    const meta = await startMetaSimulator({ timeScale: 60 });
    try {
      const dataDir = mkdtempSync(path.join(os.tmpdir(), 'maa-cmd-'));
      const env = {
        TEMPORAL_ADDRESS: server.address,
        DATA_DIR: dataDir,
        // A real-looking setup whose token has expired: Graph answers 190/463.
        FB_ACCESS_TOKEN: 'expired-token',
        META_GRAPH_BASE_URL: meta.url,
        ...(await agentPorts()),
      };
      const r = await run(['workers/cycle.ts', '--ads', '1'], env);
      expect(r.status, r.stderr).toBe(1);
      const out = JSON.parse(r.stdout.trim());
      expect(out).toMatchObject({ status: 'FAILED', stage: 'insights', cause: { type: 'MetaAuthorizationError', code: 190, subcode: 463 } });
      expect(out.error).toMatch(/^MetaAuthorizationError \(Graph code 190\/463\): Meta read insights: Error validating access token/);
      expect(r.stdout).not.toContain('Activity task failed');
      const db = new Database(path.join(dataDir, 'performance.db'), { readonly: true });
      const row = db.prepare('select status, result from cycles where cycle_id = ?').get(out.workflowId) as { status: string; result: string };
      db.close();
      expect(row.status).toBe('failed');
      expect(JSON.parse(row.result).failure).toMatchObject({ type: 'MetaAuthorizationError', code: 190, stage: 'insights' });
    } finally {
      await meta.close();
    }
  });

  it('npm run schedule creates, describes, pauses, pauses launches, backfills and deletes the account schedule', async () => {
    const env = { TEMPORAL_ADDRESS: server.address, AD_ACCOUNT_ID: 'act_777', RUN_INTERVAL: '86400' };
    const op = (...args: string[]) => run(['client/schedule.ts', ...args], env);
    expect((await op('create')).stdout).toContain('created ad-cycle-act_777');
    expect((await op('create')).stdout).toContain('updated ad-cycle-act_777'); // idempotent
    expect((await op('pause', 'budget review')).status).toBe(0);
    let d = JSON.parse((await op('describe')).stdout);
    expect(d).toMatchObject({ scheduleId: 'ad-cycle-act_777', paused: true, note: 'budget review' });
    expect(d.spec.intervals[0].every).toBe(86_400_000); // daily: no run fires during the test
    expect((await op('unpause')).status).toBe(0);
    expect((await op('pause-launches')).status).toBe(0);
    d = JSON.parse((await op('describe')).stdout);
    expect(d.paused).toBe(false);
    expect(d.input[0]).toMatchObject({ accountId: 'act_777', launchesPaused: true });
    expect((await op('resume-launches')).status).toBe(0);
    expect(JSON.parse((await op('describe')).stdout).input[0].launchesPaused).toBe(false);
    // Backfill the hour around last midnight (UTC): the daily schedule owes exactly one cycle there.
    const midnight = new Date(new Date().toISOString().slice(0, 10) + 'T00:00:00Z').getTime();
    const from = new Date(midnight - 1_800_000).toISOString();
    const to = new Date(midnight + 1_800_000).toISOString();
    expect((await op('backfill', '--from', from, '--to', to)).stdout).toContain('backfilled ad-cycle-act_777');
    expect((await op('backfill', '--from', to, '--to', from)).status).toBe(2);
    // The backfilled cycle was started (no worker serves act_777 here: stop it).
    const backfilled = await expect
      .poll(async () => (JSON.parse((await op('describe')).stdout) as { recentActions: Array<{ workflowId: string }> }).recentActions.length, {
        timeout: 15_000,
        interval: 500,
      })
      .toBe(1)
      .then(async () => (JSON.parse((await op('describe')).stdout) as { recentActions: Array<{ workflowId: string; scheduledAt: string }> }).recentActions[0]!);
    expect(new Date(backfilled.scheduledAt).getTime()).toBe(midnight);
    await runProcess(TEMPORAL, ['workflow', 'terminate', '--address', server.address, '-w', backfilled.workflowId, '--reason', 'test backfill']);
    expect((await op('delete')).stdout).toContain('deleted ad-cycle-act_777');
    expect((await op('describe')).status).toBe(1);
  });

  it('npm run cycle refuses an invalid environment at start-up, naming every bad variable', async () => {
    const r = await run(['workers/cycle.ts'], { RUN_INTERVAL: 'soon', AD_ACCOUNT_ID: 'acct-1', TOTAL_DAILY_SPEND_CAP: '-5', TEMPORAL_ADDRESS: '127.0.0.1:1' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('Invalid configuration');
    for (const name of ['RUN_INTERVAL', 'AD_ACCOUNT_ID', 'TOTAL_DAILY_SPEND_CAP']) expect(r.stderr).toContain(name);
    expect(r.stdout).toBe('');
  });

  it('a worker refuses an unknown group with its usage', async () => {
    const r = await run(['workers/main.ts', 'everything'], {});
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/orchestrator\|analysis\|images\|video\|campaign/);
  });

  it('npm run schedule prints its usage for an unknown operation', async () => {
    const r = await run(['client/schedule.ts', 'explode'], {});
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/create\|describe\|pause\|unpause\|trigger\|backfill\|delete/);
  });
});
