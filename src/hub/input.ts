/**
 * @module A command's input as the hub accepts it: validated strictly against
 * the command's schema (an argument it does not name is refused, with the nearest
 * known name as a "did you mean", never silently dropped), errors in one readable
 * sentence naming the field, and the digest a request id stands for.
 */
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { invalidInput, type CoordinationError } from '../core/errors.js';
import { hiddenFields, type Command } from './command.js';

/** Names models reach for that mean a known field (beyond the nearest spelling). */
const SYNONYMS: Readonly<Record<string, string>> = {
  timeout_seconds: 'wait_seconds',
  timeout: 'wait_seconds',
  wait: 'wait_seconds',
  lock_name: 'name',
  lock: 'name',
  taskId: 'task_id',
  id: 'task_id',
  ttl: 'ttl_seconds',
  files: 'paths',
  agent: 'agent_id',
  depends_on: 'dependencies',
  deps: 'dependencies',
  blocked_by: 'dependencies',
};

/** The keys of the object schema at `path` inside `schema` (through arrays, optionals and records), if it is one. */
interface SchemaDef {
  type: string;
  shape?: Record<string, Walkable>;
  element?: Walkable;
  innerType?: Walkable;
}
interface Walkable {
  def: SchemaDef;
}

function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] | undefined {
  let at: Walkable | undefined = schema;
  let rest = [...path];
  for (let guard = 0; at && guard < 64; guard++) {
    const def: SchemaDef = at.def;
    if (def.type === 'optional' || def.type === 'nullable' || def.type === 'default') at = def.innerType;
    else if (rest.length === 0) return def.type === 'object' && def.shape ? Object.keys(def.shape) : undefined;
    else if (def.type === 'array') [at, rest] = [def.element, rest.slice(1)];
    else if (def.type === 'object' && def.shape) [at, rest] = [def.shape[String(rest[0])], rest.slice(1)];
    else return undefined;
  }
  return undefined;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] ?? 0;
      row[j] = Math.min(above + 1, (row[j - 1] ?? 0) + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length] ?? 0;
}

/** The known field an unknown one most likely meant, if any is close. */
function nearestField(unknown: string, known: readonly string[]): string | undefined {
  const synonym = SYNONYMS[unknown];
  if (synonym !== undefined && known.includes(synonym)) return synonym;
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(unknown.length / 3)) + 1;
  for (const name of known) {
    const d = distance(unknown.toLowerCase(), name.toLowerCase());
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  return best;
}

/** What strict parsing needs of a command (a compatibility profile's tool has the same). */
export type InputSpec = Pick<Command, 'name' | 'input' | 'advertise' | 'unadvertised'>;

const strictSchemas = new WeakMap<InputSpec, z.ZodObject>();

function strictOf(command: InputSpec): z.ZodObject {
  let strict = strictSchemas.get(command);
  if (!strict) {
    strict = command.input.strict();
    strictSchemas.set(command, strict);
  }
  return strict;
}

function describeIssues(command: InputSpec, error: z.ZodError): CoordinationError {
  const issues = error.issues.slice(0, 10).map((i) => ({ path: i.path.join('.'), message: i.message }));
  const unknown = error.issues.find((i): i is z.core.$ZodIssueUnrecognizedKeys => i.code === 'unrecognized_keys');
  if (unknown && unknown.path.length === 0) {
    const known = Object.keys(command.input.shape);
    const name = unknown.keys[0] ?? '';
    const guess = nearestField(name, known);
    const hidden = hiddenFields(command);
    const advertised = known.filter((k) => !hidden.has(k));
    return invalidInput(
      `'${command.name}' has no argument '${name.slice(0, 60)}'${guess ? `: did you mean '${guess}'?` : '.'} It takes: ${advertised.join(', ') || 'no arguments'}.`,
      { field: name, unknown: unknown.keys.slice(0, 10), ...(guess ? { did_you_mean: guess } : {}), issues },
    );
  }
  const nested = unknown && keysAt(command.input, unknown.path);
  if (unknown && nested) {
    const where = unknown.path.join('.');
    const name = unknown.keys[0] ?? '';
    const guess = nearestField(name, nested);
    return invalidInput(
      `'${where}' has no field '${name.slice(0, 60)}'${guess ? `: did you mean '${guess}'?` : '.'} It takes: ${nested.join(', ')}.`,
      { field: `${where}.${name.slice(0, 60)}`, unknown: unknown.keys.slice(0, 10), ...(guess ? { did_you_mean: guess } : {}), issues },
    );
  }
  const first = issues[0];
  const where = first?.path ? `'${first.path}'` : 'input';
  return invalidInput(`Invalid ${where}: ${first?.message ?? 'does not match the schema'}.`, { field: first?.path ?? null, issues });
}

/** The validated input of `command`, or INVALID_INPUT saying what to fix. */
export function parseInput(command: InputSpec, rawInput: unknown): Record<string, unknown> {
  let parsed: ReturnType<z.ZodObject['safeParse']>;
  try {
    parsed = strictOf(command).safeParse(rawInput ?? {});
  } catch (error) {
    // The schema walker recurses: absurdly deep JSON overflows the stack, which is the input's fault.
    if (error instanceof RangeError) throw invalidInput('The input is nested too deeply.', { field: 'input' });
    throw error;
  }
  if (!parsed.success) throw describeIssues(command, parsed.error);
  return parsed.data;
}

/** JSON with object keys sorted, so equal inputs digest equally whatever their key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** What a request id stands for: the command and its input, without the routing fields. */
export function digestOf(command: string, input: Record<string, unknown>): string {
  const { project: _p, agent_id: _a, request_id: _r, ...rest } = input;
  return createHash('sha256').update(command).update('\u0000').update(canonical(rest)).digest('base64url').slice(0, 22);
}
