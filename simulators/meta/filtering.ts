// `filtering=[{"field":..,"operator":..,"value":..}]` evaluation for edges and insights.
// Fields may be plain ("name") or dotted ("ad.effective_status", "campaign.id").
import { invalidParam } from './errors';

export interface FilterRule {
  field: string;
  operator: string;
  value: unknown;
}

export const OPERATORS = [
  'EQUAL',
  'NOT_EQUAL',
  'GREATER_THAN',
  'GREATER_THAN_OR_EQUAL',
  'LESS_THAN',
  'LESS_THAN_OR_EQUAL',
  'IN_RANGE',
  'NOT_IN_RANGE',
  'CONTAIN',
  'NOT_CONTAIN',
  'IN',
  'NOT_IN',
  'STARTS_WITH',
  'ENDS_WITH',
  'ANY',
  'ALL',
  'NONE',
] as const;

export function parseFilters(raw: unknown[] | undefined): FilterRule[] {
  if (!raw) return [];
  return raw.map((r, i) => {
    if (typeof r !== 'object' || r === null) throw invalidParam(`Param filtering[${i}] must be an object.`);
    const { field, operator, value } = r as Record<string, unknown>;
    if (typeof field !== 'string' || typeof operator !== 'string') {
      throw invalidParam(`Param filtering[${i}] needs string "field" and "operator" keys.`);
    }
    const op = operator.toUpperCase();
    if (!(OPERATORS as readonly string[]).includes(op)) {
      throw invalidParam(`Param filtering[${i}][operator] must be one of {${OPERATORS.join(', ')}}`);
    }
    if (['IN', 'NOT_IN', 'IN_RANGE', 'NOT_IN_RANGE', 'ANY', 'ALL', 'NONE'].includes(op) && !Array.isArray(value)) {
      throw invalidParam(`Filtering operator ${op} needs an array value.`);
    }
    return { field, operator: op, value };
  });
}

export function unsupportedFilter(rule: FilterRule): never {
  throw invalidParam(`Filtering field '${rule.field}' with operation '${rule.operator}' is not supported`);
}

const GRAPH_TIME = /^\d{4}-\d{2}-\d{2}T/;

function comparable(v: unknown): number | string {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  // Datetimes compare as UNIX seconds, so callers can filter created_time by timestamp.
  if (typeof v === 'string' && GRAPH_TIME.test(v)) return Date.parse(v.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')) / 1000;
  return String(v);
}

function cmp(a: unknown, b: unknown): number {
  const x = comparable(a);
  const y = comparable(b);
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  return String(x) < String(y) ? -1 : String(x) > String(y) ? 1 : 0;
}

const eq = (a: unknown, b: unknown) => cmp(a, b) === 0;

export function matches(actual: unknown, rule: FilterRule): boolean {
  const v = rule.value;
  const list = Array.isArray(v) ? v : [];
  const values = Array.isArray(actual) ? actual : [actual];
  switch (rule.operator) {
    case 'EQUAL':
      return eq(actual, v);
    case 'NOT_EQUAL':
      return !eq(actual, v);
    case 'GREATER_THAN':
      return cmp(actual, v) > 0;
    case 'GREATER_THAN_OR_EQUAL':
      return cmp(actual, v) >= 0;
    case 'LESS_THAN':
      return cmp(actual, v) < 0;
    case 'LESS_THAN_OR_EQUAL':
      return cmp(actual, v) <= 0;
    case 'IN_RANGE':
      return cmp(actual, list[0]) >= 0 && cmp(actual, list[1]) <= 0;
    case 'NOT_IN_RANGE':
      return !(cmp(actual, list[0]) >= 0 && cmp(actual, list[1]) <= 0);
    case 'CONTAIN':
      return String(actual ?? '')
        .toLowerCase()
        .includes(String(v).toLowerCase());
    case 'NOT_CONTAIN':
      return !String(actual ?? '')
        .toLowerCase()
        .includes(String(v).toLowerCase());
    case 'STARTS_WITH':
      return String(actual ?? '').startsWith(String(v));
    case 'ENDS_WITH':
      return String(actual ?? '').endsWith(String(v));
    case 'IN':
      return list.some((x) => eq(actual, x));
    case 'NOT_IN':
      return !list.some((x) => eq(actual, x));
    case 'ANY':
      return values.some((a) => list.some((x) => eq(a, x)));
    case 'ALL':
      return list.every((x) => values.some((a) => eq(a, x)));
    case 'NONE':
      return !values.some((a) => list.some((x) => eq(a, x)));
    default:
      return false;
  }
}
