/**
 * @module Fuzz inputs from a JSON Schema (the OpenAPI document's parameters and
 * bodies, MCP tools' input schemas). Plausible values fit the schema and name what
 * the seed created; hostile ones add near-miss identifiers, values just outside
 * the limits, and wrong types, huge strings and deep nesting at any depth.
 */
import fc from 'fast-check';
import { hostileValue, LongString, NUMBER_POOLS, POOLS, type Mode } from './values.js';

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
}

/** Blocking fields stay short so runs keep coming (the fuzz server also caps every wait at 1 s). */
const WAIT_FIELDS = new Set(['wait_seconds', 'timeout_seconds']);

/** A string of `length` characters, reported short by fast-check when it is long. */
const ofLength = (length: number): string | LongString => (length > 100 ? new LongString(length) : 'x'.repeat(length));

function stringOf(schema: JsonSchema, name: string | undefined, mode: Mode): fc.Arbitrary<string | LongString> {
  const max = schema.maxLength ?? 200;
  const min = schema.minLength ?? 0;
  const pool = name === undefined ? undefined : POOLS[name];
  const free = fc.string({ minLength: Math.max(min, mode === 'plausible' ? 1 : 0), maxLength: Math.min(max, 24), unit: mode === 'plausible' ? 'grapheme-ascii' : 'grapheme' });
  if (mode === 'plausible') return pool ? fc.constantFrom(...pool.good) : free;
  const boundary = fc.constantFrom(ofLength(max), ofLength(max + 1), ofLength(Math.max(0, min - 1)));
  return fc.oneof(...(pool ? [fc.constantFrom(...pool.good, ...pool.near)] : []), free, boundary);
}

function numberOf(schema: JsonSchema, integer: boolean, name: string | undefined, mode: Mode): fc.Arbitrary<number> {
  const pool = name === undefined ? undefined : NUMBER_POOLS[name];
  const wait = name !== undefined && WAIT_FIELDS.has(name);
  const min = Math.max(schema.minimum ?? -1_000_000, -1e15);
  const max = wait ? 0.3 : Math.min(schema.maximum ?? 1_000_000, 1e15);
  const inside = integer ? fc.integer({ min: Math.ceil(min), max: Math.floor(max) }) : fc.double({ min, max, noNaN: true });
  const plausible = pool ? fc.oneof(fc.constantFrom(...pool), inside) : inside;
  if (mode === 'plausible') return plausible;
  return fc.oneof(plausible, fc.constantFrom(min, max, min - 1, max + 1, integer ? min + 0.5 : min));
}

/** Values of the schema's shape (in hostile mode, each nested value may still be anything). */
export function shaped(schema: JsonSchema, mode: Mode, name?: string, depth = 0): fc.Arbitrary<unknown> {
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.const !== undefined) return fc.constant(schema.const);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((s) => shaped(s, mode, name, depth)));
  if (Array.isArray(schema.type)) return fc.oneof(...schema.type.map((type) => shaped({ ...schema, type }, mode, name, depth)));
  switch (schema.type) {
    case 'string':
      return stringOf(schema, name, mode);
    case 'integer':
      return numberOf(schema, true, name, mode);
    case 'number':
      return numberOf(schema, false, name, mode);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const items = schema.items ? fuzzed(schema.items, mode, name, depth + 1) : fc.jsonValue({ maxDepth: 2 });
      return fc.array(items, { minLength: mode === 'plausible' ? (schema.minItems ?? 0) : 0, maxLength: Math.min(schema.maxItems ?? 5, 5) });
    }
    case 'object':
      return objectOf(schema, mode, depth);
    case undefined:
    default:
      return fc.jsonValue({ maxDepth: 3 });
  }
}

/** In hostile mode, mostly the schema's shape and sometimes anything at all (the odds are per field). */
export function fuzzed(schema: JsonSchema, mode: Mode, name?: string, depth = 0): fc.Arbitrary<unknown> {
  if (mode === 'plausible') return shaped(schema, mode, name, depth);
  if (depth > 4) return hostileValue;
  return fc.oneof({ weight: 4, arbitrary: shaped(schema, mode, name, depth) }, { weight: 1, arbitrary: hostileValue });
}

function objectOf(schema: JsonSchema, mode: Mode, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const entries = Object.entries(schema.properties ?? {});
  const required = new Set(schema.required ?? []);
  const fields = Object.fromEntries(entries.map(([name, property]) => [name, fuzzed(property, mode, name, depth + 1)]));
  const known = fc.record(fields, { requiredKeys: entries.map(([name]) => name).filter((name) => required.has(name)) });
  const additional = schema.additionalProperties;
  const extra = typeof additional === 'object' ? fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), fuzzed(additional, mode, undefined, depth + 1), { maxKeys: 3 }) : fc.constant({});
  if (mode === 'plausible') return fc.tuple(known, extra).map(([k, e]) => ({ ...e, ...k }));
  // Keys the schema does not know, prototype names among them.
  const stray = fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'unknown_field', ''), hostileValue, { maxKeys: 2 });
  return fc.tuple(known, extra, stray).map(([k, e, s]) => ({ ...e, ...s, ...k }));
}
