/**
 * What the Temporal Web UI shows of a cycle, read back from the real server: the memo (each slot's
 * hook, headline and format), the static summary and details it was started with, and a summary on
 * every activity call saying what it does for which hook and slot. (The headless-browser check of
 * the Web UI itself is in web-ui.browser.test.ts.) And the day's spend as a search attribute.
 */
import { defaultPayloadConverter } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DaySpendUsdKey } from '../temporal-config/search-attributes';
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

  it("a cycle ends with the account's spend today in DaySpendUsd: Meta's media spend plus Kie generation, as the DB counts them", async () => {
    const handle = await stack.startCycle({ adsPerRun: 1 });
    await handle.result();
    const { caps } = stack.activities.accounts(stack.config.account.id);
    const spent = stack.activities.creatives.spendCap(stack.config.account.id, caps, stack.config.kie.creditUsd).spentCents;
    expect(spent).toBeGreaterThan(0); // at least this cycle's image
    const desc = await handle.describe();
    expect(desc.typedSearchAttributes.get(DaySpendUsdKey)).toBe(spent / 100);
    // And the list can filter on it, as the Web UI and `temporal workflow list --query` do.
    const query = `WorkflowId = '${handle.workflowId}' AND DaySpendUsd >= ${spent / 100}`;
    await expect.poll(async () => (await stack.env.client.workflow.count(query)).count, { timeout: 10_000 }).toBe(1);
  });
});
