import { describe, expect, it } from 'vitest';
import { planCycle } from '../../learning/cycle';
import { findingTexts } from '../../learning/findings';
import { scoreHooks } from '../../learning/scoring';
import { caps, creative, DAY, hooks, NOW } from './fixtures';

describe('findings and the cycle plan', () => {
  const evidence = [
    creative('a', 'h0', 20_000, 420, { ageHours: 240 }),
    creative('b', 'h1', 20_000, 200, { ageHours: 240 }),
    creative('loser', 'h2', 1800, 2, { ageHours: 48 }),
  ];

  it('states the best hook and each pause with its probability and evidence', () => {
    const plan = planCycle({
      hooks: hooks(4),
      evidence,
      nowMs: NOW,
      caps: caps(),
      budgetEditsLastHour: {},
      currentBudgets: {},
      seed: 'cycle-1',
      policy: 'thompson',
    });
    const scores = scoreHooks({ hooks: hooks(4), evidence, nowMs: NOW, policy: 'thompson' });
    const texts = findingTexts(scores, plan.decisions);
    const best = texts.find((t) => t.kind === 'best-hook')!;
    expect(best.subject).toBe('h0');
    expect(best.text).toMatch(/^Hook "h0" is the best of 3 tested hooks with probability (0\.\d\d|1\.00) \(CTR 2\.09 %, 90 % interval/);
    expect(best.confidence).toBeGreaterThan(0.9);
    const pause = texts.find((t) => t.kind === 'pause' && t.subject === 'loser')!;
    expect(pause.text).toMatch(/^Creative "loser" \(hook "h2"\) paused: worse than the leader "h0" with probability (0\.9\d|1\.00) after 1,800 impressions\.$/);
    expect(texts.filter((t) => t.kind === 'launch').length).toBe(plan.choice!.choices.length);
    for (const t of texts) {
      expect(t.confidence).toBeGreaterThanOrEqual(0);
      expect(t.confidence).toBeLessThanOrEqual(1);
    }
  });

  it('planCycle turns launch capacity into one audited launch per chosen hook, replayably', () => {
    const input = {
      hooks: hooks(4),
      evidence,
      nowMs: NOW,
      caps: caps({ maxLiveAds: 5 }),
      budgetEditsLastHour: {},
      currentBudgets: {},
      seed: 'cycle-7',
      policy: 'thompson' as const,
    };
    const plan = planCycle(input);
    const launches = plan.decisions.filter((d) => d.kind === 'launch');
    const paused = plan.decisions.filter((d) => d.kind === 'pause').length;
    // "b" (1 % vs 2.1 %) and "loser" are paused: 1 live creative, 4 free slots under maxLiveAds 5.
    expect(paused).toBe(2);
    expect(launches).toHaveLength(5 - (3 - paused));
    for (const l of launches) {
      expect(l.hookId).toBeDefined();
      expect(l.snapshot.samples).toBeDefined();
      expect(l.snapshot.posterior).toBeDefined();
    }
    expect(planCycle(input)).toEqual(plan);
  });

  it('says why nothing launches when the caps are full', () => {
    const twoGood = [creative('a', 'h0', 20_000, 420, { ageHours: 240 }), creative('a2', 'h0', 20_000, 410, { ageHours: 240 })];
    const plan = planCycle({
      hooks: hooks(4),
      evidence: twoGood,
      nowMs: NOW,
      caps: caps({ maxLiveAds: 2 }),
      budgetEditsLastHour: {},
      currentBudgets: {},
      seed: 'c',
      policy: 'thompson',
    });
    expect(plan.choice).toBeNull();
    const skip = plan.decisions.find((d) => d.kind === 'skip-launch')!;
    expect(skip.reason).toMatch(/live-ad cap reached \(2 of 2\)/);
    const texts = findingTexts(scoreHooks({ hooks: hooks(4), evidence, nowMs: NOW }), plan.decisions);
    expect(texts.some((t) => t.kind === 'skip-launch' && t.text.startsWith('No launch this cycle'))).toBe(true);
  });
  it("says when a hook's CTR has changed and since when", () => {
    // One creative ran ten days at 2 %; its replacement, fresh, gets 0.4 % for four days. Fresh
    // creative, same drop: not wear-out but a changed hook, judged on the last four days only.
    const start = NOW - 14 * DAY;
    const days = (from: number, n: number, clicks: number) =>
      Array.from({ length: n }, (_, i) => ({
        date: new Date(start + (from + i) * DAY).toISOString().slice(0, 10),
        startMs: start + (from + i) * DAY,
        impressions: 500,
        linkClicks: clicks,
        conversions: 0,
        spendCents: 500,
      }));
    const evidence = [
      creative('old', 'h0', 5000, 100, { ageHours: 14 * 24, daily: days(0, 10, 10), status: 'paused' }),
      creative('new', 'h0', 2000, 8, { ageHours: 4 * 24, daily: days(10, 4, 2) }),
    ];
    const scores = scoreHooks({ hooks: hooks(2), evidence, nowMs: NOW, policy: 'thompson-changepoint' });
    const change = findingTexts(scores, []).find((t) => t.kind === 'regime-change')!;
    const since = new Date(start + 10 * DAY).toISOString().slice(0, 10);
    expect(change.subject).toBe('h0');
    expect(change.text).toMatch(
      new RegExp(
        `^Hook "h0": its CTR changed around ${since} with probability (0\\.9\\d|1\\.00) \\(seen on the hook itself or across the account\\); evidence from before no longer counts \\(CTR 0\\.\\d\\d %\\)\\.$`,
      ),
    );
    // The plain Thompson policy has no change model and says nothing of the kind.
    const plain = scoreHooks({ hooks: hooks(2), evidence, nowMs: NOW, policy: 'thompson' });
    expect(findingTexts(plain, []).some((t) => t.kind === 'regime-change')).toBe(false);
  });
});
