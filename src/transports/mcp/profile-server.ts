/**
 * @module One MCP server for a connection that chose a compatibility profile
 * (src/profiles): the profile's tools, resources and prompts instead of Baton's
 * catalog. A tool call validates the seed's arguments strictly (a "did you mean"
 * for anything else), then the profile runs hub commands as the connection's
 * agent; errors come back as tool errors with code, message and hint, as on
 * Baton's own tools.
 */
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import type { Caller } from '../../hub/context.js';
import type { Hub } from '../../hub/hub.js';
import { parseInput } from '../../hub/input.js';
import { createProfileContext, type ProfileConnection } from '../../profiles/context.js';
import type { Profile, ProfileTool } from '../../profiles/profile.js';
import { jsonRpcError, toCoordinationError } from '../wire-errors.js';
import type { BatonMcpServer, RequestExtra } from './mcp-server.js';
import { leanInputSchema, toolError, toolResult } from './tools.js';

export interface BuildProfileServerOptions {
  version: string;
  profile: Profile;
  /** The project the connection was opened for (header or query). */
  project?: string | undefined;
  callerOf?: ((extra: RequestExtra) => Caller) | undefined;
  stateless?: boolean | undefined;
}

const jsonSchemaValidator = new AjvJsonSchemaValidator();

const definitions = new WeakMap<ProfileTool, Tool>();

/** What tools/list shows for a profile tool: the seed's name and arguments, lean, honest annotations. */
export function profileToolDefinition(tool: ProfileTool): Tool {
  const cached = definitions.get(tool);
  if (cached) return cached;
  const definition: Tool = {
    name: tool.name,
    description: tool.description,
    inputSchema: leanInputSchema(tool.input),
    annotations: { readOnlyHint: !tool.mutating, destructiveHint: tool.mutating && (tool.destructive ?? false), idempotentHint: tool.idempotent ?? false, openWorldHint: false },
  };
  definitions.set(tool, definition);
  return definition;
}

export function buildProfileServer(hub: Hub, options: BuildProfileServerOptions): BatonMcpServer {
  const { profile } = options;
  const tools = new Map(profile.tools.map((t) => [t.name, t]));
  const mcp = new McpServer(
    { name: profile.serverName, version: options.version },
    { capabilities: { tools: {}, ...(profile.resources.length > 0 ? { resources: {} } : {}), ...(profile.prompts.length > 0 ? { prompts: {} } : {}) }, instructions: profile.instructions, jsonSchemaValidator },
  );
  const connection: ProfileConnection = { agentId: undefined, remembers: !options.stateless, mints: !options.stateless };
  // The seed's names are what this connection lists: a hint names a Baton tool only where the profile has one by that name.
  const listed: ReadonlySet<string> = new Set(tools.keys());
  const withProject = (caller: Caller): Caller => ({ ...caller, project: caller.project ?? options.project, tools: listed });
  const contextOf = (caller: Caller) => createProfileContext(hub, profile.name, withProject(caller), connection);
  const callerOf = (extra: RequestExtra): Caller => ({ ...options.callerOf?.(extra), signal: extra.signal });

  async function callTool(name: string, args: Record<string, unknown> | undefined, caller: Caller): Promise<CallToolResult> {
    const tool = tools.get(name);
    if (!tool) throw new McpError(ErrorCode.InvalidParams, `Unknown tool '${name.slice(0, 80)}': profile '${profile.name}' offers ${[...tools.keys()].join(', ')}.`);
    try {
      const input = parseInput(tool, args ?? {});
      return toolResult(await tool.run(contextOf(caller), input));
    } catch (error) {
      return toolError(toCoordinationError(error));
    }
  }

  const server = mcp.server;
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: profile.tools.map(profileToolDefinition) }));
  server.setRequestHandler(CallToolRequestSchema, (request, extra) => callTool(request.params.name, request.params.arguments, callerOf(extra)));

  const asResource = async (uri: URL, read: () => Promise<unknown>) => {
    try {
      return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(await read(), null, 2) }] };
    } catch (error) {
      const { code, message, data } = jsonRpcError(toCoordinationError(error));
      throw new McpError(code, message, data);
    }
  };
  for (const resource of profile.resources) {
    const metadata = { description: resource.description, mimeType: 'application/json' };
    if (resource.uri.includes('{')) {
      mcp.registerResource(resource.name, new ResourceTemplate(resource.uri, { list: undefined }), metadata, (uri, variables, extra) =>
        asResource(uri, () => resource.read(contextOf(callerOf(extra)), Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v])))),
      );
    } else {
      mcp.registerResource(resource.name, resource.uri, metadata, (uri, extra) => asResource(uri, () => resource.read(contextOf(callerOf(extra)), {})));
    }
  }
  for (const prompt of profile.prompts) {
    mcp.registerPrompt(prompt.name, { description: prompt.description, argsSchema: {} }, async (_args, extra) => ({
      messages: [{ role: 'user', content: { type: 'text', text: await prompt.render(contextOf(callerOf(extra))) } }],
    }));
  }
  return { mcp, callTool };
}
