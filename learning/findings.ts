/**
 * Human-readable findings for one cycle, each with the probability that backs it. The lead
 * stores them as rows; the wording is meant for the account owner, not for engineers.
 */
import { OVER_CAP } from './capacity';
import { fmt, pct, prob, usd } from './format';
import type { ScoreHooksResult } from './scoring';
import type { Decision, GroupScore } from './types';

/** One finding: a sentence and the probability behind it. */
export interface Finding {
  kind: 'best-hook' | 'best-angle' | 'best-style' | 'regime-change' | 'pause' | 'deferred-pause' | 'scale' | 'launch' | 'skip-launch';
  /** Hook id, creative id, angle or style the sentence is about. */
  subject: string;
  text: string;
  /** Probability behind the statement, in [0, 1]. */
  confidence: number;
}

/** Builds the cycle's findings from the scores and the decisions. */
export function findingTexts(scores: ScoreHooksResult, decisions: Decision[]): Finding[] {
  const out: Finding[] = [];
  const judged = scores.hooks.filter((h) => h.judged);
  const best = scores.hooks.find((h) => h.hookId === scores.bestHookId);
  if (best) {
    out.push({
      kind: 'best-hook',
      subject: best.hookId,
      text:
        best.resultsPerDollar !== undefined
          ? `Hook "${best.hookId}" is the best of ${judged.length} tested hook${judged.length === 1 ? '' : 's'} on ${best.roas != null ? 'purchase value' : 'results'} per dollar with probability ${prob(best.pBest)} (${scores.objective}: posterior cost per result ${best.costPerResultCents == null ? 'unknown' : usd(best.costPerResultCents)}${best.roas != null ? `, ROAS ${best.roas.toFixed(2)}` : ''}; CTR ${pct(best.mean)} × conversion rate ${pct(best.conversion?.mean ?? 0)}; ${fmt(best.conversions)} results, ${fmt(best.judgedImpressions)} judged impressions).`
          : `Hook "${best.hookId}" is the best of ${judged.length} tested hook${judged.length === 1 ? '' : 's'} with probability ${prob(best.pBest)} (CTR ${pct(best.mean)}, 90 % interval ${pct(best.lower)}–${pct(best.upper)}, ${fmt(best.judgedImpressions)} judged impressions).`,
      confidence: best.pBest,
    });
  } else {
    out.push({
      kind: 'best-hook',
      subject: '',
      text: `No hook has reached ${fmt(scores.impressionFloor)} judged impressions yet, so none can be called best.`,
      confidence: 0,
    });
  }
  for (const [kind, groups, label, plural] of [
    ['best-angle', scores.angles, 'Angle', 'angles'],
    ['best-style', scores.styles, 'Visual style', 'styles'],
  ] as const) {
    const top = topGroup(groups);
    const withData = groups.filter((g) => g.impressions > 0).length;
    if (top && withData > 1) {
      out.push({
        kind,
        subject: top.key,
        text: `${label} "${top.key}" is the best of ${withData} ${plural} with data, with probability ${prob(top.pBest)} (CTR ${pct(top.mean)}).`,
        confidence: top.pBest,
      });
    }
  }

  // Only hooks whose regime moved recently enough to matter are reported (the posterior already
  // follows the new regime; this tells the owner why a former winner is being retested).
  for (const h of scores.hooks) {
    if (h.regimeStartMs === null || h.changeProbability < 0.9) continue;
    out.push({
      kind: 'regime-change',
      subject: h.hookId,
      text: `Hook "${h.hookId}": its CTR changed around ${new Date(h.regimeStartMs).toISOString().slice(0, 10)} with probability ${prob(h.changeProbability)} (seen on the hook itself or across the account); evidence from before no longer counts (CTR ${pct(h.mean)}).`,
      confidence: h.changeProbability,
    });
  }

  const hookP = new Map(scores.hooks.map((h) => [h.hookId, h]));
  for (const d of decisions) {
    const creative = d.creativeId ?? '';
    const impressions = fmt(d.snapshot.judgedImpressions ?? 0);
    const leader = d.snapshot.leader?.hookId ?? '?';
    switch (d.kind) {
      case 'pause':
        out.push({
          kind: 'pause',
          subject: creative,
          text: d.reason.startsWith(OVER_CAP)
            ? `Creative "${creative}" (hook "${d.hookId}") paused: ${d.reason}.`
            : d.snapshot.resultsPerDollar !== undefined
              ? `Creative "${creative}" (hook "${d.hookId}") paused on cost per result (${d.snapshot.objective}): ${d.snapshot.costPerResultCents === undefined ? 'no result expected' : `posterior ${usd(d.snapshot.costPerResultCents)} a result`}` +
                `${d.snapshot.leader?.costPerResultCents === undefined ? '' : ` against ${usd(d.snapshot.leader.costPerResultCents)} for the leader "${leader}"`}, worse with probability ${prob(d.probability ?? 0)} after ${impressions} impressions.`
              : `Creative "${creative}" (hook "${d.hookId}") paused: worse than the leader "${leader}" with probability ${prob(d.probability ?? 0)} after ${impressions} impressions.`,
          confidence: d.probability ?? 0,
        });
        break;
      case 'keep':
        if (d.reason.includes('pause deferred')) {
          out.push({
            kind: 'deferred-pause',
            subject: creative,
            text: `Creative "${creative}" is worse than the leader "${leader}" with probability ${prob(d.probability ?? 0)}; it runs until the day rolls over because today's budget is already committed.`,
            confidence: d.probability ?? 0,
          });
        }
        break;
      case 'scale':
        out.push({
          kind: 'scale',
          subject: creative,
          text: `Creative "${creative}" budget raised from ${usd(d.fromBudgetCents ?? 0)} to ${usd(d.toBudgetCents ?? 0)} a day: hook "${d.hookId}" is best with probability ${prob(d.probability ?? 0)}.`,
          confidence: d.probability ?? 0,
        });
        break;
      case 'launch': {
        if (!d.hookId) break;
        const h = hookP.get(d.hookId);
        out.push({
          kind: 'launch',
          subject: d.hookId,
          text: h?.judged
            ? `Launching hook "${d.hookId}" (best with probability ${prob(h.pBest)}; ${d.reason}).`
            : `Launching hook "${d.hookId}" to learn about it (${d.reason}).`,
          confidence: h?.judged ? h.pBest : 0,
        });
        break;
      }
      case 'skip-launch':
        out.push({ kind: 'skip-launch', subject: '', text: `No launch this cycle: ${d.reason}.`, confidence: 1 });
        break;
    }
  }
  return out;
}

function topGroup(groups: GroupScore[]): GroupScore | undefined {
  return groups.filter((g) => g.impressions > 0).sort((a, b) => b.pBest - a.pBest)[0];
}
