/**
 * The pre-deploy check as a process, against the test server's real histories: the workflow code
 * the workers load replays them (exit 0), and a workflow module whose commands differ is refused
 * (exit 1, naming each history that breaks). The server is this file's own, so the most recent
 * histories are its cycle's, not whatever other files left there (encrypted ones among them).
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcess } from './helpers/process';
import { startTestStack, type TestStack } from './helpers/stack';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
let stack: TestStack;
let cycleId: string;

beforeAll(async () => {
  stack = await startTestStack({ ownServer: true });
  const handle = await stack.startCycle({ adsPerRun: 1 });
  await handle.result();
  cycleId = handle.workflowId;
});
afterAll(async () => stack?.shutdown());

const deployCheck = (args: string[]) =>
  runProcess(process.execPath, ['--import', 'tsx', 'workers/deploy-check.ts', ...args], {
    cwd: ROOT,
    env: { TEMPORAL_ADDRESS: stack.config.temporal.address },
  });

describe('npm run deploy:check', () => {
  it('replays the most recent histories on the server against the code about to be deployed', async () => {
    const r = await deployCheck(['--limit', '10']);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ ok: true, failures: [] });
    expect(out.replayed).toBeGreaterThanOrEqual(1);
  });

  it('refuses a deploy whose workflow code does not replay them, naming the histories', async () => {
    const r = await deployCheck(['--limit', '10', '--workflows', 'test/fixtures/incompatible-workflows.ts']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/Deploy refused: \d+ of \d+ histories do not replay/);
    const out = JSON.parse(r.stdout);
    expect(out.ok).toBe(false);
    expect(out.failures.map((f: { workflowId: string }) => f.workflowId)).toContain(cycleId);
    expect(out.failures[0].error).toMatch(/DeterminismViolation/);
  });
});
