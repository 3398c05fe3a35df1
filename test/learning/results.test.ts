/**
 * Learning on cost per result (issue 14, part 3): leads and sales accounts choose, pause and
 * scale on results per dollar = CTR × conversion rate × impressions per dollar, with late
 * results not counted as failures; traffic accounts decide exactly as before.
 */
import { describe, expect, it } from 'vitest';
import { decideActions } from '../../learning/actions';
import { chooseHooks, optimisticPicks } from '../../learning/choice';
import { planCycle } from '../../learning/cycle';
import { buildModel } from '../../learning/model';
import { resolveParams } from '../../learning/params';
import { conversionArrivedShare, judgedClicks } from '../../learning/results';
import { scoreHooks } from '../../learning/scoring';
import type { CreativeEvidence } from '../../learning/types';
import { DAY, DAY_START, HOUR, NOW, caps, creative, hook, hooks } from './fixtures';

const ATTRIBUTION = { clickDays: 7, viewDays: 1 };
const params = resolveParams('thompson-changepoint');

/** A creative with `days` daily rows ending yesterday, clicks and results spread evenly. */
function withDays(
  id: string,
  hookId: string,
  days: number,
  impressionsPerDay: number,
  ctr: number,
  cvr: number,
  status: CreativeEvidence['status'] = 'paused',
): CreativeEvidence {
  const daily = Array.from({ length: days }, (_, i) => {
    const startMs = DAY_START - (days - i) * DAY;
    const linkClicks = Math.round(impressionsPerDay * ctr);
    return {
      date: new Date(startMs).toISOString().slice(0, 10),
      startMs,
      impressions: impressionsPerDay,
      linkClicks,
      conversions: Math.round(linkClicks * cvr),
      spendCents: 500,
    };
  });
  const sum = (k: 'impressions' | 'linkClicks' | 'conversions' | 'spendCents') => daily.reduce((s, d) => s + d[k], 0);
  return {
    creativeId: id,
    hookId,
    launchedAtMs: DAY_START - days * DAY,
    impressions: sum('impressions'),
    linkClicks: sum('linkClicks'),
    conversions: sum('conversions'),
    spendCents: sum('spendCents'),
    daily,
    status,
    spendTodayCents: 0,
  };
}

