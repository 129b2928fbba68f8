/**
 * @module Suite `mcp-consult`: a full consultation round over MCP (issue 12),
 * two agents, each a real @modelcontextprotocol/sdk Client over Streamable HTTP
 * against the built server (`dist/cli/main.js start`, SQLite, its own process):
 * x announces, y announces the same file (concerned: a thread opens), x reads
 * its inbox to learn the thread, posts, proposes, and y approves (resolved by
 * consensus). Reported per round: the calls, the server's CPU time (its process,
 * from /proc), the wall time the agents see, and the result tokens a model reads.
 * The baseline is the same round over REST against the same server in the same
 * run, so the ratio is the MCP surface's cost, not the store's.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { spawnServer, type ChildServer } from '../lib/child-server.js';
import { startCpuMeter } from '../lib/cpu.js';
import { createHistogram, toMeasurement, type Histogram } from '../lib/histogram.js';
import { check, ratioCheck } from '../lib/report.js';
import { createRestClient, type RestClient } from '../lib/rest-client.js';
import { jsonTokens } from '../lib/tokens.js';
import type { BenchContext, BenchSuite, Measurement } from '../lib/types.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'dist/cli/main.js');
const PROJECT = 'bench-consult';
/** announce ×2, get_inbox, post_to_thread, propose, approve: the fewest a round can take. */
const ROUND_CALLS = 6;
/** MCP's server CPU per round over REST's, same round, same server. */
const SERVER_CPU_RATIO = 2;
/** What a model reads over one round, both agents together. */
const ROUND_TOKENS = 1_500;

const cleanEnv = (): NodeJS.ProcessEnv => Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('BATON_')));

/** One agent's way of making a round's calls, counting them and the tokens of their answers. */
interface Caller {
  calls: number;
  tokens: number;
  call(name: string, args: Record<string, unknown>): Promise<Record<string, unknown>>;
}

/** Wall time of each call by tool (verb for resolve_thread), for the notes: where a round's time goes. */
type PerTool = Map<string, Histogram>;

/** Times every call of `caller` into `perTool`, under the tool's name (and verb). */
function timed(caller: Caller, perTool: PerTool): Caller {
  return {
    get calls() {
      return caller.calls;
    },
    get tokens() {
      return caller.tokens;
    },
    async call(name, args) {
      const t0 = performance.now();
      const answer = await caller.call(name, args);
      const key = typeof args['verb'] === 'string' ? `${name} ${args['verb']}` : name;
      const histogram = perTool.get(key) ?? createHistogram();
      histogram.record(performance.now() - t0);
      perTool.set(key, histogram);
      return answer;
    },
  };
}

