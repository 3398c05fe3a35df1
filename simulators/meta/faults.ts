// Fault injection rules. A rule matches on method and on the path without the version prefix
// (substring first, else regular expression), fires with `probability`, and is used up after
// `times` firings (default 1; Infinity keeps it forever).
import { z } from 'zod';
import { Rng } from './rng';

/**
 * 'lostResponse' commits, then drops the connection; 'lateCommit' holds the request `delayMs` (past
 * the client's timeout), then commits and drops it: the object appears after the client gave up.
 */
export type FaultKind = 'http500' | 'transient' | 'unknown' | 'rateLimit' | 'lostResponse' | 'lateCommit' | 'slow' | 'error';

export interface FaultRule {
  /** `param`: the request parameter `name` must contain `includes` (e.g. a create's name, to spare a validate_only call). */
  match?: { method?: 'GET' | 'POST' | 'DELETE'; path?: string; param?: { name: string; includes: string } };
  kind: FaultKind;
  /** Default 1; Infinity (or "Infinity" over HTTP) never runs out. */
  times?: number;
  /** Chance that a matching request triggers the fault (default 1). */
  probability?: number;
  /** For 'slow' and 'lateCommit': real milliseconds to wait before answering (default 5000). */
  delayMs?: number;
  /** For 'error' and 'rateLimit': error code (rateLimit: 17 | 80004 | 613). */
  code?: number;
  subcode?: number;
  /** For 'error': message text (without the "(#code) " prefix). */
  message?: string;
  /** For 'error': is_transient flag (default false). */
  transient?: boolean;
}

export const faultRuleSchema = z.object({
  match: z
    .object({
      method: z.enum(['GET', 'POST', 'DELETE']).optional(),
      path: z.string().optional(),
      param: z.object({ name: z.string().min(1), includes: z.string() }).optional(),
    })
    .optional(),
  kind: z.enum(['http500', 'transient', 'unknown', 'rateLimit', 'lostResponse', 'lateCommit', 'slow', 'error']),
  times: z
    .union([z.number().positive(), z.literal('Infinity'), z.null()])
    .optional()
    .transform((t) => (t === 'Infinity' || t === null ? Infinity : t)),
  probability: z.number().min(0).max(1).optional(),
  delayMs: z.number().min(0).optional(),
  code: z.number().int().optional(),
  subcode: z.number().int().optional(),
  message: z.string().optional(),
  transient: z.boolean().optional(),
});

interface ActiveRule {
  rule: FaultRule;
  remaining: number;
}

const REGEX_CHARS = /[\^$*+?()[\]{}|\\]/;

/**
 * Plain patterns match as a substring ending at a path-segment boundary, so '/ads' matches
 * '/act_1/ads' and '/act_1/ads/x' but not '/act_1/adsets'. Patterns containing regex
 * metacharacters are used as a regular expression.
 */
export function pathMatches(pattern: string | undefined, path: string): boolean {
  if (pattern === undefined || pattern === '') return true;
  if (REGEX_CHARS.test(pattern)) {
    try {
      return new RegExp(pattern).test(path);
    } catch {
      return false;
    }
  }
  for (let i = path.indexOf(pattern); i >= 0; i = path.indexOf(pattern, i + 1)) {
    const next = path[i + pattern.length];
    if (next === undefined || next === '/' || pattern.endsWith('/')) return true;
  }
  return false;
}

export class Faults {
  private rules: ActiveRule[] = [];
  private readonly rng: Rng;

  constructor(seed: number) {
    this.rng = new Rng(seed ^ 0x0fa17);
  }

  add(rule: FaultRule): void {
    // zod 4 refuses non-finite numbers, so Infinity travels as the string form.
    const input = { ...rule, times: rule.times === Infinity ? 'Infinity' : rule.times };
    const parsed = faultRuleSchema.parse(input) as FaultRule;
    this.rules.push({ rule: parsed, remaining: parsed.times ?? 1 });
  }

  clear(): void {
    this.rules = [];
  }

  list(): FaultRule[] {
    return this.rules.map((r) => ({ ...r.rule, times: r.remaining }));
  }

  /** The first matching rule that fires for this request, consuming one use. */
  take(method: string, path: string, param: (name: string) => string | undefined = () => undefined): FaultRule | undefined {
    for (const active of this.rules) {
      const m = active.rule.match;
      if (m?.method !== undefined && m.method !== method) continue;
      if (!pathMatches(m?.path, path)) continue;
      if (m?.param && !(param(m.param.name) ?? '').includes(m.param.includes)) continue;
      if (active.rule.probability !== undefined && !this.rng.chance(active.rule.probability)) continue;
      active.remaining -= 1;
      if (active.remaining <= 0) this.rules = this.rules.filter((r) => r !== active);
      return active.rule;
    }
    return undefined;
  }
}
