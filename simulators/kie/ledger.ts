/**
 * Per-key credit balances and the two rate limits (§7): creates per rolling window and status
 * queries per second. Rate-limit windows run in REAL time: they constrain the client, whose
 * request pace a time-scaled test does not change.
 */
import type { ResolvedConfig } from './config';

export class Ledger {
  private readonly balances = new Map<string, number>();
  private readonly createHits = new Map<string, number[]>();
  private readonly statusHits = new Map<string, number[]>();

  constructor(private readonly cfg: ResolvedConfig) {
    for (const [key, credits] of Object.entries(cfg.apiKeys)) this.balances.set(key, credits);
  }

  isKnownKey(key: string | undefined): key is string {
    return key !== undefined && this.balances.has(key);
  }

  defaultKey(): string | undefined {
    return this.balances.keys().next().value;
  }

  balance(key: string): number {
    return this.balances.get(key) ?? 0;
  }

  /** Sets a balance; also registers a new valid key. */
  set(key: string, credits: number): void {
    this.balances.set(key, Math.floor(credits));
  }

  debit(key: string, credits: number): void {
    this.balances.set(key, Math.max(0, this.balance(key) - credits));
  }

  credit(key: string, credits: number): void {
    this.balances.set(key, this.balance(key) + credits);
  }

  all(): Record<string, number> {
    return Object.fromEntries(this.balances);
  }

  /** Records a create call; false when the key is over its rolling-window limit (not recorded then). */
  allowCreate(key: string, now = Date.now()): boolean {
    const rl = this.cfg.rateLimits;
    if (rl === false) return true;
    return hit(this.createHits, key, now, rl.createWindowMs, rl.createsPerWindow);
  }

  /** Records a status call; false when the key made more than the per-second limit. */
  allowStatus(key: string, now = Date.now()): boolean {
    const rl = this.cfg.rateLimits;
    if (rl === false) return true;
    return hit(this.statusHits, key, now, 1000, rl.statusPerSecond);
  }
}

function hit(map: Map<string, number[]>, key: string, now: number, windowMs: number, limit: number): boolean {
  const recent = (map.get(key) ?? []).filter((t) => now - t < windowMs);
  if (recent.length >= limit) {
    map.set(key, recent);
    return false;
  }
  recent.push(now);
  map.set(key, recent);
  return true;
}
