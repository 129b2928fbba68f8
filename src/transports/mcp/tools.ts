/**
 * @module MCP tools derived from the hub's command list: which commands a
 * connection lists (its toolsets, presence and status always), each one's lean
 * advertised schema (types, enums, required and descriptions; no routing fields,
 * no validation keywords, no $ref — the server validates in full), honest
 * annotations and output schema, and the shapes of a result and of an error.
 */
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { CoordinationError } from '../../core/errors.js';
import { ALWAYS_ON, DEFAULT_TOOLSETS, hiddenFields, TOOLSETS, type Command, type CommandOutput } from '../../hub/command.js';
import { wireError } from '../wire-errors.js';

export interface McpTool {
  command: Command;
  /** What tools/list shows for this command. */
  definition: Tool;
}

type Schema = Record<string, unknown>;

/** Keywords the server enforces but a model gains nothing from reading (limits that matter are in the descriptions). */
const DROPPED = new Set(['$schema', 'additionalProperties', 'propertyNames', 'minLength', 'maxLength', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'pattern', 'format', 'minItems', 'maxItems', 'default']);

/** Longer enums are named in the description instead (e.g. event types): a model does not need the list each turn. */
const MAX_ENUM = 8;

/** anyOf plain types (string or null, boolean or string): the same said as a type list, at half the tokens. */
const isTypeUnion = (node: Schema): boolean =>
  Array.isArray(node['anyOf']) && (node['anyOf'] as unknown[]).every((t) => typeof t === 'object' && t !== null && Object.keys(t).length === 1 && typeof (t as Schema)['type'] === 'string');

/**
 * A schema as a model should see it. A reference (zod's "any JSON") becomes {} (any
 * value); an object inside the input (a field, an item) keeps only its type and
 * description (its fields are in the description: models read words more cheaply
 * than nested schemas).
 */
function lean(schema: unknown, depth: number): unknown {
  if (Array.isArray(schema)) return schema.map((s) => lean(s, depth));
  if (schema === null || typeof schema !== 'object') return schema;
  const node = schema as Schema;
  if ('$ref' in node) return typeof node['description'] === 'string' ? { description: node['description'] } : {};
  if (depth > 0 && node['type'] === 'object') return { type: 'object', ...(typeof node['description'] === 'string' ? { description: node['description'] } : {}) };
  const out: Schema = {};
  for (const [key, value] of Object.entries(node)) {
    if (DROPPED.has(key) || key === '$defs') continue;
    if (key === 'enum' && Array.isArray(value) && value.length > MAX_ENUM) continue;
    if (key === 'properties') out[key] = Object.fromEntries(Object.entries(value as Schema).map(([name, property]) => [name, lean(property, depth + 1)]));
    else out[key] = lean(value, key === 'items' ? depth + 1 : depth);
  }
  if (!isTypeUnion(out)) return out;
  const { anyOf, ...rest } = out;
  return { ...rest, type: (anyOf as Schema[]).map((t) => t['type']) };
}

/** The advertised input schema: the command's, without the fields the connection carries. */
function advertisedSchema(command: Command): Tool['inputSchema'] {
  return leanInputSchema(command.input, hiddenFields(command));
}

/** An input schema as models see it (also a compatibility profile's tools): lean, without the `hidden` fields. */
export function leanInputSchema(input: z.ZodObject, hidden: ReadonlySet<string> = new Set()): Tool['inputSchema'] {
  const full = z.toJSONSchema(input, { io: 'input', unrepresentable: 'any' }) as Schema;
  const properties = Object.fromEntries(Object.entries((full['properties'] ?? {}) as Schema).filter(([name]) => !hidden.has(name)));
  const required = ((full['required'] ?? []) as string[]).filter((name) => !hidden.has(name));
  return { type: 'object', properties: Object.fromEntries(Object.entries(properties).map(([name, property]) => [name, lean(property, 1)])) as Record<string, object>, ...(required.length > 0 ? { required } : {}) };
}

const definitions = new WeakMap<Command, Tool>();

function definitionOf(command: Command): Tool {
  const cached = definitions.get(command);
  if (cached) return cached;
  const { $schema: _ignored, ...outputSchema } = z.toJSONSchema(command.output, { io: 'output', unrepresentable: 'any' }) as Schema;
  const tool: Tool = {
    name: command.name,
    description: command.description,
    inputSchema: advertisedSchema(command),
    outputSchema: { ...outputSchema, type: 'object' },
    annotations: {
      readOnlyHint: !command.mutating,
      destructiveHint: command.mutating && (command.destructive ?? false),
      idempotentHint: command.idempotent ?? false,
      openWorldHint: false,
    },
  };
  definitions.set(command, tool);
  return tool;
}

/**
 * The toolsets a connection lists: what it asked for (`all`, or names), else the
 * defaults, among what the server offers, and always presence and status (without
 * them a connection could not join, leave or look around).
 */
export function selectToolsets(offered: readonly string[], wanted: readonly string[] | undefined): string[] {
  const asked = wanted === undefined ? DEFAULT_TOOLSETS : wanted.includes('all') ? TOOLSETS : wanted;
  return TOOLSETS.filter((t) => offered.includes(t) && (asked.includes(t) || ALWAYS_ON.includes(t)));
}

/**
 * A definition whose `wait_seconds` advertises the server's real cap as its maximum
 * (the one limit worth its tokens: a model asking for more would silently wait less).
 */
function withWaitCap(definition: Tool, maxWaitSeconds: number): Tool {
  const wait = definition.inputSchema.properties?.['wait_seconds'];
  if (!wait) return definition;
  const properties = { ...definition.inputSchema.properties, wait_seconds: { ...wait, maximum: maxWaitSeconds } };
  return { ...definition, inputSchema: { ...definition.inputSchema, properties } };
}

/** The tools of the listed toolsets, keyed by name, for a server whose waits end after `maxWaitSeconds`. */
export function toolsFor(commands: readonly Command[], toolsets: readonly string[], maxWaitSeconds: number): Map<string, McpTool> {
  const tools = new Map<string, McpTool>();
  for (const command of commands) {
    if (!toolsets.includes(command.toolset)) continue;
    tools.set(command.name, { command, definition: withWaitCap(definitionOf(command), maxWaitSeconds) });
  }
  return tools;
}

/** The structured output, and its JSON as the text block for clients that read only text. */
export function toolResult(output: CommandOutput): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(output) }], structuredContent: output };
}

/**
 * A tool error: the typed body (code, message, hint, details) as the one text
 * block. No structuredContent: SDK clients check any structured content against
 * the tool's output schema, errors included, and would answer a protocol error
 * (-32602) in place of ours.
 */
export function toolError(error: CoordinationError): CallToolResult {
  return { isError: true, content: [{ type: 'text', text: JSON.stringify(wireError(error)) }] };
}
