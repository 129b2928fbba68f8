/**
 * @module The budgets of the MCP surface (design/mcp-surface.md), held by a real
 * SDK client against a server: the default catalog and the full one in model
 * tokens, every list answer with default arguments in a busy project (2,000 tasks,
 * 200 agents, 10,000 events), and a prompt-guided session start. The full
 * catalog is held with the opt-in toolsets on too (a server configured with every
 * toolset), and the instructions are 150 to 250 tokens naming only listed tools for
 * every selection. A failure names what grew.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALWAYS_ON, TOOLSETS } from '../../src/hub/command.js';
import { COMMANDS } from '../../src/hub/commands/index.js';
import type { RunningServer } from '../../src/server/main.js';
import { instructionsFor } from '../../src/transports/mcp/instructions.js';
import { selectToolsets, toolsFor } from '../../src/transports/mcp/tools.js';
import { call, httpClient, startInProcess } from '../support/mcp.js';
import { cleanupAll } from '../support/server.js';
import { catalogTokens, jsonTokens, textTokens } from '../support/tokens.js';

const DEFAULT_CATALOG = 2_500;
const FULL_CATALOG = 5_000;
const LIST_RESULT = 5_000;
const SESSION_START = 1_500;
const INSTRUCTIONS = { min: 150, max: 250 };

let server: RunningServer;
/** A server that offers every toolset, the opt-in ones (operator) included. */
let everything: RunningServer;
const clients: Client[] = [];
const project = 'busy';

beforeAll(async () => {
  everything = await startInProcess({}, { toolsets: [...TOOLSETS] });
  // Timed-out waits keep their place for the grace period: long enough that the worker queue is still there to list.
  server = await startInProcess({ waitGraceMs: 600_000 });
  const run = (name: string, input: Record<string, unknown>, agentId?: string) => server.hub.execute(name, input, { project, agentId });
  const agents = Array.from({ length: 200 }, (_, i) => `agent-${String(i).padStart(3, '0')}`);
  await Promise.all(agents.map((a) => run('register_agent', { name: `Agent ${a}`, metadata: { branch: `issue-${a}-work`, cwd: `/work/${a}` } }, a)));
  for (let i = 0; i < 2000; i += 500) {
    await run('add_task', { tasks: Array.from({ length: 500 }, (_, j) => ({ id: `task-${i + j}`, title: `Implement part ${i + j} of the feature`, labels: ['backend'], files: [`src/part-${i + j}.ts`] })) }, 'agent-000');
  }
  await Promise.all(agents.slice(0, 40).map((a, i) => run('acquire_lock', { name: `area:${i}` }, a)));
  await Promise.all(agents.slice(40, 80).map((a, i) => run('reserve_files', { paths: [`src/area-${i}/**`] }, a)));
  await Promise.all(agents.slice(80, 120).map((a) => run('claim_task', {}, a)));
  for (let i = 0; i < 10_000; i += 500) await Promise.all(Array.from({ length: 500 }, (_, j) => run('publish_event', { topic: 'build.progress', payload: { step: i + j } }, 'agent-001')));
  for (let i = 0; i < 30; i++) await run('store_data', { scope: 'config', key: `key-${i}`, value: { enabled: true } }, 'agent-001');
  // Consultation: every agent announces (half collide, opening threads), edits files two by two, and writes to the newcomer.
  await run('register_agent', { name: 'Newcomer' }, 'newcomer');
  for (const [i, a] of agents.entries()) {
    await run('announce_work', { description: `Refactor part ${i % 100} of the feature and its tests`, target_files: [`src/part-${i % 100}.ts`, `test/part-${i % 100}.test.ts`], modules: ['src'] }, a);
    await run('record_file_edit', { files: [`src/part-${i % 100}.ts`, `src/shared-${i % 50}.ts`] }, a);
    await run('send_message', { to: ['newcomer'], text: `Heads-up from ${a}: I am changing src/part-${i % 100}.ts this afternoon, ping me before touching it.` }, a);
  }
  // Worker slots: all five held, and 300 waiting.
  await Promise.all(agents.slice(120, 125).map((a) => run('claim_worker_slot', {}, a)));
  const waiters = Array.from({ length: 300 }, (_, i) => `waiter-${String(i).padStart(3, '0')}`);
  await Promise.all(waiters.map((w) => run('register_agent', {}, w)));
  await Promise.all(waiters.map((w) => run('claim_worker_slot', { wait_seconds: 0.01 }, w)));
}, 180_000);

afterAll(async () => {
  for (const c of clients) await c.close();
  await server.close();
  await everything.close();
  await cleanupAll();
});

async function client(query: Record<string, string> = {}, on: RunningServer = server): Promise<Client> {
  const c = await httpClient(on.url, { query: { project, ...query }, headers: { 'x-baton-agent': 'newcomer' } });
  clients.push(c);
  return c;
}

/** The Baton tools a text names (words that are a command's name). */
const COMMAND_NAMES = new Set(COMMANDS.map((c) => c.name));
const toolsNamedIn = (text: string): string[] => (text.match(/\b[a-z]+(?:_[a-z]+)+\b|\b[a-z]+\b/g) ?? []).filter((w) => COMMAND_NAMES.has(w));

