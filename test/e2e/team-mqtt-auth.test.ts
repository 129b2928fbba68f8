/**
 * @module Refused MQTT authentications on a team server (the embedded broker):
 * each is an audit entry like a refused HTTP one, and counts against the address
 * in the same store-held window, so guessing tokens over MQTT and HTTP together
 * gets no more tries than over one of them.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectMqtt } from '../support/mqtt.js';
import { assertBuilt, cleanupAll, createClient, startServer, type ServerProcess } from '../support/server.js';

const ADMIN = 'mqtt-audit-admin-token-0123456789';

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => { resolve(); }));
  return typeof address === 'object' && address ? address.port : 0;
}

let server: ServerProcess;
let mqttPort: number;
beforeAll(async () => {
  assertBuilt();
  mqttPort = await freePort();
  server = await startServer({
    env: { BATON_TOKENS: JSON.stringify([{ token: ADMIN, role: 'admin' }]), BATON_MQTT_PORT: String(mqttPort), BATON_LIMITS: JSON.stringify({ auth_failures_per_minute: 3 }) },
  });
}, 30_000);
afterAll(async () => {
  await server.stop();
  await cleanupAll();
});

describe('refused MQTT authentications', () => {
  it('are audited with the address and counted with refused HTTP ones against it', async () => {
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 50_000) await new Promise((resolve) => setTimeout(resolve, 60_000 - intoMinute + 100));
    await expect(connectMqtt(`mqtt://127.0.0.1:${mqttPort}`, { username: 'mallory', password: 'guessed-token-0000000000' })).rejects.toThrow();
    const admin = createClient(server.url, { token: ADMIN });
    const audit = await admin.get('/admin/audit', { limit: 100 });
    expect(audit.status).toBe(200);
    const entries = (audit.body['entries'] as Record<string, unknown>[] | undefined) ?? [];
    expect(entries).toEqual(expect.arrayContaining([expect.objectContaining({ action: 'auth.refused', result: 'UNAUTHORIZED', from: '127.0.0.1', inputs: { route: 'MQTT CONNECT' } })]));
    // One more refusal over HTTP and one over MQTT reach the limit of 3: the address is refused everywhere.
    expect((await createClient(server.url, { token: 'guessed-token-1111111111' }).get('/agents')).status).toBe(401);
    await expect(connectMqtt(`mqtt://127.0.0.1:${mqttPort}`, { username: 'mallory', password: 'guessed-token-2222222222' })).rejects.toThrow();
    let status = 0;
    for (let i = 0; i < 20 && status !== 429; i++) status = (await admin.get('/agents')).status;
    expect(status).toBe(429);
    await expect(connectMqtt(`mqtt://127.0.0.1:${mqttPort}`, { username: 'admin', password: ADMIN })).rejects.toThrow();
  });
});
