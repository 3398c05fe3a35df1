/**
 * Number formatting for decision reasons and findings (kept in one place so every
 * audit row and finding reads the same way).
 */

/** 1234.5 → "1,235". (toLocaleString is slow enough to show up in HookBench profiles.) */
export function fmt(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** 0.01234 → "1.23 %". */
export function pct(x: number): string {
  return `${(x * 100).toFixed(2)} %`;
}

/** 550 → "$5.50". */
export function usd(cents: number): string {
  return `$${(cents / 100).toFixed(2)}`;
}

/** 0.9512 → "0.95". */
export function prob(p: number): string {
  return p.toFixed(2);
}

/** One decimal, as a number. */
export function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