describe('MCP budgets', () => {
  it(`keeps the default catalog (tools and instructions) within ${DEFAULT_CATALOG} tokens`, async () => {
    const c = await client();
    const { total, perTool } = catalogTokens((await c.listTools()).tools, c.getInstructions());
    expect(total, `default catalog is ${total} tokens: ${JSON.stringify(perTool)}`).toBeLessThanOrEqual(DEFAULT_CATALOG);
  });

  it(`keeps every toolset together within ${FULL_CATALOG} tokens`, async () => {
    const c = await client({ toolsets: 'all' });
    const { total, perTool } = catalogTokens((await c.listTools()).tools, c.getInstructions());
    expect(total, `full catalog is ${total} tokens: ${JSON.stringify(perTool)}`).toBeLessThanOrEqual(FULL_CATALOG);
  });

  it(`keeps every toolset together within ${FULL_CATALOG} tokens with the opt-in toolsets offered too`, async () => {
    const c = await client({ toolsets: 'all' }, everything);
    const { tools } = await c.listTools();
    expect(tools.map((t) => t.name)).toContain('break_lease');
    const { total, perTool } = catalogTokens(tools, c.getInstructions());
    expect(total, `full catalog with every toolset offered is ${total} tokens: ${JSON.stringify(perTool)}`).toBeLessThanOrEqual(FULL_CATALOG);
  });

  const selections: [label: string, toolsets: string | undefined][] = [['the default', undefined], ['all', 'all'], ...TOOLSETS.map((t): [string, string] => [t, t])];
  it.each(selections)(
    `gives %s selection instructions of ${INSTRUCTIONS.min} to ${INSTRUCTIONS.max} tokens naming only listed tools, and one tool of each listed toolset`,
    async (_label, toolsets) => {
      const c = await client(toolsets === undefined ? {} : { toolsets }, everything);
      const listed = new Set((await c.listTools()).tools.map((t) => t.name));
      const text = c.getInstructions() ?? '';
      const tokens = textTokens(text);
      expect(tokens, `instructions are ${tokens} tokens: ${text}`).toBeGreaterThanOrEqual(INSTRUCTIONS.min);
      expect(tokens, `instructions are ${tokens} tokens: ${text}`).toBeLessThanOrEqual(INSTRUCTIONS.max);
      expect(toolsNamedIn(text).filter((t) => !listed.has(t)), text).toEqual([]);
      const named = new Set(toolsNamedIn(text));
      const listedToolsets = new Set(COMMANDS.filter((c) => listed.has(c.name)).map((c) => c.toolset));
      const unnamed = [...listedToolsets].filter((t) => !COMMANDS.some((c) => c.toolset === t && named.has(c.name)));
      expect(unnamed, `no tool of these listed toolsets is named: ${text}`).toEqual([]);
    },
  );

  it(`keeps the instructions of the narrowest and widest selections within ${INSTRUCTIONS.min} to ${INSTRUCTIONS.max} tokens, naming only listed tools`, () => {
    // Every pair of optional toolsets, and every selection without one or two of them: the shortest and the longest texts.
    const optional = TOOLSETS.filter((t) => !ALWAYS_ON.includes(t));
    const pairs = optional.flatMap((a, i) => optional.slice(i).map((b) => [...new Set([a, b])]));
    const selections = [[], ...pairs, ...pairs.map((pair) => optional.filter((t) => !pair.includes(t)))];
    const wrong: string[] = [];
    for (const wanted of selections) {
      const listed = new Set(toolsFor(COMMANDS, selectToolsets(TOOLSETS, wanted), 50).keys());
      const text = instructionsFor(listed);
      const tokens = textTokens(text);
      const strays = toolsNamedIn(text).filter((t) => !listed.has(t));
      if (tokens < INSTRUCTIONS.min || tokens > INSTRUCTIONS.max || strays.length > 0) wrong.push(`${wanted.join(',') || '(none)'}: ${tokens} tokens, naming unlisted ${strays.join(',')}`);
    }
    expect(wrong).toEqual([]);
  });

  it(`keeps every list answer with default arguments within ${LIST_RESULT} tokens in a busy project`, async () => {
    const c = await client({ toolsets: 'all' });
    await call(c, 'register_agent', {});
    const lists = ['list_agents', 'list_locks', 'list_reservations', 'get_all_tasks', 'get_workers', 'list_keys', 'get_events', 'list_services', 'coordinator_status', 'list_intents', 'list_threads', 'get_inbox', 'file_activity'];
    const sizes: Record<string, number> = {};
    for (const name of lists) sizes[name] = jsonTokens(await call(c, name, {}));
    // The seeds are there: a list that came back empty would measure nothing.
    expect((await call(c, 'get_inbox', {}))['deliveries']).toHaveLength(20);
    expect(((await call(c, 'list_threads', {}))['threads'] as unknown[]).length).toBe(20);
    expect(await call(c, 'get_workers', {})).toMatchObject({ used: 5, total: 300, truncated: true });
    expect(await call(c, 'list_intents', {})).toMatchObject({ total: 200 });
    expect(((await call(c, 'file_activity', {}))['files'] as unknown[]).length).toBe(20);
    for (const [name, tokens] of Object.entries(sizes)) expect(tokens, `${name} answers ${tokens} tokens (all: ${JSON.stringify(sizes)})`).toBeLessThanOrEqual(LIST_RESULT);
  });

  it(`starts a session as the startup prompt says in one call and at most ${SESSION_START} result tokens`, async () => {
    const c = await client();
    const prompt = await c.getPrompt({ name: 'startup', arguments: { name: 'Newcomer' } });
    const text = prompt.messages.map((m) => (m.content.type === 'text' ? m.content.text : '')).join('\n');
    expect(text).toMatch(/start_session/);
    const started = await call(c, 'start_session', { name: 'Newcomer', metadata: { cwd: '/work/new', branch: 'issue-7-x' }, reserve: ['docs/new.md'], claim: true });
    const tokens = jsonTokens(started);
    expect(tokens, `start_session answered ${tokens} tokens: ${JSON.stringify(started).slice(0, 400)}`).toBeLessThanOrEqual(SESSION_START);
    expect(started).toMatchObject({ agent_id: 'newcomer', claimed: { claimed: true } });
  });
});
