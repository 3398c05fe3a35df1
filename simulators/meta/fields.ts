// `fields=` parsing and projection. Syntax: comma list with nested braces, e.g.
// "id,name,creative{id,name},adset{campaign{id}}". Unknown fields fail with code 100 exactly like
// Graph ("Tried accessing nonexisting field (x) on node type (Y)").
import { GraphError, invalidParam } from './errors';

export interface FieldSpec {
  name: string;
  sub?: FieldSpec[];
}

export function parseFields(input: string | undefined): FieldSpec[] | undefined {
  if (input === undefined || input.trim() === '') return undefined;
  let pos = 0;
  const syntax = (why: string) => new GraphError({ code: 2500, message: `Syntax error "${why}" at character ${pos}: ${input}` });

  const parseList = (depth: number): FieldSpec[] => {
    const out: FieldSpec[] = [];
    for (;;) {
      while (input[pos] === ' ') pos++;
      const m = /^[A-Za-z0-9_]+/.exec(input.slice(pos));
      if (!m) throw syntax('Expected field name');
      pos += m[0].length;
      const spec: FieldSpec = { name: m[0] };
      if (input[pos] === '.' || input[pos] === '(') {
        throw invalidParam(`Field modifiers such as "${input.slice(pos, pos + 20)}" are not supported by the simulator.`);
      }
      if (input[pos] === '{') {
        pos++;
        spec.sub = parseList(depth + 1);
        if (input[pos] !== '}') throw syntax('Expected }');
        pos++;
      }
      out.push(spec);
      while (input[pos] === ' ') pos++;
      if (input[pos] === ',') {
        pos++;
        continue;
      }
      if (input[pos] === '}' && depth > 0) return out;
      if (pos >= input.length && depth === 0) return out;
      throw syntax('Unexpected character');
    }
  };
  return parseList(0);
}

export function nonexistingField(field: string, nodeType: string): GraphError {
  return invalidParam(`Tried accessing nonexisting field (${field}) on node type (${nodeType})`);
}

/** Keep only the requested keys of a plain struct (e.g. targeting{geo_locations}). */
export function pickStruct(value: unknown, sub: FieldSpec[]): unknown {
  if (Array.isArray(value)) return value.map((v) => pickStruct(v, sub));
  if (typeof value !== 'object' || value === null) return value;
  const src = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const s of sub) {
    if (src[s.name] === undefined) continue;
    out[s.name] = s.sub ? pickStruct(src[s.name], s.sub) : src[s.name];
  }
  return out;
}
