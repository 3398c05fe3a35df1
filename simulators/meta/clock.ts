// Simulated clock: runs at timeScale sim-seconds per real second and can be pushed forward with
// advance(). Everything time-based (review, video processing, delivery, rate-limit windows,
// budget-edit windows) reads this clock, so tests can skip hours without sleeping.
import { performance } from 'node:perf_hooks';

export class SimClock {
  private readonly realStart = performance.now();
  private offset = 0;

  constructor(
    private readonly startMs: number,
    private readonly timeScale: number,
  ) {}

  nowMs(): number {
    return Math.floor(this.startMs + this.offset + (performance.now() - this.realStart) * this.timeScale);
  }

  advance(simMs: number): void {
    if (!Number.isFinite(simMs) || simMs < 0) throw new Error(`advance() needs a non-negative number, got ${simMs}`);
    this.offset += simMs;
  }
}

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** Graph datetime format, e.g. 2026-11-24T10:12:33+0000 (accounts are simulated in UTC). */
export function graphTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+0000');
}

/** YYYY-MM-DD of a sim instant in the account time zone (UTC). */
export function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function dayStartMs(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

export function addDays(day: string, n: number): string {
  return dayOf(dayStartMs(day) + n * DAY_MS);
}

/** Accepts ISO-8601 (with or without offset) or UNIX seconds, as Meta does for start/end times. */
export function parseGraphTime(value: string): number | undefined {
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const normalized = value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const ms = Date.parse(normalized);
  return Number.isNaN(ms) ? undefined : ms;
}
