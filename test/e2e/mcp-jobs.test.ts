/**
 * @module The five jobs of an agent's day, each in the fewest calls, with the real
 * clients of both SDK lines (the 1.x client speaks the 2025 revisions, the 2.x
 * client negotiates 2026-07-28) over Streamable HTTP and through `baton mcp`:
 * start and take `pytest` (waiting while a peer holds it), claim the best task
 * and finish it, hand a lock to a waiting peer, learn who is on the files you
 * will edit, leave. Each answer carries what the next step needs, so the call
 * counts asserted here are the whole job. Also over every client: a wait that
 * times out keeps its place across re-calls, a connection that asks for some
 * toolsets can still start, unknown arguments are refused with a "did you
 * mean", and 2,000 tasks page with every task seen once while peers work, as do
 * worker waiters, a lock queue, the event log, the inbox and file activity.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/main.js';
import { call, callError, httpClient, modernHttpClient, modernStdioClient, startInProcess, stdioClient, type ToolCaller } from '../support/mcp.js';
import { cleanupAll, randomId } from '../support/server.js';

interface Connected {
  client: ToolCaller & { listTools(): Promise<{ tools: { name: string }[] }> };
  close(): Promise<void>;
}

type Connect = (url: string, project: string, agent: string, query?: Record<string, string>) => Promise<Connected>;

const wrap = (client: Connected['client'] & { close(): Promise<void> }): Connected => ({ client, close: () => client.close() });

/** Every way a model reaches Baton; the agent is the one each way names itself by. */
const CLIENTS: Record<string, Connect> = {
  // A 2025 session remembers the agent start_session registered: the test passes agent_id only there.
  '2025 over HTTP': async (url, project, _agent, query = {}) => wrap(await httpClient(url, { query: { project, ...query } })),
  '2026-07-28 over HTTP': async (url, project, agent, query = {}) => wrap(await modernHttpClient(url, { query, headers: { 'x-baton-agent': agent, 'x-baton-project': project } })),
  // The toolsets go as `baton mcp --toolsets` on one stdio line and as BATON_MCP_TOOLSETS on the other: both are how clients configure it.
  '2025 through baton mcp': async (url, project, agent, query = {}) => {
    const proxy = await stdioClient({ BATON_URL: url, BATON_PROJECT: project, CLAUDE_CODE_SESSION_ID: agent }, query['toolsets'] ? ['--toolsets', query['toolsets']] : []);
    return { client: proxy.client, close: () => proxy.close() };
  },
  '2026-07-28 through baton mcp': async (url, project, agent, query = {}) => {
    const proxy = await modernStdioClient({ BATON_URL: url, BATON_PROJECT: project, CLAUDE_CODE_SESSION_ID: agent, ...(query['toolsets'] ? { BATON_MCP_TOOLSETS: query['toolsets'] } : {}) });
    return { client: proxy.client, close: () => proxy.close() };
  },
};

/** A client that counts the calls it makes. */
function counted(client: ToolCaller): ToolCaller & { calls: number } {
  const wrapped = {
    calls: 0,
    callTool(params: { name: string; arguments?: Record<string, unknown> }) {
      wrapped.calls += 1;
      return client.callTool(params);
    },
  };
  return wrapped;
}

let server: RunningServer;
/** A server whose waits end after one second, so a wait asked for longer than the cap is seen to end at the cap. */
let capped: RunningServer;
const CAP_SECONDS = 1;

beforeAll(async () => {
  server = await startInProcess();
  capped = await startInProcess({ maxWaitMs: CAP_SECONDS * 1000 });
});
afterAll(async () => {
  await server.close();
  await capped.close();
  await cleanupAll();
});

