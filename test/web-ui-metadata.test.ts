/**
 * What the Temporal Web UI shows of a cycle, read back from the real server: the memo (each slot's
 * hook, headline and format), the static summary and details it was started with, and a summary on
 * every activity call saying what it does for which hook and slot. (The headless-browser check of
 * the Web UI itself is not built yet.)
 */
import { defaultPayloadConverter } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './helpers/stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => stack?.shutdown());

describe('Web UI metadata', () => {
  it('a cycle carries its memo, static summary and details, and a summary per activity call', async () => {
    const handle = await stack.startCycle({ adsPerRun: 2, policy: 'thompson' });
    const result = await handle.result();
    const desc = await handle.describe();

    expect(desc.memo).toMatchObject({
      account: stack.config.account.id,
      policy: 'thompson',
      slots: result.slots.map((s) => ({ slot: s.slot, hookId: s.hookId, headline: expect.any(String), format: s.format })),
    });
    expect(await desc.staticSummary()).toBe(`Ad cycle for ${stack.config.account.id}: up to 2 launch(es), started by a test`);
    expect(await desc.staticDetails()).toContain('**Policy** thompson');

    const history = await handle.fetchHistory();
    const summaries = (history.events ?? []).flatMap((e) => {
      const name = e.activityTaskScheduledEventAttributes?.activityType?.name;
      const payload = e.userMetadata?.summary;
      return name ? [{ name, summary: payload ? (defaultPayloadConverter.fromPayload(payload as never) as string) : undefined }] : [];
    });
    expect(summaries.every((s) => typeof s.summary === 'string' && s.summary.length > 10)).toBe(true);
    for (const s of result.slots) {
      expect(summaries).toContainEqual({
        name: 'generateImageCreative',
        summary: `Generate the 9:16 image for hook ${s.hookId} (slot ${s.slot}) with Nano Banana`,
      });
      expect(summaries).toContainEqual({ name: 'launchCreative', summary: `Launch hook ${s.hookId} (slot ${s.slot}) on Meta: campaign, ad set, creative, ad` });
    }
    expect(summaries.find((s) => s.name === 'fetchInsights')!.summary).toContain(stack.config.account.id);
  });
});
