/**
 * The report, from a real history: cycles on the Temporal server against the simulators launch
 * ads, days of delivery pass on the Meta simulator's clock, a loser is paused. Then `npm run report`
 * runs as a process, and headless Chromium (Debian's, driven by playwright-core) opens the index and
 * the account page from disk with every network request refused: each chart must have rendered,
 * and the numbers shown must be the DB's. The trigger API serves the same pages behind its token.
 * Screenshots are kept in test-artifacts/report/.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { eq, sql } from 'drizzle-orm';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer } from '../client/api-server';
import { scheduledAccount } from '../client/schedule-ops';
import { creatives, decisions, performance } from '../db/schema';
import { accountReports, servedReport } from '../report/reports';
import { runProcess } from './helpers/process';
import { startSimulatedDaysStack, type TestStack } from './helpers/stack';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = fileURLToPath(new URL('../test-artifacts/report/', import.meta.url));
const DAY = 86_400_000;
const trueCtr: Record<string, number> = {};

let stack: TestStack;
let browser: Browser | undefined;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  stack = await startSimulatedDaysStack({
    env: { MAX_LIVE_ADS: '3', TOTAL_DAILY_SPEND_CAP: '2000' },
    meta: { trueCtrByHook: trueCtr, defaultTrueCtr: 0.002 },
  });
  // Two ads, then three days of delivery in which the first one's hook clearly wins, then a cycle that pauses the other.
  const first = await (await stack.startCycle({ adsPerRun: 2 })).result();
  expect(first.slots.filter((s) => s.status === 'launched')).toHaveLength(2);
  trueCtr[first.slots[0]!.hookId] = 0.03;
  stack.meta.advance(3 * DAY);
  await (await stack.startCycle({ adsPerRun: 1 })).result();
  stack.meta.advance(DAY);
  await (await stack.startCycle({ adsPerRun: 0 })).result();
  if (existsSync(CHROMIUM))
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
});
afterAll(async () => {
  await browser?.close();
  await stack?.shutdown();
});

const npmRunReport = (args: string[]) => runProcess(process.execPath, ['--import', 'tsx', 'report/main.ts', ...args], { cwd: ROOT, env: stack.envVars });

describe('the report', () => {
  it("draws the DB's numbers: spend per day, what paused losers spent, CTR intervals around the posterior mean", () => {
    const db = stack.activities.db;
    const [r] = accountReports(db, stack.config);
    const account = stack.config.account.id;
    const mediaByDay = db
      .select({ date: performance.date, cents: sql<number>`sum(${performance.spendCents})` })
      .from(performance)
      .where(eq(performance.accountId, account))
      .groupBy(performance.date)
      .all();
    expect(mediaByDay.length).toBeGreaterThanOrEqual(3);
    for (const m of mediaByDay) expect(r!.money.find((x) => x.date === m.date)?.mediaCents).toBe(m.cents);
    expect(r!.money.reduce((s, m) => s + m.kieCents, 0)).toBeGreaterThan(0);

    const pauses = db.select().from(decisions).where(eq(decisions.kind, 'pause')).all();
    expect(pauses.length).toBeGreaterThanOrEqual(1);
    const paused = db.select().from(creatives).where(eq(creatives.status, 'paused')).all();
    const pausedSpend = paused.map(
      (c) =>
        db
          .select({ cents: sql<number>`coalesce(sum(${performance.spendCents}), 0)` })
          .from(performance)
          .where(eq(performance.adId, c.metaAdId!))
          .get()!.cents,
    );
    expect(r!.wasted.totalCents).toBe(pausedSpend.reduce((a, b) => a + b, 0));
    expect(r!.wasted.totalCents).toBeGreaterThan(0);

    expect(r!.ctr.length).toBeGreaterThanOrEqual(2);
    for (const h of r!.ctr) for (const p of h.points) expect(p.lower <= p.mean && p.mean <= p.upper).toBe(true);
    const winner = r!.leaderboard[0]!;
    expect(winner.hookId).toBe(Object.keys(trueCtr)[0]);
    expect(winner.pBest).toBeGreaterThan(0.9);
    expect(r!.ads.at(-1)!.paused).toBe(paused.length);
    expect(r!.decisions[0]!.reason).toBeTruthy();
  });

  it.runIf(existsSync(CHROMIUM))('npm run report writes self-contained pages whose every chart renders with no network', async () => {
    const dir = path.join(stack.config.dataDir, 'report');
    const out = await npmRunReport(['--out', path.join(dir, 'index.html')]);
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    const written = (JSON.parse(out.stdout) as { written: string[] }).written;
    const accountFile = path.join(dir, `index-${stack.config.account.id}.html`);
    expect(written).toEqual([path.join(dir, 'index.html'), accountFile]);
    expect(readFileSync(accountFile, 'utf8')).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);

    const page = await browser!.newPage({ viewport: { width: 1400, height: 1000 } });
    const refused: string[] = [];
    const errors: string[] = [];
    await page.route('**/*', (route) =>
      route.request().url().startsWith('file://') ? route.continue() : (refused.push(route.request().url()), route.abort()),
    );
    page.on('pageerror', (e) => errors.push(e.message));

    for (const [file, charts] of [
      [accountFile, ['ctr', 'money', 'ads', 'leaderboard', 'wasted']],
      [path.join(dir, 'index.html'), ['accounts-spend', 'accounts-ads']],
    ] as const) {
      await page.goto(`file://${file}`);
      for (const id of charts) await page.locator(`#chart-${id}[data-rendered="true"] canvas`).first().waitFor({ timeout: 15_000 });
      const drawn = await page.$$eval('[data-chart]', (els) => els.map((e) => [e.getAttribute('data-chart'), e.getAttribute('data-rendered')]));
      expect(drawn).toEqual(charts.map((c) => [c, 'true']));
      await page.screenshot({ path: path.join(SHOTS, `${path.basename(file, '.html')}.png`), fullPage: true });
    }
    const text = await page.locator('body').innerText();
    expect(text).toContain(stack.config.account.id);
    // The index links to the account's page, which shows the leader and the pause with its reason.
    await page.click(`a[href="index-${stack.config.account.id}.html"]`);
    await page.locator('#chart-ctr[data-rendered="true"]').waitFor({ timeout: 15_000 });
    const accountText = await page.locator('body').innerText();
    const [r] = accountReports(stack.activities.db, stack.config);
    expect(accountText).toContain(r!.leaderboard[0]!.hookId);
    expect(accountText).toContain(r!.wasted.creatives[0]!.reason);
    expect(accountText).toContain(`$${(r!.wasted.totalCents / 100).toFixed(2)}`);
    expect(refused).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the trigger API serves the report behind its token', async () => {
    const api = await startApiServer({
      port: 0,
      token: 'report-test-token',
      client: stack.env.client,
      accounts: () => stack.config.accounts.map(scheduledAccount),
      checkDb: () => undefined,
      report: servedReport(
        () => stack.activities.db,
        () => stack.config,
      ),
    });
    try {
      const auth = { authorization: 'Bearer report-test-token' };
      expect((await fetch(`${api.url}/report`)).status).toBe(401);
      const index = await fetch(`${api.url}/report`, { headers: auth });
      expect(index.status).toBe(200);
      expect(index.headers.get('content-type')).toMatch(/text\/html/);
      expect(await index.text()).toContain(`href="/report/${stack.config.account.id}"`);
      const page = await fetch(`${api.url}/report/${stack.config.account.id}`, { headers: auth });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('id="chart-ctr"');
      const unknown = await fetch(`${api.url}/report/act_999`, { headers: auth });
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toEqual({ error: 'account: act_999 is not configured' });
    } finally {
      await api.close();
    }
  });
});
