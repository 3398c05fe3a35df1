/**
 * Prometheus metrics: after real cycles (real Temporal server, simulators over HTTP), the runtime's
 * /metrics endpoint serves the SDK's series and the agent's own, per account.
 */
import type { LogEntry } from '@temporalio/worker';
import got from 'got';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../scripts/temporal-server';
import { sample } from './helpers/prometheus';
import { startTestStack, type TestStack } from './helpers/stack';

let stack: TestStack;
let port: number;
const logs: LogEntry[] = [];
beforeAll(async () => {
  port = await freePort();
  stack = await startTestStack({ metricsPort: port, logSink: (e) => logs.push(e), env: { MAX_LIVE_ADS: '3', TOTAL_DAILY_SPEND_CAP: '5000' } });
});
afterAll(async () => stack?.shutdown());

describe('metrics', () => {
  it('serves cycles by outcome, launches, live ads, spend against the cap, Kie credits and failures by type', async () => {
    const account = stack.config.account.id;
    // One transient Graph error on the ad set create: retried, and counted as a failure of its type.
    stack.meta.injectFault({ match: { method: 'POST', path: '/adsets' }, kind: 'transient', times: 1 });
    const launched = await (await stack.startCycle({ adsPerRun: 1 })).result();
    expect(launched.outcome).toBe('launched');
    const idle = await (await stack.startCycle({ adsPerRun: 0 })).result();
    expect(idle.outcome).toBe('insights-only');

    // Gauges and counters reach the exporter on its next collection: wait for the last ones.
    const scrape = () => got(`http://127.0.0.1:${port}/metrics`).text();
    await expect
      .poll(async () => sample(await scrape(), 'maa_cycles_total', { account, outcome: 'insights-only' }), { timeout: 15_000, interval: 500 })
      .toBe(1);
    const text = await scrape();
    expect(sample(text, 'maa_cycles_total', { account, outcome: 'launched' })).toBe(1);
    expect(sample(text, 'maa_launches_total', { account, format: 'image' })).toBe(1);
    expect(sample(text, 'maa_live_ads', { account })).toBe(1);
    expect(sample(text, 'maa_spend_cap_cents', { account })).toBe(5000);
    // One $5 ad set at its worst day (625 cents) plus one 4-credit image (2 cents).
    expect(sample(text, 'maa_spend_committed_today_cents', { account })).toBe(627);
    expect(sample(text, 'maa_kie_credits_today', { account })).toBe(4);
    expect(sample(text, 'maa_failures_total', { type: 'MetaTransientError' })).toBe(1);
    // The failed attempt's log line names its workflow, activity and account.
    const failed = logs.find((e) => e.message === 'Activity failed' && e.meta?.activityType === 'launchCreative');
    expect(failed?.meta).toMatchObject({ workflowId: launched.cycleId, activityId: expect.any(String), account });
    // The SDK runtime's own series come from the same endpoint.
    expect(text).toMatch(/temporal_activity_execution_latency/);
    expect(text).toMatch(/temporal_workflow_completed/);
  });
});
