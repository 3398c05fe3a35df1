// Typed access to request parameters with Graph-style coercion. Form and query values are always
// strings, so nested values must be JSON strings; a JSON body may carry real objects instead.
// A value such as "[object Object]" or a Python repr fails with code 100 naming the parameter,
// which is exactly the class of bug the original Python system shipped.
import { invalidParam, missingParam } from './errors';

export interface FileParam {
  kind: 'file';
  filename: string;
  contentType: string;
  data: Buffer;
}

export function isFile(v: unknown): v is FileParam {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'file';
}

export class Params {
  constructor(private readonly values: Map<string, unknown>) {}

  static fromEntries(entries: Iterable<[string, unknown]>): Params {
    return new Params(new Map(entries));
  }

  has(name: string): boolean {
    return this.values.has(name);
  }
  raw(name: string): unknown {
    return this.values.get(name);
  }
  names(): string[] {
    return [...this.values.keys()];
  }
  without(...names: string[]): Params {
    const copy = new Map(this.values);
    names.forEach((n) => copy.delete(n));
    return new Params(copy);
  }
  /** Plain snapshot, e.g. to replay an async insights query later. */
  toRecord(): Record<string, unknown> {
    return Object.fromEntries([...this.values].filter(([, v]) => !isFile(v)));
  }

  string(name: string, required = false): string | undefined {
    const v = this.values.get(name);
    if (v === undefined || v === null) {
      if (required) throw missingParam(name);
      return undefined;
    }
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    throw invalidParam(`Param ${name} must be a string.`);
  }

  requiredString(name: string): string {
    const s = this.string(name, true);
    if (s === undefined || s.trim() === '') throw missingParam(name);
    return s;
  }

  int(name: string): number | undefined {
    const v = this.values.get(name);
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'number' && Number.isInteger(v)) return v;
    if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return Number(v.trim());
    throw invalidParam(`Param ${name} must be a number.`);
  }

  bool(name: string): boolean | undefined {
    const v = this.values.get(name);
    if (v === undefined || v === null) return undefined;
    if (v === true || v === 'true' || v === '1' || v === 1) return true;
    if (v === false || v === 'false' || v === '0' || v === 0) return false;
    throw invalidParam(`Param ${name} must be a boolean.`);
  }

  enumOf<T extends string>(name: string, allowed: readonly T[], required = false): T | undefined {
    const s = this.string(name, required);
    if (s === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(s)) {
      throw invalidParam(`Param ${name} must be one of {${allowed.join(', ')}}`);
    }
    return s as T;
  }

  /** A nested parameter: JSON string in form/query encodings, object or JSON string in JSON bodies. */
  json(name: string, required = false): unknown {
    const v = this.values.get(name);
    if (v === undefined || v === null) {
      if (required) throw missingParam(name);
      return undefined;
    }
    if (typeof v !== 'string') return v;
    try {
      return JSON.parse(v);
    } catch {
      throw invalidParam(`Param ${name} must be a JSON-encoded value; got ${JSON.stringify(v.slice(0, 60))} which is not valid JSON.`);
    }
  }

  jsonObject(name: string, required = false): Record<string, unknown> | undefined {
    const v = this.json(name, required);
    if (v === undefined) return undefined;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      throw invalidParam(`Param ${name} must be a JSON object.`);
    }
    return v as Record<string, unknown>;
  }

  jsonArray(name: string, required = false): unknown[] | undefined {
    const v = this.json(name, required);
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) throw invalidParam(`Param ${name} must be a JSON array.`);
    return v;
  }

  /** A list parameter that Meta also accepts as a comma list (fields, breakdowns). */
  list(name: string): string[] | undefined {
    const v = this.values.get(name);
    if (v === undefined) return undefined;
    if (Array.isArray(v)) return v.map(String);
    const s = this.string(name) ?? '';
    if (s.trim().startsWith('[')) {
      const arr = this.jsonArray(name) ?? [];
      return arr.map(String);
    }
    return s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
  }

  file(name: string): FileParam | undefined {
    const v = this.values.get(name);
    return isFile(v) ? v : undefined;
  }

  firstFile(): [string, FileParam] | undefined {
    for (const [k, v] of this.values) if (isFile(v)) return [k, v];
    return undefined;
  }
}
