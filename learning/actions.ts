/**
 * Per-cycle actions on live creatives: pause clear losers, raise a clear winner's budget, and
 * say how many new launches fit under the caps. Pure: the caller executes the decisions.
 *
 * Order matters: pauses first (they free slots; an account over its spend cap also pauses its
 * weakest ad sets until it fits), then launch capacity, then budget raises from
 * whatever spend headroom is left after keeping one launch's worth in reserve, so raising a
 * winner never blocks replacing a loser.
 */
import { fmt, round1, usd } from './format';
import { affordableBudgetCents, launchCapacityDetail, OVER_CAP, perLaunchCents, worstDaySpendCents, type LaunchCapacity } from './capacity';
import type { Hook } from './hook-library';
import { optimisticPicks, redrawsResults } from './choice';
import { lossCheck, type LossCheck } from './loss-check';
import { buildModel, type CreativeState, type LearningModel } from './model';
import { DEFAULT_POLICY, resolveParams, type PolicyParams } from './params';
import { createRng } from './random';
import { costPerResultCents, resultsPerDollar, type ResultFactors } from './results';
import type { AttributionWindows, CreativeEvidence, Decision, DecisionSnapshot, LiveAdBudget, Objective, PolicyName, SpendCaps } from './types';

const HOUR_MS = 3_600_000;

/** Input of decideActions. Budgets and edit counts are keyed by adSetId, falling back to creativeId. */
export interface DecideActionsInput {
  hooks: Hook[];
  evidence: CreativeEvidence[];
  nowMs: number;
  caps: SpendCaps;
  budgetEditsLastHour: Record<string, number>;
  currentBudgets: Record<string, number>;
  policy?: PolicyName;
  params?: Partial<PolicyParams>;
  /** Start of the ad account's current day (its timezone); enables deferring pauses to the day start. */
  dayStartMs?: number;
  /** Seed of the loss check's Monte Carlo draws (use the cycle id); defaults to a hash of nowMs. */
  seed?: string;
  /** What to optimise (default 'traffic': link CTR, as before objectives existed). */
  objective?: Objective;
  /** The account's attribution windows (default 7-day click, 1-day view): results keep arriving this long. */
  attribution?: AttributionWindows;
}

/** Decides pauses, budget raises, keeps and launch capacity for one cycle. */
export function decideActions(input: DecideActionsInput): Decision[] {
  const policy = input.policy ?? DEFAULT_POLICY;
  const params = resolveParams(policy, input.params);
  // The input carries the model's fields (hooks, evidence, nowMs, objective, attribution); params resolved.
  const model = buildModel({ ...input, params });
  return decideFromModel(model, policy, input);
}

