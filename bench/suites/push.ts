/**
 * @module Suite `push`: what a subscriber waits for. Commit → client latency with
 * one subscriber on each surface at once (SSE, WebSocket, the embedded MQTT broker
 * over TCP, and the bridge through the machine's Mosquitto), measured from the
 * start of the committing call to the client's receipt, in this process (real
 * sockets on loopback); fan-out of one event to 1,000 WebSocket subscribers of one
 * project until the last has it, with the memory an idle subscriber costs (both
 * ends of the socket live in this process, so the figure covers client and
 * server); and the replay rate of 100,000 events from a cursor over one socket.
 */
import { createTokenRegistry } from '../../src/hub/auth/token-registry.js';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { connectAsync } from 'mqtt';
import WebSocket from 'ws';
import { createHub, type Hub } from '../../src/hub/hub.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { createHttpApp } from '../../src/transports/http/http-app.js';
import { LOOPBACK_HOSTS } from '../../src/transports/http/security.js';
import { createMqttBridge } from '../../src/transports/mqtt/mqtt-bridge.js';
import { createMqttBroker } from '../../src/transports/mqtt/mqtt-broker.js';
import { sqliteSeeder } from '../lib/history-seed.js';
import { createHistogram, toMeasurement, type Histogram } from '../lib/histogram.js';
import type { BenchContext, BenchSuite, Check, Measurement } from '../lib/types.js';

const MOSQUITTO = process.env['BATON_BENCH_MQTT_URL'] ?? 'mqtt://127.0.0.1:1883';
const quiet = { info: () => undefined, error: () => undefined };

const check = (name: string, value: number, target: number, detail?: string): Check => ({ name, value, op: '<=', target, unit: 'ms', pass: value <= target, detail });

/** Resolves when `id` arrived; `arrive(id)` is called by a client's handler. */
function arrivals(): { wait(id: number): Promise<number>; arrive(id: number): void } {
  const waiting = new Map<number, (at: number) => void>();
  const early = new Map<number, number>();
  return {
    wait: (id) => {
      const at = early.get(id);
      if (at !== undefined) {
        early.delete(id);
        return Promise.resolve(at);
      }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => { reject(new Error(`event ${id} did not arrive within 10 s`)); }, 10_000);
        waiting.set(id, (at) => {
          clearTimeout(timer);
          resolve(at);
        });
      });
    },
    arrive: (id) => {
      const now = performance.now();
      const resolve = waiting.get(id);
      if (resolve) {
        waiting.delete(id);
        resolve(now);
      } else early.set(id, now);
    },
  };
}

async function openSocket(url: string, onEvent: (id: number) => void, subscribe: Record<string, unknown>): Promise<WebSocket> {
  const socket = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => { resolve(); });
    socket.once('error', reject);
  });
  const subscribed = new Promise<void>((resolve) => {
    socket.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString('utf8')) as { op: string; event?: { id: number } };
      if (frame.op === 'subscribed') resolve();
      else if (frame.op === 'event' && frame.event) onEvent(frame.event.id);
    });
  });
  socket.send(JSON.stringify({ op: 'subscribe', ...subscribe }));
  await subscribed;
  return socket;
}

