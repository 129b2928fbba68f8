/**
 * @module Profile mcp-coordinator (seed 004) through the real MCP SDK client: its
 * 26 tools and introspection with the seed's argument names; the README's
 * "two Claudes coordinating" walkthrough step by step (Alice passes, Bob's
 * announce opens T-1 with Alice concerned at score 100 on layer 0a, posts,
 * Alice's proposal, Bob's approval, resolved); the file, dependency-map and
 * message tools; hostile arguments; and the walkthrough by 16 agents at once
 * (8 pairs), plus 16 agents announcing one file: exactly one proceeds without
 * a consultation, every thread reaches consensus, no server error.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/main.js';
import { call, callError, httpClient, startInProcess } from '../support/mcp.js';
import { randomId } from '../support/server.js';

const SEED_TOOLS = [
  'register_agent', 'list_agents', 'heartbeat', 'agent_activity', 'wait_for_peers',
  'announce_work', 'post_to_thread', 'propose_resolution', 'approve_resolution', 'contest_resolution', 'close_thread', 'cancel_thread', 'get_thread', 'get_thread_updates', 'list_threads', 'log_action_summary',
  'hot_files', 'get_session_files', 'check_file_conflict',
  'set_dependency_map', 'get_blast_radius', 'get_module_info',
  'wait_for_message', 'get_queued_messages', 'mqtt_publish',
  'coordinator_status',
];

let server: RunningServer;
beforeAll(async () => {
  server = await startInProcess();
});
afterAll(async () => {
  await server.close();
});

const claude = (project: string): Promise<Client> => httpClient(server.url, { query: { profile: 'mcp-coordinator', project } });
type Thread = { id: string; status: string; participants: string[]; messages?: unknown; last_message?: { agent_id: string; content: string }; resolution?: { outcome: string } };
const threadIn = (status: Record<string, unknown>, id: unknown): Thread | undefined => (status['threads'] as Thread[]).find((t) => t.id === id);

/** The README's walkthrough for one pair, on `file`; answers what each step returned. */
async function walkthrough(alice: Client, bob: Client, a: string, b: string, file: string) {
  await call(alice, 'register_agent', { agent_id: a, name: 'Alice', modules: ['models'] });
  await call(bob, 'register_agent', { agent_id: b, name: 'Bob', modules: ['migrations'] });
  const first = await call(alice, 'announce_work', { agent_id: a, subject: 'Add updated_at to User', target_files: [file] });
  const second = await call(bob, 'announce_work', { agent_id: b, subject: 'Migrate User schema', target_files: [file, `migrations/${b}.sql`] });
  const t1 = second['thread_id'] as string;
  // Bob sees the conflict in the response, reads and posts.
  const read = await call(bob, 'get_thread', { thread_id: t1 });
  await call(bob, 'post_to_thread', { thread_id: t1, agent_id: b, type: 'context', content: 'full schema migration; can wait for your field to land first' });
  // Alice's poll shows T-1 with Bob's post.
  const alicePoll = await call(alice, 'coordinator_status');
  await call(alice, 'get_thread', { thread_id: t1 });
  await call(alice, 'post_to_thread', { thread_id: t1, agent_id: a, type: 'context', content: 'adding 1 field at line 42, no rename. Done in 5 min.' });
  await call(alice, 'propose_resolution', { thread_id: t1, agent_id: a, summary: "Alice's field first, Bob runs migration after" });
  // Bob's poll: resolving; he approves.
  const bobPoll = await call(bob, 'coordinator_status');
  await call(bob, 'get_thread', { thread_id: t1 });
  const approved = await call(bob, 'approve_resolution', { thread_id: t1, agent_id: b });
  // Alice's next poll: resolved. Both write and log.
  const finalPoll = await call(alice, 'coordinator_status');
  await call(alice, 'log_action_summary', { agent_id: a, file_path: file, summary: 'added updated_at' });
  await call(bob, 'log_action_summary', { agent_id: b, file_path: `migrations/${b}.sql`, summary: 'ran the migration' });
  return { first, second, t1, read, alicePoll, bobPoll, approved, finalPoll };
}

