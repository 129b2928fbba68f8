/**
 * @module Fuzz of every compatibility profile's tools (src/profiles), through the
 * real SDK client over Streamable HTTP against the built server process: for
 * each profile two sessions in the seeded fuzz project, arguments shaped by
 * each tool's input schema, hostile ones, and non-objects. A profile composes
 * several hub commands and reshapes their answers, so a shape it did not expect
 * must still end as a typed refusal: no internal failure, no hang, and the
 * canary in another project intact.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROFILES } from '../../src/profiles/index.js';
import { httpClient } from '../support/mcp.js';
import { cleanupAll, type ServerProcess } from '../support/server.js';
import { fuzzBudget } from './support/budget.js';
import { fuzzed } from './support/schema-arbitrary.js';
import { expectNoToolFault } from './support/tool-faults.js';
import { FUZZ_PROJECT, hostileValue } from './support/values.js';
import { expectCanaryIntact, rejoinFuzzAgents, seedFuzzProject, startFuzzServer, writeCanary, type Canary } from './support/world.js';

const budget = fuzzBudget(20);
const REJOIN_EVERY = 25;
const AGENTS = ['fa', 'fb'];

let server: ServerProcess;
let canary: Canary;
/** Per profile: its two sessions and its tools as listed. */
const sessions = new Map<string, { clients: Client[]; tools: Tool[] }>();

beforeAll(async () => {
  server = await startFuzzServer();
  await seedFuzzProject(server.url);
  canary = await writeCanary(server.url);
  for (const profile of PROFILES) {
    const clients = await Promise.all(AGENTS.map((agent) => httpClient(server.url, { query: { project: FUZZ_PROJECT, profile: profile.name }, headers: { 'x-baton-agent': agent } })));
    sessions.set(profile.name, { clients, tools: (await clients[0]!.listTools()).tools });
  }
});
afterAll(async () => {
  await Promise.all([...sessions.values()].flatMap((s) => s.clients.map((c) => c.close())));
  await cleanupAll();
});

interface ProfileCase {
  profile: string;
  client: number;
  name: string;
  arguments: unknown;
}

const caseOf = (profile: string, tool: Tool): fc.Arbitrary<ProfileCase> =>
  fc.record({
    profile: fc.constant(profile),
    client: fc.constantFrom(0, 1),
    name: fc.constant(tool.name),
    arguments: fc.oneof(fuzzed(tool.inputSchema, 'plausible'), fc.oneof({ weight: 4, arbitrary: fuzzed(tool.inputSchema, 'hostile') }, { weight: 1, arbitrary: hostileValue })),
  });

const describeCase = (c: ProfileCase): string => `${c.profile}/${c.name} as ${AGENTS[c.client] ?? ''} with ${JSON.stringify(c.arguments).slice(0, 400)}`;

describe('profile tools under fuzzed arguments', () => {
  it('lists every profile tool', () => {
    for (const profile of PROFILES) expect(sessions.get(profile.name)?.tools.map((t) => t.name), profile.name).toEqual(profile.tools.map((t) => t.name));
  });

  it(
    'never fail internally, always answer in time, and leave other projects intact',
    async () => {
      let runs = 0;
      const anyCase = fc.oneof(...[...sessions].flatMap(([profile, s]) => s.tools.map((t) => caseOf(profile, t))));
      await fc.assert(
        fc.asyncProperty(fc.array(anyCase, { minLength: 1, maxLength: 3 }), async (cases) => {
          if (++runs % REJOIN_EVERY === 0) await rejoinFuzzAgents(server.url);
          await Promise.all(cases.map((c) => expectNoToolFault(sessions.get(c.profile)!.clients[c.client]!, c.name, c.arguments, describeCase(c))));
        }),
        budget.parameters,
      );
      await expectCanaryIntact(server.url, canary);
      expect(server.stderr()).not.toMatch(/command \S+ failed/);
    },
    budget.testTimeoutMs,
  );
});
