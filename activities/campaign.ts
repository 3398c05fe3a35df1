/**
 * Campaign activities (queue `ad-campaign`): every Meta write. A launch builds
 * campaign -> ad set -> creative -> ad, all PAUSED, and activates them only once the whole chain
 * exists. Each create is idempotent through the ledger (deterministic name + key recorded first),
 * and the spend cap is reserved in the same DB transaction that marks the creative `launching`.
 */
import { ApplicationFailure, heartbeat, log, sleep } from '@temporalio/activity';
import { and, eq, gte, sql } from 'drizzle-orm';
import { readFile } from 'node:fs/promises';
import type { Db } from '../db/client';
import { budgetEdits, creatives, generationTasks } from '../db/schema';
import { capRoom, worstDaySpendCents } from '../learning/capacity';
import type { Accounts, AccountCaps } from './accounts';
import { sweepDuplicates } from './duplicates';
import { domainFailure, mapErrors, nothingCreated } from './errors';
import { generationCostTodayCents, mediaCommittedTodayCents } from './generation-budget';
import { ensureCreated, type EnsureOptions } from './ledger';
import type { MetaClient } from './ports/meta-client';

export interface CampaignDeps {
  db: Db;
  accounts: Accounts;
  creditUsd: number;
  /** How long to wait for Meta to process an uploaded video, and how often to look. */
  metaVideo?: { waitLimitMs: number; pollMs: number };
  /** How long a retry looks for an object whose create's outcome is unknown before creating it anew. */
  createLookup?: { windowMs: number; intervalMs: number };
  now?: () => Date;
}

/** Input of launchCreative: which generated creative to put live. */
export interface LaunchCreativeInput {
  accountId: string;
  creativeId: string;
}
/** Ids of everything one launch created on Meta. */
export interface LaunchCreativeResult {
  creativeId: string;
  campaignId: string;
  adsetId: string;
  adCreativeId: string;
  adId: string;
  imageHash?: string;
  videoId?: string;
  dailyBudgetCents: number;
}

export interface CreativeAction {
  kind: 'pause' | 'scale';
  creativeId: string;
  toBudgetCents?: number;
  reason: string;
}
export interface ApplyActionsInput {
  accountId: string;
  cycleId: string;
  actions: CreativeAction[];
}
export interface ApplyActionsResult {
  applied: Array<CreativeAction & { adsetId: string }>;
  skipped: Array<CreativeAction & { why: string }>;
}

/** Deterministic Meta object name: the account, cycle, slot and hook are all readable in Ads Manager. */
export const metaName = (creativeId: string, hookId: string, kind: string) => `maa|${creativeId}|hook=${hookId}|${kind}`;

