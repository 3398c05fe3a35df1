// Wires the simulator's parts (store, clock, delivery, faults, rate limiter, engine) together;
// both the HTTP server and the in-process MetaSimulator handle talk to this object.
import { SimClock } from './clock';
import type { World } from './context';
import { Delivery } from './delivery';
import { Engine } from './engine';
import { Faults, type FaultKind } from './faults';
import { resolveOptions, type MetaSimOptions, type ResolvedOptions } from './options';
import { RateLimiter } from './ratelimit';
import { Rng } from './rng';
import { Store, type Kind } from './store';
import { fullView } from './views';
import { loadSnapshot, type SimSnapshot } from './persist';
import { UsageTracker } from './usage';

export interface CallRecord {
  method: string;
  path: string;
  /** HTTP status sent; 0 when a lostResponse fault dropped the connection. */
  status: number;
  /** Sim time of the call (ISO-8601). */
  at: string;
  fault?: FaultKind;
}

export class SimCore {
  readonly opts: ResolvedOptions;
  readonly world: World;
  readonly faults: Faults;
  readonly limiter: RateLimiter;
  readonly engine: Engine;
  readonly calls: CallRecord[] = [];
  /** Peak rate-limit usage reported in the answers' headers (GET /__sim/usage). */
  readonly usage = new UsageTracker();

  /** Called after anything that changes state (used to save the state file). */
  onChange: () => void = () => undefined;

  constructor(options: MetaSimOptions = {}) {
    this.opts = resolveOptions(options);
    const o = this.opts;
    const saved = loadSnapshot(o.stateFile);
    // A restored simulator never runs its clock backwards, unless a startTime is forced.
    const start = saved && !options.startTime ? Math.max(o.startTime.getTime(), saved.simNow) : o.startTime.getTime();
    const clock = new SimClock(start, o.timeScale);
    const store = new Store(o.seed, o.adAccounts, o.pageIds, o.customAudienceIds);
    store.seedPixels(o.pixels.shared, o.pixels.byAccount);
    if (saved) store.importState(saved.store);
    this.world = {
      opts: o,
      store,
      clock,
      rng: new Rng(o.seed),
      delivery: new Delivery(store, o, new Rng(o.seed ^ 0x5eed), clock.nowMs()),
      baseUrl: '',
    };
    if (saved) this.world.delivery.importState(saved.delivery);
    this.faults = new Faults(o.seed);
    this.limiter = new RateLimiter(o.rateLimit);
    this.engine = new Engine(this.world, this.faults, this.limiter);
  }

  now(): Date {
    return new Date(this.world.clock.nowMs());
  }

  advance(simMs: number): void {
    this.world.clock.advance(simMs);
    this.world.delivery.sync(this.world.clock.nowMs());
    this.onChange();
  }

  snapshot(): SimSnapshot {
    const simNow = this.world.clock.nowMs();
    this.world.delivery.sync(simNow);
    return { format: 1, simNow, store: this.world.store.exportState(), delivery: this.world.delivery.exportState() };
  }

  /** What each account's ads spent per simulated day, in cents, as delivered and reported so far. */
  spendByDay(): Array<{ accountId: string; day: string; spendCents: number }> {
    this.world.delivery.sync(this.world.clock.nowMs());
    const sums = new Map<string, number>();
    for (const [adId, days] of this.world.delivery.days) {
      const accountId = this.world.store.objects.get(adId)?.accountId ?? '?';
      for (const [day, t] of days) sums.set(`${accountId}|${day}`, (sums.get(`${accountId}|${day}`) ?? 0) + t.spend * 100);
    }
    return [...sums].map(([k, cents]) => ({ accountId: k.split('|')[0]!, day: k.split('|')[1]!, spendCents: Math.round(cents) }));
  }

  list(kind: Kind): Array<Record<string, unknown>> {
    const now = this.world.clock.nowMs();
    return this.world.store.all(kind).map((o) => fullView(o, { store: this.world.store, now }));
  }

  record(method: string, path: string, status: number, fault?: FaultKind): void {
    const entry: CallRecord = { method, path, status, at: new Date(this.world.clock.nowMs()).toISOString() };
    if (fault) entry.fault = fault;
    this.calls.push(entry);
    if (method !== 'GET') this.onChange();
  }
}
