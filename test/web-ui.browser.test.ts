/**
 * The Temporal Web UI tells a cycle's story, checked in a real browser: Debian's headless Chromium
 * driven by playwright-core (no browser download). A launched cycle is found by filtering
 * `CycleOutcome = "launched"`, opened, and its search attributes, memo, activity summaries and
 * activity names are read off the page. Screenshots are kept in test-artifacts/web-ui/.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestStack, type TestStack } from './helpers/stack';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = fileURLToPath(new URL('../test-artifacts/web-ui/', import.meta.url));
const ui = inject('temporalUiUrl');

let stack: TestStack;
let browser: Browser;
beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  stack = await startTestStack();
  // The flags keep Chromium off the closed network (it would try Google's hosts at every start).
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});
afterAll(async () => {
  await browser?.close();
  await stack?.shutdown();
});

async function openTab(page: Page, name: string): Promise<string> {
  await page.getByText(name, { exact: true }).first().click();
  await page.waitForTimeout(500);
  const shot = path.join(SHOTS, `${name.toLowerCase().replace(/\s+/g, '-')}.png`);
  await page.screenshot({ path: shot, fullPage: true });
  return pageText(page);
}

/** The text of the page and of its frames (the UI renders summaries and details as markdown in frames). */
async function pageText(page: Page): Promise<string> {
  const texts = await Promise.all(
    page.frames().map((f) =>
      f
        .locator('body')
        .innerText()
        .catch(() => ''),
    ),
  );
  return texts.join('\n');
}

describe.runIf(existsSync(CHROMIUM) && ui)('Temporal Web UI (headless Chromium)', () => {
  it('finds a launched cycle by CycleOutcome and shows its search attributes, memo, summaries and activities', async () => {
    const handle = await stack.startCycle({ adsPerRun: 1 });
    const result = await handle.result();
    expect(result.outcome).toBe('launched');
    const [slot] = result.slots;

    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const query = encodeURIComponent(`CycleOutcome = "launched" AND WorkflowId = "${handle.workflowId}"`);
    await page.goto(`${ui}/namespaces/default/workflows?query=${query}`, { waitUntil: 'networkidle' });
    const link = page.locator(`a[href*="/workflows/${encodeURIComponent(handle.workflowId)}"]`).first();
    await link.waitFor({ timeout: 20_000 });
    await page.screenshot({ path: path.join(SHOTS, 'list.png'), fullPage: true });
    await link.click();
    await page.waitForLoadState('networkidle');
    await page.getByText('Event History').first().waitFor({ timeout: 20_000 });
    await page.screenshot({ path: path.join(SHOTS, 'cycle.png'), fullPage: true });

    // The timeline names each activity with its summary.
    const history = await pageText(page);
    for (const name of ['fetchInsights', 'planCycle', 'checkWriteAccess', 'generateImageCreative', 'launchCreative', 'recordCycle'])
      expect(history).toContain(name);
    expect(history).toContain(`Launch hook ${slot!.hookId} (slot 0) on Meta`);

    const attributes = await openTab(page, 'Search Attributes');
    expect(attributes).toMatch(/"CycleOutcome": "launched"/);
    expect(attributes).toContain(`"AdAccountId": "${stack.config.account.id}"`);
    expect(attributes).toContain(`"${slot!.hookId}"`);
    expect(attributes).toMatch(/"DaySpendUsd": \d+(\.\d+)?/);

    const memo = await openTab(page, 'Memo');
    expect(memo).toContain(`"hookId": "${slot!.hookId}"`);
    expect(memo).toContain(`"headline": "${slot!.headline}"`);

    const metadata = await openTab(page, 'User Metadata');
    expect(metadata).toContain(`Ad cycle for ${stack.config.account.id}`);
    expect(metadata).toContain(`Generate the 9:16 image for hook ${slot!.hookId} (slot 0) with Nano Banana`);
    await page.close();
  });
});