export function createCampaignActivities(deps: CampaignDeps) {
  const now = deps.now ?? (() => new Date());
  const lookup = deps.createLookup ?? { windowMs: 30_000, intervalMs: 3_000 };
  /** Ledger options of every Meta create: a bounded lookup window, heartbeating while it waits. */
  const ensureOpts = (step: string): EnsureOptions => ({
    window: { tries: 1 + Math.floor(lookup.windowMs / lookup.intervalMs), intervalMs: lookup.intervalMs, onWait: () => heartbeat(`looking up ${step}`) },
    nothingCreated,
  });

  /** Committed daily spend, in cents: media (mediaCommittedTodayCents) plus today's generation cost. */
  function committedTodayCents(accountId: string, caps: AccountCaps): { liveAds: number; cents: number } {
    const media = mediaCommittedTodayCents(deps.db, accountId, now(), caps.adSetDailyBudgetCents);
    return { liveAds: media.liveAds, cents: media.cents + generationCostTodayCents(deps.db, accountId, now(), deps.creditUsd) };
  }

  /** Reserves the ad set's budget under the caps, atomically with the status change. */
  function reserveBudget(accountId: string, creativeId: string, caps: AccountCaps): number {
    const budget = caps.adSetDailyBudgetCents;
    return deps.db.transaction((tx) => {
      const row = tx.select().from(creatives).where(eq(creatives.id, creativeId)).get();
      if (!row) throw domainFailure('NotFound', `creative ${creativeId} does not exist`);
      if (row.status === 'launching' || row.status === 'launched') return row.dailyBudgetCents ?? budget;
      if (row.status !== 'generated') throw domainFailure('InvalidInput', `creative ${creativeId} is ${row.status}, not generated`);
      const { liveAds, cents } = committedTodayCents(accountId, caps);
      // The creative is already generated (its cost is in `cents` if paid today): launching it commits its budget only.
      const worst = worstDaySpendCents(budget);
      const room = capRoom({ maxLiveAds: caps.maxLiveAds, dailySpendCapCents: caps.totalDailySpendCapCents, liveAds, committedCents: cents, perLaunchCents: worst });
      const why =
        room.byCount < 1
          ? `live-ad cap: ${liveAds} live, max ${caps.maxLiveAds}`
          : room.bySpend < 1
            ? `daily spend cap: ${cents} committed + ${worst} (a ${budget}-cent budget's worst day) > ${caps.totalDailySpendCapCents} cents`
            : undefined;
      if (why) {
        tx.update(creatives).set({ status: 'skipped', failReason: why }).where(eq(creatives.id, creativeId)).run();
        throw domainFailure('SpendCapReached', `not launched: ${why}`, { liveAds, committedCents: cents });
      }
      tx.update(creatives)
        .set({ status: 'launching', dailyBudgetCents: budget, updatedAt: now().toISOString() })
        .where(eq(creatives.id, creativeId))
        .run();
      return budget;
    }, { behavior: 'immediate' });
  }

  /** Uploads the creative's Veo clip once (looked up by title after a crash), by URL. */
  async function ensureVideo(meta: MetaClient, accountId: string, creativeId: string, title: string): Promise<string> {
    const task = deps.db.select().from(generationTasks).where(eq(generationTasks.key, `${creativeId}:kie.video`)).get();
    if (!task?.resultUrl) throw domainFailure('InvalidInput', `creative ${creativeId} has no generated video URL`);
    const video = await ensureCreated(
      deps.db,
      { key: `${creativeId}:meta.video`, accountId, kind: 'meta.video', name: title },
      async () => (await meta.findVideosByTitle(accountId, title))[0],
      async () => (await meta.uploadVideoFromUrl(accountId, { fileUrl: task.resultUrl!, title })).id,
      ensureOpts('video'),
    );
    return video.id;
  }

  /** Waits (heartbeating) until Meta has processed the video and offers a thumbnail; returns its URL. */
  async function waitForVideo(meta: MetaClient, videoId: string): Promise<string> {
    const { waitLimitMs, pollMs } = deps.metaVideo ?? { waitLimitMs: 600_000, pollMs: 3_000 };
    const deadline = Date.now() + waitLimitMs;
    while (Date.now() < deadline) {
      const status = await meta.videoStatus(videoId);
      if (status === 'ready') {
        const thumbs = await meta.videoThumbnails(videoId);
        const best = thumbs.find((t) => t.is_preferred) ?? thumbs[0];
        if (best) return best.uri;
      } else if (status !== 'processing') {
        throw domainFailure('MetaRequestRejected', `Meta could not process video ${videoId}: status ${status}`);
      }
      heartbeat({ videoId, status });
      await sleep(pollMs);
    }
    throw ApplicationFailure.retryable(`video ${videoId} still processing after ${waitLimitMs} ms`, 'MetaVideoProcessing');
  }

  return {
    /** Fails (MetaAuthorizationError) unless the token may create on the account; creates nothing. */
    async checkWriteAccess({ accountId }: { accountId: string }): Promise<void> {
      await mapErrors(() => deps.accounts(accountId).meta().validateWriteAccess(accountId));
    },

    async launchCreative({ accountId, creativeId }: LaunchCreativeInput): Promise<LaunchCreativeResult> {
      return mapErrors(async () => {
        const account = deps.accounts(accountId);
        const meta = account.meta();
        const budget = reserveBudget(accountId, creativeId, account.caps);
        const row = deps.db.select().from(creatives).where(eq(creatives.id, creativeId)).get()!;
        const hook = account.hooks().find((h) => h.id === row.hookId);
        if (!hook) throw domainFailure('InvalidInput', `hook ${row.hookId} is not in the hook library`);
        if (!row.filePath) throw domainFailure('InvalidInput', `creative ${creativeId} has no rendered file`);
        const name = (kind: string) => metaName(creativeId, hook.id, kind);
        const effect = (kind: string) => ({ key: `${creativeId}:meta.${kind}`, accountId, kind: `meta.${kind}`, name: name(kind) });
        const byName = (edge: 'campaigns' | 'adsets' | 'ads' | 'adcreatives', kind: string) => async () =>
          (await meta.findByName(accountId, edge, name(kind)))[0]?.id;

        const campaign = await ensureCreated(deps.db, effect('campaign'), byName('campaigns', 'campaign'), async () =>
          (await meta.createCampaign(accountId, {
            name: name('campaign'),
            objective: 'OUTCOME_TRAFFIC',
            status: 'PAUSED',
            special_ad_categories: [],
            is_adset_budget_sharing_enabled: false,
          })).id,
          ensureOpts('campaign'),
        );
        heartbeat('campaign');
        const adset = await ensureCreated(deps.db, effect('adset'), byName('adsets', 'adset'), async () =>
          (await meta.createAdSet(accountId, {
            name: name('adset'),
            campaign_id: campaign.id,
            status: 'PAUSED',
            daily_budget: budget,
            billing_event: 'IMPRESSIONS',
            optimization_goal: 'LINK_CLICKS',
            bid_strategy: 'LOWEST_COST_WITHOUT_CAP',
            destination_type: 'WEBSITE',
            targeting: {
              geo_locations: { countries: account.countries },
              age_min: 18,
              age_max: 65,
              ...(account.customAudienceIds.length ? { custom_audiences: account.customAudienceIds.map((id) => ({ id })) } : {}),
              publisher_platforms: ['facebook', 'instagram'],
              facebook_positions: ['story', 'facebook_reels'],
              instagram_positions: ['story', 'reels'],
              device_platforms: ['mobile'],
              // Explicit since v24: the custom audience is the audience, not a suggestion.
              targeting_automation: { advantage_audience: 0 },
            },
          })).id,
          ensureOpts('adset'),
        );
        heartbeat('adset');
        let media: { imageHash?: string; videoId?: string };
        let storySpec: Record<string, unknown>;
        const cta = { type: account.callToAction, value: { link: account.landingUrl } };
        if (row.format === 'video') {
          const videoId = await ensureVideo(meta, accountId, creativeId, name('video'));
          const thumbnail = await waitForVideo(meta, videoId);
          media = { videoId };
          storySpec = { page_id: account.pageId, video_data: { video_id: videoId, image_url: thumbnail, title: hook.headline, message: hook.primaryText, call_to_action: cta } };
        } else {
          // Same bytes give the same hash, so a re-upload after a crash is harmless.
          const imageHash = row.metaImageHash ?? (await meta.uploadImage(accountId, `${creativeId.replace(/[^\w-]/g, '_')}.png`, await readFile(row.filePath)));
          deps.db.update(creatives).set({ metaImageHash: imageHash }).where(eq(creatives.id, creativeId)).run();
          media = { imageHash };
          storySpec = {
            page_id: account.pageId,
            link_data: { link: account.landingUrl, message: hook.primaryText, name: hook.headline, image_hash: imageHash, call_to_action: cta },
          };
        }
        const adCreative = await ensureCreated(deps.db, effect('creative'), byName('adcreatives', 'creative'), async () =>
          (await meta.createCreative(accountId, { name: name('creative'), object_story_spec: storySpec })).id,
          ensureOpts('creative'),
        );
        heartbeat('creative');
        const ad = await ensureCreated(deps.db, effect('ad'), byName('ads', 'ad'), async () =>
          (await meta.createAd(accountId, { name: name('ad'), adset_id: adset.id, creative: { creative_id: adCreative.id }, status: 'PAUSED' })).id,
          ensureOpts('ad'),
        );
        heartbeat('ad');
        // The chain exists: switch it on from the leaves up, so nothing delivers half-built.
        await meta.setStatus(ad.id, 'ACTIVE');
        await meta.setStatus(adset.id, 'ACTIVE');
        await meta.setStatus(campaign.id, 'ACTIVE');
        deps.db
          .update(creatives)
          .set({
            status: 'launched',
            metaCampaignId: campaign.id,
            metaAdsetId: adset.id,
            metaCreativeId: adCreative.id,
            metaAdId: ad.id,
            launchedAt: row.launchedAt ?? now().toISOString(),
            updatedAt: now().toISOString(),
          })
          .where(eq(creatives.id, creativeId))
          .run();
        // A retried create may have left a twin under the same name: delete all but the recorded one.
        const removed = await sweepDuplicates(deps.db, meta, { accountId, cycleId: row.cycleId, creativeId }, now());
        if (removed.length) log.warn('duplicate Meta objects deleted', { creativeId, removed: removed.map((r) => r.deletedId) });
        log.info('creative launched', { creativeId, campaignId: campaign.id, adId: ad.id });
        return { creativeId, campaignId: campaign.id, adsetId: adset.id, adCreativeId: adCreative.id, adId: ad.id, ...media, dailyBudgetCents: budget };
      });
    },

    /** Pauses losers and scales winners, idempotently, within caps and Meta's budget-edit limit. */
    async applyActions({ accountId, cycleId, actions }: ApplyActionsInput): Promise<ApplyActionsResult> {
      return mapErrors(async () => {
        const { caps, meta: metaOf } = deps.accounts(accountId);
        const meta = metaOf();
        const applied: ApplyActionsResult['applied'] = [];
        const skipped: ApplyActionsResult['skipped'] = [];
        for (const action of actions) {
          const row = deps.db.select().from(creatives).where(eq(creatives.id, action.creativeId)).get();
          if (!row?.metaAdsetId || row.accountId !== accountId) {
            skipped.push({ ...action, why: 'not a launched creative of this account' });
            continue;
          }
          if (action.kind === 'pause') {
            await meta.setStatus(row.metaAdsetId, 'PAUSED'); // idempotent by nature
            deps.db.update(creatives).set({ status: 'paused', pausedAt: now().toISOString(), failReason: action.reason }).where(eq(creatives.id, row.id)).run();
            applied.push({ ...action, adsetId: row.metaAdsetId });
            continue;
          }
          const from = row.dailyBudgetCents ?? caps.adSetDailyBudgetCents;
          const to = Math.min(action.toBudgetCents ?? from, caps.maxAdSetDailyBudgetCents);
          const key = `${cycleId}:${row.metaAdsetId}:budget`;
          const done = deps.db.select().from(budgetEdits).where(eq(budgetEdits.key, key)).get();
          if (done) {
            // Intent recorded by an earlier attempt: finish it (setting the same budget twice is harmless).
            if (row.dailyBudgetCents !== done.toCents) {
              await meta.setDailyBudget(row.metaAdsetId, done.toCents);
              deps.db.update(creatives).set({ dailyBudgetCents: done.toCents }).where(eq(creatives.id, row.id)).run();
            }
            applied.push({ ...action, toBudgetCents: done.toCents, adsetId: row.metaAdsetId });
            continue;
          }
          const hourAgo = new Date(now().getTime() - 3600_000).toISOString();
          const recent = deps.db
            .select({ n: sql<number>`count(*)` })
            .from(budgetEdits)
            .where(and(eq(budgetEdits.adsetId, row.metaAdsetId), gte(budgetEdits.createdAt, hourAgo)))
            .get()!.n;
          const { cents } = committedTodayCents(accountId, caps);
          const why =
            to <= from
              ? 'not an increase'
              : recent >= 4
                ? 'Meta allows 4 budget edits per ad set per hour'
                : cents - worstDaySpendCents(from) + worstDaySpendCents(to) > caps.totalDailySpendCapCents
                  ? 'would exceed the daily spend cap'
                  : undefined;
          if (why) {
            skipped.push({ ...action, why });
            continue;
          }
          deps.db.insert(budgetEdits).values({ key, accountId, adsetId: row.metaAdsetId, fromCents: from, toCents: to, createdAt: now().toISOString() }).run();
          await meta.setDailyBudget(row.metaAdsetId, to);
          deps.db.update(creatives).set({ dailyBudgetCents: to }).where(eq(creatives.id, row.id)).run();
          applied.push({ ...action, toBudgetCents: to, adsetId: row.metaAdsetId });
        }
        return { applied, skipped };
      });
    },
  };
}

export type CampaignActivities = ReturnType<typeof createCampaignActivities>;
