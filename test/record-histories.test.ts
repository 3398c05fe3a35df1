/**
 * Records the replay fixtures in test/histories from REAL runs (real server, real activities,
 * simulators). Skipped in normal runs; re-record after an intended workflow change with
 *   RECORD_HISTORIES=1 npx vitest run test/record-histories.test.ts
 * It also writes one deliberately incompatible copy (an activity renamed in the history), which the
 * replay test must reject: that proves the replay harness can fail.
 *
 * A history already committed is kept as it is (it stands for cycles recorded by older code, which
 * must go on replaying); only new scenarios are written, unless RECORD_HISTORIES=overwrite.
 */
import { existsSync } from 'node:fs';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decideLaunchUpdate, setLaunchesPausedUpdate, statusQuery } from '../workflows/ad-cycle';
import { historyOf } from './helpers/history';
import { startTestStack, type TestStack } from './helpers/stack';

const DIR = fileURLToPath(new URL('./histories/', import.meta.url));
const record = process.env.RECORD_HISTORIES === '1' || process.env.RECORD_HISTORIES === 'overwrite';
const overwrite = process.env.RECORD_HISTORIES === 'overwrite';

describe.runIf(record)('record replay histories', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => stack?.shutdown());

  it('records a two-ad cycle, a paused-and-resumed cycle, a failed generation and a video cycle ended by callback', async () => {
    const save = async (name: string, handle: Awaited<ReturnType<TestStack['startCycle']>>) => {
      await handle.result().catch(() => undefined); // failed cycles are histories too
      const { json } = await historyOf(handle);
      if (overwrite || !existsSync(`${DIR}${name}.json`)) writeFileSync(`${DIR}${name}.json`, json);
      return JSON.parse(json) as { events: Array<Record<string, any>> };
    };
    const two = await save('ad-cycle-two-ads', await stack.startCycle({ adsPerRun: 2 }));

    const paused = await stack.startCycle({ adsPerRun: 1, launchesPaused: true });
    await expect.poll(async () => (await paused.query(statusQuery)).stage, { timeout: 30_000, interval: 100 }).toBe('paused'); // held at the gate
    await paused.executeUpdate(setLaunchesPausedUpdate, { args: [{ paused: false }] });
    await save('ad-cycle-paused-resumed', paused);

    stack.kie.injectFault({ match: { path: '/api/v1/jobs/createTask' }, kind: 'taskFail', failCode: '500', times: 1 });
    await save('ad-cycle-generation-failed', await stack.startCycle({ adsPerRun: 2 }));

    await save('ad-cycle-video-callback', await stack.startCycle({ adsPerRun: 1, format: 'video' }));

    // Recorded since the write-access check (patched 'write-access-check') and failed-cycle recording.
    await save('ad-cycle-write-checked', await stack.startCycle({ adsPerRun: 1 }));
    stack.meta.injectFault({ match: { method: 'POST', path: '/adsets' }, kind: 'error', code: 200, message: 'Requires ads_management permission', times: 1 });
    await save('ad-cycle-launch-unauthorized', await stack.startCycle({ adsPerRun: 1 }));
    stack.meta.clearFaults();

    // The approval gate: one slot approved by update, one left to its timeout's default (skip).
    const gated = await stack.startCycle({ adsPerRun: 2, approval: { timeout: '3s', onTimeout: 'skip' } });
    await expect.poll(async () => (await gated.query(statusQuery)).slots.filter((s) => s.status === 'awaiting_approval').length, { timeout: 30_000 }).toBe(2);
    await gated.executeUpdate(decideLaunchUpdate, { args: [{ slot: 0, approve: true, by: 'recorder' }] });
    await save('ad-cycle-approval-gate', gated);

    // Since the memo (patched 'memo-slots') and the per-call activity summaries.
    await save('ad-cycle-memo-summaries', await stack.startCycle({ adsPerRun: 1 }));

    // Since the day's spend search attribute (patched 'day-spend-attribute'); a failed cycle sets it too.
    await save('ad-cycle-day-spend', await stack.startCycle({ adsPerRun: 1 }));
    stack.meta.injectFault({ match: { method: 'POST', path: '/adsets' }, kind: 'error', code: 190, message: 'Error validating access token', times: 1 });
    await save('ad-cycle-day-spend-failed', await stack.startCycle({ adsPerRun: 1 }));
    stack.meta.clearFaults();

    // Since a refused token stops the account (patched 'stop-account-on-auth'): the schedule-pause activity runs.
    stack.meta.injectFault({ match: { method: 'POST', path: '/adsets' }, kind: 'error', code: 200, message: 'Requires ads_management permission', times: 1 });
    await save('ad-cycle-account-stopped', await stack.startCycle({ adsPerRun: 1 }));
    stack.meta.clearFaults();

    // The incompatible copy: the first activity the history scheduled is renamed, as if the code
    // had changed the order/kind of its commands without patched().
    const first = two.events.find((e) => e.activityTaskScheduledEventAttributes);
    first!.activityTaskScheduledEventAttributes.activityType.name = 'fetchInsightsV0';
    writeFileSync(`${DIR}incompatible/ad-cycle-renamed-activity.json`, JSON.stringify(two));
  });
});