async function mcpAgent(ctx: BenchContext, url: string, agent: string): Promise<Caller> {
  const endpoint = new URL('/mcp', url);
  endpoint.searchParams.set('project', PROJECT);
  endpoint.searchParams.set('toolsets', 'consult,messages');
  const client = new Client({ name: 'baton-bench', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(endpoint));
  ctx.defer(() => client.close());
  const caller: Caller = {
    calls: 0,
    tokens: 0,
    async call(name, args) {
      caller.calls++;
      const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
      if (result.isError) throw new Error(`${name}: ${JSON.stringify(result.content).slice(0, 300)}`);
      const structured = result.structuredContent ?? {};
      caller.tokens += jsonTokens(structured);
      return structured;
    },
  };
  await caller.call('register_agent', { agent_id: agent });
  return caller;
}

/** The same commands over REST (one route each), as the same agent. */
function restAgent(rest: RestClient, agent: string): Caller {
  const route = (name: string, args: Record<string, unknown>): [method: 'GET' | 'POST', path: string, body?: Record<string, unknown>] => {
    const { thread_id: thread, ...rest } = args;
    switch (name) {
      case 'register_agent':
        return ['POST', '/api/v1/agents', {}];
      case 'announce_work':
        return ['POST', '/api/v1/intents', args];
      case 'get_inbox':
        return ['GET', `/api/v1/inbox?after=${typeof args['after'] === 'number' ? args['after'] : 0}`];
      case 'post_to_thread':
        return ['POST', `/api/v1/threads/${String(thread)}/posts`, rest];
      case 'resolve_thread':
        return ['POST', `/api/v1/threads/${String(thread)}/resolve`, rest];
      default:
        throw new Error(`no REST route for ${name} in this suite`);
    }
  };
  const caller: Caller = {
    calls: 0,
    tokens: 0,
    async call(name, args) {
      caller.calls++;
      const [method, path, body] = route(name, args);
      const answer = await rest.call(method, path, { agent, body });
      caller.tokens += jsonTokens(answer);
      return answer;
    },
  };
  return caller;
}

/** One round on file `file`: each agent keeps one intent (same key), so live intents do not pile up over rounds. */
async function round(x: Caller, y: Caller, file: string, inboxAfter: number): Promise<number> {
  await x.call('announce_work', { description: `x changes ${file}`, target_files: [file], key: 'round' });
  const opened = await y.call('announce_work', { description: `y changes ${file}`, target_files: [file], key: 'round' });
  if (opened['verdict'] !== 'concerned') throw new Error(`expected concerned, got ${JSON.stringify(opened).slice(0, 300)}`);
  const inbox = await x.call('get_inbox', { after: inboxAfter });
  const delivery = (inbox['deliveries'] as { thread_id: string; seq: number }[]).find((d) => d.thread_id === opened['thread_id']);
  if (!delivery) throw new Error(`x's inbox does not show thread ${String(opened['thread_id'])}`);
  await x.call('post_to_thread', { thread_id: delivery.thread_id, text: `I only touch the top of ${file}`, type: 'answer' });
  await x.call('resolve_thread', { thread_id: delivery.thread_id, verb: 'propose', text: 'x first, then y' });
  const approved = await y.call('resolve_thread', { thread_id: delivery.thread_id, verb: 'approve' });
  const thread = approved['thread'] as { status?: string; resolution?: { outcome?: string } } | undefined;
  if (thread?.status !== 'resolved' || thread.resolution?.outcome !== 'consensus') throw new Error(`round on ${file} did not resolve: ${JSON.stringify(approved).slice(0, 300)}`);
  // x reads on from here next round. Nobody acks (not part of the round): x's unread count grows by two a round, which get_inbox counts (up to 1,000).
  return inbox['cursor'] as number;
}

interface RoundFigures {
  measurement: Measurement;
  perTool: PerTool;
  calls: number;
  tokens: number;
  serverCpuUs: number;
}

/** A pair of agents on one surface, and x's inbox cursor. */
interface Pair {
  label: string;
  x: Caller;
  y: Caller;
  after: number;
}

async function warmUp(pair: Pair, rounds: number): Promise<void> {
  for (let i = 0; i < rounds; i++) pair.after = await round(pair.x, pair.y, `src/${pair.label}/warm-${i}.ts`, pair.after);
}

async function measureRounds(pair: Pair, rounds: number, serverPid: number): Promise<RoundFigures> {
  const perTool: PerTool = new Map();
  const [x, y] = [timed(pair.x, perTool), timed(pair.y, perTool)];
  const { label } = pair;
  const before = { calls: x.calls + y.calls, tokens: x.tokens + y.tokens };
  const wall: Histogram = createHistogram();
  const meter = startCpuMeter({ httpServerPid: serverPid });
  const started = performance.now();
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    pair.after = await round(x, y, `src/${label}/round-${i}.ts`, pair.after);
    wall.record(performance.now() - t0);
  }
  const durationMs = performance.now() - started;
  const cpu = meter.perOp(rounds);
  const measurement = { ...toMeasurement(wall, { name: `consultation round over ${label}, 2 agents`, unit: 'round', concurrency: 1, rate: null, durationMs }), cpu };
  return { measurement, perTool, calls: (x.calls + y.calls - before.calls) / rounds, tokens: (x.tokens + y.tokens - before.tokens) / rounds, serverCpuUs: cpu?.httpServer ?? Number.NaN };
}

async function startBaton(ctx: BenchContext): Promise<ChildServer> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` (\`npm run bench\` does).`);
  const baton = await spawnServer({ args: [CLI, 'start', '--host', '127.0.0.1', '--port', '0', '--data-dir', ctx.tempDir('mcp-consult')], env: cleanEnv(), cwd: ROOT });
  ctx.defer(() => baton.stop());
  return baton;
}

