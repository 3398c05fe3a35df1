// Read-only seeded objects: ad accounts, pages and custom audiences (reference 13.2), with just
// enough fields for clients that check them before launching.
import type { RequestCtx } from './context';
import { nonexistingField, parseFields, pickStruct } from './fields';
import type { Account } from './store';
import { graphTime } from './clock';
import { minDailyBudgetCents } from './enums';

type Fixture = Record<string, unknown>;

function projectFixture(ctx: RequestCtx, full: Fixture, nodeType: string): Fixture {
  const specs = parseFields(ctx.params.string('fields')) ?? [];
  const out: Fixture = { id: full.id };
  for (const s of specs) {
    if (!(s.name in full)) throw nonexistingField(s.name, nodeType);
    const v = full[s.name];
    if (v !== undefined) out[s.name] = s.sub ? pickStruct(v, s.sub) : v;
  }
  return out;
}

export function accountNode(ctx: RequestCtx, account: Account): unknown {
  const spent = [...ctx.world.delivery.days.entries()]
    .filter(([adId]) => ctx.world.store.get('ad', adId)?.accountId === account.accountId)
    .reduce((sum, [, days]) => sum + [...days.values()].reduce((s, t) => s + t.spend, 0), 0);
  return projectFixture(
    ctx,
    {
      id: account.id,
      account_id: account.accountId,
      name: account.name,
      currency: 'USD',
      timezone_name: 'Etc/UTC',
      timezone_offset_hours_utc: 0,
      account_status: 1,
      disable_reason: 0,
      amount_spent: String(Math.round(spent * 100)),
      balance: '0',
      spend_cap: '0',
      min_daily_budget: minDailyBudgetCents('IMPRESSIONS'),
      is_prepay_account: false,
      funding_source_details: { type: 1, display_string: 'Visa *1234 (simulated)' },
    },
    'AdAccount',
  );
}

export function minimumBudgets(): unknown {
  return {
    data: [
      {
        currency: 'USD',
        min_daily_budget_imp: minDailyBudgetCents('IMPRESSIONS'),
        min_daily_budget_high_freq: minDailyBudgetCents('LINK_CLICKS'),
        min_daily_budget_low_freq: minDailyBudgetCents('APP_INSTALLS'),
        min_daily_budget_video_views: minDailyBudgetCents('THRUPLAY'),
      },
    ],
  };
}

function audienceFixture(id: string, name: string, account: Account | undefined): Fixture {
  return {
    id,
    name,
    account_id: account?.accountId,
    subtype: 'CUSTOM',
    approximate_count_lower_bound: 12000,
    approximate_count_upper_bound: 14100,
    delivery_status: { code: 200, description: 'This audience is ready for use.' },
    operation_status: { code: 200, description: 'Normal' },
    description: 'Seeded by the Meta simulator',
  };
}

export function audienceNode(ctx: RequestCtx, id: string): unknown {
  const a = ctx.world.store.audiences.get(id)!;
  const account = [...ctx.world.store.accounts.values()][0];
  return projectFixture(ctx, audienceFixture(a.id, a.name, account), 'CustomAudience');
}

export function audienceEdge(ctx: RequestCtx, account: Account): unknown {
  const data = [...ctx.world.store.audiences.values()].map((a) => projectFixture(ctx, audienceFixture(a.id, a.name, account), 'CustomAudience'));
  return { data };
}

export function pageNode(ctx: RequestCtx, id: string): unknown {
  return projectFixture(ctx, { id, name: `Sim Page ${id.slice(-4)}`, category: 'Software', is_published: true }, 'Page');
}

function pixelFixture(ctx: RequestCtx, id: string): Fixture {
  return {
    id,
    name: `Sim Pixel ${id.slice(-4)}`,
    code: `<!-- Meta Pixel Code (simulated) --><script>fbq('init', '${id}');</script>`,
    creation_time: '2026-01-05T10:00:00+0000',
    last_fired_time: graphTime(ctx.now),
    is_unavailable: false,
    data_use_setting: 'ADVERTISING_AND_ANALYTICS',
  };
}

/** GET /act_{id}/adspixels: the pixels (datasets) the account owns. */
export function pixelEdge(ctx: RequestCtx, account: Account): unknown {
  const ids = [...ctx.world.store.pixels.keys()].filter((id) => ctx.world.store.ownsPixel(account.accountId, id));
  return { data: ids.map((id) => projectFixture(ctx, pixelFixture(ctx, id), 'AdsPixel')) };
}

/** GET /{pixel_id}. */
export function pixelNode(ctx: RequestCtx, id: string): unknown {
  return projectFixture(ctx, pixelFixture(ctx, id), 'AdsPixel');
}
