/**
 * @module Turns query-string values into the types a command's schema expects
 * (numbers, booleans, comma-separated arrays), read from its JSON Schema.
 */
import { z } from 'zod';
import type { Command } from '../../hub/command.js';

type PropertyKind = 'number' | 'boolean' | 'array' | 'string';

const kindsCache = new WeakMap<Command, Map<string, PropertyKind>>();

function propertyKinds(command: Command): Map<string, PropertyKind> {
  let kinds = kindsCache.get(command);
  if (kinds) return kinds;
  kinds = new Map();
  const schema = z.toJSONSchema(command.input, { unrepresentable: 'any', io: 'input' }) as { properties?: Record<string, { type?: string | string[] }> };
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    const types = ([] as (string | undefined)[]).concat(property.type);
    if (types.includes('array')) kinds.set(name, 'array');
    else if (types.includes('number') || types.includes('integer')) kinds.set(name, 'number');
    else if (types.includes('boolean')) kinds.set(name, 'boolean');
    else kinds.set(name, 'string');
  }
  kindsCache.set(command, kinds);
  return kinds;
}

export function coerceQuery(command: Command, query: Record<string, unknown>): Record<string, unknown> {
  const kinds = propertyKinds(command);
  const out: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(query)) {
    const value = Array.isArray(raw) ? raw.join(',') : raw;
    if (typeof value !== 'string') continue;
    switch (kinds.get(name)) {
      case 'number':
        out[name] = /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
        break;
      case 'boolean':
        out[name] = value === 'true' ? true : value === 'false' ? false : value;
        break;
      case 'array':
        out[name] = value === '' ? [] : value.split(',');
        break;
      case 'string':
      case undefined:
        out[name] = value;
        break;
    }
  }
  return out;
}
