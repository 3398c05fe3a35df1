// The highest rate-limit usage the simulator has reported in its answers' headers since it started
// (or since the last reset): x-business-use-case-usage per ad account and bucket, and x-app-usage.
// A caller in another process reads it with GET /__sim/usage and resets it with DELETE /__sim/usage,
// e.g. a benchmark that wants the peak usage of one measurement window.

/** Percentages, as Meta reports them (100 = the limit). */
export interface UsagePeak {
  call_count: number;
  total_cputime: number;
  total_time: number;
}

export interface UsageSnapshot {
  /** Answers observed (admin calls excluded). */
  responses: number;
  /** Highest x-app-usage values. */
  app: UsagePeak;
  /** Highest x-business-use-case-usage values, per ad account id and bucket type. */
  businessUseCase: Record<string, Record<string, UsagePeak>>;
}

const zero = (): UsagePeak => ({ call_count: 0, total_cputime: 0, total_time: 0 });

function raise(peak: UsagePeak, seen: Partial<UsagePeak>): void {
  for (const k of ['call_count', 'total_cputime', 'total_time'] as const) {
    const v = seen[k];
    if (typeof v === 'number' && v > peak[k]) peak[k] = v;
  }
}

function parse(text: string | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export class UsageTracker {
  private responses = 0;
  private app = zero();
  private buc = new Map<string, Map<string, UsagePeak>>();

  observe(headers: Record<string, string>): void {
    this.responses++;
    const app = parse(headers['x-app-usage']);
    if (app && typeof app === 'object') raise(this.app, app as Partial<UsagePeak>);
    const buc = parse(headers['x-business-use-case-usage']);
    if (!buc || typeof buc !== 'object') return;
    for (const [account, entries] of Object.entries(buc as Record<string, unknown>)) {
      if (!Array.isArray(entries)) continue;
      const perType = this.buc.get(account) ?? new Map<string, UsagePeak>();
      this.buc.set(account, perType);
      for (const e of entries as Array<Partial<UsagePeak> & { type?: string }>) {
        const type = e.type ?? 'unknown';
        const peak = perType.get(type) ?? zero();
        perType.set(type, peak);
        raise(peak, e);
      }
    }
  }

  snapshot(): UsageSnapshot {
    const businessUseCase = Object.fromEntries([...this.buc].map(([account, perType]) => [account, Object.fromEntries(perType)]));
    return { responses: this.responses, app: { ...this.app }, businessUseCase };
  }

  reset(): void {
    this.responses = 0;
    this.app = zero();
    this.buc.clear();
  }
}
