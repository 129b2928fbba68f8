/**
 * @module Bridge hand-over between coordinator processes: two `baton start`
 * processes on one Redis or PostgreSQL namespace, each with --mqtt-url to the
 * machine's Mosquitto. Only the leader (holder of the `mqtt-bridge` lease in the
 * system project) publishes; when it dies (SIGKILL, mid-stream, its lease left to
 * lapse) the other takes over from the persisted cursor, and when that one stops
 * gracefully (the lease released) a third takes over: a subscriber sees every id,
 * in order within each leader's run, repeats allowed (at-least-once), none missing.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { ServerConfig } from '../../src/server/config.js';
import { openStore } from '../../src/server/open-store.js';
import { restCaller } from '../support/callers.js';
import { PG_URL, REDIS_URL } from '../support/engines.js';
import { connectMqtt } from '../support/mqtt.js';
import { cleanupAll, randomId, sleep, startServer, type ServerProcess } from '../support/server.js';

const MOSQUITTO = process.env['BATON_TEST_MQTT_URL'] ?? 'mqtt://127.0.0.1:1883';

afterAll(async () => {
  await cleanupAll();
});

const engines = [
  { kind: 'redis' as const, url: REDIS_URL, namespace: () => `baton-handover-${randomUUID().slice(0, 8)}` },
  { kind: 'postgres' as const, url: PG_URL, namespace: () => `handover_${randomUUID().replaceAll('-', '').slice(0, 10)}` },
];

describe.each(engines)('MQTT bridge hand-over on $kind', ({ kind, url, namespace }) => {
  it('the surviving coordinator takes over from the persisted cursor when the leader dies, with no gap', async () => {
    const ns = namespace();
    const env = { BATON_STORE: kind, BATON_STORE_URL: url, BATON_STORE_NAMESPACE: ns, BATON_MQTT_URL: MOSQUITTO };
    // Read the leadership lease the way the processes see it.
    const store = await openStore({ store: { kind, url, namespace: ns }, dataDir: '/nonexistent', sqliteSynchronous: 'NORMAL' } as unknown as ServerConfig);
    const leader = async (): Promise<string | undefined> => (await store.listLeases('baton-system', Date.now(), 'lock')).find((l) => l.resource === 'mqtt-bridge')?.holder;
    const project = randomId('handover');
    const sub = await connectMqtt(MOSQUITTO, { clientId: randomId('handover-sub') });
    try {
      await sub.subscribe([`baton/${project}/events/#`]);
      const first = await startServer({ env });
      // The first bridge takes the lease (and its start at the heads) before the second exists.
      for (let i = 0; i < 100 && (await leader()) === undefined; i++) await sleep(100);
      const second: ServerProcess = await startServer({ env });
      expect(await leader()).toMatch(new RegExp(`^${String(first.child.pid)}-`));

      const viaFirst = restCaller(first.url, project);
      const viaSecond = restCaller(second.url, project);
      let last = 0;
      const publish = async (call: typeof viaFirst, topic: string): Promise<void> => {
        last = ((await call('publish_event', { topic }))['event'] as { id: number }).id;
      };
      for (let i = 0; i < 30; i++) await publish(i % 2 === 0 ? viaFirst : viaSecond, `before-${i}`);
      // Mid-stream: events keep coming through the survivor while the leader is killed.
      const during = (async () => {
        for (let i = 0; i < 40; i++) {
          await publish(viaSecond, `during-${i}`);
          await sleep(50);
        }
      })();
      await sleep(200);
      await first.kill();
      await during;
      // The dead leader's lease lapses (TTL 10 s); the survivor takes it and drains from the cursor.
      for (let i = 0; i < 300 && !String(await leader()).startsWith(`${String(second.child.pid)}-`); i++) await sleep(100);
      expect(await leader()).toMatch(new RegExp(`^${String(second.child.pid)}-`));
      for (let i = 0; i < 10; i++) await publish(viaSecond, `after-${i}`);

      // A graceful stop releases the lease: a third coordinator takes over without waiting for the TTL.
      const third = await startServer({ env });
      const viaThird = restCaller(third.url, project);
      await second.stop();
      // Released on the way out, not left to lapse: right after the exit nobody, or already the third, holds it.
      expect(String(await leader())).not.toMatch(new RegExp(`^${String(second.child.pid)}-`));
      for (let i = 0; i < 100 && !String(await leader()).startsWith(`${String(third.child.pid)}-`); i++) await sleep(100);
      expect(await leader()).toMatch(new RegExp(`^${String(third.child.pid)}-`));
      for (let i = 0; i < 10; i++) await publish(viaThird, `third-${i}`);

      const seen: number[] = [];
      while (!seen.includes(last)) seen.push(Number((await sub.next(undefined, 30_000)).json?.['id']));
      await sleep(300);
      seen.push(...sub.messages.splice(0).map((m) => Number(m.json?.['id'])));
      expect([...new Set(seen)].sort((a, b) => a - b)).toEqual(Array.from({ length: last }, (_, i) => i + 1));
      // Repeats only where the leader changed: each run is in order, so ids step back at most once per hand-over.
      const stepsBack = seen.filter((id, i) => i > 0 && id <= (seen[i - 1] ?? 0)).length;
      expect(stepsBack).toBeLessThanOrEqual(2);
      await third.stop();
    } finally {
      await sub.close();
      await store.close();
    }
  }, 120_000);
});