/** decideActions on an already built model (planCycle shares one model per cycle). */
export function decideFromModel(model: LearningModel, policy: PolicyName, input: DecideActionsInput): Decision[] {
  const { params, leader } = model;
  const base = { policy, objective: model.objective, prior: model.prior };
  const leaderSnap = leader ? { hookId: leader.hook.id, ...leader.posterior, ...resultsSnapshot(leader.posterior.mean, leader.results) } : undefined;
  const budgetOf = (ev: CreativeEvidence) => input.currentBudgets[adSetKey(ev)] ?? input.caps.adSetDailyBudgetCents;
  const caps: SpendCaps = {
    ...input.caps,
    // Ad sets paused earlier today keep their spend in today's total.
    mediaSpendTodayCents: input.caps.mediaSpendTodayCents ?? input.evidence.reduce((s, ev) => s + (ev.spendTodayCents ?? 0), 0),
  };
  const perLaunch = perLaunchCents(caps);
  const liveBudgets = (exclude: Set<string>): LiveAdBudget[] =>
    input.evidence
      .filter((ev) => ev.status !== 'paused' && !exclude.has(ev.creativeId))
      .map((ev) => ({ budgetCents: budgetOf(ev), spentTodayCents: ev.spendTodayCents }));

  // 1. Which creatives may be judged at all (floor, age, review).
  const keeps: Decision[] = [];
  const judgeable: Array<{ c: CreativeState; snapshot: DecisionSnapshot }> = [];
  for (const c of model.creatives) {
    const ev = c.evidence;
    const snapshot: DecisionSnapshot = {
      ...base,
      posterior: c.posterior,
      ...resultsSnapshot(c.posterior.mean * c.fatigueFactor, c.results),
      leader: leaderSnap,
      judgedImpressions: Math.round(c.judgedImpressions),
      linkClicks: ev.linkClicks,
      ageHours: round1(c.ageHours),
      ...(params.learnFatigue ? { fatigueFactor: Math.round(c.fatigueFactor * 1000) / 1000 } : {}),
    };
    const keep = (reason: string) => keeps.push(keepDecision(ev, reason, snapshot));
    if (ev.status === 'pending') keep('in review');
    else if (c.judgedImpressions < params.impressionFloor)
      keep(`below the impression floor (${fmt(c.judgedImpressions)} of ${fmt(params.impressionFloor)} judged impressions)`);
    else if (c.ageHours < params.minAgeHours) keep(`younger than the minimum age (${round1(c.ageHours)} h of ${params.minAgeHours} h)`);
    else judgeable.push({ c, snapshot });
  }

  // 2. Pausing only pays when it frees budget a replacement can use today, or at the day start.
  const inDayStartWindow = input.dayStartMs !== undefined && input.nowMs - input.dayStartMs < params.dayStartWindowHours * HOUR_MS;
  const deferring = params.deferPausesToDayStart && input.dayStartMs !== undefined && !inDayStartWindow;
  const wouldFreeCapacity = (ids: string[]) => launchCapacityDetail(caps, liveBudgets(new Set(ids))).count > 0;
  // Results objectives, daily redraw: at the day start every slot is picked again by optimistic
  // results per dollar, and the creatives of hooks not picked give their slots up. Measured in
  // HookBench against Thompson choice with loss-check pauses (learning/README.md, "Daily redraw"):
  // where CTR and conversion agree it stops losing to CTR-only; elsewhere it is within noise,
  // except clickbait with 6 slots, 1.5 points down.
  const redrawPauses: Decision[] = [];
  const redraw = redrawsResults(model, policy) && inDayStartWindow;
  if (redraw) {
    const slots = Math.min(caps.maxLiveAds, launchCapacityDetail(caps, []).count);
    const picks = optimisticPicks(model, model.hooks, slots, [], caps.adSetDailyBudgetCents).map((h) => h.hook.id);
    const pickedText = [...new Set(picks)].map((id) => `"${id}"`).join(', ');
    // Creatives launched since the day started came from this redraw in an earlier cycle of the
    // window (production runs every 15 minutes): they keep their slots, so a few overnight
    // impressions that reorder the picks do not pay for a creative twice. Then a hook picked fewer
    // times than it has creatives keeps its best ones.
    const launchedToday = (c: CreativeState) => c.evidence.launchedAtMs >= input.dayStartMs!;
    const order = [...model.creatives].sort((a, b) => Number(launchedToday(b)) - Number(launchedToday(a)) || b.value - a.value);
    // A creative the learned wear-out alone puts below fatigueMargin of a fresh one (the loss
    // check's refresh rule) gives its pick to a fresh creative of the same hook.
    const worn = (c: CreativeState) => params.learnFatigue && c.fatigueFactor < params.fatigueMargin;
    for (const c of order) {
      const k = launchedToday(c) || !worn(c) ? picks.indexOf(c.evidence.hookId) : -1;
      if (k >= 0) picks.splice(k, 1);
      if (k >= 0 || launchedToday(c)) continue;
      const why =
        picks.includes(c.evidence.hookId) && worn(c)
          ? `worn to ~${Math.round(100 * c.fatigueFactor)} % of its fresh CTR, so a fresh creative of its hook takes the slot at the day start`
          : `at the day start its slot goes to a hook with a better optimistic cost per result`;
      redrawPauses.push({
        kind: 'pause',
        creativeId: c.evidence.creativeId,
        adSetId: c.evidence.adSetId,
        hookId: c.evidence.hookId,
        probability: 1,
        reason:
          `${costPerResultText(c, leader)}; ${why} ` +
          `(CTR and conversion rate each at posterior mean + 1 sd; today's picks for ${slots} slot(s): ${pickedText})`,
        snapshot: { ...base, posterior: c.posterior, ...resultsSnapshot(c.posterior.mean * c.fatigueFactor, c.results), leader: leaderSnap },
      });
    }
  }
  const redrawn = new Set(redrawPauses.map((d) => d.creativeId!));
  let check: LossCheck | null = null;
  const decisions: Decision[] = [];
  if (judgeable.length > 0 && (!deferring || judgeable.some(({ c }) => wouldFreeCapacity([c.evidence.creativeId])))) {
    const rng = createRng(`${input.seed ?? String(input.nowMs)}/loss-check`);
    // P(best) decides budget raises, so it gets every draw when a raise could follow.
    const raisePossible = launchCapacityDetail(caps, liveBudgets(new Set())).headroomCents > 2 * perLaunch;
    check = lossCheck(
      model,
      judgeable.map(({ c }) => c),
      rng,
      params.lossDraws,
      raisePossible ? params.lossDraws : undefined,
    );
    const losers = judgeable.filter(({ c }) => (check!.loss.get(c.evidence.creativeId) ?? 0) > params.pauseProbability);
    const pauseNow = !deferring || wouldFreeCapacity(losers.map(({ c }) => c.evidence.creativeId));
    for (const { c, snapshot } of judgeable) {
      const ev = c.evidence;
      const p = check.loss.get(ev.creativeId) ?? 0;
      const claim = c.results
        ? `P(results per dollar < ${params.pauseMargin} × the best other hook's) = ${p.toFixed(2)} after ${fmt(c.judgedImpressions)} impressions, ${c.results.conversions} results`
        : `P(θ < ${params.pauseMargin}·θ of the best other hook) = ${p.toFixed(2)} after ${fmt(c.judgedImpressions)} impressions`;
      if (redraw) {
        if (!redrawn.has(ev.creativeId)) keeps.push(keepDecision(ev, `its hook is among today's picks by optimistic cost per result; ${claim}`, snapshot, p));
      } else if (p <= params.pauseProbability) keeps.push(keepDecision(ev, `not clearly worse than the leader: ${claim}`, snapshot, p));
      else if (pauseNow) {
        decisions.push({
          kind: 'pause',
          creativeId: ev.creativeId,
          adSetId: ev.adSetId,
          hookId: ev.hookId,
          probability: p,
          reason:
            (c.results ? `${costPerResultText(c, leader)}; ` : '') +
            `worse than the leader with probability ${p.toFixed(2)} after ${fmt(c.judgedImpressions)} impressions ` +
            `(the leader being the best other hook, with a ${params.pauseMargin} margin` +
            (params.learnFatigue ? `, or a fresh creative of its own hook; this one is at ~${Math.round(100 * c.fatigueFactor)} % of its fresh CTR)` : ')'),
          snapshot: { ...snapshot, samples: { lossProbability: p, draws: check.draws } },
        });
      } else {
        keeps.push(keepDecision(ev, `${claim}; pause deferred to the day start because no replacement could launch before then`, snapshot, p));
      }
    }
  } else {
    for (const { c, snapshot } of judgeable) {
      keeps.push(
        keepDecision(c.evidence, 'loss check waits for the day start: today’s budget is committed, so pausing now would free nothing usable', snapshot),
      );
    }
  }

  decisions.push(...redrawPauses);
  // 3. Already over the cap (it was lowered, or a budget changed behind our back): pause the
  // weakest live ad sets until what they may still spend today fits. This never waits for the
  // day start, since money is at stake rather than a better test.
  const shed = new Set<string>();
  // Creatives this cycle already pauses (loss check above, or shed here).
  const leaving = () => new Set([...decisions.map((d) => d.creativeId!), ...shed]);
  let over = -launchCapacityDetail(caps, liveBudgets(leaving())).headroomCents;
  if (over > 0) {
    const committed = caps.dailySpendCapCents + over;
    const weakestFirst = model.creatives.filter((c) => !leaving().has(c.evidence.creativeId)).sort((a, b) => a.value - b.value);
    for (const c of weakestFirst) {
      if (over <= 0) break;
      const ev = c.evidence;
      const frees = Math.max(worstDaySpendCents(budgetOf(ev), caps) - (ev.spendTodayCents ?? 0), 0);
      if (frees <= 0) continue;
      shed.add(ev.creativeId);
      over -= frees;
      decisions.push({
        kind: 'pause',
        creativeId: ev.creativeId,
        adSetId: ev.adSetId,
        hookId: ev.hookId,
        probability: 1,
        reason:
          `${OVER_CAP}: ${usd(committed)} committed of ${usd(caps.dailySpendCapCents)}; ` +
          `pausing the weakest live ad set (${c.results ? `cost per result ${cprText(resultsPerDollar(c.posterior.mean * c.fatigueFactor, c.results))}` : `CTR ${(100 * c.posterior.mean * c.fatigueFactor).toFixed(2)} %`}) frees ${usd(frees)} of today's possible spend`,
        snapshot: { ...base, posterior: c.posterior, leader: leaderSnap, committedCents: committed, capCents: caps.dailySpendCapCents },
      });
    }
  }

  // 4. Launch capacity after the pauses.
  const paused = new Set(decisions.map((d) => d.creativeId!));
  const capacity = launchCapacityDetail(caps, liveBudgets(paused));
  const capSnap: DecisionSnapshot = { ...base, committedCents: capacity.committedCents, capCents: caps.dailySpendCapCents, liveAds: capacity.liveAds };
  if (capacity.count > 0) {
    decisions.push({ kind: 'launch', count: capacity.count, reason: `${capacity.count} new ad set(s) fit under the caps`, snapshot: capSnap });
  } else {
    decisions.push({ kind: 'skip-launch', reason: skipReason(capacity, caps), snapshot: capSnap });
  }

  // 5. Budget raises for a clear winner, from headroom beyond one reserved launch.
  let headroom = capacity.headroomCents - capacity.count * perLaunch - perLaunch;
  const scaled = new Set<string>();
  const pBest = leader && check ? (check.pBest.get(leader.hook.id) ?? 0) : 0;
  if (leader && check && headroom > 0 && pBest >= params.scaleProbability) {
    for (const k of keeps) {
      const c = judgeable.find((j) => j.c.evidence.creativeId === k.creativeId)?.c;
      if (!c || c.evidence.hookId !== leader.hook.id || c.evidence.status !== 'live') continue;
      if ((k.probability ?? 1) > 0.5) continue; // its own numbers say it is fading
      const key = adSetKey(c.evidence);
      const edits = input.budgetEditsLastHour[key] ?? 0;
      if (edits >= Math.min(params.maxBudgetEditsPerHour, params.scaleEditsPerHour)) continue;
      const from = budgetOf(c.evidence);
      // A raise commits its worst day too (Meta's daily overspend applies to the new budget).
      const to = Math.min(Math.round(from * params.scaleStep), caps.maxAdSetDailyBudgetCents, affordableBudgetCents(from, headroom, caps));
      if (to <= from) continue;
      headroom -= worstDaySpendCents(to, caps) - worstDaySpendCents(from, caps);
      scaled.add(c.evidence.creativeId);
      decisions.push({
        kind: 'scale',
        creativeId: c.evidence.creativeId,
        adSetId: c.evidence.adSetId,
        hookId: leader.hook.id,
        fromBudgetCents: from,
        toBudgetCents: to,
        probability: pBest,
        reason:
          `hook "${leader.hook.id}" is best with probability ${pBest.toFixed(2)}` +
          (leader.results ? ` on results per dollar (posterior cost per result ${cprText(resultsPerDollar(leader.posterior.mean, leader.results))})` : '') +
          `; budget ${usd(from)} → ${usd(to)} per day`,
        snapshot: { ...k.snapshot, committedCents: capacity.committedCents, capCents: caps.dailySpendCapCents },
      });
      if (headroom <= 0) break;
    }
  }

  return [...decisions, ...keeps.filter((k) => !scaled.has(k.creativeId ?? '') && !shed.has(k.creativeId ?? '') && !redrawn.has(k.creativeId ?? ''))];
}