async function latency(ctx: BenchContext, hub: Hub, url: string, brokerPort: number): Promise<{ measurements: Measurement[]; checks: Check[]; notes: string[] }> {
  const project = 'latency';
  const rounds = ctx.quick ? 50 : 500;
  const surfaces = { sse: arrivals(), ws: arrivals(), mqtt: arrivals(), mosquitto: arrivals() };
  // SSE refuses a named project nothing was written to yet.
  await hub.execute('publish_event', { project, topic: 'start' });
  const bridge = createMqttBridge({ hub, url: MOSQUITTO, log: quiet, nodeId: 'bench', intervalMs: 1_000 });
  ctx.defer(() => bridge.close());
  // SSE through fetch, as a browser reads it.
  const abort = new AbortController();
  ctx.defer(() => { abort.abort(); });
  const sse = await fetch(`${url}/api/events?project=${project}`, { signal: abort.signal });
  void (async () => {
    const reader = sse.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true as const }));
      if (done) return;
      buffer += value;
      let cut = buffer.indexOf('\n\n');
      while (cut !== -1) {
        const id = /^id: (\d+)/m.exec(buffer.slice(0, cut))?.[1];
        if (id) surfaces.sse.arrive(Number(id));
        buffer = buffer.slice(cut + 2);
        cut = buffer.indexOf('\n\n');
      }
    }
  })();
  const ws = await openSocket(`${url.replace('http', 'ws')}/api/ws`, (id) => { surfaces.ws.arrive(id); }, { projects: [project] });
  ctx.defer(() => { ws.terminate(); });
  const mqtt = await connectAsync(`mqtt://127.0.0.1:${brokerPort}`, { reconnectPeriod: 0 });
  ctx.defer(() => mqtt.endAsync(true));
  await mqtt.subscribeAsync(`baton/${project}/events/#`, { qos: 1 });
  mqtt.on('message', (_topic, payload) => { surfaces.mqtt.arrive((JSON.parse(payload.toString('utf8')) as { id: number }).id); });
  const outside = await connectAsync(MOSQUITTO, { reconnectPeriod: 0, clientId: `baton-bench-${process.pid}` });
  ctx.defer(() => outside.endAsync(true));
  await outside.subscribeAsync(`baton/${project}/events/#`, { qos: 1 });
  outside.on('message', (_topic, payload) => { surfaces.mosquitto.arrive((JSON.parse(payload.toString('utf8')) as { id: number }).id); });
  await new Promise((resolve) => setTimeout(resolve, 1_500));

  const histograms: Record<keyof typeof surfaces, Histogram> = { sse: createHistogram(), ws: createHistogram(), mqtt: createHistogram(), mosquitto: createHistogram() };
  const started = performance.now();
  for (let i = 0; i < rounds + 20; i++) {
    const t0 = performance.now();
    const id = ((await hub.execute('publish_event', { project, topic: 'bench', payload: { i } }))['event'] as { id: number }).id;
    const times = await Promise.all((Object.keys(surfaces) as (keyof typeof surfaces)[]).map(async (name) => [name, await surfaces[name].wait(id)] as const));
    // The first rounds warm up the JIT, the sockets and the bridge's leadership.
    if (i >= 20) for (const [name, at] of times) histograms[name].record(at - t0);
  }
  const durationMs = performance.now() - started;
  const measurements = (Object.keys(histograms) as (keyof typeof histograms)[]).map((name) => toMeasurement(histograms[name], { name: `commit → client, ${name}`, unit: 'event', concurrency: 1, rate: null, durationMs }));
  const p99 = (name: keyof typeof histograms): number => histograms[name].percentile(0.99);
  return {
    measurements,
    checks: [check('SSE p99', p99('sse'), 10), check('WebSocket p99', p99('ws'), 10), check('embedded MQTT p99', p99('mqtt'), 10), check('bridge via Mosquitto p99', p99('mosquitto'), 20)],
    notes: ['Latency runs one event at a time; the bridge adds its QoS 1 PUBACK round trip per page before the next read, and Mosquitto a hop.'],
  };
}

