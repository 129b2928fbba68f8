/**
 * @module Suite `mcp-surface`: what the MCP surface costs a model (issue 9,
 * design/mcp-surface.md), with a real @modelcontextprotocol/sdk Client over
 * Streamable HTTP against a server in this process (SQLite, temp directory):
 *
 * 1. Catalog tokens (Anthropic's tokenizer): the default catalog (tools/list
 *    without ?toolsets= plus the initialize instructions), every toolset on
 *    (?toolsets=all), each toolset alone, and the five largest tools.
 * 2. The answer of every list tool with default arguments in a busy project
 *    (2,000 tasks, 200 agents, 10,000 events, locks, reservations, claims and
 *    state, seeded through the hub), and a session started as the `startup`
 *    prompt says.
 * 3. Calls and result tokens per job for the five jobs of an agent's day (start
 *    and take `pytest` while a peer holds it, claim the best task and finish it,
 *    hand a lock to a waiting peer, learn who is on your files, leave), against
 *    the calls the catalog before issue 9 needed.
 *
 * Counts, not throughput: they are checks with unit 'tokens' or 'calls'; the one
 * measurement is the latency of the list calls in the busy project.
 */
import { performance } from 'node:perf_hooks';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { ALWAYS_ON, OPT_IN_TOOLSETS, TOOLSETS } from '../../src/hub/command.js';
import { loadServerConfig } from '../../src/server/config.js';
import { startServer, type RunningServer } from '../../src/server/main.js';
import { createHistogram, toMeasurement } from '../lib/histogram.js';
import { check } from '../lib/report.js';
import { catalogTokens, jsonTokens } from '../lib/tokens.js';
import type { BenchContext, BenchSuite, Check, Measurement } from '../lib/types.js';

/** The budgets of design/mcp-surface.md (held in CI by test/budgets/mcp-budgets.test.ts). */
const DEFAULT_CATALOG = 2_500;
const FULL_CATALOG = 5_000;
const LIST_RESULT = 5_000;
const SESSION_START_CALLS = 2;
const SESSION_START_TOKENS = 1_500;

/** The list tools of the catalog; any other tool whose answer pages (next_cursor) is measured too. */
const LIST_TOOLS = ['list_agents', 'list_locks', 'list_reservations', 'get_all_tasks', 'get_workers', 'list_keys', 'get_events', 'list_services', 'coordinator_status'];

const BUSY = 'busy';
const silent = { info: () => undefined, error: () => undefined };
const fmt = (n: number): string => n.toLocaleString('en-US');

/** A tool call that counts itself and the tokens of the structured answer a model reads. */
interface CountingCaller {
  calls: number;
  tokens: number;
  call(name: string, args?: Record<string, unknown>): Promise<Record<string, unknown>>;
}

function counting(client: Client): CountingCaller {
  const caller: CountingCaller = {
    calls: 0,
    tokens: 0,
    async call(name, args = {}) {
      caller.calls += 1;
      const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
      const text = result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
      if (result.isError) throw new Error(`${name} failed: ${text.slice(0, 300)}`);
      const structured = result.structuredContent ?? {};
      caller.tokens += jsonTokens(structured);
      return structured;
    },
  };
  return caller;
}