/** Results objectives: the conversion posterior and cost per result behind a decision, for its snapshot. */
function resultsSnapshot(ctrNow: number, f: ResultFactors | undefined): Partial<DecisionSnapshot> {
  if (!f) return {};
  const perDollar = resultsPerDollar(ctrNow, f);
  const cpr = costPerResultCents(perDollar);
  return {
    conversion: f.conversion,
    resultsPerDollar: perDollar,
    ...(cpr === null ? {} : { costPerResultCents: Math.round(cpr) }),
    ...(f.valuePerResultCents === null ? {} : { roas: (perDollar * f.valuePerResultCents) / 100 }),
  };
}

function cprText(perDollar: number): string {
  const cpr = costPerResultCents(perDollar);
  return cpr === null ? 'unknown' : usd(cpr);
}

/** "posterior cost per result $12.40 against $6.10 for the leader ...". */
function costPerResultText(c: CreativeState, leader: LearningModel['leader']): string {
  const own = cprText(resultsPerDollar(c.posterior.mean * c.fatigueFactor, c.results!));
  const best = leader?.results ? ` against ${cprText(resultsPerDollar(leader.posterior.mean, leader.results))} for the leading hook "${leader.hook.id}"` : '';
  return `posterior cost per result ${own}${best} (${c.results!.conversions} results on ${fmt(c.evidence.linkClicks)} clicks)`;
}

/** Budgets and edit limits are per ad set. */
export function adSetKey(ev: CreativeEvidence): string {
  return ev.adSetId ?? ev.creativeId;
}

function keepDecision(ev: CreativeEvidence, reason: string, snapshot: DecisionSnapshot, probability?: number): Decision {
  return { kind: 'keep', creativeId: ev.creativeId, adSetId: ev.adSetId, hookId: ev.hookId, probability, reason, snapshot };
}

function skipReason(capacity: LaunchCapacity, caps: SpendCaps): string {
  if (capacity.limitedBy === 'live-ads') return `live-ad cap reached (${capacity.liveAds} of ${caps.maxLiveAds})`;
  return `daily spend cap reached: ${usd(capacity.committedCents)} committed of ${usd(caps.dailySpendCapCents)}, a launch needs ${usd(perLaunchCents(caps))} (its budget at Meta's daily overspend, plus generation)`;
}
