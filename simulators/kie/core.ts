/**
 * The simulator's in-memory world: tasks of both families, credits, faults, callbacks, result
 * files and every pending timer (so close() leaves nothing running). Route modules receive it.
 */
import { randomBytes } from 'node:crypto';
import { CallbackSender } from './callbacks';
import { type ResolvedConfig, scaled } from './config';
import { FaultBook } from './faults';
import { FileStore } from './files';
import { Ledger } from './ledger';
import type { KieFaultRule, KieTaskView, PriceKey } from './types';
import type { MarketSpec } from './validate-market';
import type { VeoSpec } from './validate-veo';

export type MarketState = 'waiting' | 'queuing' | 'generating' | 'success' | 'fail';

/** Fields every task family shares; admitCreate fills them in. */
export interface TaskBase {
  taskId: string;
  apiKey: string;
  model: string;
  /** The create body as received (parsed JSON). */
  body: unknown;
  createTime: number;
  updateTime: number;
  completeTime: number | null;
  callBackUrl: string | undefined;
  price: number;
  /** Credits currently taken for this task (0 after a refund). */
  charged: number;
}

export interface MarketTask extends TaskBase {
  family: 'market';
  spec: MarketSpec;
  state: MarketState;
  failCode: string;
  failMsg: string;
  resultUrls: string[];
}

/** A Veo 1080p / 4K upgrade of a successful task. */
export interface Upgrade {
  readyAt: number;
  done: boolean;
  resultUrls: string[];
  imageUrls: string[];
  callBackUrl: string | undefined;
}

export interface VeoTask extends TaskBase {
  family: 'veo';
  spec: VeoSpec;
  successFlag: 0 | 1 | 2 | 3;
  errorCode: number | null;
  errorMessage: string | null;
  resultUrls: string[];
  originUrls: string[];
  upgrades: Partial<Record<'1080p' | '4k', Upgrade>>;
}

export type Task = MarketTask | VeoTask;

export class SimCore {
  readonly tasks = new Map<string, Task>();
  readonly ledger: Ledger;
  readonly faults: FaultBook;
  readonly callbacks: CallbackSender;
  readonly files: FileStore;
  baseUrl = '';
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    readonly cfg: ResolvedConfig,
    readonly rng: () => number,
  ) {
    this.ledger = new Ledger(cfg);
    this.faults = new FaultBook(rng);
    this.callbacks = new CallbackSender(cfg, (ms, fn) => this.after(ms, fn));
    this.files = new FileStore(cfg, () => this.baseUrl);
  }

  static newTaskId(): string {
    return randomBytes(16).toString('hex');
  }

  /** Runs fn after `realMs` real milliseconds, unless the simulator closes first. */
  after(realMs: number, fn: () => void): void {
    if (this.closed) return;
    const t = setTimeout(
      () => {
        this.timers.delete(t);
        fn();
      },
      Math.max(0, realMs),
    );
    this.timers.add(t);
  }

  /** Real ms for a documented duration. */
  scaled(documentedMs: number): number {
    return scaled(this.cfg, documentedMs);
  }

  price(key: PriceKey): number {
    return this.cfg.prices[key];
  }

  /** Takes the task's price now when chargeOn is 'create'. */
  chargeOnCreate(task: Task): void {
    if (this.cfg.chargeOn !== 'create' || task.price <= 0) return;
    this.ledger.debit(task.apiKey, task.price);
    task.charged = task.price;
  }

  /** At a terminal state: charge a success (chargeOn 'success') or refund a failure. */
  settle(task: Task, success: boolean): void {
    if (success && task.charged === 0 && this.cfg.chargeOn === 'success' && task.price > 0) {
      this.ledger.debit(task.apiKey, task.price);
      task.charged = task.price;
    } else if (!success && task.charged > 0) {
      this.ledger.credit(task.apiKey, task.charged);
      task.charged = 0;
    }
  }

  view(task: Task): KieTaskView {
    const state = task.family === 'market' ? task.state : (['generating', 'success', 'fail', 'generate_fail'] as const)[task.successFlag];
    return {
      taskId: task.taskId,
      family: task.family,
      model: task.model,
      state,
      ...(task.family === 'veo' ? { successFlag: task.successFlag } : {}),
      createdAt: task.createTime,
      body: task.body,
      resultUrls: [...task.resultUrls],
      apiKey: task.apiKey,
    };
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.callbacks.abortAll();
  }
}

/** What every route handler receives. `fault` is the non-slow fault rule picked for the request. */
export interface RouteCtx {
  core: SimCore;
  url: URL;
  body: unknown;
  /** The caller's valid API key ('' on unauthenticated routes). */
  apiKey: string;
  fault: KieFaultRule | undefined;
}
