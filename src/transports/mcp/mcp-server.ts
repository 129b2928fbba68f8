/**
 * @module buildMcpServer: one MCP server for one connection, over the hub. Tools
 * come from the hub's command list (a tool call is hub.execute): the connection
 * lists its toolsets' tools and may call any tool the server offers. Instructions
 * name the listed tools; resources and prompts come from resources.ts and
 * prompts.ts. The connection remembers the agent and project register_agent (or
 * start_session) made it act as, and applies them to its later calls (a 2025
 * session; a stateless server, shared by 2026-07-28 clients, remembers no one).
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import {
  CallToolRequestSchema,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
  type CallToolResult,
  type ServerNotification,
  type ServerRequest,
} from '@modelcontextprotocol/sdk/types.js';
import type { Caller } from '../../hub/context.js';
import type { Hub } from '../../hub/hub.js';
import { toCoordinationError } from '../wire-errors.js';
import type { EventFeed } from './event-feed.js';
import { registerPrompts } from './prompts.js';
import { registerResources } from './resources.js';
import { TOOLSETS } from '../../hub/command.js';
import { HUB_ALIASES } from '../../hub/aliases.js';
import { instructionsFor } from './instructions.js';
import { selectToolsets, toolError, toolResult, toolsFor } from './tools.js';

export type RequestExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** What one connection knows about who it is, once register_agent has answered. */
interface McpConnection {
  agentId: string | undefined;
  project: string | undefined;
}

export interface BuildMcpServerOptions {
  version: string;
  /** Toolsets the server offers (all when undefined): any of their tools may be called. */
  offered?: readonly string[] | undefined;
  /** Toolsets this connection asked to list (`all`, names), or undefined for the defaults. */
  toolsets?: readonly string[] | undefined;
  /** The project the connection was opened for (header or query), until register_agent names one. */
  project?: string | undefined;
  /** The caller as the transport knows it for one request (token, headers, query); none on stdio. */
  callerOf?: ((extra: RequestExtra) => Caller) | undefined;
  /** Domain events for notifications, shared by every connection of the server. */
  feed: EventFeed;
  /** Serves many clients (2026-07-28 has no session): register_agent is not remembered, each call names its caller. */
  stateless?: boolean | undefined;
}

/** One connection's MCP server, and its tool call for transports that answer plain calls themselves. */
export interface BatonMcpServer {
  readonly mcp: McpServer;
  /**
   * Runs one tools/call for `caller` (as the transport knows it; this connection's
   * identity fills the gaps) and answers the tool result. Throws McpError for a
   * tool this connection does not offer. The SDK's tools/call handler is this; a
   * transport may call it directly for a call that cannot block and asked for no
   * progress, saving the SDK's dispatch on the hot path.
   */
  readonly callTool: (name: string, args: Record<string, unknown> | undefined, caller: Caller) => Promise<CallToolResult>;
}

// One validator for every connection: each would otherwise build its own Ajv instance.
const jsonSchemaValidator = new AjvJsonSchemaValidator();

/** The commands that set who a connection is. */
const REGISTERING = new Set(['register_agent', 'start_session']);

export function buildMcpServer(hub: Hub, options: BuildMcpServerOptions): BatonMcpServer {
  const offered = options.offered ?? TOOLSETS;
  const maxWaitSeconds = hub.context.config.maxWaitMs / 1000;
  const tools = toolsFor(hub.commands, selectToolsets(offered, options.toolsets), maxWaitSeconds);
  const callable = toolsFor(hub.commands, offered, maxWaitSeconds);
  /** What this connection lists: instructions, prompts, hints and next steps name no other tool. */
  const listed: ReadonlySet<string> = new Set(tools.keys());
  const mcp = new McpServer(
    { name: 'baton', version: options.version },
    { capabilities: { tools: {}, resources: { subscribe: true }, prompts: {}, logging: {} }, instructions: instructionsFor(listed), jsonSchemaValidator },
  );
  const server = mcp.server;
  const connection: McpConnection = { agentId: undefined, project: options.project };
  const definitions = [...tools.values()].map((t) => t.definition);

  /**
   * A model that calls a tool it was not shown (from docs, a seed's name) is using
   * that tool's toolset: its hints may name the rest of that toolset too.
   */
  const knownWith = new Map<string, ReadonlySet<string>>();
  const knownAfterCalling = (target: string): ReadonlySet<string> => {
    const toolset = callable.get(target)?.command.toolset;
    const key = toolset ?? target;
    let known = knownWith.get(key);
    if (!known) {
      known = new Set([...listed, target, ...[...callable.values()].filter((t) => t.command.toolset === toolset).map((t) => t.command.name)]);
      knownWith.set(key, known);
    }
    return known;
  };

  /** Identity order (DESIGN §6): explicit argument (the hub applies it), token, header, this connection. */
  const withConnection = (caller: Caller): Caller => ({ ...caller, agentId: caller.agentId ?? connection.agentId, project: caller.project ?? connection.project, tools: caller.tools ?? listed });
  const callerOf = (extra: RequestExtra): Caller => withConnection({ ...options.callerOf?.(extra), signal: extra.signal });

  async function callTool(name: string, args: Record<string, unknown> | undefined, caller: Caller): Promise<CallToolResult> {
    // A seed's name for a mode of a command is callable when that command is (never listed).
    const target = callable.has(name) ? name : HUB_ALIASES[name]?.command;
    if (target === undefined || !callable.has(target)) {
      const command = hub.commands.find((c) => c.name === name);
      const why = command ? `it belongs to toolset '${command.toolset}', which this server does not offer` : 'no such tool';
      throw new McpError(ErrorCode.InvalidParams, `Unknown tool '${name}': ${why}. See tools/list.`);
    }
    try {
      const known = listed.has(target) ? listed : knownAfterCalling(target);
      const output = await hub.execute(name, args ?? {}, withConnection({ ...caller, tools: known }));
      if (REGISTERING.has(name) && !options.stateless && typeof output['agent_id'] === 'string') {
        connection.agentId = output['agent_id'];
        connection.project = typeof output['project'] === 'string' ? output['project'] : connection.project;
        resources.refresh();
      }
      return toolResult(output);
    } catch (error) {
      return toolError(toCoordinationError(error));
    }
  }

  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: definitions }));
  server.setRequestHandler(CallToolRequestSchema, (request, extra) => {
    const progressToken = extra._meta?.progressToken;
    const onProgress: Caller['onProgress'] =
      progressToken === undefined
        ? undefined
        : (elapsedMs, message) => {
            void extra.sendNotification({ method: 'notifications/progress', params: { progressToken, progress: elapsedMs, message } }).catch(() => undefined);
          };
    return callTool(request.params.name, request.params.arguments, { ...options.callerOf?.(extra), signal: extra.signal, onProgress });
  });

  const resources = registerResources(mcp, hub, { callerOf, connection, feed: options.feed });
  registerPrompts(mcp, listed);
  server.onclose = () => {
    resources.dispose();
  };
  return { mcp, callTool };
}
