/**
 * Insights activities (queue `ad-insights`): Meta reads, metrics, scoring, hook choice and the
 * DB writes that go with them. The statistics live in learning/ (pure code, also run by HookBench);
 * this file only moves data between Meta, the DB and that code, and records what was decided.
 */
import { heartbeat, log } from '@temporalio/activity';
import { and, eq, gte, inArray, isNotNull, notInArray } from 'drizzle-orm';
import type { Db } from '../db/client';
import { budgetEdits, creatives, cycles as cyclesTable, decisions, insights, performance } from '../db/schema';
import type { Accounts } from './accounts';
import { createRng, DEFAULT_POLICY, insightTexts, planCycle as learnPlan, scoreHooks, type CreativeEvidence, type PolicyName } from '../learning';
import type { CreativeAction } from './campaign';
import { sweepDuplicates } from './duplicates';
import { mapErrors } from './errors';
import { generationCostTodayCents } from './generation-budget';
import { creativeIdOf } from './images';
import { MetaApiError, type InsightRow } from './ports/meta-client';

export interface InsightsDeps {
  db: Db;
  accounts: Accounts;
  lookbackDays: number;
  creditUsd: number;
  now?: () => Date;
}

/** Input of fetchInsights. */
export interface FetchInsightsInput {
  accountId: string;
  cycleId: string;
}
/** What one insights pull stored. */
export interface FetchInsightsResult {
  since: string;
  until: string;
  rows: number;
  ads: number;
  impressions: number;
  linkClicks: number;
  spendCents: number;
  /** Creatives whose state on Meta differed from ours (absent in histories recorded before). */
  reconciled?: Reconciled;
}
/** What Meta said about our live ads that we did not know. */
export interface Reconciled {
  /** Disapproved in review: the slot and its budget are free again. */
  disapproved: string[];
  /** Paused, archived or deleted outside the agent (in Ads Manager, say). */
  stoppedOutside: string[];
  /** Ad set budget edited outside the agent; the caps now count the new one. */
  budgetsChanged: string[];
  /** Meta objects deleted as twins of a recorded one (a create that committed after its retry). */
  duplicatesRemoved?: string[];
}

/** Insight kinds fetchInsights writes while reconciling; planCycle's rewrite of a cycle's insights keeps them. */
const RECONCILE_KINDS = ['disapproved', 'stopped-outside', 'budget-changed', 'duplicate-removed'];
/** How far back the reconciliation sweeps retried creates for late-committed twins. */
const DUPLICATE_SWEEP_MS = 24 * 3_600_000;

/** Effective statuses in which an ad no longer delivers and will not by itself again. */
const STOPPED = new Set(['PAUSED', 'ADSET_PAUSED', 'CAMPAIGN_PAUSED', 'ARCHIVED', 'DELETED']);

/** Input of recordSlotFailure. */
export interface RecordSlotFailureInput {
  accountId: string;
  cycleId: string;
  slot: number;
  hookId: string;
  format: 'image' | 'video';
  status: 'generation_failed' | 'launch_failed' | 'skipped';
  reason: string;
}

/** Input of planCycle: how many launches the cycle would like, and which policy chooses. */
export interface PlanCycleInput {
  accountId: string;
  cycleId: string;
  wanted: number;
  policy?: PolicyName;
  /** Restrict this cycle's launches to one format; absent = each hook's allowed formats. */
  format?: 'image' | 'video';
}
/** One launch slot chosen for this cycle. */
export interface PlannedSlot {
  slot: number;
  hookId: string;
  format: 'image' | 'video';
  style?: string;
  sampledValue: number;
  reason: string;
}
export interface PlanCycleResult {
  policy: string;
  seed: string;
  slots: PlannedSlot[];
  skipped: Array<{ reason: string }>;
  actions: CreativeAction[];
  bestHook?: { hookId: string; probability: number };
  insights: string[];
}

