/**
 * @module The embedded MQTT broker with the real `mqtt` client, over TCP and over
 * WebSocket at /mqtt: events in log order with their ids, custom topics selectable
 * with wildcards, retained agent and lease state cleared when they end, a retained
 * last will marking a dead agent offline, Baton tokens as credentials, per-project
 * ACLs, and MQTT publishes becoming custom events subject to the token's role.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMqttBroker, type MqttBroker } from '../../src/transports/mqtt/mqtt-broker.js';
import { startInProcess, type InProcessServer } from '../support/in-process.js';
import { connectMqtt } from '../support/mqtt.js';
import { randomId, sleep } from '../support/server.js';

const AGENT_TOKEN = 'mqtt-agent-token-project-a-01';
const OBSERVER_TOKEN = 'mqtt-observer-token-all-0001';

let open: InProcessServer & { broker: MqttBroker };
let secured: InProcessServer & { broker: MqttBroker };

async function withBroker(tokens: { token: string; role: 'agent' | 'observer' | 'admin'; projects: string[]; agent?: string }[], compat: 'seed004'[] = []): Promise<InProcessServer & { broker: MqttBroker }> {
  let created: MqttBroker | undefined;
  const server = await startInProcess({
    tokens,
    extend: async (hub, security) => {
      const broker = await createMqttBroker({ hub, security, log: { info: () => undefined, error: () => undefined }, port: 0, compat });
      created = broker;
      return { wsRoutes: [(app) => { broker.wsRoute(app); }], close: () => broker.close() };
    },
  });
  return Object.assign(server, { broker: created! });
}

beforeAll(async () => {
  open = await withBroker([], ['seed004']);
  secured = await withBroker([
    { token: AGENT_TOKEN, role: 'agent', projects: ['proj-a'], agent: 'ann' },
    { token: OBSERVER_TOKEN, role: 'observer', projects: ['*'] },
  ]);
});
afterAll(async () => {
  await open.close();
  await secured.close();
});

const tcpUrl = (server: { broker: MqttBroker }): string => `mqtt://127.0.0.1:${server.broker.port ?? 0}`;

describe('embedded MQTT broker', () => {
  it('publishes every event in log order with its id, custom topics selectable by wildcard', async () => {
    const project = randomId('mq');
    const sub = await connectMqtt(tcpUrl(open));
    try {
      expect(await sub.subscribe([`baton/${project}/events/#`])).toEqual([1]);
      const ids: number[] = [];
      for (let i = 0; i < 30; i++) ids.push(((await open.hub.execute('publish_event', { project, topic: `cache/t${i % 3}`, payload: { i } }))['event'] as { id: number }).id);
      const got = [];
      for (let i = 0; i < 30; i++) got.push(await sub.next());
      expect(got.map((m) => m.json?.['id'])).toEqual(ids);
      expect(got[0]?.topic).toBe(`baton/${project}/events/custom/cache/t0`);
      expect(got[0]?.json).toMatchObject({ project, type: 'custom', data: { topic: 'cache/t0', payload: { i: 0 } } });
      const only = await connectMqtt(tcpUrl(open));
      await only.subscribe([`baton/${project}/events/custom/cache/t1`]);
      await open.hub.execute('publish_event', { project, topic: 'cache/t0' });
      const wanted = ((await open.hub.execute('publish_event', { project, topic: 'cache/t1' }))['event'] as { id: number }).id;
      expect((await only.next()).json?.['id']).toBe(wanted);
      await only.close();
    } finally {
      await sub.close();
    }
  });

  it('keeps retained state for live agents and held leases, cleared when they end; seed 004 status topics too', async () => {
    const project = randomId('mq');
    await open.hub.execute('register_agent', { project, agent_id: 'ann', name: 'Ann' });
    await open.hub.execute('acquire_lock', { project, agent_id: 'ann', name: 'db/migrate' });
    await sleep(50);
    // A subscriber arriving later gets the retained state at once.
    const late = await connectMqtt(tcpUrl(open));
    try {
      await late.subscribe([`baton/${project}/state/#`, 'coordinator/agents/ann/status']);
      const agent = await late.next((m) => m.topic === `baton/${project}/state/agents/ann`);
      expect(agent).toMatchObject({ retain: true, json: { status: 'online', name: 'Ann' } });
      const lease = await late.next((m) => m.topic.startsWith(`baton/${project}/state/leases/lock/`));
      expect(lease.topic).toBe(`baton/${project}/state/leases/lock/db%2Fmigrate/ann`);
      expect((await late.next((m) => m.topic === 'coordinator/agents/ann/status')).json).toMatchObject({ status: 'online' });
      await open.hub.execute('sign_off', { project, agent_id: 'ann' });
      expect((await late.next((m) => m.topic === `baton/${project}/state/leases/lock/db%2Fmigrate/ann`)).text).toBe('');
      expect((await late.next((m) => m.topic === `baton/${project}/state/agents/ann`)).text).toBe('');
    } finally {
      await late.close();
    }
    const after = await connectMqtt(tcpUrl(open));
    try {
      await after.subscribe([`baton/${project}/state/#`]);
      await sleep(200);
      expect(after.messages).toEqual([]);
    } finally {
      await after.close();
    }
  });

  it('publishes an agent\'s retained last will when its connection dies', async () => {
    const project = randomId('mq');
    const topic = `baton/${project}/state/agents/bob`;
    const agent = await connectMqtt(tcpUrl(open), { username: 'bob', will: { topic, payload: Buffer.from('{"status":"offline"}'), qos: 1, retain: true } });
    agent.client.stream.destroy();
    await sleep(300);
    const watcher = await connectMqtt(tcpUrl(open));
    try {
      await watcher.subscribe([topic]);
      expect(await watcher.next((m) => m.topic === topic)).toMatchObject({ retain: true, json: { status: 'offline' } });
    } finally {
      await watcher.close();
      await agent.close();
    }
  });

  it('turns a publish on baton/<project>/publish/<topic> into a custom event, PUBACKed once logged', async () => {
    const project = randomId('mq');
    const client = await connectMqtt(tcpUrl(open), { username: 'tool' });
    try {
      await client.subscribe([`baton/${project}/#`]);
      await client.client.publishAsync(`baton/${project}/publish/health/db`, '{"status":"degraded"}', { qos: 1 });
      const events = await open.hub.execute('get_events', { project });
      expect((events['events'] as { type: string; actor?: string; data: unknown }[])[0]).toMatchObject({ type: 'custom', actor: 'tool', data: { topic: 'health/db', payload: { status: 'degraded' } } });
      const seen = await client.next();
      expect(seen.topic).toBe(`baton/${project}/events/custom/health/db`);
      await sleep(100);
      // The raw publish is not forwarded: subscribers see the event it became, once.
      expect(client.messages.filter((m) => m.topic.includes('/publish/'))).toEqual([]);
    } finally {
      await client.close();
    }
  });

  it('works over WebSocket at /mqtt on the HTTP port', async () => {
    const project = randomId('mq');
    const client = await connectMqtt(`${open.url.replace('http', 'ws')}/mqtt`);
    try {
      await client.subscribe([`baton/${project}/events/#`]);
      const id = ((await open.hub.execute('publish_event', { project, topic: 'over-ws' }))['event'] as { id: number }).id;
      expect((await client.next()).json?.['id']).toBe(id);
    } finally {
      await client.close();
    }
  });

  it('authenticates with Baton tokens and enforces per-project ACLs and roles', async () => {
    await expect(connectMqtt(tcpUrl(secured))).rejects.toThrow();
    await expect(connectMqtt(tcpUrl(secured), { username: 'x', password: 'not-a-known-token-xxxx' })).rejects.toThrow();
    const agent = await connectMqtt(tcpUrl(secured), { username: 'ann', password: AGENT_TOKEN });
    const observer = await connectMqtt(tcpUrl(secured), { username: 'obs', password: OBSERVER_TOKEN });
    try {
      expect(await agent.subscribe(['baton/proj-a/events/#', 'baton/proj-b/events/#', 'baton/+/events/#', '#', 'baton/baton-system/#'])).toEqual([1, 128, 128, 128, 128]);
      expect(await observer.subscribe(['baton/+/events/#'])).toEqual([1]);
      await secured.hub.execute('publish_event', { project: 'proj-b', topic: 'secret' });
      expect((await observer.next()).json?.['project']).toBe('proj-b');
      await agent.client.publishAsync('baton/proj-a/publish/hello', 'hi', { qos: 1 });
      expect((await agent.next()).json).toMatchObject({ project: 'proj-a', actor: 'ann', data: { topic: 'hello', payload: 'hi' } });
      expect(agent.messages.filter((m) => m.json?.['project'] === 'proj-b')).toEqual([]);
      // Publishing outside its project, or forging an event topic, closes the connection (MQTT 3.1.1 has no refusal).
      const closed = new Promise<void>((resolve) => { agent.client.once('close', () => { resolve(); }); });
      agent.client.publish('baton/proj-b/publish/hello', 'x', { qos: 1 });
      await closed;
      const events = await secured.hub.execute('get_events', { project: 'proj-b' });
      expect((events['events'] as { data: { topic: string } }[]).map((e) => e.data.topic)).toEqual(['secret']);
      // An observer may read but not publish events.
      const observerClosed = new Promise<void>((resolve) => { observer.client.once('close', () => { resolve(); }); });
      observer.client.publish('baton/proj-a/publish/nope', 'x', { qos: 1 });
      await observerClosed;
    } finally {
      await agent.close();
      await observer.close();
    }
  });
});
