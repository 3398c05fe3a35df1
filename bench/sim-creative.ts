/**
 * One launched creative in the simulated market: its Meta-side state (review, budget, CPM of the
 * day, clicks and conversions not yet reported) and the CreativeEvidence the agent sees, kept up to
 * date tick by tick the way the insights API would report it. Conversions (results scenarios) are
 * credited to the click's date when they show up, days later, so past daily rows grow.
 */
import type { Rng } from '../learning/random';
import type { CreativeEvidence, DailyEvidence } from '../learning/types';
import {
  ctrAt,
  DAY_MS,
  drawClickDelayTicks,
  drawConversionDelayTicks,
  drawCpmUsd,
  poisson,
  T0_MS,
  TICK_MS,
  TICK_PROFILE,
  TICKS_PER_DAY,
  type LaunchDraws,
  type Truth,
} from './market';

/** Ticks whose impressions may still get clicks reported (3 h). */
const PENDING_TICKS = 12;

/** A creative as the simulator tracks it. */
export interface SimCreative {
  ev: CreativeEvidence;
  hook: number;
  launchTick: number;
  liveTick: number;
  draws: LaunchDraws;
  state: 'review' | 'live' | 'paused' | 'rejected';
  budget: number;
  cpmDay: number;
  cpmUsd: number;
  impFrac: number;
  /** Clicks waiting to become visible, by visibility tick mod 16, split by whether they belong to
   * the visibility day or the day before (Meta reports clicks on the impression's date). */
  pendingToday: Int32Array;
  pendingPrevDay: Int32Array;
  /** Impressions of the last PENDING_TICKS ticks, whose clicks may still be pending. */
  recent: Float64Array;
  recentSum: number;
  editTicks: number[];
  /** Conversion stream (results scenarios; null otherwise). */
  convRng: Rng | null;
  /** Conversions not yet reported: the tick they show up and the day they are credited to (the click's). */
  convDueTicks: number[];
  convDays: number[];
  /** Earliest due tick among them (Infinity when none). */
  nextConvTick: number;
}

/** A creative sent to review at `tick`. */
export function launchCreative(o: {
  id: string;
  hookId: string;
  hook: number;
  style?: string;
  tick: number;
  budget: number;
  draws: LaunchDraws;
  convRng?: Rng | null;
}): SimCreative {
  return {
    ev: {
      creativeId: o.id,
      hookId: o.hookId,
      style: o.style,
      launchedAtMs: T0_MS + o.tick * TICK_MS,
      impressions: 0,
      linkClicks: 0,
      conversions: 0,
      spendCents: 0,
      matureImpressions: 0,
      spendTodayCents: 0,
      daily: [],
      status: 'pending',
    },
    hook: o.hook,
    launchTick: o.tick,
    liveTick: o.tick + o.draws.reviewTicks,
    draws: o.draws,
    state: 'review',
    budget: o.budget,
    cpmDay: -1,
    cpmUsd: 0,
    impFrac: 0,
    pendingToday: new Int32Array(16),
    pendingPrevDay: new Int32Array(16),
    recent: new Float64Array(PENDING_TICKS),
    recentSum: 0,
    editTicks: [],
    convRng: o.convRng ?? null,
    convDueTicks: [],
    convDays: [],
    nextConvTick: Infinity,
  };
}

/** The insights row of `day`, created on first use. */
function rowFor(c: SimCreative, day: number): DailyEvidence {
  const daily = c.ev.daily!;
  const startMs = T0_MS + day * DAY_MS;
  for (let i = daily.length - 1; i >= 0; i--) if (daily[i]!.startMs === startMs) return daily[i]!;
  const row: DailyEvidence = { date: new Date(startMs).toISOString().slice(0, 10), startMs, impressions: 0, linkClicks: 0, conversions: 0, spendCents: 0 };
  daily.push(row);
  return row;
}

