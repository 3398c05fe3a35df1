/**
 * The creative store owns every status a creative takes: named transitions, checked against one
 * table, so a move the lifecycle does not allow throws instead of silently corrupting the record.
 */
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { toFailure } from '../../activities/errors';
import { CREATIVE_TRANSITIONS, IllegalCreativeTransition } from '../../db/creatives';
import { generationTasks } from '../../db/schema';
import { ACCOUNT, CAPS, NOW, generatedCreative, launchedCreative, newCreative, tempDb } from './fixtures';

const cost = { credits: 4, usd: 0.02 };

describe('the creative store', () => {
  it('takes a creative along the whole lifecycle, one named transition at a time', () => {
    const { creatives } = tempDb();
    const c = newCreative('cycle-a');
    expect(creatives.startGeneration(c).status).toBe('generating');
    creatives.taskSubmitted(c.id, 'kie-1');
    creatives.generated(c.id, cost, { filePath: '/tmp/x.png' });
    expect(creatives.reserveLaunch(c.id, CAPS, 0.005)).toEqual({ budgetCents: 500 });
    expect(creatives.get(c.id)).toMatchObject({ status: 'launching', dailyBudgetCents: 500, kieTaskId: 'kie-1', costCredits: 4 });
    creatives.launched(c.id, { campaignId: '1', adsetId: '2', adCreativeId: '3', adId: '4' });
    creatives.budgetChanged(c.id, 600);
    creatives.paused(c.id, 'a loser');
    expect(creatives.get(c.id)).toMatchObject({ status: 'paused', failReason: 'a loser', metaAdId: '4', dailyBudgetCents: 600 });
  });

  it('throws on an illegal transition and leaves the creative as it was', () => {
    const { creatives } = tempDb();
    const c = newCreative('cycle-b');
    creatives.startGeneration(c);
    // Not generated yet: nothing may be reserved or launched.
    expect(() => creatives.reserveLaunch(c.id, CAPS, 0.005)).toThrow(IllegalCreativeTransition);
    expect(() => creatives.launched(c.id, { campaignId: '1', adsetId: '2', adCreativeId: '3', adId: '4' })).toThrow(
      /is generating: launched is allowed only from launching/,
    );
    expect(() => creatives.paused(c.id, 'why')).toThrow(IllegalCreativeTransition);
    creatives.generationSkipped(c.id, 'daily Kie credit cap');
    // A skipped creative never goes live, nor is generated after all.
    expect(() => creatives.generated(c.id, cost, { filePath: '/tmp/x.png' })).toThrow(IllegalCreativeTransition);
    expect(() => creatives.budgetChanged(c.id, 900)).toThrow(IllegalCreativeTransition);
    expect(creatives.get(c.id)).toMatchObject({ status: 'skipped', failReason: 'daily Kie credit cap', dailyBudgetCents: null, filePath: null });
  });

  it('says a creative does not exist, and the activities fail such moves without retrying', () => {
    const { creatives } = tempDb();
    const missing = (() => {
      try {
        creatives.reserveLaunch('cycle-c:s0', CAPS, 0.005);
      } catch (err) {
        return err;
      }
    })();
    expect(missing).toBeInstanceOf(IllegalCreativeTransition);
    expect(toFailure(missing)).toMatchObject({ type: 'NotFound', nonRetryable: true, message: 'creative cycle-c:s0 does not exist (reserveLaunch)' });
    const id = generatedCreative(creatives, 'cycle-c', 1);
    const illegal = (() => {
      try {
        creatives.stoppedOnMeta(id, 'DISAPPROVED');
      } catch (err) {
        return err;
      }
    })();
    const failure = toFailure(illegal);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: 'InvalidInput', nonRetryable: true });
  });

  it("ignores the workflow's slot failure for a live creative (Meta's state wins) and records it for any other", () => {
    const { creatives } = tempDb();
    const live = launchedCreative(creatives, 'cycle-d', 0);
    creatives.slotFailed({ ...newCreative('cycle-d', 0), status: 'launch_failed', reason: 'sweep failed' });
    expect(creatives.get(live.id)).toMatchObject({ status: 'launched', failReason: null });
    // No row yet (the API refused before any task existed): the failure is the row.
    creatives.slotFailed({ ...newCreative('cycle-d', 1), status: 'generation_failed', reason: 'x'.repeat(1200) });
    expect(creatives.get('cycle-d:s1')).toMatchObject({ status: 'generation_failed', failReason: 'x'.repeat(1000) });
  });

  it('lets a retried activity record its own outcome again, and a late Kie confirmation or launch count', () => {
    const { creatives } = tempDb();
    const c = newCreative('cycle-e');
    creatives.startGeneration(c);
    creatives.generationFailed(c.id, cost, 'Veo task abandoned');
    creatives.generationFailed(c.id, cost, 'Veo task abandoned');
    creatives.generated(c.id, cost, { filePath: '/tmp/clip.mp4' });
    expect(creatives.startGeneration(c).status).toBe('generated'); // a retried start moves nothing
    creatives.reserveLaunch(c.id, CAPS, 0.005);
    expect(creatives.reserveLaunch(c.id, CAPS, 0.005)).toEqual({ budgetCents: 500 }); // the same reservation
    creatives.slotFailed({ ...c, status: 'launch_failed', reason: 'activity timed out' });
    creatives.launched(c.id, { campaignId: '1', adsetId: '2', adCreativeId: '3', adId: '4' });
    expect(creatives.get(c.id)!.status).toBe('launched');
  });

  it('lists a transition for every status the schema knows', () => {
    const reached = new Set(Object.values(CREATIVE_TRANSITIONS).flatMap((t) => (t.to === 'unchanged' ? [] : [...t.to])));
    expect([...reached].sort()).toEqual(['generating', 'generated', 'generation_failed', 'launch_failed', 'launched', 'launching', 'paused', 'skipped'].sort());
  });
});

