/**
 * Fault rules injected by tests (in-process or via POST /__sim/faults). For each request the
 * book picks at most one 'slow' rule and one other rule, in insertion order, consuming `times`.
 * 'taskFail' and 'stuck' only match create calls, where they decide the new task's fate.
 */
import type { KieFaultRule } from './types';

export interface FaultContext {
  path: string;
  method: string;
  model: string | undefined;
  isCreate: boolean;
}

export interface PickedFaults {
  slow?: KieFaultRule;
  action?: KieFaultRule;
}

const KINDS: readonly KieFaultRule['kind'][] = ['code', 'taskFail', 'stuck', 'lostResponse', 'slow', 'drop'];

interface Armed {
  rule: KieFaultRule;
  left: number; // negative = unlimited
}

export class FaultBook {
  private rules: Armed[] = [];

  constructor(private readonly rng: () => number) {}

  add(rule: KieFaultRule): void {
    const problem = checkRule(rule);
    if (problem) throw new Error(`invalid fault rule: ${problem}`);
    this.rules.push({ rule, left: rule.times ?? 1 });
  }

  clear(): void {
    this.rules = [];
  }

  list(): Array<KieFaultRule & { timesLeft: number }> {
    return this.rules.map((a) => ({ ...a.rule, timesLeft: a.left }));
  }

  pick(ctx: FaultContext): PickedFaults {
    const picked: PickedFaults = {};
    for (const armed of this.rules) {
      const { rule } = armed;
      const slot = rule.kind === 'slow' ? 'slow' : 'action';
      if (picked[slot] || armed.left === 0 || !matches(rule, ctx)) continue;
      if ((rule.kind === 'taskFail' || rule.kind === 'stuck') && !ctx.isCreate) continue;
      if (rule.probability !== undefined && this.rng() >= rule.probability) continue;
      if (armed.left > 0) armed.left -= 1;
      picked[slot] = rule;
    }
    this.rules = this.rules.filter((a) => a.left !== 0);
    return picked;
  }
}

function matches(rule: KieFaultRule, ctx: FaultContext): boolean {
  const m = rule.match ?? {};
  if (m.path !== undefined && !ctx.path.includes(m.path)) return false;
  if (m.method !== undefined && m.method.toUpperCase() !== ctx.method.toUpperCase()) return false;
  if (m.model !== undefined && m.model !== ctx.model) return false;
  return true;
}

/** Returns a description of what is wrong with a rule (admin endpoint input), or undefined. */
export function checkRule(rule: unknown): string | undefined {
  if (typeof rule !== 'object' || rule === null) return 'rule must be an object';
  const r = rule as Partial<KieFaultRule>;
  if (!r.kind || !KINDS.includes(r.kind)) return `kind must be one of: ${KINDS.join(', ')}`;
  if (r.match !== undefined && (typeof r.match !== 'object' || r.match === null)) return 'match must be an object';
  if (r.kind === 'code' && typeof r.code !== 'number') return "kind 'code' needs a numeric code";
  if (r.kind === 'slow' && typeof r.delayMs !== 'number') return "kind 'slow' needs delayMs";
  if (r.successFlag !== undefined && r.successFlag !== 2 && r.successFlag !== 3) return 'successFlag must be 2 or 3';
  if (r.probability !== undefined && (r.probability < 0 || r.probability > 1)) return 'probability must be in 0..1';
  return undefined;
}
