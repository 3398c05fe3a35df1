// Insights date handling: date_preset (default last_30d, which like Meta's excludes today),
// time_range {since,until} (no UNIX timestamps, at most 37 months back -> 3018), and
// time_increment (integer 1-90, monthly, all_days) splitting into [date_start, date_stop] buckets.
import { addDays } from './clock';
import { GraphError, invalidParam } from './errors';
import type { Params } from './params';

export const DATE_PRESETS = [
  'today',
  'yesterday',
  'this_month',
  'last_month',
  'this_quarter',
  'maximum',
  'data_maximum',
  'last_3d',
  'last_7d',
  'last_14d',
  'last_28d',
  'last_30d',
  'last_90d',
  'last_week_mon_sun',
  'last_week_sun_sat',
  'last_quarter',
  'last_year',
  'this_week_mon_today',
  'this_week_sun_today',
  'this_year',
] as const;

export interface DateRange {
  since: string;
  until: string;
}

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;
const ymd = (y: number, m: number, d: number) => new Date(Date.UTC(y, m, d)).toISOString().slice(0, 10);

function monthsBack(today: string, months: number): string {
  const d = new Date(`${today}T00:00:00Z`);
  return ymd(d.getUTCFullYear(), d.getUTCMonth() - months, d.getUTCDate());
}

function preset(name: string, today: string, earliest: string): DateRange {
  const d = new Date(`${today}T00:00:00Z`);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const dow = d.getUTCDay(); // 0 = Sunday
  const q = Math.floor(m / 3) * 3;
  const lastN = (n: number) => ({ since: addDays(today, -n), until: addDays(today, -1) });
  switch (name) {
    case 'today':
      return { since: today, until: today };
    case 'yesterday':
      return lastN(1);
    case 'last_3d':
      return lastN(3);
    case 'last_7d':
      return lastN(7);
    case 'last_14d':
      return lastN(14);
    case 'last_28d':
      return lastN(28);
    case 'last_30d':
      return lastN(30);
    case 'last_90d':
      return lastN(90);
    case 'this_month':
      return { since: ymd(y, m, 1), until: today };
    case 'last_month':
      return { since: ymd(y, m - 1, 1), until: ymd(y, m, 0) };
    case 'this_quarter':
      return { since: ymd(y, q, 1), until: today };
    case 'last_quarter':
      return { since: ymd(y, q - 3, 1), until: ymd(y, q, 0) };
    case 'this_year':
      return { since: ymd(y, 0, 1), until: today };
    case 'last_year':
      return { since: ymd(y - 1, 0, 1), until: ymd(y - 1, 11, 31) };
    case 'this_week_mon_today':
      return { since: addDays(today, -((dow + 6) % 7)), until: today };
    case 'this_week_sun_today':
      return { since: addDays(today, -dow), until: today };
    case 'last_week_mon_sun': {
      const monday = addDays(today, -((dow + 6) % 7) - 7);
      return { since: monday, until: addDays(monday, 6) };
    }
    case 'last_week_sun_sat': {
      const sunday = addDays(today, -dow - 7);
      return { since: sunday, until: addDays(sunday, 6) };
    }
    default: {
      // maximum / data_maximum: from the first day with objects, at most 37 months back.
      const floor = monthsBack(today, 37);
      return { since: earliest > floor ? earliest : floor, until: today };
    }
  }
}

export function resolveRange(p: Params, today: string, earliest: string): DateRange {
  if (p.has('time_ranges')) throw invalidParam('time_ranges is not supported by the simulator; send one time_range per call.');
  const tr = p.jsonObject('time_range');
  if (tr) {
    const { since, until } = tr;
    if (typeof since !== 'string' || typeof until !== 'string' || !DAY_RE.test(since) || !DAY_RE.test(until)) {
      throw invalidParam('Param time_range must be {"since":"YYYY-MM-DD","until":"YYYY-MM-DD"}.');
    }
    if (since > until) throw invalidParam('time_range since must not be after until.');
    if (since < monthsBack(today, 37)) {
      throw new GraphError({ code: 3018, message: 'The start date of the time range cannot be beyond 37 months from the current date' });
    }
    return { since, until };
  }
  const name = p.enumOf('date_preset', DATE_PRESETS) ?? 'last_30d';
  return preset(name, today, earliest);
}

/** Splits the range into reporting buckets per time_increment. */
export function increments(p: Params, range: DateRange): DateRange[] {
  const raw = p.string('time_increment') ?? 'all_days';
  if (raw === 'all_days') return [range];
  const out: DateRange[] = [];
  if (raw === 'monthly') {
    let since = range.since;
    while (since <= range.until) {
      const d = new Date(`${since}T00:00:00Z`);
      const monthEnd = ymd(d.getUTCFullYear(), d.getUTCMonth() + 1, 0);
      const until = monthEnd < range.until ? monthEnd : range.until;
      out.push({ since, until });
      since = addDays(until, 1);
    }
    return out;
  }
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 90) {
    throw invalidParam('Param time_increment must be an integer between 1 and 90, "monthly" or "all_days".');
  }
  const step = Number(raw);
  for (let since = range.since; since <= range.until; since = addDays(since, step)) {
    const end = addDays(since, step - 1);
    out.push({ since, until: end < range.until ? end : range.until });
  }
  return out;
}