/** An SDK client on `url`/mcp with this query (project, toolsets), acting as `agent` (X-Baton-Agent). */
async function connect(ctx: BenchContext, url: string, query: Record<string, string>, agent: string): Promise<Client> {
  const endpoint = new URL('/mcp', url);
  for (const [k, v] of Object.entries(query)) endpoint.searchParams.set(k, v);
  const client = new Client({ name: 'baton-bench', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(endpoint, { requestInit: { headers: { 'x-baton-agent': agent } } }));
  ctx.defer(() => client.close());
  return client;
}

async function catalogOf(ctx: BenchContext, server: RunningServer, toolsets?: string): Promise<{ tools: Tool[]; total: number; instructions: number; perTool: Record<string, number> }> {
  const client = await connect(ctx, server.url, { project: BUSY, ...(toolsets === undefined ? {} : { toolsets }) }, 'catalog-reader');
  const { tools } = await client.listTools();
  return { tools, ...catalogTokens(tools, client.getInstructions()) };
}

/** The project of test/budgets/mcp-budgets.test.ts: 200 agents, 2,000 tasks, 40 locks, 40 reservations, 40 claims, 10,000 events, 30 keys. */
async function seedBusyProject(server: RunningServer): Promise<void> {
  const run = (name: string, input: Record<string, unknown>, agentId?: string) => server.hub.execute(name, input, { project: BUSY, agentId });
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
}

/** What a list answer holds, for the check's figures: its arrays' lengths, total, and whether it pages on. */
function describeList(answer: Record<string, unknown>): string {
  const rows = Object.entries(answer)
    .filter(([, v]) => Array.isArray(v))
    .map(([k, v]) => `${k} ${(v as unknown[]).length}`);
  const total = typeof answer['total'] === 'number' ? [`total ${fmt(answer['total'])}`] : [];
  const more = ['next_cursor', 'next_after'].filter((k) => answer[k] !== undefined);
  const truncated = answer['truncated'] === true ? ['truncated'] : [];
  return [...rows, ...total, ...truncated, ...more].join(', ') || `fields: ${Object.keys(answer).join(', ')}`;
}

/** A tool whose answer pages: its output has a cursor, a total or a truncated flag. */
const pagesOn = (tool: Tool): boolean => ['next_cursor', 'total', 'truncated'].some((field) => Object.hasOwn(tool.outputSchema?.properties ?? {}, field));

/** One job of an agent's day: what it took, and what the answer lacked if it did not do the job. */
interface JobResult {
  job: string;
  calls: number;
  minimum: number;
  tokens: number;
  /** The catalog before issue 9, for the same job. */
  before: string;
  problem?: string | undefined;
}

/** Resolves once `agent` queues for lock `name` (asked through `peer`, not counted). */
async function waitForWaiter(peer: CountingCaller, name: string, agent: string): Promise<void> {
  for (let i = 0; i < 250; i++) {
    const waiters = ((await peer.call('list_locks', { name }))['waiters'] ?? []) as { holder: string }[];
    if (waiters.some((w) => w.holder === agent)) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${agent} never queued for ${name}`);
}

/** The five jobs of test/e2e/mcp-jobs.test.ts, in a fresh project with one peer, counting the agent's callTool calls. */
async function runJobs(ctx: BenchContext, server: RunningServer): Promise<JobResult[]> {
  const project = 'jobs';
  const peer = counting(await connect(ctx, server.url, { project }, 'peer'));
  await peer.call('register_agent', { name: 'Peer' });
  await peer.call('add_task', { tasks: [{ id: 'low', title: 'Low', priority: 1 }, { id: 'high', title: 'High', priority: 5 }, { id: 'after', title: 'After high', dependencies: ['high'] }] });
  await peer.call('reserve_files', { paths: ['src/auth/**'] });
  await peer.call('acquire_lock', { name: 'pytest' });
  const me = counting(await connect(ctx, server.url, { project }, 'me'));
  const results: JobResult[] = [];
  const job = async (name: string, minimum: number, before: string, work: () => Promise<string | undefined>): Promise<void> => {
    const [calls, tokens] = [me.calls, me.tokens];
    const problem = await work();
    results.push({ job: name, calls: me.calls - calls, minimum, tokens: me.tokens - tokens, before, problem });
  };

  await job('start and take pytest while a peer holds it', 1, 'register_agent + acquire_lock (+ re-calls after 50 s) = 2+', async () => {
    setTimeout(() => void peer.call('release_lock', { name: 'pytest' }), 300);
    const started = await me.call('start_session', { name: 'Me', locks: ['pytest'], wait_seconds: 20 });
    const locked = (started['locked'] ?? []) as { acquired?: boolean; name?: string }[];
    return locked.some((l) => l.name === 'pytest' && l.acquired === true) ? undefined : `start_session did not take pytest: ${JSON.stringify(started['locked'])}`;
  });
  await job('claim the best task and finish it', 2, 'get_available_tasks + claim_task + complete_task = 3', async () => {
    const claimed = await me.call('claim_task');
    const task = claimed['task'] as { id?: string } | undefined;
    if (claimed['claimed'] !== true || task?.id !== 'high') return `claim_task did not claim the best task: ${JSON.stringify(claimed).slice(0, 200)}`;
    const done = await me.call('update_task', { task_id: 'high', token: claimed['token'], status: 'done' });
    return ((done['unblocked'] ?? []) as string[]).includes('after') ? undefined : `update_task did not say what it unblocked: ${JSON.stringify(done).slice(0, 200)}`;
  });
  const peerWaits = peer.call('acquire_lock', { name: 'pytest', wait_seconds: 20 });
  await waitForWaiter(peer, 'pytest', 'peer');
  await job('hand a lock to a waiting peer', 1, 'release_lock + check_lock to learn who got it = 2', async () => {
    const handed = await me.call('release_lock', { name: 'pytest' });
    const to = (handed['handed_to'] ?? []) as { agent?: string; token?: number }[];
    return to.some((h) => h.agent === 'peer' && typeof h.token === 'number') ? undefined : `release_lock did not say who got the lock: ${JSON.stringify(handed).slice(0, 200)}`;
  });
  if ((await peerWaits)['acquired'] !== true) throw new Error('the waiting peer was not handed pytest');
  await job('learn who is on the files you will edit', 1, 'check_file_conflict + list_agents = 2', async () => {
    const reserved = await me.call('reserve_files', { paths: ['src/auth/login.ts', 'src/ui/form.ts'], take_free: true });
    const overlaps = (reserved['overlaps'] ?? []) as { path?: string; holder?: string }[];
    return overlaps.some((o) => o.path === 'src/auth/login.ts' && o.holder === 'peer') ? undefined : `reserve_files did not name the holder of the overlap: ${JSON.stringify(reserved).slice(0, 200)}`;
  });
  await job('leave', 1, 'sign_off = 1', async () => {
    const ended = await me.call('end_session', { note: 'high done; ui form reserved, not started.' });
    return ended['signed_off'] === true ? undefined : `end_session did not sign off: ${JSON.stringify(ended).slice(0, 200)}`;
  });
  return results;
}

export const suite: BenchSuite = {
  name: 'mcp-surface',
  description: 'what the MCP surface costs a model: catalog and list tokens, calls per job (SDK client over Streamable HTTP)',
  async run(ctx) {
    const measurements: Measurement[] = [];
    const checks: Check[] = [];
    const notes: string[] = [
      'tokens counted with @anthropic-ai/tokenizer (Anthropic\'s tokenizer; cl100k/o200k land within about 8%): a tool is its name, description and input schema as tools/list advertises them; a result is its structured content as JSON',
    ];
    // The defaults a model meets: no toolsets or tokens from this process's BATON_* settings.
    const config = loadServerConfig({ dataDir: ctx.tempDir('mcp-surface'), port: 0, host: '127.0.0.1' });
    const server = await startServer({ ...config, tokens: [], toolsets: undefined, store: { kind: 'sqlite', url: undefined, namespace: undefined } }, silent);
    ctx.defer(() => server.close());

    // 1. The catalog.
    ctx.log('catalog tokens');
    const byDefault = await catalogOf(ctx, server);
    const all = await catalogOf(ctx, server, 'all');
    const toolsSum = (c: { total: number; instructions: number }): number => c.total - c.instructions;
    checks.push(
      check('default catalog (tools/list + instructions)', byDefault.total, '<=', DEFAULT_CATALOG, 'tokens', `${byDefault.tools.length} tools ${fmt(toolsSum(byDefault))} + instructions ${fmt(byDefault.instructions)}`),
      check('every toolset on (?toolsets=all)', all.total, '<=', FULL_CATALOG, 'tokens', `${all.tools.length} tools ${fmt(toolsSum(all))} + instructions ${fmt(all.instructions)}`),
    );
    // Opt-in toolsets (operator) are offered only by a server configured with them.
    const everything = await startServer({ ...config, dataDir: ctx.tempDir('mcp-surface-all'), tokens: [], toolsets: [...TOOLSETS], store: { kind: 'sqlite', url: undefined, namespace: undefined } }, silent);
    ctx.defer(() => everything.close());
    const withOptIn = await catalogOf(ctx, everything, 'all');
    checks.push(check(`every toolset on, ${OPT_IN_TOOLSETS.join(', ')} included (a server configured with all)`, withOptIn.total, '<=', FULL_CATALOG, 'tokens', `${withOptIn.tools.length} tools ${fmt(toolsSum(withOptIn))} + instructions ${fmt(withOptIn.instructions)}`));
    const alwaysOn = await catalogOf(ctx, server, ALWAYS_ON.join(','));
    const base = new Set(alwaysOn.tools.map((t) => t.name));
    const alone: string[] = [`${ALWAYS_ON.join('+')} ${fmt(alwaysOn.total)} (${alwaysOn.tools.length} tools)`];
    for (const toolset of TOOLSETS.filter((t) => !ALWAYS_ON.includes(t) && !OPT_IN_TOOLSETS.includes(t))) {
      const c = await catalogOf(ctx, server, toolset);
      const own = c.tools.filter((t) => !base.has(t.name));
      alone.push(`${toolset} ${fmt(c.total)} (its ${own.length} tools ${fmt(own.reduce((n, t) => n + (c.perTool[t.name] ?? 0), 0))})`);
    }
    notes.push(
      `catalog tokens, each toolset alone (?toolsets=<name>, which always adds ${ALWAYS_ON.join(' and ')}; instructions included): ${alone.join('; ')}`,
      `five largest tools (tokens): ${Object.entries(all.perTool).sort((a, b) => b[1] - a[1]).slice(0, 5).map(([name, n]) => `${name} ${fmt(n)}`).join(', ')}`,
    );

    // 2. Lists in a busy project, and a prompt-guided session start.
    ctx.log('seeding the busy project (2,000 tasks, 200 agents, 10,000 events)');
    const seedStarted = performance.now();
    await seedBusyProject(server);
    ctx.log(`seeded in ${Math.round(performance.now() - seedStarted)} ms`);
    const offered = new Set(all.tools.map((t) => t.name));
    const missing = LIST_TOOLS.filter((name) => !offered.has(name));
    if (missing.length > 0) throw new Error(`list tool(s) ${missing.join(', ')} no longer offered (?toolsets=all lists ${[...offered].join(', ')}): update LIST_TOOLS in bench/suites/mcp-surface.ts`);
    const paging = all.tools.filter((t) => pagesOn(t) && !LIST_TOOLS.includes(t.name));
    const needsArgs = paging.filter((t) => (t.inputSchema.required ?? []).length > 0).map((t) => t.name);
    const lists = [...LIST_TOOLS, ...paging.map((t) => t.name).filter((name) => !needsArgs.includes(name))];
    if (needsArgs.length > 0) notes.push(`paging tools not measured (they require arguments): ${needsArgs.join(', ')}`);
    if (paging.length > needsArgs.length) notes.push(`list tools found by their output (next_cursor, total or truncated) besides the fixed list: ${paging.map((t) => t.name).filter((n) => !needsArgs.includes(n)).join(', ')}`);
    const readerClient = await connect(ctx, server.url, { project: BUSY, toolsets: 'all' }, 'list-reader');
    const reader = counting(readerClient);
    await reader.call('register_agent', {});
    const latency = createHistogram();
    const listStarted = performance.now();
    const rounds = ctx.quick ? 3 : 10;
    for (const name of lists) {
      const before = reader.tokens;
      const answer = await reader.call(name, {});
      const tokens = reader.tokens - before;
      checks.push(check(`${name} with default arguments, busy project`, tokens, '<=', LIST_RESULT, 'tokens', describeList(answer)));
      // Latency of the call alone (the counting caller also tokenizes the answer).
      for (let i = 0; i < rounds; i++) {
        const t0 = performance.now();
        const result = (await readerClient.callTool({ name, arguments: {} })) as CallToolResult;
        latency.record(performance.now() - t0);
        if (result.isError) throw new Error(`${name} failed on a repeat`);
      }
    }
    measurements.push({
      ...toMeasurement(latency, { name: 'list call with default arguments, busy project', unit: 'call', concurrency: 1, rate: null, durationMs: performance.now() - listStarted }),
      detail: `${lists.length} list tools x ${rounds}, one SDK client`,
    });

    ctx.log('prompt-guided session start');
    const newcomerClient = await connect(ctx, server.url, { project: BUSY }, 'newcomer');
    const prompt = await newcomerClient.getPrompt({ name: 'startup', arguments: { name: 'Newcomer' } });
    const text = prompt.messages.map((m) => (m.content.type === 'text' ? m.content.text : '')).join('\n');
    if (!text.includes('start_session')) throw new Error(`the startup prompt no longer says to call start_session: ${text.slice(0, 300)}`);
    const newcomer = counting(newcomerClient);
    // As the prompt says: a name, metadata {cwd, branch}, the paths to edit and claim: true.
    const started = await newcomer.call('start_session', { name: 'Newcomer', metadata: { cwd: '/work/new', branch: 'issue-7-x' }, reserve: ['docs/new.md'], claim: true });
    const claimed = (started['claimed'] as { claimed?: boolean } | undefined)?.claimed === true;
    checks.push(
      { ...check('session start as the startup prompt says', newcomer.calls, '<=', SESSION_START_CALLS, 'calls', `tool calls (after prompts/get startup)${claimed ? ', claimed a task' : ', claimed NO task'}`), ...(claimed ? {} : { pass: false }) },
      check('session start result, busy project', newcomer.tokens, '<=', SESSION_START_TOKENS, 'tokens', `start_session answer: ${Object.keys(started).join(', ')}`),
    );

    // 3. The five jobs.
    ctx.log('five jobs');
    const jobs = await runJobs(ctx, server);
    for (const j of jobs) {
      const c = check(`job: ${j.job}`, j.calls, '<=', j.minimum, 'calls', `${j.problem ? `${j.problem}; ` : ''}${fmt(j.tokens)} result tokens; before: ${j.before}`);
      checks.push(j.problem ? { ...c, pass: false } : c);
    }
    const sum = (f: (j: JobResult) => number): number => jobs.reduce((n, j) => n + f(j), 0);
    notes.push(
      `five jobs: ${sum((j) => j.calls)} calls, ${fmt(sum((j) => j.tokens))} result tokens (${jobs.map((j) => `${j.job}: ${j.calls} call${j.calls === 1 ? '' : 's'}, ${fmt(j.tokens)} tokens`).join('; ')}); counted callTool calls of one SDK client (1.x, 2025 revision) over Streamable HTTP, in a fresh project with one peer`,
      "the old catalog's path (the catalog before issue 9, a fixed reference, not measured here): start and take pytest = register_agent + acquire_lock (+ re-calls after 50 s) = 2+; claim and finish = get_available_tasks + claim_task + complete_task = 3; hand a lock = release_lock + check_lock to learn who got it = 2; learn who is on the files = check_file_conflict + list_agents = 2; leave = sign_off = 1; 10+ calls in all",
    );
    return { measurements, checks, notes };
  },
};