describe.each(Object.entries(CLIENTS))('an agent %s', (_kind, connect) => {
  it('does each of the five jobs in the fewest calls', async () => {
    const project = randomId('jobs');
    const me = `me-${randomUUID().slice(0, 8)}`;
    const peer = await httpClient(server.url, { query: { project }, headers: { 'x-baton-agent': 'peer' } });
    await call(peer, 'register_agent', { name: 'Peer' });
    await call(peer, 'add_task', { tasks: [{ id: 'low', title: 'Low', priority: 1 }, { id: 'high', title: 'High', priority: 5 }, { id: 'after', title: 'After high', dependencies: ['high'] }] });
    await call(peer, 'reserve_files', { paths: ['src/auth/**'] });
    await call(peer, 'acquire_lock', { name: 'pytest' });
    const connected = await connect(server.url, project, me);
    const agent = counted(connected.client);
    try {
      // 1. Start and take pytest, waiting while the peer holds it: one call.
      setTimeout(() => void call(peer, 'release_lock', { name: 'pytest' }), 300);
      const started = await call(agent, 'start_session', { agent_id: me, name: 'Me', locks: ['pytest'], wait_seconds: 20 });
      expect(started).toMatchObject({ agent_id: me, locked: [{ acquired: true, name: 'pytest' }], others: { live: 1 } });
      expect(agent.calls).toBe(1);

      // 2. Claim the best task and finish it: two calls, the second saying what it unblocked.
      const claimed = await call(agent, 'claim_task');
      expect(claimed).toMatchObject({ claimed: true, task: { id: 'high' } });
      const token = claimed['token'] as number;
      expect(await call(agent, 'update_task', { task_id: 'high', token, status: 'done' })).toMatchObject({ unblocked: ['after'] });
      expect(agent.calls).toBe(3);

      // 3. Hand pytest to the peer who waits for it: one call, answering who got it with which token.
      const peerWaits = call(peer, 'acquire_lock', { name: 'pytest', wait_seconds: 20 });
      await waitForWaiter(peer, 'pytest', 'peer');
      const handed = await call(agent, 'release_lock', { name: 'pytest' });
      const mine = (started['locked'] as { token: number }[])[0]!.token;
      expect(handed).toMatchObject({ released: true, handed_to: [{ agent: 'peer', name: 'pytest' }] });
      expect((handed['handed_to'] as { token: number }[])[0]!.token).toBeGreaterThan(mine);
      expect(await peerWaits).toMatchObject({ acquired: true });
      expect(agent.calls).toBe(4);

      // 4. Learn who is on the files you will edit, taking the free ones: one call.
      const reserved = await call(agent, 'reserve_files', { paths: ['src/auth/login.ts', 'src/ui/form.ts'], take_free: true });
      expect(reserved).toMatchObject({ reserved: true, paths: ['src/ui/form.ts'], overlaps: [{ path: 'src/auth/login.ts', their_path: 'src/auth/**', holder: 'peer' }] });
      expect(agent.calls).toBe(5);

      // 5. Leave: one call, with a note for the next session and what it let go.
      const ended = await call(agent, 'end_session', { note: 'high done; ui form reserved, not started.' });
      expect(ended).toMatchObject({ signed_off: true, note_saved: true, released: { reservations: [reserved['reservation_id']] } });
      expect(agent.calls).toBe(6);
      expect(await call(peer, 'start_session')).toMatchObject({ handover: { note: 'high done; ui form reserved, not started.', by: me } });
    } finally {
      await Promise.all([connected.close(), peer.close()]);
    }
  });

  it('keeps the place of a wait that timed out across re-calls, ahead of one who asked later', async () => {
    const project = randomId('wait');
    const me = `me-${randomUUID().slice(0, 8)}`;
    const holder = await httpClient(server.url, { query: { project }, headers: { 'x-baton-agent': 'holder' } });
    const later = await httpClient(server.url, { query: { project }, headers: { 'x-baton-agent': 'later' } });
    const connected = await connect(server.url, project, me);
    try {
      await call(connected.client, 'start_session', { agent_id: me });
      await Promise.all([call(holder, 'register_agent'), call(later, 'register_agent')]);
      await call(holder, 'acquire_lock', { name: 'deploy' });
      const first = await call(connected.client, 'acquire_lock', { name: 'deploy', wait_seconds: 0.3 });
      expect(first).toMatchObject({ acquired: false, timed_out: true, holder: 'holder', queue_position: 1 });
      const laterWaits = call(later, 'acquire_lock', { name: 'deploy', wait_seconds: 20 });
      await waitForWaiter(holder, 'deploy', 'later');
      // Re-called, still first; the one who asked later stays second.
      expect(await call(connected.client, 'acquire_lock', { name: 'deploy', wait_seconds: 0.3 })).toMatchObject({ timed_out: true, queue_position: 1 });
      const again = call(connected.client, 'acquire_lock', { name: 'deploy', wait_seconds: 20 });
      await call(holder, 'release_lock', { name: 'deploy' });
      expect(await again).toMatchObject({ acquired: true, name: 'deploy' });
      const waiters = (await call(holder, 'list_locks', { name: 'deploy' }))['waiters'] as { holder: string }[];
      expect(waiters.map((w) => w.holder)).toEqual(['later']);
      await call(connected.client, 'release_lock', { name: 'deploy' });
      expect(await laterWaits).toMatchObject({ acquired: true });
    } finally {
      await Promise.all([connected.close(), holder.close(), later.close()]);
    }
  });

  it('caps a wait asked for longer than the advertised maximum, and the first asker, re-calling after each timeout, gets the lock before a later one', async () => {
    const project = randomId('long');
    const me = `me-${randomUUID().slice(0, 8)}`;
    const holder = await httpClient(capped.url, { query: { project }, headers: { 'x-baton-agent': 'holder' } });
    const later = await httpClient(capped.url, { query: { project }, headers: { 'x-baton-agent': 'later' } });
    const connected = await connect(capped.url, project, me);
    try {
      const acquire = (await connected.client.listTools()).tools.find((t) => t.name === 'acquire_lock') as { inputSchema: { properties: Record<string, { maximum?: number }> } } | undefined;
      expect(acquire?.inputSchema.properties['wait_seconds']?.maximum).toBe(CAP_SECONDS);
      await call(connected.client, 'start_session', { agent_id: me });
      await Promise.all([call(holder, 'register_agent'), call(later, 'register_agent')]);
      await call(holder, 'acquire_lock', { name: 'deploy' });
      // Asked for 30 s, above the 1 s cap: not refused, capped; the answer comes at the cap with the place in the queue.
      const asked = Date.now();
      const first = await call(connected.client, 'acquire_lock', { name: 'deploy', wait_seconds: 30 });
      const waited = Date.now() - asked;
      expect(first).toMatchObject({ acquired: false, timed_out: true, holder: 'holder', queue_position: 1 });
      expect(waited).toBeGreaterThanOrEqual(CAP_SECONDS * 1000 - 100);
      expect(waited).toBeLessThan(10_000);
      // Someone asks later, also for longer than the cap, and queues behind.
      expect(await call(later, 'acquire_lock', { name: 'deploy', wait_seconds: 30 })).toMatchObject({ timed_out: true, queue_position: 2 });
      // The first asker re-calls after its timeout: still first.
      expect(await call(connected.client, 'acquire_lock', { name: 'deploy', wait_seconds: 30 })).toMatchObject({ timed_out: true, queue_position: 1 });
      const again = call(connected.client, 'acquire_lock', { name: 'deploy', wait_seconds: 30 });
      await new Promise((r) => setTimeout(r, 200));
      await call(holder, 'release_lock', { name: 'deploy' });
      expect(await again).toMatchObject({ acquired: true, name: 'deploy' });
      await call(connected.client, 'release_lock', { name: 'deploy' });
      expect(await call(later, 'acquire_lock', { name: 'deploy', wait_seconds: 30 })).toMatchObject({ acquired: true });
    } finally {
      await Promise.all([connected.close(), holder.close(), later.close()]);
    }
  });

  it('refuses unknown arguments with a "did you mean", and starts on a connection that lists only some toolsets', async () => {
    const project = randomId('args');
    const me = `me-${randomUUID().slice(0, 8)}`;
    const connected = await connect(server.url, project, me, { toolsets: 'locks,tasks' });
    try {
      const listed = (await connected.client.listTools()).tools.map((t) => t.name);
      expect(listed).toEqual(expect.arrayContaining(['start_session', 'coordinator_status', 'acquire_lock', 'claim_task']));
      expect(listed).not.toContain('reserve_files');
      await call(connected.client, 'start_session', { agent_id: me });
      const refused = await callError(connected.client, 'acquire_lock', { name: 'pytest', timeout_seconds: 30 });
      expect(refused).toMatchObject({ code: 'INVALID_INPUT', details: { field: 'timeout_seconds' } });
      expect(refused.message).toContain('wait_seconds');
      expect(await call(connected.client, 'acquire_lock', { name: 'pytest' })).toMatchObject({ acquired: true });
    } finally {
      await connected.close();
    }
  });

  it('names only listed tools in its next steps and hints on a connection with other toolsets', async () => {
    const project = randomId('hints');
    const me = `me-${randomUUID().slice(0, 8)}`;
    const peer = await httpClient(server.url, { query: { project }, headers: { 'x-baton-agent': 'peer' } });
    const connected = await connect(server.url, project, me, { toolsets: 'events' });
    try {
      const listed = new Set((await connected.client.listTools()).tools.map((t) => t.name));
      expect(listed.has('publish_event') && !listed.has('list_locks') && !listed.has('claim_task')).toBe(true);
      await call(peer, 'register_agent');
      await call(peer, 'add_task', { id: 'ready', title: 'Ready' });
      await call(peer, 'acquire_lock', { name: 'deploy' });
      const started = await call(connected.client, 'start_session', { agent_id: me });
      expect(started['next']).toBe('start_session with claim: true takes the best ready task; end_session when you stop.');
      // release_lock is callable (not listed): calling it shows the model knows the locks toolset, so its
      // refusal's hint may name list_locks, but not get_task, of a toolset this connection neither lists nor used.
      const refused = await callError(connected.client, 'release_lock', { name: 'deploy' });
      expect(refused.code).toBe('NOT_HOLDER');
      expect(refused.hint).toContain('list_locks or the task record');
      expect(refused.hint).not.toContain('get_task');
    } finally {
      await Promise.all([connected.close(), peer.close()]);
    }
  });

  it('pages through 2,000 tasks, seeing every task once while peers claim and finish them', async () => {
    const project = randomId('pages');
    const me = `me-${randomUUID().slice(0, 8)}`;
    const peer = await httpClient(server.url, { query: { project }, headers: { 'x-baton-agent': 'peer' } });
    const connected = await connect(server.url, project, me);
    try {
      await call(connected.client, 'start_session', { agent_id: me });
      await call(peer, 'register_agent');
      for (let batch = 0; batch < 4; batch++) {
        await call(connected.client, 'add_task', { tasks: Array.from({ length: 500 }, (_, i) => ({ id: `t${batch * 500 + i}`, title: `Task ${batch * 500 + i}`, priority: i % 7 })) });
      }
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await call(connected.client, 'get_all_tasks', { limit: 200, ...(cursor ? { cursor } : {}) });
        expect(page['total']).toBe(2_000);
        seen.push(...(page['tasks'] as { id: string }[]).map((t) => t.id));
        cursor = page['next_cursor'] as string | undefined;
        // Between pages, a peer claims the best task and finishes it: rows change status, not place.
        const claimed = await call(peer, 'claim_task');
        const task = claimed['task'] as { id: string };
        await call(peer, 'update_task', { task_id: task.id, token: claimed['token'], status: 'done' });
      } while (cursor !== undefined);
      expect(seen).toHaveLength(2_000);
      expect(new Set(seen).size).toBe(2_000);
    } finally {
      await Promise.all([connected.close(), peer.close()]);
    }
  });

  it('pages worker waiters, a lock queue, the event log, the inbox and file activity by next_cursor, every row once', async () => {
    const project = randomId('lists');
    const me = `me-${randomUUID().slice(0, 8)}`;
    const run = (name: string, input: Record<string, unknown>, agentId: string) => server.hub.execute(name, input, { project, agentId });
    const team = Array.from({ length: 70 }, (_, i) => `w${String(i).padStart(2, '0')}`);
    await Promise.all([me, 'holder', ...team].map((a) => run('register_agent', {}, a)));
    await Promise.all(['holder', ...team.slice(0, 4)].map((a) => run('claim_worker_slot', {}, a)));
    await run('acquire_lock', { name: 'deploy' }, 'holder');
    // Timed-out waits keep their tickets for the grace: the queues stay to be listed.
    await Promise.all(team.slice(4).map((a) => run('claim_worker_slot', { wait_seconds: 0.01 }, a)));
    await Promise.all(team.map((a) => run('acquire_lock', { name: 'deploy', wait_seconds: 0.01 }, a)));
    for (const [i, a] of team.slice(0, 30).entries()) {
      await run('send_message', { to: [me], text: `note ${i}` }, a);
      await run('record_file_edit', { files: [`src/f${i}.ts`] }, a);
      await run('record_file_edit', { files: [`src/f${i}.ts`] }, team[i + 30] ?? a);
    }
    const connected = await connect(server.url, project, me);
    try {
      await call(connected.client, 'start_session', { agent_id: me });
      const pageAll = async (name: string, input: Record<string, unknown>, field: string, key: string) => {
        const seen: unknown[] = [];
        let cursor: string | undefined;
        do {
          const page = await call(connected.client, name, { ...input, ...(cursor ? { cursor } : {}) });
          seen.push(...((page[field] ?? []) as Record<string, unknown>[]).map((r) => r[key]));
          cursor = page['next_cursor'] as string | undefined;
          expect(page['truncated']).toBe(cursor !== undefined);
        } while (cursor);
        expect(new Set(seen).size).toBe(seen.length);
        return seen;
      };
      expect(await pageAll('get_workers', { limit: 9 }, 'waiters', 'holder')).toHaveLength(66);
      expect(await pageAll('list_locks', { name: 'deploy', limit: 9 }, 'waiters', 'holder')).toHaveLength(70);
      const events = await pageAll('get_events', { limit: 40 }, 'events', 'id');
      expect(events).toEqual(Array.from({ length: events.length }, (_, i) => i + 1));
      expect(events.length).toBeGreaterThan(200);
      expect(await pageAll('get_inbox', { limit: 7 }, 'deliveries', 'seq')).toHaveLength(30);
      expect(await pageAll('file_activity', { limit: 7 }, 'files', 'file')).toHaveLength(30);
    } finally {
      await connected.close();
    }
  });
});

/** Resolves once `agent` queues for lock `name` (asked through `client`). */
async function waitForWaiter(client: ToolCaller, name: string, agent: string): Promise<void> {
  for (let i = 0; i < 250; i++) {
    const waiters = (await call(client, 'list_locks', { name }))['waiters'] as { holder: string }[];
    if (waiters.some((w) => w.holder === agent)) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${agent} never queued for ${name}`);
}
