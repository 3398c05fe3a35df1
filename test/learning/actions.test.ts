import { describe, expect, it } from 'vitest';
import { decideActions, type DecideActionsInput } from '../../learning/actions';
import { committedSpendCents, launchCapacity, launchCapacityDetail } from '../../learning/capacity';
import { planCycle } from '../../learning/cycle';
import { findingTexts } from '../../learning/findings';
import { lossCheck } from '../../learning/loss-check';
import type { CreativeState, LearningModel } from '../../learning/model';
import { DEFAULT_PARAMS, resolveParams } from '../../learning/params';
import { createRng } from '../../learning/random';
import { scoreHooks } from '../../learning/scoring';
import type { CreativeEvidence, Decision } from '../../learning/types';
import { caps, creative, DAY_START, HOUR, hooks, NOW } from './fixtures';

/** Two well-measured good hooks (2 % CTR) that any loser is compared with. */
const leaders = [creative('lead-a', 'h0', 20_000, 400, { ageHours: 240 }), creative('lead-b', 'h1', 20_000, 390, { ageHours: 240 })];
const issueExample = { impressionFloor: 1000, minAgeHours: 24 };

const pauses = (ds: Decision[]) => ds.filter((d) => d.kind === 'pause');

/** decideActions on three hooks, the fixtures' caps and no budget history; `over` replaces any of these. */
const decide = (evidence: CreativeEvidence[], over: Partial<DecideActionsInput> = {}) =>
  decideActions({ hooks: hooks(3), evidence, nowMs: NOW, caps: caps(), budgetEditsLastHour: {}, currentBudgets: {}, seed: 's', policy: 'thompson', ...over });

describe('pausing losers', () => {
  it('pauses a clear loser once it has passed the floor and the minimum age, with the evidence in the audit snapshot', () => {
    const loser = creative('loser', 'h2', 1800, 2, { ageHours: 48 });
    const ds = decide([...leaders, loser], { seed: 'c1', params: issueExample });
    const [p] = pauses(ds);
    expect(p?.creativeId).toBe('loser');
    expect(p!.probability).toBeGreaterThan(0.9);
    expect(p!.reason).toMatch(/worse than the leader with probability (0\.\d\d|1\.00) after 1,800 impressions/);
    expect(p!.snapshot.posterior).toBeDefined();
    expect(p!.snapshot.judgedImpressions).toBe(1800);
    expect(p!.snapshot.samples?.lossProbability).toBe(p!.probability);
  });

  it('never fires before the impression floor or the minimum age, whatever the numbers say', () => {
    const rng = createRng('pause-guard');
    const settings: Array<{ params: Partial<typeof issueExample>; floor: number; minAge: number }> = [
      { params: issueExample, floor: 1000, minAge: 24 },
      { params: {}, floor: DEFAULT_PARAMS.impressionFloor, minAge: DEFAULT_PARAMS.minAgeHours },
    ];
    for (const { params, floor, minAge } of settings) {
      for (let trial = 0; trial < 150; trial++) {
        const impressions = rng.int(3000);
        const ageHours = rng.next() * 60;
        const mature = Math.floor(impressions * rng.next());
        // Zero or near-zero clicks: the strongest possible case for pausing.
        const loser = creative('x', 'h2', impressions, rng.int(2), { ageHours, matureImpressions: mature });
        const ds = decide([...leaders, loser], { seed: `t${trial}`, params });
        const p = pauses(ds).find((d) => d.creativeId === 'x');
        if (p) {
          expect(p.snapshot.judgedImpressions!).toBeGreaterThanOrEqual(floor);
          expect(ageHours).toBeGreaterThanOrEqual(minAge);
        }
      }
    }
    // And the guards are what stopped it: just under either threshold, no pause; past both, pause.
    const under = (o: Partial<CreativeEvidence> & { ageHours?: number }) =>
      pauses(decide([...leaders, creative('x', 'h2', 999, 0, o)], { params: issueExample }));
    expect(under({ ageHours: 100 })).toHaveLength(0);
    const young = creative('x', 'h2', 5000, 1, { ageHours: 23.9 });
    expect(pauses(decide([...leaders, young], { params: issueExample }))).toHaveLength(0);
    const old = { ...young, launchedAtMs: NOW - 24 * HOUR };
    expect(pauses(decide([...leaders, old], { params: issueExample }))).toHaveLength(1);
  });

  it('keeps a creative that is not clearly worse, and says why', () => {
    const fine = creative('ok', 'h2', 3000, 58, { ageHours: 72 });
    const ds = decide([...leaders, fine]);
    const keep = ds.find((d) => d.creativeId === 'ok')!;
    expect(keep.kind).toBe('keep');
    expect(keep.reason).toMatch(/not clearly worse/);
  });

  it('defers a pause to the day start when today’s budget is committed, then pauses in the day-start window', () => {
    // Two slots, both spent most of today: pausing now frees nothing a replacement could use.
    const tight = caps({ maxLiveAds: 2, dailySpendCapCents: 1350 });
    const busy = [{ ...leaders[0]!, spendTodayCents: 300 }, creative('loser', 'h2', 1800, 2, { ageHours: 48, spendTodayCents: 300 })];
    const midday = decide(busy, { nowMs: DAY_START + 12 * HOUR, dayStartMs: DAY_START, caps: tight });
    expect(pauses(midday)).toHaveLength(0);
    expect(midday.find((d) => d.creativeId === 'loser')!.reason).toMatch(/day start/);
    const fresh = busy.map((e) => ({ ...e, spendTodayCents: 0 }));
    const dawn = decide(fresh, { nowMs: DAY_START + 10 * 60_000, dayStartMs: DAY_START, caps: tight });
    expect(pauses(dawn).map((d) => d.creativeId)).toEqual(['loser']);
    expect(dawn.some((d) => d.kind === 'launch' && d.count === 1)).toBe(true);
  });
});