describe('profile mcp-coordinator', () => {
  it("lists the seed's 26 tools and introspection with its argument names", async () => {
    const client = await claude(randomId('mc'));
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual([...SEED_TOOLS, 'introspection']);
    const props = (name: string) => Object.keys(tools.find((t) => t.name === name)?.inputSchema.properties ?? {});
    expect(props('register_agent')).toEqual(['agent_id', 'name', 'modules']);
    expect(props('announce_work')).toEqual(expect.arrayContaining(['agent_id', 'subject', 'target_files', 'depends_on_files', 'target_modules']));
    expect(props('post_to_thread')).toEqual(expect.arrayContaining(['thread_id', 'agent_id', 'type', 'content']));
    expect(props('wait_for_peers')).toEqual(['agent_id', 'min_peers', 'timeout_seconds']);
    expect(props('check_file_conflict')).toEqual(['file_path', 'agent_id', 'within_minutes']);
    expect(client.getServerVersion()?.name).toBe('mcp-coordinator');
    const intro = await call(client, 'introspection');
    expect(intro['count']).toBe(27);
    expect(await call(client, 'introspection', { tool: 'approve_resolution' })).toMatchObject({ tools: [{ name: 'approve_resolution', maps_to: 'resolve_thread {verb: approve}', input_schema: { properties: { thread_id: {} } } }] });
    await client.close();
  });

  it("runs the README's two-Claudes walkthrough with the results it shows", async () => {
    const project = randomId('mc');
    const [alice, bob] = await Promise.all([claude(project), claude(project)]);
    const r = await walkthrough(alice, bob, 'alice', 'bob', 'src/models/user.ts');
    expect(r.first).toMatchObject({ thread_id: null, concerned_agents: [], category: 'pass' });
    expect(r.second).toMatchObject({ thread_id: expect.any(String), concerned_agents: ['alice'], score: 100, layer: '0a', category: 'concerned' });
    expect(r.read).toMatchObject({ id: r.t1, status: 'open', initiator_id: 'bob', participants: ['bob', 'alice'] });
    expect(threadIn(r.alicePoll, r.t1)).toMatchObject({ status: 'open', last_message: { agent_id: 'bob', content: expect.stringMatching(/full schema migration/) } });
    expect(threadIn(r.bobPoll, r.t1)).toMatchObject({ status: 'resolving' });
    expect(r.approved).toMatchObject({ id: r.t1, status: 'resolved', resolution: { outcome: 'consensus' } });
    expect(threadIn(r.finalPoll, r.t1)).toMatchObject({ status: 'resolved' });
    expect(r.finalPoll).toMatchObject({ agents_online: 2, open_threads: 0, resolving_threads: 0 });
    const listed = await call(alice, 'list_threads', { status: 'resolved' });
    expect(listed).toMatchObject({ count: 1, threads: [{ id: r.t1, initiator_id: 'bob' }] });
    // Alice's later calls name no agent_id: the connection registered as alice keeps acting as alice.
    expect(await call(alice, 'heartbeat', { current_file: 'src/models/user.ts' })).toMatchObject({ agent_id: 'alice', activity_status: 'working' });
    await Promise.all([alice.close(), bob.close()]);
  });

  it("keeps acting as the agent_id a session registered under, over the proxy's session header", async () => {
    const project = randomId('mc');
    // As `baton mcp` connects for Claude Code: its session id travels as X-Baton-Agent.
    const proxied = await httpClient(server.url, { query: { profile: 'mcp-coordinator', project }, headers: { 'x-baton-agent': 'claude-session-1234' } });
    expect(await call(proxied, 'register_agent', { agent_id: 'alice', name: 'Alice', modules: [] })).toMatchObject({ id: 'alice', agent_id: 'alice' });
    await call(proxied, 'announce_work', { subject: 'x', target_files: ['src/x.ts'] });
    const intents = await server.hub.execute('list_intents', {}, { project });
    expect((intents['intents'] as { agent_id: string }[]).map((i) => i.agent_id)).toEqual(['alice']);
    expect(((await call(proxied, 'list_agents'))['agents'] as { id: string }[]).map((a) => a.id)).toEqual(['alice']);
    await proxied.close();
  });

  it('contests, reopens for a new round, and refuses what the thread state or role forbids', async () => {
    const project = randomId('mc');
    const [alice, bob, carol] = await Promise.all([claude(project), claude(project), claude(project)]);
    await call(alice, 'register_agent', { agent_id: 'alice', name: 'Alice', modules: [] });
    await call(carol, 'register_agent', { agent_id: 'carol', name: 'Carol', modules: [] });
    await call(alice, 'announce_work', { agent_id: 'alice', subject: 'a', target_files: ['src/a.ts'] });
    const { thread_id } = await call(bob, 'announce_work', { agent_id: 'bob', subject: 'b', target_files: ['src/a.ts'] });
    expect(await call(bob, 'propose_resolution', { thread_id, agent_id: 'bob', content: 'me first' })).toMatchObject({ status: 'resolving' });
    expect(await call(alice, 'contest_resolution', { thread_id, agent_id: 'alice', reason: 'I am half way' })).toMatchObject({ status: 'open', round: 2 });
    expect(await callError(carol, 'approve_resolution', { thread_id, agent_id: 'carol' })).toMatchObject({ code: expect.stringMatching(/FORBIDDEN|INVALID_STATE/) });
    expect(await callError(alice, 'cancel_thread', { thread_id, agent_id: 'alice' })).toMatchObject({ code: 'FORBIDDEN' });
    expect(await call(bob, 'close_thread', { thread_id, agent_id: 'bob', summary: 'done' })).toMatchObject({ status: 'resolved', resolution: { outcome: 'closed' } });
    expect(await callError(alice, 'post_to_thread', { thread_id, agent_id: 'alice', content: 'late' })).toMatchObject({ code: 'INVALID_STATE' });
    // Hostile arguments are tool errors that say what to fix.
    expect(await callError(alice, 'announce_work', { agent_id: 'alice', target_file: ['x'] })).toMatchObject({ code: 'INVALID_INPUT', details: { did_you_mean: 'target_files' } });
    expect(await callError(alice, 'announce_work', { target_files: [] })).toMatchObject({ code: 'INVALID_INPUT' });
    expect(await callError(alice, 'get_thread', { thread_id: 'nope' })).toMatchObject({ code: 'NOT_FOUND' });
    expect(await callError(alice, 'propose_resolution', { thread_id })).toMatchObject({ code: 'INVALID_INPUT' });
    expect(await callError(alice, 'set_dependency_map', { modules: '{not json' })).toMatchObject({ code: 'INVALID_INPUT' });
    expect(await callError(alice, 'get_queued_messages', { ack: 'x-1' })).toMatchObject({ code: 'INVALID_INPUT' });
    await expect(alice.callTool({ name: 'acquire_lock', arguments: {} })).rejects.toThrow(/Unknown tool 'acquire_lock'.*mcp-coordinator/);
    await Promise.all([alice.close(), bob.close(), carol.close()]);
  });

  it('tracks files, maps dependencies, queues messages and waits for peers', async () => {
    const project = randomId('mc');
    const [alice, bob] = await Promise.all([claude(project), claude(project)]);
    await call(alice, 'register_agent', { agent_id: 'alice', name: 'Alice', modules: ['auth'] });
    expect(await call(alice, 'wait_for_peers', { min_peers: 1, timeout_seconds: 0 })).toMatchObject({ ready: false, timeout: true, online_peers: [] });
    const waiting = call(alice, 'wait_for_peers', { min_peers: 1, timeout_seconds: 20 });
    await call(bob, 'register_agent', { agent_id: 'bob', name: 'Bob', modules: ['db'] });
    expect(await waiting).toMatchObject({ ready: true, online_peers: [{ id: 'bob', name: 'Bob' }] });
    // Edits arrive from the editor hooks (record_file_edit), as the seed's came from its /api/file-activity.
    await server.hub.execute('record_file_edit', { files: ['src/auth/login.ts'] }, { project, agentId: 'alice' });
    await server.hub.execute('record_file_edit', { files: ['src/auth/login.ts', 'src/db/pool.ts'] }, { project, agentId: 'bob' });
    expect(await call(alice, 'hot_files', {})).toMatchObject({ files: [{ file_path: 'src/auth/login.ts', agents: expect.arrayContaining(['alice', 'bob']) }] });
    expect(await call(alice, 'check_file_conflict', { file_path: 'src/auth/login.ts', agent_id: 'alice' })).toMatchObject({ conflict: true, agents: ['bob'] });
    expect(await call(alice, 'check_file_conflict', { file_path: 'src/db/pool.ts', agent_id: 'bob' })).toMatchObject({ conflict: false });
    expect(((await call(alice, 'get_session_files', { session_id: 'bob' }))['files'] as unknown[]).length).toBe(2);
    expect(await call(alice, 'agent_activity')).toMatchObject({ agents: expect.arrayContaining([expect.objectContaining({ agent_id: 'bob', activity_status: expect.any(String) })]) });
    // The seed's module JSON, sent as text as its schema asks.
    const map = JSON.stringify({ auth: { depends_on: ['db'] }, api: { depends_on: ['auth'] }, db: { depends_on: [] } });
    expect(await call(alice, 'set_dependency_map', { modules: map })).toMatchObject({ ok: true, modules: 3 });
    expect((await call(alice, 'get_blast_radius', { module_id: 'db' }))['affected']).toEqual(['auth', 'api']);
    expect(await call(alice, 'get_module_info', { module_id: 'auth' })).toMatchObject({ depends_on: ['db'], dependents: ['api'] });
    // A thread's posts are queued for its other participants, durably; a drain marks them read.
    await call(alice, 'announce_work', { subject: 'login', target_files: ['src/auth/login.ts'] });
    const { thread_id } = await call(bob, 'announce_work', { agent_id: 'bob', subject: 'login too', target_files: ['src/auth/login.ts'] });
    await call(bob, 'post_to_thread', { thread_id, agent_id: 'bob', type: 'question', content: 'which part?' });
    await call(bob, 'post_to_thread', { thread_id, agent_id: 'bob', type: 'warning', content: 'touching the session too' });
    const held = await call(alice, 'get_queued_messages', { require_ack: true });
    const messages = held['messages'] as { content: string }[];
    expect(messages.map((m) => m.content)).toEqual(expect.arrayContaining(['which part?', 'touching the session too']));
    expect((await call(alice, 'get_queued_messages', { require_ack: true }))['messages']).toHaveLength(messages.length);
    expect(await call(alice, 'get_queued_messages', { ack: held['batch_id'] })).toMatchObject({ messages: [] });
    const next = call(alice, 'wait_for_message', { timeout_seconds: 20 });
    await call(bob, 'post_to_thread', { thread_id, agent_id: 'bob', content: 'ping' });
    expect(await next).toMatchObject({ thread_id, agent_id: 'bob', content: 'ping', queued_remaining: 0 });
    expect(await call(alice, 'wait_for_message', { timeout_seconds: 0 })).toEqual({ timeout: true });
    const updates = await call(alice, 'get_thread_updates', {});
    expect((updates['updates'] as { thread_id: string; messages: unknown[] }[])[0]).toMatchObject({ thread_id, messages: expect.any(Array) });
    expect(await call(alice, 'get_thread_updates', { since: updates['cursor'] })).toMatchObject({ updates: [] });
    expect(await call(bob, 'mqtt_publish', { topic: 'coordinator/broadcast', payload: '{"note":"deploy at 5"}' })).toMatchObject({ published: true });
    const events = await server.hub.execute('get_events', { types: ['custom'] }, { project });
    expect(events['events']).toContainEqual(expect.objectContaining({ data: expect.objectContaining({ topic: 'broadcast', payload: { note: 'deploy at 5' } }) }));
    await Promise.all([alice.close(), bob.close()]);
  });

  it('16 agents run the walkthrough at once (8 pairs): each pair gets its own thread, all reach consensus', async () => {
    const project = randomId('mc');
    const clients = await Promise.all(Array.from({ length: 16 }, () => claude(project)));
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => walkthrough(clients[2 * i] as Client, clients[2 * i + 1] as Client, `alice-${i}`, `bob-${i}`, `src/models/user-${i}.ts`)),
    );
    for (const [i, r] of results.entries()) {
      expect(r.first, `pair ${i}`).toMatchObject({ thread_id: null, concerned_agents: [] });
      expect(r.second, `pair ${i}`).toMatchObject({ concerned_agents: [`alice-${i}`], score: 100, layer: '0a' });
      expect(r.approved, `pair ${i}`).toMatchObject({ status: 'resolved', resolution: { outcome: 'consensus' } });
    }
    expect(new Set(results.map((r) => r.t1)).size).toBe(8);
    expect(await call(clients[0] as Client, 'list_threads', { status: 'resolved' })).toMatchObject({ count: 8 });
    await Promise.all(clients.map((c) => c.close()));
  }, 120_000);

  it('16 agents announcing one file at once: exactly one proceeds unconsulted, every thread settles by consensus', async () => {
    const project = randomId('mc');
    const clients = await Promise.all(Array.from({ length: 16 }, () => claude(project)));
    const ids = clients.map((_, i) => `agent-${i}`);
    await Promise.all(clients.map((c, i) => call(c, 'register_agent', { agent_id: ids[i], name: ids[i], modules: ['models'] })));
    const verdicts = await Promise.all(clients.map((c, i) => call(c, 'announce_work', { agent_id: ids[i], subject: `change ${i}`, target_files: ['src/models/user.ts'] })));
    expect(verdicts.filter((v) => v['thread_id'] === null)).toHaveLength(1);
    const threads = [...new Set(verdicts.map((v) => v['thread_id']).filter((t): t is string => typeof t === 'string'))];
    // Each initiator proposes; every respondent approves whatever is resolving, until nothing is left open.
    await Promise.all(threads.map(async (t) => {
      const thread = await call(clients[0] as Client, 'get_thread', { thread_id: t });
      const initiator = ids.indexOf(thread['initiator_id'] as string);
      await call(clients[initiator] as Client, 'propose_resolution', { thread_id: t, agent_id: ids[initiator], summary: 'after the one before me' });
    }));
    for (let round = 0; round < 20; round++) {
      const open = await Promise.all(threads.map((t) => call(clients[0] as Client, 'get_thread', { thread_id: t })));
      const pending = open.filter((t) => t['status'] !== 'resolved');
      if (pending.length === 0) break;
      await Promise.all(clients.map(async (c, i) => {
        for (const t of pending) {
          if (!(t['participants'] as string[]).includes(ids[i] as string) || t['initiator_id'] === ids[i] || (t['approvals'] as string[] | undefined)?.includes(ids[i] as string)) continue;
          const r = (await c.callTool({ name: 'approve_resolution', arguments: { thread_id: t['id'], agent_id: ids[i] } })) as { isError?: boolean; content: { text: string }[] };
          // Observers may not approve, and a thread may settle between the read and the call: both are typed refusals, never a crash.
          if (r.isError) expect(r.content[0]?.text).toMatch(/FORBIDDEN|INVALID_STATE/);
        }
      }));
    }
    const final = await Promise.all(threads.map((t) => call(clients[0] as Client, 'get_thread', { thread_id: t })));
    expect(final.every((t) => t['status'] === 'resolved' && (t['resolution'] as { outcome: string }).outcome === 'consensus')).toBe(true);
    await Promise.all(clients.map((c) => c.close()));
  }, 120_000);
});