async function fanOut(ctx: BenchContext, hub: Hub, url: string): Promise<{ measurements: Measurement[]; checks: Check[]; notes: string[] }> {
  const project = 'fanout';
  const subscribers = 1000;
  const rounds = ctx.quick ? 10 : 50;
  let pending = 0;
  let done: (() => void) | undefined;
  const onEvent = (): void => {
    if (--pending === 0) done?.();
  };
  global.gc?.();
  const before = process.memoryUsage();
  const sockets: WebSocket[] = [];
  for (let i = 0; i < subscribers; i++) sockets.push(await openSocket(`${url.replace('http', 'ws')}/api/ws`, onEvent, { projects: [project] }));
  ctx.defer(() => { for (const s of sockets) s.terminate(); });
  await new Promise((resolve) => setTimeout(resolve, 500));
  global.gc?.();
  const after = process.memoryUsage();
  const histogram = createHistogram();
  const started = performance.now();
  for (let i = 0; i < rounds; i++) {
    pending = subscribers;
    const all = new Promise<void>((resolve) => { done = resolve; });
    const t0 = performance.now();
    await hub.execute('publish_event', { project, topic: 'fan', payload: { i } });
    await all;
    histogram.record(performance.now() - t0);
  }
  const perSubscriber = (after.rss - before.rss) / subscribers;
  const measurement = toMeasurement(histogram, { name: `fan-out to ${subscribers} WebSocket subscribers (last client)`, unit: 'event', concurrency: subscribers, rate: null, durationMs: performance.now() - started });
  measurement.detail = `memory per idle subscriber ≈ ${(perSubscriber / 1024).toFixed(1)} KiB RSS, ${((after.heapUsed - before.heapUsed) / subscribers / 1024).toFixed(1)} KiB heap (client and server ends together)`;
  return { measurements: [measurement], checks: [check('fan-out 1,000 WebSocket p99 (last client)', histogram.percentile(0.99), 50)], notes: [] };
}

async function replay(ctx: BenchContext, url: string, dataDir: string): Promise<{ measurements: Measurement[]; checks: Check[]; notes: string[] }> {
  const project = 'replay';
  const total = ctx.quick ? 10_000 : 100_000;
  const seeder = sqliteSeeder(join(dataDir, 'baton.db'));
  await seeder.history(project, 1, total);
  await seeder.close();
  let got = 0;
  let finish: (() => void) | undefined;
  const finished = new Promise<void>((resolve) => { finish = resolve; });
  const t0 = performance.now();
  const socket = await openSocket(`${url.replace('http', 'ws')}/api/ws`, () => {
    if (++got === total) finish?.();
  }, { projects: [project], after: 0 });
  ctx.defer(() => { socket.terminate(); });
  await finished;
  const ms = performance.now() - t0;
  const histogram = createHistogram();
  histogram.record(ms);
  const measurement = toMeasurement(histogram, { name: `replay ${total.toLocaleString('en')} events from a cursor (WebSocket)`, unit: 'replay', concurrency: 1, rate: null, durationMs: ms });
  measurement.detail = `${Math.round((total * 1000) / ms).toLocaleString('en')} events/s`;
  return { measurements: [measurement], checks: [], notes: [`Replay: ${Math.round((total * 1000) / ms).toLocaleString('en')} events/s over one socket, paced to the reader.`] };
}

export const suite: BenchSuite = {
  name: 'push',
  description: 'Commit → client p99 on SSE, WebSocket, embedded MQTT and Mosquitto; 1,000-subscriber WebSocket fan-out; replay of 100k events.',
  async run(ctx) {
    const dataDir = ctx.tempDir('push');
    const store = createSqliteStore({ path: join(dataDir, 'baton.db') });
    const hub = createHub({ store });
    const tokens = await createTokenRegistry({ store, bus: hub.context.bus });
    const security = { tokens, allowedHosts: LOOPBACK_HOSTS };
    const broker = await createMqttBroker({ hub, security, log: quiet, port: 0 });
    const app = createHttpApp({ hub, security, version: 'bench', log: quiet, wsRoutes: [(scope) => { broker.wsRoute(scope); }] });
    await app.listen({ host: '127.0.0.1', port: 0 });
    ctx.defer(async () => {
      await app.close();
      tokens.close();
      await broker.close();
      await hub.close();
      await store.close();
    });
    const address = app.server.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const parts = [await latency(ctx, hub, url, broker.port ?? 0), await fanOut(ctx, hub, url), await replay(ctx, url, dataDir)];
    return { measurements: parts.flatMap((p) => p.measurements), checks: parts.flatMap((p) => p.checks), notes: parts.flatMap((p) => p.notes) };
  },
};
