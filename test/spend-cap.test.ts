/**
 * The daily spend cap holds media and generation in one budget, so a creative is only paid for
 * when it and its launch both fit. Here the cap leaves room for one $5 ad set on its worst day
 * ($6.25) plus 1¢, while the image costs 2¢: the cycle plans the launch (planning counts the ad
 * set only), and the generation guard stops it before Kie is paid.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creatives } from '../db/schema';
import { startTestStack, type TestStack } from './helpers/stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ env: { MAX_LIVE_ADS: '4', TOTAL_DAILY_SPEND_CAP: '626', KIE_IMAGE_CREDITS: '4', KIE_CREDIT_USD: '0.005' } });
});
afterAll(async () => stack?.shutdown());

describe('the daily spend cap at generation time', () => {
  it('does not pay for a creative whose generation and launch would not both fit under the cap', async () => {
    const tasksBefore = stack.kie.tasks().length;
    const credits = stack.kie.credits('sim-kie-key');
    const result = await (await stack.startCycle({ adsPerRun: 1, format: 'image' })).result();
    expect(result.slots).toHaveLength(1);
    expect(result.slots[0]).toMatchObject({ status: 'skipped' });
    expect(result.slots[0]!.reason).toMatch(/daily spend cap: 627 cents with this generation and its launch > 626/);
    expect(stack.kie.tasks().length).toBe(tasksBefore);
    expect(stack.kie.credits('sim-kie-key')).toBe(credits);
    expect(stack.meta.list('adset')).toHaveLength(0);
    const row = stack.activities.db.select().from(creatives).where(eq(creatives.cycleId, result.cycleId)).get()!;
    expect(row.status).toBe('skipped');
  });
});