describe('the spend-cap check (planning, the generation guard and the launch guard ask the same one)', () => {
  /** Three live $5 ad sets (3 × 625 cents on their worst day) and 100 credits of generation today (50 cents). */
  function account() {
    const { db, creatives } = tempDb();
    for (let i = 0; i < 3; i++) launchedCreative(creatives, 'cycle-f', i);
    db.insert(generationTasks)
      .values({
        key: 'cycle-f:s0:kie.image',
        accountId: ACCOUNT,
        creativeId: 'cycle-f:s0',
        provider: 'kie',
        model: 'google/nano-banana',
        state: 'success',
        estimatedCredits: 100,
        actualCredits: 100,
        submitAttempts: 1,
        createdAt: NOW.toISOString(),
      })
      .run();
    return (limits: Partial<typeof CAPS>) => creatives.spendCap(ACCOUNT, { ...CAPS, ...limits }, 0.005);
  }

  it('counts live ad sets at their worst day plus what generation cost today', () => {
    const cap = account()({});
    expect(cap).toMatchObject({ liveAds: 3, mediaCents: 1875, creditsToday: 100, committedCents: 1925 });
    expect(cap.planningCaps(123)).toEqual({
      maxLiveAds: 4,
      dailySpendCapCents: 2600,
      adSetDailyBudgetCents: 500,
      maxAdSetDailyBudgetCents: 1500,
      generationCostTodayCents: 50,
      mediaSpendTodayCents: 123,
    });
  });

  it('refuses a launch whose worst day does not fit, or one past the live-ad cap', () => {
    const capOf = account();
    expect(capOf({ totalDailySpendCapCents: 2550 }).launchProblem(500)).toBeUndefined();
    expect(capOf({ totalDailySpendCapCents: 2549 }).launchProblem(500)).toBe(
      "daily spend cap: 1925 committed + 625 (a 500-cent budget's worst day) > 2549 cents",
    );
    expect(capOf({ maxLiveAds: 3 }).launchProblem(500)).toBe('live-ad cap: 3 live, max 3');
  });

  it('refuses a raise whose extra worst day does not fit (a raise adds no ad set)', () => {
    const capOf = account();
    expect(capOf({ maxLiveAds: 3, totalDailySpendCapCents: 2050 }).raiseProblem(500, 600)).toBeUndefined();
    expect(capOf({ totalDailySpendCapCents: 2049 }).raiseProblem(500, 600)).toBe('would exceed the daily spend cap');
  });

  it('pays for a generation only when it and the launch it is for both fit', () => {
    const capOf = account();
    // 1875 media + ceil(104 credits × 0.5 ¢) + 625 for the launch = 2552.
    expect(capOf({ totalDailySpendCapCents: 2552 }).generationProblem(4)).toBeUndefined();
    expect(capOf({ totalDailySpendCapCents: 2551 }).generationProblem(4)).toBe('daily spend cap: 2552 cents with this generation and its launch > 2551');
  });
});