describe('refreshing worn creatives', () => {
  // One hook, one creative whose own numbers match the hook: only the learned wear-out differs.
  const posterior = { alpha: 60, beta: 5940, mean: 0.01 };
  const model = {
    params: resolveParams('thompson-changepoint'),
    hooks: [{ hook: { id: 'h0' }, posterior }],
  } as unknown as LearningModel;
  const worn = (fatigueFactor: number) => ({ evidence: { creativeId: 'c', hookId: 'h0' }, posterior, fatigueFactor }) as unknown as CreativeState;

  it('counts a creative as a loser for sure once wear-out alone puts it below the fatigue margin', () => {
    const check = lossCheck(model, [worn(0.75)], createRng('worn'), 300);
    expect(check.loss.get('c')).toBe(1);
  });

  it('keeps a creative whose wear-out is still small', () => {
    const check = lossCheck(model, [worn(0.97)], createRng('fresh'), 300);
    expect(check.loss.get('c')).toBeLessThan(0.5);
  });
});

describe('caps', () => {
  it('launchCapacity counts live budgets, spend already made today and generation cost', () => {
    const c = caps({ maxLiveAds: 6, dailySpendCapCents: 2200, generationCostTodayCents: 40, mediaSpendTodayCents: 350 });
    // Paused-today ad sets spent 350 − 100 = 250; live ones may still spend up to 1.25 × their
    // budgets (Meta's daily overspend), less what they spent.
    const live = [{ budgetCents: 500, spentTodayCents: 100 }, { budgetCents: 500 }];
    expect(committedSpendCents(c, live)).toBe(350 + 525 + 625 + 40);
    // 2200 − 1540 = 660 of headroom → one more $5 ad set at its worst day (625, +2¢ generation).
    expect(launchCapacity(c, live)).toBe(1);
    expect(launchCapacity({ ...c, dailySpendCapCents: 2166 }, live)).toBe(0);
    // A market that never overspends can say so.
    expect(committedSpendCents({ ...c, dailyOverspendFactor: 1 }, live)).toBe(350 + 400 + 500 + 40);
    expect(launchCapacityDetail(c, live).limitedBy).toBe('spend-cap');
    expect(launchCapacity(caps({ maxLiveAds: 2 }), live)).toBe(0);
    expect(launchCapacityDetail(caps({ maxLiveAds: 2 }), live).limitedBy).toBe('live-ads');
    expect(launchCapacity(caps({ dailySpendCapCents: 10_000 }), 3)).toBe(3);
  });

  it('hold when every creative looks like a winner: no launch, raise or budget beyond the caps', () => {
    const rng = createRng('all-winners');
    for (let trial = 0; trial < 60; trial++) {
      const n = 1 + rng.int(8);
      const c = caps({
        maxLiveAds: n + rng.int(4),
        dailySpendCapCents: 500 * n + rng.int(6000),
        maxAdSetDailyBudgetCents: 500 + rng.int(1500),
        generationCostTodayCents: rng.int(200),
      });
      const evidence: CreativeEvidence[] = [];
      const budgets: Record<string, number> = {};
      const edits: Record<string, number> = {};
      for (let i = 0; i < n; i++) {
        // Every creative of the same great hook: 5 % CTR on 30,000 impressions.
        const ev = creative(`w${i}`, 'h0', 30_000, 1500, { ageHours: 100, spendTodayCents: rng.int(500) });
        evidence.push(ev);
        budgets[ev.creativeId] = 500 + rng.int(3) * 100;
        if (rng.next() < 0.3) edits[ev.creativeId] = 4;
      }
      evidence.push(creative('other', 'h1', 30_000, 150, { ageHours: 100, status: 'paused' }));
      const plan = planCycle({
        hooks: hooks(2),
        evidence,
        nowMs: NOW,
        caps: c,
        budgetEditsLastHour: edits,
        currentBudgets: budgets,
        seed: `t${trial}`,
        policy: 'thompson',
      });

      const paused = new Set(plan.decisions.filter((d) => d.kind === 'pause').map((d) => d.creativeId));
      const launches = plan.decisions.filter((d) => d.kind === 'launch');
      const scales = plan.decisions.filter((d) => d.kind === 'scale');
      const live = evidence.filter((e) => e.status !== 'paused' && !paused.has(e.creativeId));
      expect(live.length + launches.length).toBeLessThanOrEqual(c.maxLiveAds);

      const media = evidence.reduce((s, e) => s + (e.spendTodayCents ?? 0), 0);
      // Every live ad set may spend 1.25 × its budget today (Meta's daily overspend).
      const worst = (cents: number) => Math.ceil(cents * 1.25);
      const committed = (budget: (id: string) => number, launched: number) =>
        media +
        live.reduce((s, e) => s + Math.max(worst(budget(e.creativeId)) - (e.spendTodayCents ?? 0), 0), 0) +
        c.generationCostTodayCents +
        launched * (worst(c.adSetDailyBudgetCents) + c.generationCostPerLaunchCents!);
      const before = committed((id) => budgets[id]!, 0);
      const after = committed((id) => scales.find((s) => s.creativeId === id)?.toBudgetCents ?? budgets[id]!, launches.length);
      // Decisions never add commitment beyond the cap; an account already over it gets no launch or raise.
      if (before > c.dailySpendCapCents) expect(launches.length + scales.length).toBe(0);
      else expect(after).toBeLessThanOrEqual(c.dailySpendCapCents);
      for (const s of scales) {
        expect(s.toBudgetCents!).toBeLessThanOrEqual(c.maxAdSetDailyBudgetCents);
        expect(s.toBudgetCents!).toBeGreaterThan(s.fromBudgetCents!);
        expect(edits[s.creativeId!] ?? 0).toBeLessThan(4);
      }
    }
  });

  it('an account over its cap pauses its weakest ad sets until what they may still spend fits, at any hour', () => {
    // Four young ad sets (below the floor, so no loss check could pause them) that spent $1 each by noon.
    const young = (id: string, hook: string, clicks: number) => creative(id, hook, 300, clicks, { ageHours: 12, spendTodayCents: 100 });
    const four = [young('c3', 'h3', 9), young('c1', 'h1', 3), young('c0', 'h0', 1), young('c2', 'h2', 6)];
    const input = {
      hooks: hooks(4),
      evidence: four,
      nowMs: DAY_START + 12 * HOUR,
      dayStartMs: DAY_START,
      budgetEditsLastHour: {},
      currentBudgets: {},
      seed: 's',
      policy: 'thompson' as const,
    };
    // The cap was lowered to $15: $4 spent + 4 × ($6.25 − $1) that they may still spend = $25.
    const lowered = decideActions({ ...input, caps: caps({ dailySpendCapCents: 1500 }) });
    const shed = pauses(lowered);
    expect(shed.map((d) => d.creativeId)).toEqual(['c0', 'c1']); // the two weakest; each frees $5.25
    for (const d of shed) expect(d.reason).toMatch(/^over the daily spend cap: \$25\.00 committed of \$15\.00/);
    expect(lowered.some((d) => d.kind === 'launch' || d.kind === 'scale')).toBe(false);
    expect(
      lowered
        .filter((d) => d.kind === 'keep')
        .map((d) => d.creativeId)
        .sort(),
    ).toEqual(['c2', 'c3']);
    const texts = findingTexts(scoreHooks({ hooks: hooks(4), evidence: four, nowMs: input.nowMs }), lowered).filter((t) => t.kind === 'pause');
    expect(texts.map((t) => t.text)).toEqual([
      expect.stringMatching(/^Creative "c0" \(hook "h0"\) paused: over the daily spend cap/),
      expect.stringMatching(/^Creative "c1"/),
    ]);
    const left = four.filter((e) => !shed.some((d) => d.creativeId === e.creativeId));
    expect(
      committedSpendCents(
        { ...caps(), mediaSpendTodayCents: 400 },
        left.map((e) => ({ budgetCents: 500, spentTodayCents: e.spendTodayCents })),
      ),
    ).toBeLessThanOrEqual(1500);
    // Spent beyond the cap already: everything stops.
    expect(pauses(decideActions({ ...input, caps: caps({ dailySpendCapCents: 300 }) }))).toHaveLength(4);
    // Within the cap nothing is shed.
    expect(pauses(decideActions({ ...input, caps: caps() }))).toHaveLength(0);
  });

  it('raises a clear winner when there is spare budget, within Meta’s edit limit and the max budget', () => {
    const evidence = [creative('w', 'h0', 40_000, 1600, { ageHours: 200 }), creative('l', 'h1', 40_000, 400, { ageHours: 200, status: 'paused' })];
    const roomy = caps({ maxLiveAds: 1, dailySpendCapCents: 5000 });
    const ds = decide(evidence, { hooks: hooks(2), caps: roomy, currentBudgets: { w: 500 } });
    const scale = ds.find((d) => d.kind === 'scale')!;
    expect(scale).toMatchObject({ creativeId: 'w', fromBudgetCents: 500, toBudgetCents: 600 });
    expect(scale.probability).toBeGreaterThan(0.9);
    const blocked = decide(evidence, { hooks: hooks(2), caps: roomy, budgetEditsLastHour: { w: 1 }, currentBudgets: { w: 500 } });
    expect(blocked.some((d) => d.kind === 'scale')).toBe(false);
  });
});