const CONVERSION_TYPES = new Set(['lead', 'offsite_conversion.fb_pixel_lead', 'onsite_conversion.lead_grouped']);
const day = (d: Date) => d.toISOString().slice(0, 10);

function toRow(accountId: string, r: InsightRow, fetchedAt: string) {
  const action = (pred: (t: string) => boolean) => (r.actions ?? []).filter((a) => pred(a.action_type)).reduce((s, a) => s + a.value, 0);
  return {
    accountId,
    adId: r.ad_id,
    date: r.date_start,
    adsetId: r.adset_id ?? null,
    campaignId: r.campaign_id ?? null,
    impressions: Math.round(r.impressions),
    reach: Math.round(r.reach ?? 0),
    clicks: Math.round(r.clicks ?? 0),
    linkClicks: Math.round(r.inline_link_clicks ?? action((t) => t === 'link_click')),
    landingPageViews: Math.round(action((t) => t === 'landing_page_view')),
    conversions: Math.round(action((t) => CONVERSION_TYPES.has(t))),
    spendCents: Math.round(r.spend * 100),
    fetchedAt,
  };
}

export function createInsightsActivities(deps: InsightsDeps) {
  const now = deps.now ?? (() => new Date());

  /**
   * What Meta says about our live ads overrides what we remember: an ad Meta disapproved, or one
   * paused, archived or deleted outside the agent, no longer holds a slot or a budget (left as
   * "launched" it would block a slot for good, since it never reaches the impression floor); an
   * ad set budget edited in Ads Manager is the one the caps must count.
   */
  async function reconcileLive(accountId: string, cycleId: string): Promise<Reconciled> {
    const out: Reconciled = { disapproved: [], stoppedOutside: [], budgetsChanged: [] };
    // The ledger stamps rows with the DB's real clock, so the window is on that clock too.
    const sinceIso = new Date(Date.now() - DUPLICATE_SWEEP_MS).toISOString();
    const meta = deps.accounts(accountId).meta();
    const removed = await sweepDuplicates(deps.db, meta, { accountId, cycleId, sinceIso }, now());
    if (removed.length) out.duplicatesRemoved = removed.map((r) => r.deletedId);
    const live = deps.db
      .select()
      .from(creatives)
      .where(and(eq(creatives.accountId, accountId), eq(creatives.status, 'launched'), isNotNull(creatives.metaAdId)))
      .all();
    if (live.length === 0) return out;
    const states = new Map((await meta.adStates(accountId, live.map((c) => c.metaAdId!))).map((a) => [a.id, a]));
    const budgets = await meta.adSetBudgets(accountId, live.flatMap((c) => (c.metaAdsetId ? [c.metaAdsetId] : [])));
    const at = now().toISOString();
    for (const c of live) {
      let state: { effective_status: string; ad_review_feedback?: Record<string, Record<string, string>> } | undefined = states.get(c.metaAdId!);
      // Edges never list deleted ads, and can lag a new one: ask the ad itself once it is an hour old.
      if (!state && Date.parse(c.launchedAt ?? c.createdAt) < now().getTime() - 3_600_000) {
        try {
          const read = await meta.getStatus(c.metaAdId!);
          state = read.effective_status ? { effective_status: read.effective_status } : undefined;
        } catch (err) {
          // Code 100 (subcode 33 on Graph): the object does not exist, or no longer, for this token.
          if (!(err instanceof MetaApiError && err.code === 100 && !err.isTransient)) throw err;
          state = { effective_status: 'DELETED' };
        }
      }
      if (state && (state.effective_status === 'DISAPPROVED' || STOPPED.has(state.effective_status))) {
        const disapproved = state.effective_status === 'DISAPPROVED';
        const feedback = Object.values(state.ad_review_feedback ?? {}).flatMap((byPolicy) => Object.keys(byPolicy));
        const reason = disapproved
          ? `disapproved by Meta${feedback.length ? `: ${feedback.join('; ')}` : ''}`
          : `${state.effective_status} outside the agent`;
        deps.db.transaction((tx) => {
          tx.update(creatives).set({ status: 'paused', pausedAt: at, failReason: reason, updatedAt: at }).where(eq(creatives.id, c.id)).run();
          const text = `Creative "${c.id}" (hook "${c.hookId}") stopped delivering: ${reason}. Its slot and budget are free again.`;
          tx.insert(insights).values({ accountId, cycleId, kind: disapproved ? 'disapproved' : 'stopped-outside', subject: c.id, text, confidence: 1, createdAt: at }).run();
        });
        (disapproved ? out.disapproved : out.stoppedOutside).push(c.id);
        log.warn('live ad no longer delivers', { accountId, creativeId: c.id, adId: c.metaAdId, reason });
        continue;
      }
      const budget = c.metaAdsetId ? budgets.get(c.metaAdsetId) : undefined;
      if (budget !== undefined && budget !== c.dailyBudgetCents) {
        deps.db.transaction((tx) => {
          tx.update(creatives).set({ dailyBudgetCents: budget, updatedAt: at }).where(eq(creatives.id, c.id)).run();
          const text = `Creative "${c.id}": its ad set budget was changed outside the agent from ${c.dailyBudgetCents ?? '?'} to ${budget} cents a day; the spend cap now counts ${budget}.`;
          tx.insert(insights).values({ accountId, cycleId, kind: 'budget-changed', subject: c.id, text, confidence: 1, createdAt: at }).run();
        });
        out.budgetsChanged.push(c.id);
        log.warn('ad set budget changed outside the agent', { accountId, creativeId: c.id, adsetId: c.metaAdsetId, from: c.dailyBudgetCents, to: budget });
      }
    }
    return out;
  }

  /** Evidence per launched creative, from the DB (creatives joined with their daily insights). */
  function evidence(accountId: string, today: string): CreativeEvidence[] {
    const rows = deps.db
      .select()
      .from(creatives)
      .where(and(eq(creatives.accountId, accountId), inArray(creatives.status, ['launched', 'paused']), isNotNull(creatives.metaAdId)))
      .all();
    const perf = rows.length
      ? deps.db.select().from(performance).where(inArray(performance.adId, rows.map((r) => r.metaAdId!))).all()
      : [];
    return rows.map((c) => {
      const daily = perf
        .filter((p) => p.adId === c.metaAdId)
        .map((p) => ({ date: p.date, impressions: p.impressions, linkClicks: p.linkClicks, conversions: p.conversions, spendCents: p.spendCents }));
      const sum = (k: 'impressions' | 'linkClicks' | 'conversions' | 'spendCents') => daily.reduce((s, d) => s + d[k], 0);
      return {
        creativeId: c.id,
        hookId: c.hookId,
        format: c.format,
        adSetId: c.metaAdsetId ?? undefined,
        spendTodayCents: daily.filter((d) => d.date === today).reduce((s, d) => s + d.spendCents, 0),
        launchedAtMs: Date.parse(c.launchedAt ?? c.createdAt),
        impressions: sum('impressions'),
        linkClicks: sum('linkClicks'),
        conversions: sum('conversions'),
        spendCents: sum('spendCents'),
        daily,
        status: c.status === 'paused' ? 'paused' : 'live',
      } satisfies CreativeEvidence;
    });
  }

  return {
    async fetchInsights({ accountId, cycleId }: FetchInsightsInput): Promise<FetchInsightsResult> {
      return mapErrors(async () => {
        const until = day(now());
        // A window of several days, because Meta restates recent days as late conversions arrive.
        const since = day(new Date(now().getTime() - (deps.lookbackDays - 1) * 86_400_000));
        const data = await deps.accounts(accountId).meta().adInsights(accountId, since, until, (n) => heartbeat({ rows: n }));
        const fetchedAt = now().toISOString();
        const values = data.map((r) => toRow(accountId, r, fetchedAt));
        deps.db.transaction((tx) => {
          for (const v of values) {
            tx.insert(performance).values(v).onConflictDoUpdate({ target: [performance.adId, performance.date], set: v }).run();
          }
        });
        const total = (k: 'impressions' | 'linkClicks' | 'spendCents') => values.reduce((s, v) => s + v[k], 0);
        log.info('insights stored', { accountId, rows: values.length, since, until });
        const reconciled = await reconcileLive(accountId, cycleId);
        return {
          since,
          until,
          rows: values.length,
          ads: new Set(values.map((v) => v.adId)).size,
          impressions: total('impressions'),
          linkClicks: total('linkClicks'),
          spendCents: total('spendCents'),
          reconciled,
        };
      });
    },

    /**
     * Scores creatives and hooks, decides pauses/scales, chooses the hooks of this cycle's launches
     * (seeded by the cycle id, so a retry chooses the same), and writes insights and the audit trail.
     */
    async planCycle({ accountId, cycleId, wanted, policy, format }: PlanCycleInput): Promise<PlanCycleResult> {
      const account = deps.accounts(accountId);
      const { caps: accountCaps } = account;
      const hooks = account.hooks();
      const at = now();
      const nowMs = at.getTime();
      const today = day(at);
      const ev = evidence(accountId, today);
      const used = policy ?? DEFAULT_POLICY;
      const scores = scoreHooks({ hooks, evidence: ev, nowMs, policy: used });
      const live = deps.db
        .select()
        .from(creatives)
        .where(and(eq(creatives.accountId, accountId), inArray(creatives.status, ['launched', 'launching'])))
        .all();
      const hourAgo = new Date(nowMs - 3_600_000).toISOString();
      const edits = deps.db.select().from(budgetEdits).where(and(eq(budgetEdits.accountId, accountId), gte(budgetEdits.createdAt, hourAgo))).all();
      const caps = {
        maxLiveAds: accountCaps.maxLiveAds,
        dailySpendCapCents: accountCaps.totalDailySpendCapCents,
        adSetDailyBudgetCents: accountCaps.adSetDailyBudgetCents,
        maxAdSetDailyBudgetCents: accountCaps.maxAdSetDailyBudgetCents,
        generationCostTodayCents: generationCostTodayCents(deps.db, accountId, at, deps.creditUsd),
        mediaSpendTodayCents: ev.reduce((sum, e) => sum + (e.spendTodayCents ?? 0), 0),
      };
      const plan = learnPlan({
        hooks,
        evidence: ev,
        nowMs,
        caps,
        budgetEditsLastHour: edits.reduce<Record<string, number>>((m, e) => ({ ...m, [e.adsetId]: (m[e.adsetId] ?? 0) + 1 }), {}),
        currentBudgets: Object.fromEntries(live.filter((c) => c.metaAdsetId).map((c) => [c.metaAdsetId!, c.dailyBudgetCents ?? accountCaps.adSetDailyBudgetCents])),
        policy: used,
        seed: cycleId,
        dayStartMs: Date.parse(`${today}T00:00:00Z`),
        format,
      });
      // The learning core sizes launches by the caps; the cycle asks for at most `wanted`.
      const launches = plan.decisions.filter((d) => d.kind === 'launch').slice(0, wanted);
      // The format is decided with the hook: forced by the cycle, else a seeded draw against VIDEO_SHARE
      // among the formats the hook allows (so a retried plan decides the same).
      const formatRng = createRng(`${cycleId}:format`);
      const formatOf = (hookId: string): 'image' | 'video' => {
        if (format) return format;
        const allowed = hooks.find((h) => h.id === hookId)?.formats ?? ['image'];
        const wantsVideo = formatRng.next() < account.videoShare;
        return wantsVideo && allowed.includes('video') ? 'video' : allowed.includes('image') ? 'image' : 'video';
      };
      const slots: PlannedSlot[] = launches.map((d, i) => ({
        slot: i,
        hookId: d.hookId!,
        format: formatOf(d.hookId!),
        style: d.style,
        sampledValue: d.probability ?? 0,
        reason: d.reason,
      }));
      const skipReasons = plan.decisions.filter((d) => d.kind === 'skip-launch').map((d) => d.reason);
      const skipped = Array.from({ length: wanted - slots.length }, () => ({
        reason: skipReasons[0] ?? 'no launch fits under the live-ad cap and the daily spend cap',
      }));
      const kept = plan.decisions.filter((d) => d.kind !== 'launch' || launches.includes(d));
      const texts = insightTexts(scores, kept);
      const stamp = at.toISOString();
      deps.db.transaction((tx) => {
        // A retried plan rewrites its own rows instead of duplicating them.
        tx.delete(insights).where(and(eq(insights.cycleId, cycleId), eq(insights.accountId, accountId), notInArray(insights.kind, RECONCILE_KINDS))).run();
        tx.delete(decisions).where(and(eq(decisions.cycleId, cycleId), eq(decisions.accountId, accountId))).run();
        for (const t of texts) {
          tx.insert(insights).values({ accountId, cycleId, kind: t.kind, subject: t.subject, text: t.text, confidence: t.confidence, createdAt: stamp }).run();
        }
        for (const d of kept) {
          tx.insert(decisions)
            .values({
              accountId,
              cycleId,
              kind: d.kind === 'launch' ? 'choose' : d.kind,
              creativeId: d.creativeId ?? null,
              hookId: d.hookId ?? null,
              reason: d.reason,
              probability: d.probability ?? null,
              snapshot: { ...d.snapshot, policy: used, seed: cycleId, ...(d.kind === 'launch' && plan.choice ? { prior: plan.choice.posterior.prior } : {}) },
              createdAt: stamp,
            })
            .run();
        }
      });
      const byAdset = new Map(live.map((c) => [c.metaAdsetId, c.id]));
      const actions: CreativeAction[] = plan.decisions
        .filter((d) => d.kind === 'pause' || d.kind === 'scale')
        .map((d) => ({
          kind: d.kind as 'pause' | 'scale',
          creativeId: d.creativeId ?? (d.adSetId ? byAdset.get(d.adSetId) : undefined) ?? '',
          toBudgetCents: d.toBudgetCents,
          reason: d.reason,
        }))
        .filter((a) => a.creativeId);
      const best = scores.bestHookId ? scores.hooks.find((h) => h.hookId === scores.bestHookId) : undefined;
      log.info('cycle planned', { cycleId, policy: used, launches: slots.length, actions: actions.length });
      return {
        policy: used,
        seed: cycleId,
        slots,
        skipped,
        actions,
        bestHook: best ? { hookId: best.hookId, probability: best.pBest } : undefined,
        insights: texts.slice(0, 6).map((t) => t.text),
      };
    },

    /**
     * Records why a slot's creative did not go live (generation or launch failure, budget skip), when
     * the activity that failed could not write it itself (e.g. the API refused before any task existed).
     */
    async recordSlotFailure({ accountId, cycleId, slot, hookId, format, status, reason }: RecordSlotFailureInput): Promise<void> {
      const id = creativeIdOf(cycleId, slot);
      const failReason = reason.slice(0, 1000);
      deps.db
        .insert(creatives)
        .values({ id, accountId, cycleId, slot, hookId, format, status, failReason })
        .onConflictDoUpdate({ target: creatives.id, set: { status, failReason, updatedAt: now().toISOString() }, where: notInArray(creatives.status, ['launched', 'paused']) })
        .run();
    },

    /** Writes the cycle's final record (status and typed result) to the DB. */
    async recordCycle({ accountId, cycleId, status, result }: { accountId: string; cycleId: string; status: string; result: unknown }): Promise<void> {
      const at = now().toISOString();
      deps.db
        .insert(cyclesTable)
        .values({ cycleId, accountId, status, result, finishedAt: at })
        .onConflictDoUpdate({ target: cyclesTable.cycleId, set: { status, result, finishedAt: at } })
        .run();
    },
  };
}

export type InsightsActivities = ReturnType<typeof createInsightsActivities>;
