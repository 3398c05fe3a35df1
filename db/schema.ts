/**
 * The performance DB: the single schema source. drizzle-kit generates the SQL migrations in
 * db/migrations from this file (`npm run db:generate`); they are committed and applied at start.
 * Only activities touch the DB.
 */
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`;

/** One row per creative the agent decided to make (one slot of one cycle), whatever became of it. */
export const creatives = sqliteTable(
  'creatives',
  {
    id: text('id').primaryKey(), // `${cycleId}:s${slot}`
    accountId: text('account_id').notNull(),
    cycleId: text('cycle_id').notNull(),
    slot: integer('slot').notNull(),
    hookId: text('hook_id').notNull(),
    format: text('format', { enum: ['image', 'video'] }).notNull(),
    status: text('status', {
      enum: ['planned', 'generating', 'generated', 'generation_failed', 'launching', 'launched', 'launch_failed', 'paused', 'skipped'],
    }).notNull(),
    model: text('model'),
    prompt: text('prompt'),
    kieTaskId: text('kie_task_id'),
    costCredits: real('cost_credits').notNull().default(0),
    costUsd: real('cost_usd').notNull().default(0),
    filePath: text('file_path'),
    failReason: text('fail_reason'),
    dailyBudgetCents: integer('daily_budget_cents'),
    metaImageHash: text('meta_image_hash'),
    metaCampaignId: text('meta_campaign_id'),
    metaAdsetId: text('meta_adset_id'),
    metaCreativeId: text('meta_creative_id'),
    metaAdId: text('meta_ad_id'),
    launchedAt: text('launched_at'),
    pausedAt: text('paused_at'),
    createdAt: text('created_at').notNull().default(now),
    updatedAt: text('updated_at').notNull().default(now),
  },
  (t) => [index('creatives_account_status').on(t.accountId, t.status), uniqueIndex('creatives_meta_ad').on(t.metaAdId)],
);

/** Ad-level daily insights as Meta reports them (restated days are upserted). */
export const performance = sqliteTable(
  'performance',
  {
    accountId: text('account_id').notNull(),
    adId: text('ad_id').notNull(),
    date: text('date').notNull(), // YYYY-MM-DD, account time zone
    adsetId: text('adset_id'),
    campaignId: text('campaign_id'),
    impressions: integer('impressions').notNull(),
    reach: integer('reach').notNull().default(0),
    clicks: integer('clicks').notNull().default(0), // all clicks
    linkClicks: integer('link_clicks').notNull().default(0),
    landingPageViews: integer('landing_page_views').notNull().default(0),
    conversions: integer('conversions').notNull().default(0), // results of the account's type: pixel leads, or purchases
    // Purchase value of those results, cents (sales accounts; null when Meta reports no value)
    conversionValueCents: integer('conversion_value_cents'),
    spendCents: integer('spend_cents').notNull().default(0),
    fetchedAt: text('fetched_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.adId, t.date] }), index('performance_account_date').on(t.accountId, t.date)],
);

/** Human-readable conclusions with a confidence, written every cycle. */
export const findings = sqliteTable('findings', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  accountId: text('account_id').notNull(),
  cycleId: text('cycle_id').notNull(),
  kind: text('kind').notNull(), // creative_score, hook_score, best_hook, pause, ...
  subject: text('subject').notNull(), // creative id or hook id
  text: text('text').notNull(),
  confidence: real('confidence').notNull(),
  data: text('data', { mode: 'json' }),
  createdAt: text('created_at').notNull().default(now),
});

/** Audit trail: every choose / pause / scale / skip decision with its evidence. */
export const decisions = sqliteTable('decisions', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  accountId: text('account_id').notNull(),
  cycleId: text('cycle_id').notNull(),
  kind: text('kind').notNull(),
  creativeId: text('creative_id'),
  hookId: text('hook_id'),
  reason: text('reason').notNull(),
  probability: real('probability'),
  snapshot: text('snapshot', { mode: 'json' }),
  createdAt: text('created_at').notNull().default(now),
});

/**
 * Idempotency ledger for every external side effect (Meta creates, Kie tasks, budget edits).
 * The row is written with its key BEFORE the call; a retry that finds it `pending` reconciles
 * (looks the object up by its deterministic name) instead of creating a second one.
 */
export const sideEffects = sqliteTable('side_effects', {
  key: text('key').primaryKey(),
  accountId: text('account_id').notNull(),
  kind: text('kind').notNull(), // meta.campaign, meta.adset, meta.creative, meta.ad, meta.activate, kie.image, meta.budget
  name: text('name').notNull(), // deterministic name used for lookups
  // pending: a create is in flight or its outcome is unknown; failed: every attempt was refused (nothing exists)
  status: text('status', { enum: ['pending', 'done', 'failed'] }).notNull(),
  externalId: text('external_id'),
  attempts: integer('attempts').notNull().default(0),
  createdAt: text('created_at').notNull().default(now),
  updatedAt: text('updated_at').notNull().default(now),
});

/** Paid generation jobs (Kie), with the estimate before and the actual cost after. */
export const generationTasks = sqliteTable(
  'generation_tasks',
  {
    key: text('key').primaryKey(), // idempotency key: creative id + kind
    accountId: text('account_id').notNull(),
    creativeId: text('creative_id').notNull(),
    provider: text('provider').notNull(), // kie
    model: text('model').notNull(),
    taskId: text('task_id'),
    callbackToken: text('callback_token'),
    state: text('state').notNull(), // submitting, submitted, success, fail, abandoned
    estimatedCredits: real('estimated_credits').notNull(),
    actualCredits: real('actual_credits'),
    resultUrl: text('result_url'),
    failReason: text('fail_reason'),
    submitAttempts: integer('submit_attempts').notNull().default(0),
    createdAt: text('created_at').notNull().default(now),
    completedAt: text('completed_at'),
  },
  (t) => [index('generation_tasks_account_created').on(t.accountId, t.createdAt)],
);

/** Budget edits per ad set, to respect Meta's 4 edits / ad set / hour. */
export const budgetEdits = sqliteTable('budget_edits', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  key: text('key').notNull().unique(),
  accountId: text('account_id').notNull(),
  adsetId: text('adset_id').notNull(),
  fromCents: integer('from_cents').notNull(),
  toCents: integer('to_cents').notNull(),
  createdAt: text('created_at').notNull().default(now),
});

/** One row per cycle, with its typed result as JSON. */
export const cycles = sqliteTable('cycles', {
  cycleId: text('cycle_id').primaryKey(),
  accountId: text('account_id').notNull(),
  status: text('status').notNull(),
  result: text('result', { mode: 'json' }),
  startedAt: text('started_at').notNull().default(now),
  finishedAt: text('finished_at'),
});

/**
 * An operator's choice for an account's next cycle (a hook, a format, or both), kept until a cycle
 * claims it. The claiming cycle's id is written on the row, so a retried plan finds the same one.
 */
export const nextCycleOverrides = sqliteTable(
  'next_cycle_overrides',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    accountId: text('account_id').notNull(),
    hookId: text('hook_id'),
    format: text('format', { enum: ['image', 'video'] }),
    requestedBy: text('requested_by').notNull(),
    createdAt: text('created_at').notNull().default(now),
    claimedBy: text('claimed_by'),
    claimedAt: text('claimed_at'),
  },
  (t) => [index('next_cycle_overrides_account').on(t.accountId, t.claimedBy)],
);