/** Start of a tick: clicks that become visible now, review that ends now, what is mature. */
export function reveal(c: SimCreative, tick: number, day: number): void {
  const slot = tick & 15;
  const today = c.pendingToday[slot]!;
  if (today > 0) {
    c.pendingToday[slot] = 0;
    c.ev.linkClicks += today;
    rowFor(c, day).linkClicks += today;
  }
  const yesterday = c.pendingPrevDay[slot]!;
  if (yesterday > 0) {
    c.pendingPrevDay[slot] = 0;
    c.ev.linkClicks += yesterday;
    rowFor(c, day - 1).linkClicks += yesterday;
  }
  if (tick >= c.nextConvTick) revealConversions(c, tick);
  if (c.state === 'review' && c.liveTick === tick) {
    c.state = c.draws.rejected ? 'rejected' : 'live';
    c.ev.status = c.draws.rejected ? 'paused' : 'live';
  }
  if (c.state === 'live' || c.state === 'paused') c.ev.matureImpressions = c.ev.impressions - c.recentSum;
}

/** Reports the conversions due by `tick`, each on its click's daily row (restating that day). */
function revealConversions(c: SimCreative, tick: number): void {
  let next = Infinity;
  let w = 0;
  for (let i = 0; i < c.convDueTicks.length; i++) {
    const due = c.convDueTicks[i]!;
    if (due <= tick) {
      c.ev.conversions++;
      rowFor(c, c.convDays[i]!).conversions++;
    } else {
      c.convDueTicks[w] = due;
      c.convDays[w] = c.convDays[i]!;
      w++;
      if (due < next) next = due;
    }
  }
  c.convDueTicks.length = w;
  c.convDays.length = w;
  c.nextConvTick = next;
}

/** What one tick of delivery produced. */
export interface TickDelivery {
  impressions: number;
  spendCents: number;
  ctr: number;
  clicks: number;
  /** True conversions of this tick's clicks, whenever they will be reported. */
  conversions: number;
}

const NOTHING: TickDelivery = { impressions: 0, spendCents: 0, ctr: 0, clicks: 0, conversions: 0 };

/** Delivers one 15-minute tick (budget paced by the daily profile, CPM drawn per day). */
export function deliver(c: SimCreative, truth: Truth, tick: number, day: number): TickDelivery {
  const ring = tick % PENDING_TICKS;
  if (c.state !== 'live') {
    if (c.recentSum > 0) {
      c.recentSum -= c.recent[ring]!;
      c.recent[ring] = 0;
    }
    return NOTHING;
  }
  if (c.cpmDay !== day) {
    c.cpmDay = day;
    c.cpmUsd = drawCpmUsd(c.draws.rng);
  }
  const share = TICK_PROFILE[tick - day * TICKS_PER_DAY]!;
  c.impFrac += (c.budget / 100 / c.cpmUsd) * 1000 * share;
  const n = Math.floor(c.impFrac);
  c.impFrac -= n;
  const spend = c.budget * share;
  const ctr = ctrAt(truth, c.hook, tick, c.launchTick, c.draws.fatigueDays);
  const clicks = poisson(c.draws.rng, n * ctr);
  const cvr = c.convRng ? truth.cvr![c.hook]! : 0;
  let conversions = 0;
  for (let k = 0; k < clicks; k++) {
    const visibleAt = tick + drawClickDelayTicks(c.draws.rng);
    if (Math.floor(visibleAt / TICKS_PER_DAY) === day) c.pendingToday[visibleAt & 15]!++;
    else c.pendingPrevDay[visibleAt & 15]!++;
    if (c.convRng && c.convRng.next() < cvr) {
      // Never reported before its click; credited to the click's (= the impression's) date.
      const due = Math.max(visibleAt, tick + drawConversionDelayTicks(c.convRng));
      c.convDueTicks.push(due);
      c.convDays.push(day);
      if (due < c.nextConvTick) c.nextConvTick = due;
      conversions++;
    }
  }
  c.ev.impressions += n;
  c.ev.spendCents += spend;
  c.ev.spendTodayCents = (c.ev.spendTodayCents ?? 0) + spend;
  const row = rowFor(c, day);
  row.impressions += n;
  row.spendCents += spend;
  c.recentSum += n - c.recent[ring]!;
  c.recent[ring] = n;
  return { impressions: n, spendCents: spend, ctr, clicks, conversions };
}
