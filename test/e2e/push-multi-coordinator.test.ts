/**
 * @module Push with two coordinator processes' worth of hubs on one Redis or
 * PostgreSQL namespace (each with its own store connection and log-following bus):
 * WebSocket and embedded-MQTT clients on either see every event of their project,
 * whichever coordinator committed it, in order and once; with a bridge on each,
 * only the leader publishes to Mosquitto and nothing is missing.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { ServerConfig } from '../../src/server/config.js';
import { openBackend } from '../../src/server/open-store.js';
import { createMqttBroker, type MqttBroker } from '../../src/transports/mqtt/mqtt-broker.js';
import { createMqttBridge } from '../../src/transports/mqtt/mqtt-bridge.js';
import { PG_URL, REDIS_URL } from '../support/engines.js';
import { startInProcess, type InProcessServer } from '../support/in-process.js';
import { connectMqtt } from '../support/mqtt.js';
import { randomId, sleep } from '../support/server.js';
import { openWs, wsUrl } from '../support/ws.js';

const MOSQUITTO = process.env['BATON_TEST_MQTT_URL'] ?? 'mqtt://127.0.0.1:1883';
const quiet = { info: () => undefined, error: () => undefined };
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close().catch(() => undefined);
});

async function coordinator(kind: 'redis' | 'postgres', namespace: string): Promise<InProcessServer & { broker: MqttBroker }> {
  const config = { store: { kind, url: kind === 'redis' ? REDIS_URL : PG_URL, namespace }, dataDir: '/nonexistent', sqliteSynchronous: 'NORMAL' } as unknown as ServerConfig;
  const backend = await openBackend(config, quiet);
  let broker: MqttBroker | undefined;
  const server = await startInProcess({
    store: backend.store,
    bus: backend.bus,
    extend: async (hub, security) => {
      const created = await createMqttBroker({ hub, security, log: quiet, port: 0 });
      broker = created;
      return { wsRoutes: [(app) => { created.wsRoute(app); }], close: () => created.close() };
    },
  });
  // The in-process server closes the store; the log-following bus (its notifier connection) is closed here.
  closers.push(async () => {
    await server.close();
    await (backend.bus as { close?: () => Promise<void> }).close?.();
  });
  return Object.assign(server, { broker: broker! });
}

describe.each(['redis', 'postgres'] as const)('push with two coordinators on %s', (kind) => {
  it('every client, on either coordinator, sees every event once and in order; one bridge publishes', async () => {
    const namespace = kind === 'redis' ? `baton-test-${randomUUID().slice(0, 8)}` : `baton_test_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    const a = await coordinator(kind, namespace);
    const b = await coordinator(kind, namespace);
    const project = randomId('multi');
    const bridges = [a, b].map((c, i) => createMqttBridge({ hub: c.hub, url: MOSQUITTO, log: quiet, nodeId: `node-${i}-${namespace}`, intervalMs: 200 }));
    closers.push(async () => { for (const bridge of bridges) await bridge.close(); });
    const wsA = await openWs(wsUrl(a.url));
    const wsB = await openWs(wsUrl(b.url));
    const mqttB = await connectMqtt(`mqtt://127.0.0.1:${b.broker.port ?? 0}`);
    const outside = await connectMqtt(MOSQUITTO, { clientId: randomId('sub') });
    closers.push(async () => { wsA.close(); wsB.close(); await mqttB.close(); await outside.close(); });
    for (const ws of [wsA, wsB]) {
      ws.send({ op: 'subscribe', projects: [project] });
      await ws.next((f) => f.op === 'subscribed');
    }
    await mqttB.subscribe([`baton/${project}/events/#`]);
    await outside.subscribe([`baton/${project}/events/#`]);
    await sleep(1_000);

    const N = 40;
    await Promise.all(Array.from({ length: N }, (_, i) => (i % 2 === 0 ? a : b).hub.execute('publish_event', { project, topic: `t${i}` })));
    const expected = Array.from({ length: N }, (_, i) => i + 1);
    expect((await wsA.eventsUntil(N, project)).map((f) => f.event!.id)).toEqual(expected);
    expect((await wsB.eventsUntil(N, project)).map((f) => f.event!.id)).toEqual(expected);
    const viaBroker: number[] = [];
    while (viaBroker.length < N) viaBroker.push(Number((await mqttB.next(undefined, 10_000)).json?.['id']));
    expect(viaBroker).toEqual(expected);
    for (const bridge of bridges) await bridge.flush();
    const viaBridge: number[] = [];
    while (!viaBridge.includes(N)) viaBridge.push(Number((await outside.next(undefined, 10_000)).json?.['id']));
    await sleep(300);
    viaBridge.push(...outside.messages.map((m) => Number(m.json?.['id'])));
    // One leader: each id once.
    expect(viaBridge).toEqual(expected);
  }, 90_000);
});
