/**
 * What the report shows, read from the performance DB: plain data, one object per account, that
 * report/html.ts draws. The hook scores come from the learning core's own scoreHooks on the same
 * evidence planCycle decides on (db/evidence.ts), so a credible interval in the report is the one
 * the agent acted on, not a second estimate.
 */
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { createCreativeStore } from '../db/creatives';
import { creativeEvidence } from '../db/evidence';
import { creatives, decisions, generationTasks, performance } from '../db/schema';
import { DEFAULT_POLICY, scoreHooks, type AttributionWindows, type CreativeEvidence, type Hook, type Objective, type PolicyName } from '../learning';

const DAY_MS = 86_400_000;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const endOfDay = (date: string) => Date.parse(`${date}T00:00:00Z`) + DAY_MS - 1;

export interface ReportAccount {
  id: string;
  name: string;
  totalDailySpendCapCents: number;
  maxLiveAds: number;
  policy?: PolicyName;
  /** What the account optimises (default traffic); results accounts are scored on cost per result. */
  objective?: Objective;
  attribution?: AttributionWindows;
  hooks: Hook[];
}

export interface CtrPoint {
  date: string;
  mean: number;
  lower: number;
  upper: number;
  impressions: number;
  linkClicks: number;
}

export interface AccountReport {
  account: { id: string; name: string; capCents: number; maxLiveAds: number; policy: PolicyName; objective: Objective };
  generatedAt: string;
  /** Every day from the first launch (or generation) to today, YYYY-MM-DD. */
  days: string[];
  /** Per hook with evidence: its CTR posterior (mean and 90 % interval) on all evidence up to each day's end. */
  ctr: Array<{ hookId: string; headline: string; points: CtrPoint[] }>;
  /** Per day: media spend Meta reported and Kie generation cost, cents, against the account's daily cap. */
  money: Array<{ date: string; mediaCents: number; kieCents: number }>;
  /** Per day at its end: ads live and ads paused so far. */
  ads: Array<{ date: string; live: number; paused: number }>;
  /** Creatives now, by status. */
  statuses: Record<string, number>;
  /** Hooks ranked by P(best), with their posterior and their raw numbers. */
  leaderboard: Array<{
    hookId: string;
    headline: string;
    pBest: number;
    mean: number;
    lower: number;
    upper: number;
    impressions: number;
    linkClicks: number;
    spendCents: number;
    cpcCents: number | null;
    creatives: number;
    liveCreatives: number;
  }>;
  decisions: Array<{ at: string; kind: string; hookId: string | null; creativeId: string | null; reason: string; probability: number | null }>;
  /** What the creatives the agent paused as losers had spent. */
  wasted: { totalCents: number; creatives: Array<{ creativeId: string; hookId: string; spendCents: number; pausedAt: string | null; reason: string }> };
  today: { mediaCents: number; kieCents: number; live: number };
}

/** The evidence as it stood at the end of `date`: later days dropped, creatives launched later left out. */
function evidenceUntil(ev: CreativeEvidence[], date: string, pausedAt: Map<string, string | null>): CreativeEvidence[] {
  const end = endOfDay(date);
  return ev
    .filter((e) => e.launchedAtMs <= end)
    .map((e) => {
      const daily = (e.daily ?? []).filter((d) => d.date <= date);
      const sum = (k: 'impressions' | 'linkClicks' | 'conversions' | 'spendCents') => daily.reduce((s, d) => s + d[k], 0);
      const paused = pausedAt.get(e.creativeId);
      return {
        ...e,
        daily,
        impressions: sum('impressions'),
        linkClicks: sum('linkClicks'),
        conversions: sum('conversions'),
        spendCents: sum('spendCents'),
        spendTodayCents: daily.filter((d) => d.date === date).reduce((s, d) => s + d.spendCents, 0),
        status: paused && Date.parse(paused) <= end ? ('paused' as const) : ('live' as const),
      };
    });
}

