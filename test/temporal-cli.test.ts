/**
 * The README's `temporal` CLI lines, run as written (by bash, with the project's Temporal CLI and
 * TEMPORAL_ADDRESS pointing at the test server): each must exit 0 and do what the README says. A
 * line that drifts from the code (a renamed signal, a wrong input field, a missing search
 * attribute) fails here.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ensureSchedule } from '../client/schedule-ops';
import { resolveTemporalCli } from '../scripts/temporal-cli';
import { scheduleId } from '../temporal-config/queues';
import { statusQuery, type adCycleWorkflow } from '../workflows/ad-cycle';
import { runProcess, type RunResult } from './helpers/process';
import { startTestStack, type TestStack } from './helpers/stack';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const CLI_DIR = path.dirname(resolveTemporalCli());

/** The `temporal ...` lines of the first sh block after `heading` (continuations joined). */
function cliLines(after: string): string[] {
  const from = README.indexOf(after);
  expect(from, `README has "${after}"`).toBeGreaterThan(-1);
  const block = /```sh\n([\s\S]*?)```/.exec(README.slice(from))![1]!;
  return block
    .replace(/\\\n\s*/g, '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('temporal '));
}

/** Runs one line in bash, without blocking this process (its workers must answer queries and updates meanwhile). */
async function sh(line: string): Promise<RunResult & { line: string }> {
  const r = await runProcess('bash', ['-c', line], {
    cwd: ROOT,
    env: { PATH: `${CLI_DIR}:${process.env.PATH}`, TEMPORAL_ADDRESS: inject('temporalAddress') },
    timeoutMs: 30_000,
  });
  return { line, ...r };
}

let stack: TestStack;
beforeAll(async () => {
  // Only the orchestrator at first: a started cycle waits at its first activity, so the signal,
  // query and update lines meet a running workflow.
  stack = await startTestStack({ groups: ['orchestrator'] });
  await ensureSchedule(stack.env.client, { accountId: stack.config.account.id, intervalSeconds: 86_400, adsPerRun: 1 });
});
afterAll(async () => {
  const schedule = stack?.env.client.schedule.getHandle(scheduleId(stack.config.account.id));
  await schedule?.delete().catch(() => undefined);
  await stack?.shutdown();
});

describe('the README temporal CLI lines', () => {
  it('every operation line runs as written against the server, and the cycles it starts complete', async () => {
    const lines = cliLines('The same operations with the `temporal` CLI');
    expect(lines.length).toBeGreaterThanOrEqual(12);
    const results: Array<Awaited<ReturnType<typeof sh>>> = [];
    for (const line of lines) results.push(await sh(line));
    for (const r of results) expect({ line: r.line, status: r.status, stderr: r.stderr.slice(0, 500) }).toMatchObject({ status: 0 });

    const out = (prefix: string) => results.find((r) => r.line.startsWith(prefix))!.stdout;
    expect(out('temporal schedule describe')).toContain(scheduleId(stack.config.account.id));
    expect(out('temporal workflow query')).toMatch(/"stage":\s*"insights"/);

    // The rest of the workers come up; the started cycles finish, the forced one with its hook.
    await stack.startWorkers();
    const client = stack.env.client;
    const one = await client.workflow.getHandle<typeof adCycleWorkflow>('ad-cycle-act_1234567890-manual-1').result();
    expect(one.status).toBe('completed');
    const two = await client.workflow.getHandle<typeof adCycleWorkflow>('ad-cycle-act_1234567890-manual-2').result();
    expect(two.slots.map((s) => [s.hookId, s.format])).toEqual([['wasted-budget-math', 'image']]);
    // The trigger line started a cycle of the schedule.
    const triggered = (await client.schedule.getHandle(scheduleId(stack.config.account.id)).describe()).info.recentActions;
    expect(triggered.length).toBeGreaterThanOrEqual(1);
    for (const a of triggered) await client.workflow.getHandle(a.action.workflow.workflowId).result();
  });

  it('the approval lines decide on waiting slots: the update approves slot 0, the signal rejects slot 1', async () => {
    const lines = cliLines('## Approval gate');
    expect(lines).toHaveLength(2);
    await stack.startWorkers();
    const handle = await stack.startCycle({ adsPerRun: 2, approval: { timeout: '5m', onTimeout: 'skip' } });
    await expect.poll(async () => (await handle.query(statusQuery)).slots.filter((s) => s.status === 'awaiting_approval').length, { timeout: 60_000 }).toBe(2);
    for (const line of lines) {
      const r = await sh(line.replaceAll('<workflowId>', handle.workflowId));
      expect({ line, status: r.status, stderr: r.stderr.slice(0, 500) }).toMatchObject({ status: 0 });
    }
    const result = await handle.result();
    expect(result.slots.map((s) => s.status)).toEqual(['launched', 'skipped']);
    expect(result.slots[1]!.reason).toBe('rejected by a person: off-brand');
  });
});
