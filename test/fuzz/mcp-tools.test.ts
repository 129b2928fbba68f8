/**
 * @module Fuzz of every MCP tool that tools/list offers, through the real SDK
 * client over Streamable HTTP against the built server process on SQLite:
 * arguments shaped by each tool's input schema, hostile ones, and arguments that
 * are not an object at all. No call may fail internally (a tool error INTERNAL or
 * STORE_UNAVAILABLE, or JSON-RPC -32603) or go unanswered, the session keeps
 * serving, and a canary in another project is exactly intact afterwards.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/hub/commands/index.js';
import { httpClient } from '../support/mcp.js';
import { cleanupAll, type ServerProcess } from '../support/server.js';
import { fuzzBudget } from './support/budget.js';
import { fuzzed } from './support/schema-arbitrary.js';
import { expectCanaryIntact, rejoinFuzzAgents, seedFuzzProject, startFuzzServer, writeCanary, type Canary } from './support/world.js';
import { FUZZ_PROJECT, hostileValue, type Mode } from './support/values.js';

const budget = fuzzBudget(30);
const commandNames = COMMANDS.map((c) => c.name).sort();
/** Waits are capped at 1 s on the fuzz server: a call slower than this is a hang. */
const CALL_TIMEOUT_MS = 15_000;
const REJOIN_EVERY = 25;
/** The server's body limit (1 MiB): a larger request may be cut before the server answers it. */
const BODY_LIMIT = 1024 * 1024;

let server: ServerProcess;
let clients: Client[];
let tools: Tool[];
let canary: Canary;

beforeAll(async () => {
  server = await startFuzzServer();
  await seedFuzzProject(server.url);
  canary = await writeCanary(server.url);
  // Two sessions acting as the two seeded agents, so calls meet each other's leases and claims.
  clients = await Promise.all(['fa', 'fb'].map((agent) => httpClient(server.url, { query: { project: FUZZ_PROJECT, toolsets: 'all' }, headers: { 'x-baton-agent': agent } })));
  tools = (await clients[0]!.listTools()).tools;
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await cleanupAll();
});

interface ToolCase {
  client: number;
  name: string;
  arguments: unknown;
}

const argumentsOf = (tool: Tool, mode: Mode): fc.Arbitrary<unknown> =>
  mode === 'plausible'
    ? fuzzed(tool.inputSchema, mode)
    : fc.oneof({ weight: 4, arbitrary: fuzzed(tool.inputSchema, mode) }, { weight: 1, arbitrary: hostileValue });

const caseOf = (tool: Tool): fc.Arbitrary<ToolCase> =>
  fc.record({ client: fc.constantFrom(0, 1), name: fc.constant(tool.name), arguments: fc.oneof(argumentsOf(tool, 'plausible'), argumentsOf(tool, 'hostile')) });

const describeCase = (c: ToolCase): string => `${c.name} as ${c.client === 0 ? 'fa' : 'fb'} with ${JSON.stringify(c.arguments).slice(0, 400)}`;

/** JSON-RPC codes that mean the server failed, not the input: internal error, and the client's timeout. */
const FAULT_CODES: readonly number[] = [ErrorCode.InternalError, ErrorCode.RequestTimeout];

/** Throws when a call failed the way a server fault would: an internal error, a timeout, or a raw validation dump. */
async function expectNoFault(c: ToolCase): Promise<void> {
  const client = clients[c.client]!;
  // Non-object arguments are part of the point: the SDK's types forbid them, the wire does not.
  const params = { name: c.name, arguments: c.arguments as Record<string, unknown> };
  let result: CallToolResult;
  try {
    result = (await client.callTool(params, undefined, { timeout: CALL_TIMEOUT_MS })) as CallToolResult;
  } catch (error) {
    // Refused at the HTTP level (a body over the limit: 413 with the typed JSON-RPC error), or cut before it was all sent.
    if (error instanceof StreamableHTTPError && error.code !== undefined && error.code >= 400 && error.code < 500) return;
    if (error instanceof TypeError && JSON.stringify(c.arguments).length > BODY_LIMIT) return;
    if (!(error instanceof McpError)) throw new Error(`${describeCase(c)}: ${String(error)}`);
    if (FAULT_CODES.includes(error.code)) throw new Error(`${describeCase(c)}: JSON-RPC ${error.code} ${error.message}`);
    if (/"code":\s*"invalid_type"|^\s*\[/.test(error.message.replace(/^MCP error -?\d+: /, ''))) throw new Error(`${describeCase(c)}: a raw validation dump: ${error.message}`);
    return;
  }
  if (!result.isError) return;
  const first = result.content[0];
  const code = first?.type === 'text' ? (JSON.parse(first.text) as { error?: { code?: string } }).error?.code : undefined;
  if (code === undefined || code === 'INTERNAL' || code === 'STORE_UNAVAILABLE') throw new Error(`${describeCase(c)}: tool error ${code ?? 'without a code'}: ${JSON.stringify(result.content).slice(0, 300)}`);
}

describe('MCP tools under fuzzed arguments', () => {
  it('lists a tool for every hub command', () => {
    expect(tools.map((t) => t.name).sort()).toEqual(commandNames);
  });

  it(
    'never fail internally, always answer in time, and leave other projects intact',
    async () => {
      let runs = 0;
      const anyCase = fc.oneof(...tools.map(caseOf));
      await fc.assert(
        fc.asyncProperty(fc.array(anyCase, { minLength: 1, maxLength: 3 }), async (cases) => {
          if (++runs % REJOIN_EVERY === 0) await rejoinFuzzAgents(server.url);
          await Promise.all(cases.map(expectNoFault));
        }),
        budget.parameters,
      );
      for (const client of clients) expect((await client.listTools()).tools).toHaveLength(tools.length);
      await expectCanaryIntact(server.url, canary);
      // The server logs pino JSON lines: an unexpected failure is "command NAME failed" at level error.
      expect(server.stderr()).not.toMatch(/command \S+ failed/);
    },
    budget.testTimeoutMs,
  );
});