function daysBetween(first: string, last: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${first}T00:00:00Z`); t <= Date.parse(`${last}T00:00:00Z`); t += DAY_MS) out.push(dayOf(t));
  return out;
}

export function accountReport(db: Db, account: ReportAccount, opts: { creditUsd: number; now: Date; maxDays?: number; decisions?: number }): AccountReport {
  const policy = account.policy ?? DEFAULT_POLICY;
  const { objective = 'traffic', attribution } = account;
  const nowMs = opts.now.getTime();
  const today = dayOf(nowMs);
  const store = createCreativeStore(db, () => opts.now);
  const ev = creativeEvidence(db, store, account.id, today);
  const rows = db.select().from(creatives).where(eq(creatives.accountId, account.id)).all();
  const headline = new Map(account.hooks.map((h) => [h.id, h.headline]));

  const media = db
    .select({ date: performance.date, cents: sql<number>`sum(${performance.spendCents})` })
    .from(performance)
    .where(eq(performance.accountId, account.id))
    .groupBy(performance.date)
    .all();
  // Counted as the spend cap counts them: the actual credits where known, the estimate otherwise.
  const kie = db
    .select({
      date: sql<string>`substr(${generationTasks.createdAt}, 1, 10)`,
      credits: sql<number>`sum(coalesce(${generationTasks.actualCredits}, ${generationTasks.estimatedCredits}))`,
    })
    .from(generationTasks)
    .where(eq(generationTasks.accountId, account.id))
    .groupBy(sql`substr(${generationTasks.createdAt}, 1, 10)`)
    .all();
  const kieCents = new Map(kie.map((k) => [k.date, Math.ceil(k.credits * opts.creditUsd * 100)]));
  const mediaCents = new Map(media.map((m) => [m.date, m.cents]));

  const starts = [...rows.map((r) => (r.launchedAt ?? r.createdAt).slice(0, 10)), ...media.map((m) => m.date), ...kie.map((k) => k.date)].sort();
  const last = [today, ...media.map((m) => m.date)].sort().at(-1)!;
  let days = starts.length ? daysBetween(starts[0]!, last) : [today];
  if (opts.maxDays && days.length > opts.maxDays) days = days.slice(-opts.maxDays);

  const pausedAt = new Map(rows.map((r) => [r.id, r.pausedAt]));
  const series = new Map<string, CtrPoint[]>();
  for (const date of days) {
    const until = evidenceUntil(ev, date, pausedAt);
    if (!until.some((e) => e.impressions > 0)) continue;
    const scores = scoreHooks({ hooks: account.hooks, evidence: until, nowMs: Math.min(endOfDay(date), nowMs), policy, objective, attribution });
    for (const h of scores.hooks) {
      if (!h.impressions) continue;
      const points = series.get(h.hookId) ?? [];
      points.push({ date, mean: h.mean, lower: h.lower, upper: h.upper, impressions: h.impressions, linkClicks: h.linkClicks });
      series.set(h.hookId, points);
    }
  }

  const launchedOn = (r: (typeof rows)[number]) => r.launchedAt ?? (r.metaAdId ? r.createdAt : null);
  const ads = days.map((date) => {
    const end = endOfDay(date);
    const reached = rows.filter((r) => {
      const at = launchedOn(r);
      return at && Date.parse(at) <= end;
    });
    const paused = reached.filter((r) => r.pausedAt && Date.parse(r.pausedAt) <= end).length;
    return { date, live: reached.length - paused, paused };
  });

  const scores = scoreHooks({ hooks: account.hooks, evidence: ev, nowMs, policy, objective, attribution });
  const leaderboard = scores.hooks
    .filter((h) => h.creatives > 0)
    .map((h) => ({
      hookId: h.hookId,
      headline: headline.get(h.hookId) ?? h.hookId,
      pBest: h.pBest,
      mean: h.mean,
      lower: h.lower,
      upper: h.upper,
      impressions: h.impressions,
      linkClicks: h.linkClicks,
      spendCents: h.spendCents,
      cpcCents: h.cpcCents,
      creatives: h.creatives,
      liveCreatives: h.liveCreatives,
    }))
    .sort((a, b) => b.pBest - a.pBest || b.mean - a.mean);

  const latest = db
    .select()
    .from(decisions)
    .where(eq(decisions.accountId, account.id))
    .orderBy(desc(decisions.id))
    .limit(opts.decisions ?? 30)
    .all();
  const pauses = db
    .select()
    .from(decisions)
    .where(and(eq(decisions.accountId, account.id), eq(decisions.kind, 'pause')))
    .all();
  const spentBy = new Map(ev.map((e) => [e.creativeId, e.spendCents]));
  const pauseReason = new Map(pauses.filter((p) => p.creativeId).map((p) => [p.creativeId!, p.reason]));
  const wasted = rows
    .filter((r) => r.status === 'paused' && pauseReason.has(r.id))
    .map((r) => ({ creativeId: r.id, hookId: r.hookId, spendCents: spentBy.get(r.id) ?? 0, pausedAt: r.pausedAt, reason: pauseReason.get(r.id)! }))
    .sort((a, b) => b.spendCents - a.spendCents);

  const statuses: Record<string, number> = {};
  for (const r of rows) statuses[r.status] = (statuses[r.status] ?? 0) + 1;

  return {
    account: { id: account.id, name: account.name, capCents: account.totalDailySpendCapCents, maxLiveAds: account.maxLiveAds, policy, objective },
    generatedAt: opts.now.toISOString(),
    days,
    ctr: [...series].map(([hookId, points]) => ({ hookId, headline: headline.get(hookId) ?? hookId, points })),
    money: days.map((date) => ({ date, mediaCents: mediaCents.get(date) ?? 0, kieCents: kieCents.get(date) ?? 0 })),
    ads,
    statuses,
    leaderboard,
    decisions: latest.map((d) => ({ at: d.createdAt, kind: d.kind, hookId: d.hookId, creativeId: d.creativeId, reason: d.reason, probability: d.probability })),
    wasted: { totalCents: wasted.reduce((s, w) => s + w.spendCents, 0), creatives: wasted },
    today: { mediaCents: mediaCents.get(today) ?? 0, kieCents: kieCents.get(today) ?? 0, live: rows.filter((r) => r.status === 'launched').length },
  };
}
