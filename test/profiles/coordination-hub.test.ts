/**
 * @module Profile coordination-hub (seed 003) through the real MCP SDK client:
 * the proposal's event flow (an agent locks backend/src/api.rs; the platform and
 * the monitor, subscribed to file:locked, receive it) with Baton's own file
 * reservation behind it and the proposal's publish beside it; task and health
 * events under the proposal's names; the server registry, unified health with
 * per-server status and dependency states, shared state with a TTL, tool
 * discovery; and 16 servers at once with nothing lost and no server error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/main.js';
import { call, callError, httpClient, startInProcess } from '../support/mcp.js';
import { randomId } from '../support/server.js';

let server: RunningServer;
beforeAll(async () => {
  server = await startInProcess();
});
afterAll(async () => {
  await server.close();
});

const hubClient = (project: string, agent: string) => httpClient(server.url, { query: { profile: 'coordination-hub', project }, headers: { 'x-baton-agent': agent } });
type SeedEvent = { id: number; type: string; source: string; data: Record<string, unknown>; timestamp: string };

describe('profile coordination-hub', () => {
  it("lists the proposal's interface as tools", async () => {
    const client = await hubClient(randomId('ch'), 'x');
    expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual(
      ['delete_state', 'discover_tools', 'get_server', 'get_state', 'get_unified_health', 'list_servers', 'publish_event', 'register_server', 'report_health', 'set_state', 'subscribe_events'].sort(),
    );
    await client.close();
  });

  it("runs the proposal's event flow: a file lock reaches the subscribed servers", async () => {
    const project = randomId('ch');
    const platform = await hubClient(project, 'reconciliation-platform');
    const prometheus = await hubClient(project, 'prometheus');
    const agent = await httpClient(server.url, { query: { project }, headers: { 'x-baton-agent': 'agent-1' } });
    await call(agent, 'register_agent', { agent_id: 'agent-1' });
    // 3. and 4.: both subscribe to file:locked (waiting), before the lock is taken.
    const platformSees = call(platform, 'subscribe_events', { event_types: ['file:locked'], wait_seconds: 10 });
    const prometheusSees = call(prometheus, 'subscribe_events', { event_types: ['file:locked'], wait_seconds: 10 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    // 1. The agent locks the file (Baton's reservation), and 2. the event is published.
    await call(agent, 'reserve_files', { paths: ['backend/src/api.rs'] });
    for (const seen of [await platformSees, await prometheusSees]) {
      const events = seen['events'] as SeedEvent[];
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ type: 'file:locked', source: 'agent-1', data: { file: 'backend/src/api.rs', agentId: 'agent-1' } });
    }
    // The proposal's own publish, under its name, reaches a reader that starts from the beginning.
    await call(platform, 'publish_event', { type: 'file:locked', source: 'agent-coordination', data: { file: 'backend/src/api.rs', agentId: 'agent-1' } });
    await call(platform, 'publish_event', { type: 'cache:invalidate', source: 'reconciliation-platform', data: { pattern: 'recon:*', reason: 'file locked' } });
    await call(agent, 'release_files', {});
    const all = await call(prometheus, 'subscribe_events', { event_types: ['*'], after: 0 });
    expect((all['events'] as SeedEvent[]).map((e) => e.type)).toEqual(['file:locked', 'file:locked', 'cache:invalidate', 'file:unlocked']);
    const cache = await call(prometheus, 'subscribe_events', { event_types: ['cache:invalidate'] });
    expect(cache['events']).toEqual([expect.objectContaining({ type: 'cache:invalidate', source: 'reconciliation-platform', data: { pattern: 'recon:*', reason: 'file locked' } })]);
    // A cursor: nothing new after the last read.
    expect(await call(prometheus, 'subscribe_events', { event_types: ['*'], after: all['next_after'] as number })).toMatchObject({ events: [] });
    await Promise.all([platform.close(), prometheus.close(), agent.close()]);
  });

  it('maps task and health events to the proposal names', async () => {
    const project = randomId('ch');
    const hub = await hubClient(project, 'monitor');
    const agent = await httpClient(server.url, { query: { project }, headers: { 'x-baton-agent': 'agent-2' } });
    await call(agent, 'register_agent', { agent_id: 'agent-2' });
    await call(agent, 'add_task', { id: 'T1', title: 'do it' });
    const claimed = await call(agent, 'claim_task', { task_id: 'T1' });
    await call(agent, 'update_task', { task_id: 'T1', token: claimed['token'], status: 'done' });
    await call(hub, 'register_server', { serverId: 'postgres', name: 'postgres', version: '1', tools: ['query'] });
    await call(hub, 'report_health', { serverId: 'postgres', status: 'degraded', errors: 3 });
    await call(hub, 'report_health', { serverId: 'postgres', status: 'healthy' });
    const seen = (await call(hub, 'subscribe_events', { event_types: ['task:claimed', 'task:completed', 'health:degraded', 'health:recovered'] }))['events'] as SeedEvent[];
    expect(seen.map((e) => [e.type, e.data['taskId'] ?? e.data['service']])).toEqual([
      ['task:claimed', 'T1'],
      ['task:completed', 'T1'],
      ['health:degraded', 'postgres'],
      ['health:recovered', 'postgres'],
    ]);
    await Promise.all([hub.close(), agent.close()]);
  });

  it('keeps the server registry, unified health, state with a TTL and tool discovery', async () => {
    const project = randomId('ch');
    const hub = await hubClient(project, 'reconciliation-platform');
    await call(hub, 'register_server', { serverId: 'reconciliation-platform', name: 'Reconciliation Platform MCP', version: '2.1.0', tools: ['docker_container_status', 'redis_get'], capabilities: ['docker', 'redis', 'health'], dependencies: ['redis', 'postgres'] });
    await call(hub, 'register_server', { serverId: 'postgres', name: 'postgres', version: '16', tools: ['query'] });
    await call(hub, 'report_health', { serverId: 'reconciliation-platform', status: 'healthy', errors: 0 });
    await call(hub, 'report_health', { serverId: 'postgres', status: 'unhealthy', errors: 7 });
    expect(await call(hub, 'get_server', { serverId: 'reconciliation-platform' })).toMatchObject({ server: { name: 'Reconciliation Platform MCP', version: '2.1.0', status: 'active', capabilities: ['docker', 'redis', 'health'], dependencies: ['redis', 'postgres'] } });
    expect(await call(hub, 'get_server', { serverId: 'nope' })).toEqual({ server: null });
    expect((await call(hub, 'list_servers'))['servers']).toHaveLength(2);
    const health = await call(hub, 'get_unified_health');
    expect(health).toMatchObject({
      overall: 'unhealthy',
      servers: { 'reconciliation-platform': { status: 'active', tools: 2, errors: 0 }, postgres: { status: 'degraded', health: 'unhealthy', errors: 7 } },
      dependencies: { sqlite: 'connected', redis: 'unknown', postgres: 'disconnected' },
    });
    expect(await call(hub, 'discover_tools', { toolName: 'redis_get' })).toEqual({ tools: [{ toolName: 'redis_get', serverId: 'reconciliation-platform', status: 'active', dependencies: ['redis', 'postgres'] }] });
    expect((await call(hub, 'discover_tools'))['tools']).toHaveLength(3);
    await call(hub, 'set_state', { key: 'mcp:tools:catalog', value: { n: 3 } });
    await call(hub, 'set_state', { key: 'short', value: 1, ttl: 1 });
    expect(await call(hub, 'get_state', { key: 'mcp:tools:catalog' })).toMatchObject({ value: { n: 3 } });
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(await call(hub, 'get_state', { key: 'short' })).toMatchObject({ value: null });
    expect(await call(hub, 'delete_state', { key: 'mcp:tools:catalog' })).toEqual({ deleted: true });
    expect(await callError(hub, 'report_health', { serverId: 'x', status: 'sick' })).toMatchObject({ code: 'INVALID_INPUT' });
    expect(await callError(hub, 'subscribe_events', { event_types: [] })).toMatchObject({ code: 'INVALID_INPUT' });
    await hub.close();
  });

  it('16 servers registering, reporting and publishing at once: every event read once, no server error', async () => {
    const project = randomId('ch');
    const clients = await Promise.all(Array.from({ length: 16 }, (_, i) => hubClient(project, `srv-${i}`)));
    await Promise.all(
      clients.map(async (c, i) => {
        await call(c, 'register_server', { serverId: `srv-${i}`, name: `server ${i}`, tools: [`tool_${i}`] });
        for (let n = 0; n < 5; n++) {
          await call(c, 'report_health', { serverId: `srv-${i}`, status: n % 2 === 0 ? 'degraded' : 'healthy' });
          await call(c, 'publish_event', { type: 'cache:invalidate', source: `srv-${i}`, data: { n } });
        }
      }),
    );
    const reader = clients[0]!;
    const seen: SeedEvent[] = [];
    let after = 0;
    for (;;) {
      const page = await call(reader, 'subscribe_events', { event_types: ['cache:invalidate', 'health:degraded', 'health:recovered'], after, limit: 50 });
      seen.push(...(page['events'] as SeedEvent[]));
      if (page['next_after'] === after) break;
      after = page['next_after'] as number;
    }
    expect(seen.filter((e) => e.type === 'cache:invalidate')).toHaveLength(80);
    expect(seen.filter((e) => e.type.startsWith('health:'))).toHaveLength(80);
    expect(new Set(seen.map((e) => e.id)).size).toBe(160);
    expect(((await call(reader, 'discover_tools'))['tools'] as unknown[]).length).toBe(16);
    await Promise.all(clients.map((c) => c.close()));
  }, 60_000);
});
