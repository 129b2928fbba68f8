/**
 * @module The outbound MQTT bridge against the machine's Mosquitto (127.0.0.1:1883):
 * every event at QoS 1 in log order with its id, retained agent state set and
 * cleared, a first start at the heads (no flood of history), and a restart that
 * resumes from the persisted cursor with no gap.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createHub, type Hub } from '../../src/hub/hub.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { createMqttBridge, type MqttBridge } from '../../src/transports/mqtt/mqtt-bridge.js';
import { connectMqtt, type TestMqtt } from '../support/mqtt.js';
import { randomId, sleep } from '../support/server.js';

const MOSQUITTO = process.env['BATON_TEST_MQTT_URL'] ?? 'mqtt://127.0.0.1:1883';
const quiet = { info: () => undefined, error: () => undefined };

const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of opened.splice(0).reverse()) await o.close();
});

function bridgeOn(hub: Hub, node: string): MqttBridge {
  const bridge = createMqttBridge({ hub, url: MOSQUITTO, log: quiet, nodeId: node, intervalMs: 200 });
  opened.push(bridge);
  return bridge;
}

async function subscriber(filter: string): Promise<TestMqtt> {
  const sub = await connectMqtt(MOSQUITTO, { clientId: randomId('sub') });
  opened.push(sub);
  await sub.subscribe([filter]);
  return sub;
}

const publish = async (hub: Hub, project: string, topic: string): Promise<number> =>
  ((await hub.execute('publish_event', { project, topic }))['event'] as { id: number }).id;

/** Event ids seen, in arrival order, until `last` arrived. */
async function idsUntil(sub: TestMqtt, last: number): Promise<number[]> {
  const ids: number[] = [];
  for (;;) {
    const m = await sub.next((x) => x.topic.includes('/events/'), 10_000);
    const id = Number(m.json?.['id']);
    ids.push(id);
    if (id >= last) return ids;
  }
}

describe('MQTT bridge to Mosquitto', () => {
  it('starts at the heads, publishes in order with ids, and resumes after a restart from its cursor without a gap', async () => {
    const store: Store = createSqliteStore({ path: ':memory:' });
    const hub = createHub({ store });
    opened.push({ close: async () => { await hub.close(); await store.close(); } });
    const project = randomId('br');
    for (let i = 0; i < 5; i++) await publish(hub, project, `history-${i}`);
    const sub = await subscriber(`baton/${project}/events/#`);

    const first = bridgeOn(hub, 'node-a');
    await sleep(500);
    let last = 0;
    for (let i = 0; i < 20; i++) last = await publish(hub, project, `live-${i}`);
    await first.flush();
    const seenFirst = await idsUntil(sub, last);
    // History before the very first start is not flooded out.
    expect(seenFirst).toEqual(Array.from({ length: 20 }, (_, i) => i + 6));
    await first.close();

    // Written while no bridge runs: the next one publishes them from the persisted cursor.
    for (let i = 0; i < 10; i++) last = await publish(hub, project, `while-down-${i}`);
    const second = bridgeOn(hub, 'node-b');
    await second.flush();
    for (let i = 0; i < 5; i++) last = await publish(hub, project, `after-${i}`);
    await second.flush();
    const seenSecond = await idsUntil(sub, last);
    // At-least-once: ids let a subscriber drop repeats; none may be missing.
    const unique = [...new Set([...seenFirst, ...seenSecond])];
    expect(unique).toEqual(Array.from({ length: 35 }, (_, i) => i + 6));
    for (let i = 1; i < seenSecond.length; i++) expect(seenSecond[i]!).toBeGreaterThan(seenSecond[i - 1]!);
  }, 60_000);

  it('sets retained agent state and clears it when the agent ends', async () => {
    const store: Store = createSqliteStore({ path: ':memory:' });
    const hub = createHub({ store });
    opened.push({ close: async () => { await hub.close(); await store.close(); } });
    const project = randomId('br');
    const bridge = bridgeOn(hub, 'node-r');
    await sleep(500);
    await hub.execute('register_agent', { project, agent_id: 'ann', name: 'Ann' });
    await bridge.flush();
    const topic = `baton/${project}/state/agents/ann`;
    const late = await subscriber(topic);
    expect(await late.next((m) => m.topic === topic)).toMatchObject({ retain: true, json: { status: 'online', name: 'Ann' } });
    await hub.execute('sign_off', { project, agent_id: 'ann' });
    await bridge.flush();
    expect((await late.next((m) => m.topic === topic)).text).toBe('');
    const after = await subscriber(topic);
    await sleep(300);
    expect(after.messages.filter((m) => m.topic === topic)).toEqual([]);
  }, 30_000);
});
