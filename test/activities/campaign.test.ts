/**
 * The campaign activities against a fake Meta client and a temp DB, in MockActivityEnvironment:
 * the launch guard refuses before Meta is called, a launch builds the whole chain PAUSED and
 * switches it on from the leaves up, and raises respect Meta's budget-edit limit and the cap.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createCampaignActivities, type ApplyActionsInput } from '../../activities/campaign';
import { budgetEditKey } from '../../db/creative-ids';
import { ACCOUNT, accounts, CAPS, fakeMeta, generatedCreative, launchedCreative, resolves, runIn, tempDb } from './fixtures';

function campaign(meta: ReturnType<typeof fakeMeta>, caps = CAPS) {
  const t = tempDb();
  const acts = createCampaignActivities({
    db: t.db,
    creatives: t.creatives,
    accounts: accounts(meta, { caps }),
    creditUsd: 0.005,
    now: t.now,
    createLookup: { windowMs: 0, intervalMs: 1 },
  });
  return { ...t, acts, env: new MockActivityEnvironment() };
}

describe('launchCreative', () => {
  it('refuses a launch over the daily spend cap: the creative is skipped with the reason and Meta is never called', async () => {
    const meta = fakeMeta({}); // any call throws
    // Room for one more worst day of 625 cents, minus one cent.
    const { acts, env, creatives } = campaign(meta, { ...CAPS, totalDailySpendCapCents: 3 * 625 + 624 });
    for (let i = 0; i < 3; i++) launchedCreative(creatives, 'live', i);
    const id = generatedCreative(creatives, 'cycle-1');
    const err = await runIn(env, acts.launchCreative, { accountId: ACCOUNT, creativeId: id }).catch((e: unknown) => e);
    expect(err).toMatchObject({ type: 'SpendCapReached', nonRetryable: true });
    expect((err as Error).message).toBe("not launched: daily spend cap: 1875 committed + 625 (a 500-cent budget's worst day) > 2499 cents");
    expect(creatives.get(id)).toMatchObject({
      status: 'skipped',
      failReason: "daily spend cap: 1875 committed + 625 (a 500-cent budget's worst day) > 2499 cents",
    });
  });

  it('builds campaign, ad set, creative and ad PAUSED, then switches them on from the ad up', async () => {
    let next = 100;
    const created = (kind: string) => vi.fn(async (_account: string, params: { name: string }) => ({ id: String(next++), kind, name: params.name }));
    const setStatus = vi.fn(async () => ({ success: true }));
    const meta = fakeMeta({
      findByName: resolves([]),
      createCampaign: created('campaign'),
      createAdSet: created('adset'),
      uploadImage: resolves('hash-1'),
      createCreative: created('creative'),
      createAd: created('ad'),
      setStatus,
    });
    const { acts, env, creatives, dir } = campaign(meta);
    const file = path.join(dir, 'picture.png');
    writeFileSync(file, 'png bytes');
    const id = generatedCreative(creatives, 'cycle-2', 0, file);
    const result = await runIn(env, acts.launchCreative, { accountId: ACCOUNT, creativeId: id });
    expect(result).toEqual({ creativeId: id, campaignId: '100', adsetId: '101', imageHash: 'hash-1', adCreativeId: '102', adId: '103', dailyBudgetCents: 500 });
    expect(setStatus.mock.calls).toEqual([
      ['103', 'ACTIVE'],
      ['101', 'ACTIVE'],
      ['100', 'ACTIVE'],
    ]);
    expect(meta.createAdSet).toHaveBeenCalledWith(
      ACCOUNT,
      expect.objectContaining({ name: `maa|${id}|hook=h-image|adset`, status: 'PAUSED', daily_budget: 500 }),
    );
    expect(creatives.get(id)).toMatchObject({
      status: 'launched',
      metaCampaignId: '100',
      metaAdsetId: '101',
      metaCreativeId: '102',
      metaAdId: '103',
      metaImageHash: 'hash-1',
    });
    // A retry finds every object in the ledger and creates nothing more.
    await runIn(env, acts.launchCreative, { accountId: ACCOUNT, creativeId: id });
    expect(meta.createAd).toHaveBeenCalledTimes(1);
  });
});

describe('applyActions', () => {
  it("respects Meta's 4 budget edits per ad set per hour", async () => {
    const setDailyBudget = vi.fn(async () => ({ success: true }));
    const { acts, env, creatives } = campaign(fakeMeta({ setDailyBudget }));
    const busy = launchedCreative(creatives, 'earlier', 0);
    const calm = launchedCreative(creatives, 'earlier', 1);
    for (let i = 0; i < 4; i++)
      creatives.budgetEditIntended({ key: budgetEditKey(`cycle-${i}`, busy.adsetId), accountId: ACCOUNT, adsetId: busy.adsetId, fromCents: 500, toCents: 500 });
    for (let i = 0; i < 3; i++)
      creatives.budgetEditIntended({ key: budgetEditKey(`cycle-${i}`, calm.adsetId), accountId: ACCOUNT, adsetId: calm.adsetId, fromCents: 500, toCents: 500 });
    const input: ApplyActionsInput = {
      accountId: ACCOUNT,
      cycleId: 'cycle-9',
      actions: [
        { kind: 'scale', creativeId: busy.id, toBudgetCents: 600, reason: 'winner' },
        { kind: 'scale', creativeId: calm.id, toBudgetCents: 600, reason: 'winner' },
      ],
    };
    const result = await runIn(env, acts.applyActions, input);
    expect(result.skipped).toEqual([
      { kind: 'scale', creativeId: busy.id, toBudgetCents: 600, reason: 'winner', why: 'Meta allows 4 budget edits per ad set per hour' },
    ]);
    expect(result.applied).toEqual([{ kind: 'scale', creativeId: calm.id, toBudgetCents: 600, reason: 'winner', adsetId: calm.adsetId }]);
    expect(setDailyBudget.mock.calls).toEqual([[calm.adsetId, 600]]);
    expect(creatives.get(busy.id)!.dailyBudgetCents).toBe(500);
    expect(creatives.get(calm.id)!.dailyBudgetCents).toBe(600);
  });

  it('refuses a raise over the spend cap, pauses a loser, and skips what is not a launched creative of the account', async () => {
    const setStatus = vi.fn(async () => ({ success: true }));
    const setDailyBudget = vi.fn(async () => ({ success: true }));
    const { acts, env, creatives } = campaign(fakeMeta({ setStatus, setDailyBudget }), { ...CAPS, totalDailySpendCapCents: 2 * 625 + 100 });
    const winner = launchedCreative(creatives, 'earlier', 0);
    const loser = launchedCreative(creatives, 'earlier', 1);
    const input: ApplyActionsInput = {
      accountId: ACCOUNT,
      cycleId: 'cycle-9',
      actions: [
        { kind: 'scale', creativeId: winner.id, toBudgetCents: 600, reason: 'winner' }, // +125 cents on its worst day
        { kind: 'pause', creativeId: loser.id, reason: 'worse than the leader' },
        { kind: 'pause', creativeId: 'nobody:s0', reason: 'gone' },
      ],
    };
    const result = await runIn(env, acts.applyActions, input);
    expect(result.skipped.map((s) => s.why)).toEqual(['would exceed the daily spend cap', 'not a launched creative of this account']);
    expect(result.applied).toEqual([{ kind: 'pause', creativeId: loser.id, reason: 'worse than the leader', adsetId: loser.adsetId }]);
    expect(setDailyBudget).not.toHaveBeenCalled();
    expect(setStatus.mock.calls).toEqual([[loser.adsetId, 'PAUSED']]);
    expect(creatives.get(loser.id)).toMatchObject({ status: 'paused', failReason: 'worse than the leader' });
  });
});