describe('results objectives', () => {
  // Clickbait: h0 buys the most clicks and converts worst.
  const clickbait = [withDays('c0', 'h0', 10, 500, 0.03, 0.01), withDays('c1', 'h1', 10, 500, 0.012, 0.15), withDays('c2', 'h2', 10, 500, 0.01, 0.05)];

  it('chooses on results per dollar for leads, on CTR for traffic', () => {
    const picks = (objective: 'leads' | 'traffic') => {
      const counts: Record<string, number> = {};
      for (let i = 0; i < 50; i++) {
        const id = chooseHooks({ hooks: hooks(3), evidence: clickbait, count: 1, seed: `s${i}`, nowMs: NOW, objective, attribution: ATTRIBUTION }).choices[0]!
          .hookId;
        counts[id] = (counts[id] ?? 0) + 1;
      }
      return counts;
    };
    expect(picks('leads').h1 ?? 0).toBeGreaterThan(40);
    expect(picks('traffic').h0 ?? 0).toBeGreaterThan(40);
  });

  it('tempers conversion-rate draws by conversionExplorationScale, apart from the CTR draws', () => {
    // CTR draws pinned to their means, so a hook's draw is its CTR mean × its conversion draw × its price.
    const draws = (conversionExplorationScale: number) => {
      const c = chooseHooks({
        hooks: hooks(3),
        evidence: clickbait,
        count: 1,
        seed: 's',
        nowMs: NOW,
        objective: 'leads',
        attribution: ATTRIBUTION,
        // The Thompson chooser (the daily redraw's optimistic picks draw nothing).
        params: { explorationScale: 0, conversionExplorationScale, resultsRedraw: 'off' },
      });
      return ['h0', 'h1', 'h2'].map((h) => ({ drawn: c.samples[`0/${h}`]!, mean: c.posterior.hooks[h]!.resultsPerDollar! }));
    };
    for (const { drawn, mean } of draws(0)) expect(drawn).toBeCloseTo(mean, 12);
    const spread = (scale: number) => draws(scale).map(({ drawn, mean }) => drawn / mean - 1);
    // Same seed, same uniforms: the deviation from the mean scales with the knob.
    const tempered = spread(0.3);
    spread(1).forEach((full, i) => {
      expect(Math.abs(full)).toBeGreaterThan(1e-3);
      expect(tempered[i]!).toBeCloseTo(0.3 * full, 9);
    });
    expect(resolveParams('thompson-changepoint').conversionExplorationScale).toBe(0.3);
  });

  it('pauses on posterior cost per result and says so in the reason and the snapshot', () => {
    const evidence = [withDays('c0', 'h0', 5, 500, 0.03, 0, 'live'), withDays('c1', 'h1', 5, 500, 0.012, 0.2, 'live')];
    const input = { hooks: hooks(2), evidence, nowMs: NOW, caps: caps(), budgetEditsLastHour: {}, currentBudgets: {}, dayStartMs: DAY_START, seed: 'p' };
    const leads = decideActions({ ...input, objective: 'leads', attribution: ATTRIBUTION });
    const pause = leads.find((d) => d.kind === 'pause');
    expect(pause?.creativeId).toBe('c0');
    expect(pause!.reason).toMatch(/cost per result/);
    expect(pause!.snapshot.objective).toBe('leads');
    expect(pause!.snapshot.costPerResultCents).toBeGreaterThan(pause!.snapshot.leader!.costPerResultCents!);
    // The same evidence on CTR: the click-cheap creative is the one kept.
    const traffic = decideActions({ ...input, objective: 'traffic' });
    expect(traffic.filter((d) => d.kind === 'pause').map((d) => d.creativeId)).not.toContain('c0');
    expect(traffic.every((d) => d.snapshot.objective === 'traffic')).toBe(true);
  });

  it('at the day start re-picks every slot by optimistic cost per result, pausing the creatives of hooks not picked', () => {
    // Two slots; h0 buys cheap clicks that never convert, h1 converts, h2 is untried.
    const evidence = [withDays('c0', 'h0', 5, 500, 0.03, 0, 'live'), withDays('c1', 'h1', 5, 500, 0.012, 0.2, 'live')];
    const twoSlots = caps({ maxLiveAds: 2, dailySpendCapCents: 2 * 625 + 100 });
    const input = { hooks: hooks(3), evidence, caps: twoSlots, budgetEditsLastHour: {}, currentBudgets: {}, dayStartMs: DAY_START, seed: 'r' };
    const atDayStart = planCycle({ ...input, nowMs: DAY_START + 10 * 60_000, objective: 'leads', attribution: ATTRIBUTION });
    const pauses = atDayStart.decisions.filter((d) => d.kind === 'pause');
    expect(pauses.map((d) => d.creativeId)).toEqual(['c0']);
    expect(pauses[0]!.reason).toMatch(/cost per result .*day start.*optimistic/);
    expect(pauses[0]!.snapshot.objective).toBe('leads');
    const keep = atDayStart.decisions.find((d) => d.creativeId === 'c1');
    expect(keep?.kind).toBe('keep');
    expect(keep!.reason).toMatch(/today's picks/);
    // The freed slot is filled the same way, counting c1's slot as held.
    const launches = atDayStart.decisions.filter((d) => d.kind === 'launch');
    expect(launches).toHaveLength(1);
    expect(launches[0]!.hookId).not.toBe('h0');
    expect(launches[0]!.reason).toMatch(/optimistic results per dollar of 3 hooks.*1 slot\(s\) already held/);

    // Off, or outside the day start, or for traffic: no redraw, the loss check decides.
    const off = planCycle({ ...input, nowMs: DAY_START + 10 * 60_000, objective: 'leads', attribution: ATTRIBUTION, params: { resultsRedraw: 'off' } });
    for (const d of off.decisions.filter((x) => x.kind === 'pause')) expect(d.reason).toMatch(/worse than the leader/);
    const noon = planCycle({ ...input, nowMs: NOW, objective: 'leads', attribution: ATTRIBUTION });
    for (const d of noon.decisions.filter((x) => x.kind !== 'launch')) expect(d.reason).not.toMatch(/optimistic/);
    const traffic = planCycle({ ...input, nowMs: DAY_START + 10 * 60_000, objective: 'traffic' });
    for (const d of traffic.decisions) expect(d.reason).not.toMatch(/optimistic/);
    expect(traffic.decisions.filter((d) => d.kind === 'pause').map((d) => d.creativeId)).not.toContain('c0');
  });

  it('leaves the creatives launched since the day started alone when a later cycle redraws', () => {
    const fresh: CreativeEvidence = { ...withDays('c2', 'h0', 0, 0, 0, 0, 'pending'), launchedAtMs: DAY_START + 5 * 60_000 };
    const evidence = [withDays('c0', 'h0', 5, 500, 0.03, 0, 'live'), withDays('c1', 'h1', 5, 500, 0.012, 0.2, 'live'), fresh];
    const plan = planCycle({
      hooks: hooks(3),
      evidence,
      nowMs: DAY_START + 30 * 60_000,
      caps: caps({ maxLiveAds: 3, dailySpendCapCents: 3 * 625 + 100 }),
      budgetEditsLastHour: {},
      currentBudgets: {},
      dayStartMs: DAY_START,
      seed: 'w',
      objective: 'leads',
      attribution: ATTRIBUTION,
    });
    expect(plan.decisions.filter((d) => d.kind === 'pause').map((d) => d.creativeId)).toEqual(['c0']);
    expect(plan.decisions.find((d) => d.creativeId === 'c2')?.kind).toBe('keep');
  });

  it('refreshes a worn creative of a picked hook at the day start, as the loss check would', () => {
    // Ten past creatives of h1 whose CTR fell 12 % a day teach the wear-out; c-old has run 12 days.
    const decaying = (id: string, startDay: number, days: number, status: CreativeEvidence['status']): CreativeEvidence => {
      const daily = Array.from({ length: days }, (_, i) => {
        const startMs = DAY_START - (startDay - i) * DAY;
        const linkClicks = Math.round(800 * 0.03 * Math.exp(-0.12 * (i + 0.5)));
        return {
          date: new Date(startMs).toISOString().slice(0, 10),
          startMs,
          impressions: 800,
          linkClicks,
          conversions: Math.round(linkClicks * 0.2),
          spendCents: 500,
        };
      });
      const sum = (k: 'impressions' | 'linkClicks' | 'conversions' | 'spendCents') => daily.reduce((t, d) => t + d[k], 0);
      const total = { impressions: sum('impressions'), linkClicks: sum('linkClicks'), conversions: sum('conversions'), spendCents: sum('spendCents') };
      return { creativeId: id, hookId: 'h1', launchedAtMs: DAY_START - startDay * DAY, ...total, daily, status, spendTodayCents: 0 };
    };
    const past = Array.from({ length: 10 }, (_, i) => decaying(`p${i}`, 30 - i, 8, 'paused'));
    const evidence = [...past, decaying('c-old', 12, 12, 'live')];
    const plan = planCycle({
      hooks: hooks(3),
      evidence,
      nowMs: DAY_START + 10 * 60_000,
      caps: caps({ maxLiveAds: 1, dailySpendCapCents: 625 + 100 }),
      budgetEditsLastHour: {},
      currentBudgets: {},
      dayStartMs: DAY_START,
      seed: 'f',
      objective: 'leads',
      attribution: ATTRIBUTION,
    });
    const pause = plan.decisions.find((d) => d.kind === 'pause');
    expect(pause?.creativeId).toBe('c-old');
    expect(pause!.reason).toMatch(/worn to ~\d+ % of its fresh CTR/);
    expect(plan.decisions.filter((d) => d.kind === 'launch').map((d) => d.hookId)).toEqual(['h1']);
  });

  it('gives a hook another slot only while it stays ahead with a day more of its evidence counted', () => {
    const picksFor = (days: number, ctr: number, cvr: number) => {
      const evidence = [withDays('c1', 'h1', days, 500, ctr, cvr)];
      const model = buildModel({ hooks: hooks(3), evidence, nowMs: DAY_START, params, objective: 'leads', attribution: ATTRIBUTION });
      return optimisticPicks(model, model.hooks, 6, [], 500).map((h) => h.hook.id);
    };
    // Four days of a decent hook: each untried hook gets one slot for its optimism (a day of
    // fantasised delivery takes its edge away), the tried hook the other four.
    const decent = picksFor(4, 0.015, 0.15);
    expect(decent.filter((id) => id === 'h0')).toHaveLength(1);
    expect(decent.filter((id) => id === 'h2')).toHaveLength(1);
    expect(decent.filter((id) => id === 'h1')).toHaveLength(4);
    // Ten days of a hook far above the prior: no untried hook's optimism reaches it.
    expect(picksFor(10, 0.015, 0.2)).toEqual(Array(6).fill('h1'));
  });

  it('does not count a click whose result can still arrive as a failure', () => {
    expect(conversionArrivedShare(0, 168, 24)).toBe(0);
    expect(conversionArrivedShare(24, 168, 24)).toBeCloseTo(0.63, 2);
    expect(conversionArrivedShare(168, 168, 24)).toBe(1);
    // 200 clicks yesterday, no result reported yet: most of them are not judged.
    const young = creative('y', 'h0', 10_000, 200, {
      ageHours: 20,
      daily: [{ date: '2026-03-09', startMs: DAY_START - DAY, impressions: 10_000, linkClicks: 200, conversions: 0, spendCents: 10_000 }],
    });
    expect(judgedClicks(young, NOW, params, ATTRIBUTION)).toBeLessThan(0.8 * 200);
    // Eight days later the same clicks are all judged.
    expect(judgedClicks(young, NOW + 8 * DAY, params, ATTRIBUTION)).toBe(200);
    // The conversion posterior stays near the prior instead of near zero.
    const model = buildModel({ hooks: hooks(3), evidence: [...clickbait, young], nowMs: NOW, params, objective: 'leads', attribution: ATTRIBUTION });
    const allFailures = 0 / 200;
    expect(model.results!.creatives.get('y')!.judgedClicks).toBeLessThan(200);
    expect(model.hookById.get('h0')!.results!.conversion.mean).toBeGreaterThan(allFailures);
  });

  it('learns an angle as a factor only where the evidence shows one', () => {
    const angled = [
      hook('a1', { angle: 'pain' }),
      hook('a2', { angle: 'pain' }),
      hook('a3', { angle: 'pain' }),
      hook('b1', { angle: 'proof' }),
      hook('b2', { angle: 'proof' }),
      hook('b3', { angle: 'proof' }),
      hook('c1', { angle: 'fomo' }),
      hook('c2', { angle: 'fomo' }),
      hook('newPain', { angle: 'pain' }),
      hook('newProof', { angle: 'proof' }),
    ];
    const ev = (cvrOf: (angle: string) => number) =>
      angled.filter((h) => !h.id.startsWith('new')).map((h, i) => withDays(`c${i}`, h.id, 14, 2000, 0.01, cvrOf(h.angle)));
    const strong = buildModel({
      hooks: angled,
      evidence: ev((a) => (a === 'pain' ? 0.2 : a === 'proof' ? 0.03 : 0.08)),
      nowMs: NOW,
      params,
      objective: 'leads',
      attribution: ATTRIBUTION,
    });
    expect(strong.results!.angleShare).toBeGreaterThan(0.3);
    expect(strong.hookById.get('newPain')!.results!.conversion.mean).toBeGreaterThan(1.5 * strong.hookById.get('newProof')!.results!.conversion.mean);
    const none = buildModel({ hooks: angled, evidence: ev(() => 0.08), nowMs: NOW, params, objective: 'leads', attribution: ATTRIBUTION });
    expect(none.results!.angleShare).toBe(0);
    expect(none.hookById.get('newPain')!.results!.conversion.mean).toBeCloseTo(none.hookById.get('newProof')!.results!.conversion.mean, 6);
  });

  it('leaves out an angle difference that chance alone would often give', () => {
    // Two hooks per angle, 100 judged-enough clicks each, 13 / 8 / 5 results: Q exceeds its
    // degrees of freedom (so the plain random-effects estimate is positive) but not the 5 % level.
    const angled = ['pain', 'pain', 'proof', 'proof', 'fomo', 'fomo'].map((angle, i) => hook(`h${i}`, { angle }));
    const evidence = [13, 13, 8, 8, 5, 5].map((results, i) => {
      const e = withDays(`c${i}`, `h${i}`, 10, 100, 0.1, 0);
      e.daily!.forEach((d, day) => (d.conversions = Math.floor(results / 10) + (day < results % 10 ? 1 : 0)));
      return { ...e, conversions: results };
    });
    const model = (angleEvidenceLevel: number | null) =>
      buildModel({
        hooks: angled,
        evidence,
        nowMs: NOW,
        params: resolveParams('thompson-changepoint', { angleEvidenceLevel }),
        objective: 'leads',
        attribution: ATTRIBUTION,
      });
    expect(model(0.05).results!.angleShare).toBe(0);
    expect(model(null).results!.angleShare).toBeGreaterThan(0.1);
  });

  it('reports cost per result, and ROAS where purchase values exist', () => {
    // h2 brings about as many purchases per dollar as h1, but each is worth $200, not $30.
    const sales = [clickbait[0]!, clickbait[1]!, withDays('c2', 'h2', 10, 500, 0.04, 0.05)].map((e, i) => ({
      ...e,
      conversionValueCents: e.conversions * (i === 2 ? 20_000 : 3_000),
    }));
    const scores = scoreHooks({ hooks: hooks(3), evidence: sales, nowMs: NOW, objective: 'sales', attribution: ATTRIBUTION });
    expect(scores.objective).toBe('sales');
    const h1 = scores.hooks.find((h) => h.hookId === 'h1')!;
    expect(h1.costPerResultCents).toBeGreaterThan(0);
    expect(h1.roas).toBeGreaterThan(0);
    expect(scores.hooks[0]!.hookId).toBe('h2');
    expect(scores.hooks[0]!.roas!).toBeGreaterThan(3 * h1.roas!);
    const leads = scoreHooks({ hooks: hooks(3), evidence: clickbait, nowMs: NOW, objective: 'leads', attribution: ATTRIBUTION });
    expect(leads.hooks[0]!.hookId).toBe('h1');
    expect(leads.hooks[0]!.roas).toBeNull();
  });

  it('traffic accounts decide exactly as before objectives existed', () => {
    const evidence = [
      creative('c0', 'h0', 3000, 30, { ageHours: 60 }),
      creative('c1', 'h1', 3000, 12, { ageHours: 60 }),
      creative('c2', 'h2', 300, 3, { ageHours: 10 }),
    ];
    const input = {
      hooks: hooks(6),
      evidence,
      nowMs: NOW + 2 * HOUR,
      caps: caps(),
      budgetEditsLastHour: {},
      currentBudgets: {},
      dayStartMs: DAY_START,
      seed: 'same',
    };
    const before = planCycle(input);
    const after = planCycle({ ...input, objective: 'traffic', attribution: ATTRIBUTION });
    expect(after).toEqual(before);
    expect(before.decisions.some((d) => d.snapshot.resultsPerDollar !== undefined)).toBe(false);
  });
});
