/**
 * @module A seed 004 style run: two MCP agents (real SDK clients over Streamable
 * HTTP) announce overlapping work, settle it in the thread, and an `mqtt` client
 * subscribed to seed 004's topics (`mqtt_compat: ["seed004"]`) sees the thread
 * open, its message and its resolution, in order, on the embedded broker and on
 * the machine's Mosquitto through the outbound bridge. Mosquitto is shared, so
 * what another run published there is told apart by its project.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/main.js';
import { call, httpClient, startInProcess } from '../support/mcp.js';
import { connectMqtt, type MqttMessageSeen, type TestMqtt } from '../support/mqtt.js';
import { cleanupAll, randomId, sleep } from '../support/server.js';

const MOSQUITTO = process.env['BATON_TEST_MQTT_URL'] ?? 'mqtt://127.0.0.1:1883';
const SEED004_FILTERS = ['coordinator/consultations/#', 'coordinator/agents/+/status', 'coordinator/broadcast'];

const closers: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close().catch(() => undefined);
  await cleanupAll();
});

let server: RunningServer;
beforeAll(async () => {
  server = await startInProcess({}, { mqtt: { port: 0, url: MOSQUITTO, username: undefined, password: undefined, compat: ['seed004'] } });
  closers.push(() => server.close());
});

async function agent(project: string, name: string): Promise<Client> {
  const client = await httpClient(server.url, { query: { project, toolsets: 'all' } });
  closers.push(() => client.close());
  await call(client, 'register_agent', { name });
  return client;
}

async function subscriber(url: string): Promise<TestMqtt> {
  const sub = await connectMqtt(url, { clientId: randomId('seed004') });
  closers.push(() => sub.close());
  expect(await sub.subscribe(SEED004_FILTERS)).toEqual([1, 1, 1]);
  return sub;
}

/** The next message of this run's project (Mosquitto also holds other runs' retained and live messages). */
const ofProject = (sub: TestMqtt, project: string, match: (m: MqttMessageSeen) => boolean): Promise<MqttMessageSeen> =>
  sub.next((m) => m.json?.['project'] === project && match(m), 15_000);

describe('seed 004 MQTT topics', () => {
  it('show a consultation opening and resolving, on the embedded broker and through the bridge to Mosquitto', async () => {
    const embedded = await subscriber(`mqtt://127.0.0.1:${server.mqttPort ?? 0}`);
    const mosquitto = await subscriber(MOSQUITTO);
    // The bridge connects and takes its start once (heads) before this run's project exists.
    await sleep(1_500);

    const project = randomId('seed004');
    const alice = await agent(project, 'alice');
    const bob = await agent(project, 'bob');
    const first = await call(alice, 'announce_work', { description: 'rework the login flow', target_files: ['src/auth.ts', 'src/session.ts'] });
    expect(first).toMatchObject({ verdict: 'pass', thread_id: null });
    const second = await call(bob, 'announce_work', { description: 'add token refresh', target_files: ['src/auth.ts'] });
    expect(second).toMatchObject({ verdict: 'concerned' });
    const threadId = second['thread_id'] as string;
    await call(alice, 'post_to_thread', { thread_id: threadId, text: 'I am splitting login() into two functions', type: 'context' });
    await call(bob, 'resolve_thread', { thread_id: threadId, verb: 'propose', text: 'alice first, then bob rebases' });
    const settled = await call(alice, 'resolve_thread', { thread_id: threadId, verb: 'approve' });
    expect(settled['thread']).toMatchObject({ status: 'resolved' });

    for (const sub of [embedded, mosquitto]) {
      const online = await ofProject(sub, project, (m) => m.topic.startsWith('coordinator/agents/'));
      // Retained on the broker; a live subscriber gets it with retain unset (MQTT 3.1.1 §3.3.1.3).
      expect(online.json).toMatchObject({ status: 'online', name: 'alice' });

      const opened = await ofProject(sub, project, (m) => m.topic === 'coordinator/consultations/new');
      expect(opened.json).toMatchObject({ thread_id: threadId, target_files: expect.arrayContaining(['src/auth.ts']) as unknown, participants: expect.arrayContaining([online.json?.['agent_id']]) as unknown });
      const thread = (m: MqttMessageSeen): boolean => m.topic.startsWith(`coordinator/consultations/${threadId}/`);
      const rest: MqttMessageSeen[] = [];
      while (rest.at(-1)?.json?.['status'] !== 'resolved') rest.push(await ofProject(sub, project, thread));
      const leaf = (m: MqttMessageSeen): string => m.topic.slice(`coordinator/consultations/${threadId}/`.length);
      // The proposal and the settlement are posts of their own (message.posted) between the transitions.
      expect(rest.filter((m) => leaf(m) === 'status').map((m) => m.json?.['status'])).toEqual(['open', 'resolving', 'resolved']);
      const posts = rest.filter((m) => leaf(m) === 'messages');
      expect(posts.length).toBeGreaterThanOrEqual(2);
      expect(posts[0]?.json).toMatchObject({ thread_id: threadId, agent_id: expect.any(String) as unknown, seq: expect.any(Number) as unknown });
      expect(rest.at(-1)?.json).toMatchObject({ resolution: 'consensus' });
      // Event ids let a subscriber order and deduplicate what it got.
      const ids = [opened, ...rest].map((m) => Number(m.json?.['event_id']));
      expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    }
  }, 60_000);
});
