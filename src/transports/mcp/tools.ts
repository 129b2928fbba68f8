/**
 * @module MCP tools derived from the hub's command list: one tool per command,
 * with its JSON Schema computed once, and the shapes of a tool's answer (the
 * command output as structuredContent plus a short text block) and of a tool
 * error (the catalog code, message and what to do, with isError).
 */
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { CoordinationError } from '../../core/errors.js';
import type { Command, CommandOutput } from '../../hub/command.js';
import { wireError } from '../wire-errors.js';

export interface McpTool {
  command: Command;
  /** What tools/list shows for this command. */
  definition: Tool;
}

const definitions = new WeakMap<Command, Tool>();

function definitionOf(command: Command): Tool {
  const cached = definitions.get(command);
  if (cached) return cached;
  const { $schema: _ignored, ...schema } = z.toJSONSchema(command.input, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  const tool: Tool = {
    name: command.name,
    description: command.description,
    inputSchema: { ...schema, type: 'object' },
    annotations: { readOnlyHint: !command.mutating, openWorldHint: false, ...(command.mutating ? { destructiveHint: false } : {}) },
  };
  definitions.set(command, tool);
  return tool;
}

/** The tools of the enabled toolsets (all when `toolsets` is undefined), keyed by name. */
export function toolsFor(commands: readonly Command[], toolsets: readonly string[] | undefined): Map<string, McpTool> {
  const enabled = toolsets ? new Set(toolsets) : null;
  const tools = new Map<string, McpTool>();
  for (const command of commands) {
    if (enabled && !enabled.has(command.toolset)) continue;
    tools.set(command.name, { command, definition: definitionOf(command) });
  }
  return tools;
}

/** A one-line reading of an output, so a client that shows only text still gets the gist. */
function headline(name: string, output: CommandOutput): string {
  if (typeof output['message'] === 'string') return output['message'];
  if (output['timed_out'] === true) return `${name}: the wait ended without a result (timed_out); call again to keep waiting.`;
  const parts: string[] = [];
  for (const [key, value] of Object.entries(output)) {
    if (Array.isArray(value)) parts.push(`${value.length} ${key}`);
    else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') parts.push(`${key}=${String(value).slice(0, 80)}`);
    if (parts.length === 5) break;
  }
  return `${name}: ${parts.length > 0 ? parts.join(', ') : 'ok'}.`;
}

export function toolResult(name: string, output: CommandOutput): CallToolResult {
  return { content: [{ type: 'text', text: `${headline(name, output)}\n${JSON.stringify(output)}` }], structuredContent: output };
}

export function toolError(error: CoordinationError): CallToolResult {
  const body = wireError(error);
  return {
    isError: true,
    content: [{ type: 'text', text: `${error.code}: ${error.message} ${body.error.hint}${error.details ? `\n${JSON.stringify(error.details)}` : ''}` }],
    structuredContent: body as unknown as Record<string, unknown>,
  };
}
