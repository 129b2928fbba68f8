/**
 * @module Fuzz of every MCP tool that tools/list offers, through the real SDK
 * client over Streamable HTTP against the built server process on SQLite:
 * arguments shaped by each tool's input schema, hostile ones, and arguments that
 * are not an object at all. No call may fail internally (a tool error INTERNAL or
 * STORE_UNAVAILABLE, or JSON-RPC -32603) or go unanswered, the session keeps
 * serving, and a canary in another project is exactly intact afterwards.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/hub/commands/index.js';
import { httpClient } from '../support/mcp.js';
import { cleanupAll, type ServerProcess } from '../support/server.js';
import { fuzzBudget } from './support/budget.js';
import { fuzzed } from './support/schema-arbitrary.js';
import { expectNoToolFault } from './support/tool-faults.js';
import { expectCanaryIntact, rejoinFuzzAgents, seedFuzzProject, startFuzzServer, writeCanary, type Canary } from './support/world.js';
import { FUZZ_PROJECT, hostileValue, type Mode } from './support/values.js';

const budget = fuzzBudget(30);
const commandNames = COMMANDS.map((c) => c.name).sort();
const REJOIN_EVERY = 25;

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

/** Throws when a call failed the way a server fault would (support/tool-faults.ts). */
const expectNoFault = (c: ToolCase): Promise<void> => expectNoToolFault(clients[c.client]!, c.name, c.arguments, describeCase(c));

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