export const suite: BenchSuite = {
  name: 'mcp-consult',
  description: 'A full consultation round over MCP (announce → thread → post → propose → approve → resolved), two SDK clients: calls, server CPU and wall time per round, vs the same round over REST',
  async run(ctx) {
    const rounds = ctx.quick ? 20 : 200;
    const warmup = ctx.quick ? 5 : 20;
    ctx.log('starting the server');
    const baton = await startBaton(ctx);
    const rest = createRestClient(baton.url, { connections: 2, project: PROJECT });
    ctx.defer(() => rest.close());

    const [mx, my] = await Promise.all([mcpAgent(ctx, baton.url, 'mcp-x'), mcpAgent(ctx, baton.url, 'mcp-y')]);
    const [rx, ry] = [restAgent(rest, 'rest-x'), restAgent(rest, 'rest-y')];
    await Promise.all([rx.call('register_agent', {}), ry.call('register_agent', {})]);

    // Resource templates are not in the catalog budget (tools/list + instructions); their listing's size is told here.
    const probe = new Client({ name: 'baton-bench-probe', version: '1.0.0' });
    await probe.connect(new StreamableHTTPClientTransport(new URL(`/mcp?project=${PROJECT}`, baton.url)));
    const templates = await probe.listResourceTemplates();
    await probe.close();

    const restPair: Pair = { label: 'REST', x: rx, y: ry, after: 0 };
    const mcpPair: Pair = { label: 'MCP', x: mx, y: my, after: 0 };
    ctx.log(`${warmup} warm-up rounds on each surface, then ${rounds} over REST and ${rounds} over MCP`);
    // Both surfaces warm before either is measured: the first measured would otherwise pay the server's JIT.
    await warmUp(restPair, warmup);
    await warmUp(mcpPair, warmup);
    const overRest = await measureRounds(restPair, rounds, baton.pid);
    const overMcp = await measureRounds(mcpPair, rounds, baton.pid);

    const ms = (us: number): string => `${(us / 1000).toFixed(2)} ms`;
    const checks = [
      check('calls per consultation round over MCP (announce ×2, inbox, post, propose, approve)', overMcp.calls, '<=', ROUND_CALLS, 'calls', `server CPU ${ms(overMcp.serverCpuUs)} per round; wall p50 ${overMcp.measurement.p50Ms.toFixed(2)} ms`),
      { ...ratioCheck('MCP/REST server CPU per consultation round', overMcp.serverCpuUs, overRest.serverCpuUs, '<=', SERVER_CPU_RATIO, 'µs'), detail: `${ms(overMcp.serverCpuUs)} / ${ms(overRest.serverCpuUs)} per round` },
      check('result tokens per consultation round over MCP (both agents)', overMcp.tokens, '<=', ROUND_TOKENS, 'tokens'),
    ];
    return {
      measurements: [overRest.measurement, overMcp.measurement],
      checks,
      notes: [
        `one round over MCP: ${overMcp.calls} calls, server CPU ${ms(overMcp.serverCpuUs)} (${ms(overMcp.serverCpuUs / overMcp.calls)} per call), wall p50 ${overMcp.measurement.p50Ms.toFixed(2)} ms / p99 ${overMcp.measurement.p99Ms.toFixed(2)} ms, ${Math.round(overMcp.tokens)} result tokens`,
        `wall p50 per MCP call: ${[...overMcp.perTool].map(([tool, h]) => `${tool} ${h.percentile(0.5).toFixed(2)} ms`).join(', ')} (REST: ${[...overRest.perTool].map(([tool, h]) => `${tool} ${h.percentile(0.5).toFixed(2)}`).join(', ')})`,
        `the same round over REST: ${overRest.calls} calls, server CPU ${ms(overRest.serverCpuUs)}, wall p50 ${overRest.measurement.p50Ms.toFixed(2)} ms`,
        `resources/templates/list (${templates.resourceTemplates.map((t) => t.uriTemplate).join(', ')}): ${jsonTokens(templates.resourceTemplates)} tokens, outside the catalog budget`,
        "server CPU is the server process's (/proc, 10 ms ticks) over the measured rounds; wall time includes the SDK client, in this process",
      ],
    };
  },
};
