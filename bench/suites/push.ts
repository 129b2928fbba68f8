/**
 * @module Suite `push`: what a subscriber waits for. Commit → client latency with
 * one subscriber on each surface at once (SSE, WebSocket, the embedded MQTT broker
 * over TCP, and the bridge through the machine's Mosquitto), measured from the
 * start of the committing call to the client's receipt, in this process (real
 * sockets on loopback); fan-out of one event to 1,000 WebSocket and 1,000 SSE
 * subscribers of one project until the last has it, the subscribers in a process
 * of their own, beside bare servers writing one Buffer to as many connections in
 * the same run, with the server memory an idle subscriber costs; and the replay
 * rate of 100,000 events from a cursor over one WebSocket and one SSE stream.
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
import { fanOutOnce, forkSubscribers, replayOnce, startBaselines, type BaselineServers, type Subscribers } from '../lib/push-fanout.js';
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
  let bridgeOpen = true;
  ctx.defer(() => (bridgeOpen ? bridge.close() : undefined));
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
  // Off before the fan-out: it would publish every fan-out event to Mosquitto and write its cursor meanwhile.
  await bridge.close();
  bridgeOpen = false;
  const measurements = (Object.keys(histograms) as (keyof typeof histograms)[]).map((name) => toMeasurement(histograms[name], { name: `commit → client, ${name}`, unit: 'event', concurrency: 1, rate: null, durationMs }));
  const p99 = (name: keyof typeof histograms): number => histograms[name].percentile(0.99);
  return {
    measurements,
    checks: [check('SSE p99', p99('sse'), 10), check('WebSocket p99', p99('ws'), 10), check('embedded MQTT p99', p99('mqtt'), 10), check('bridge via Mosquitto p99', p99('mosquitto'), 20)],
    notes: ['Latency runs one event at a time; the bridge adds its QoS 1 PUBACK round trip per page before the next read, and Mosquitto a hop.'],
  };
}

const ratioCheck = (name: string, ours: number, base: number, target: number): Check =>
  ({ name, value: ours / base, op: '<=', target, unit: 'x', pass: ours / base <= target, detail: `${ours.toFixed(1)} / ${base.toFixed(1)} ms (p99, Baton / bare server, same run)` });

/** Server-side memory now (the subscribers live in their own process). */
function serverMemory(): { rss: number; heap: number } {
  global.gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed };
}

async function fanOut(ctx: BenchContext, hub: Hub, url: string, subscribers: Subscribers, baselines: BaselineServers): Promise<{ measurements: Measurement[]; checks: Check[]; notes: string[] }> {
  const count = 1000;
  const rounds = ctx.quick ? 10 : 50;
  const wsUrl = `${url.replace('http', 'ws')}/api/ws`;
  // SSE refuses a named project nothing was written to yet.
  for (const project of ['fanout-ws', 'fanout-sse']) await hub.execute('publish_event', { project, topic: 'start' });
  const memory: Record<string, string> = {};
  const opened = async (group: string, kind: 'ws' | 'sse', target: string, subscribe?: Record<string, unknown>): Promise<void> => {
    const before = serverMemory();
    await subscribers.open(group, kind, target, count, subscribe);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const after = serverMemory();
    memory[group] = `memory per idle subscriber (server) ≈ ${((after.rss - before.rss) / count / 1024).toFixed(1)} KiB RSS, ${((after.heap - before.heap) / count / 1024).toFixed(1)} KiB heap${global.gc ? '' : ' (no --expose-gc: rough)'}`;
  };
  await opened('baton-ws', 'ws', wsUrl, { projects: ['fanout-ws'] });
  await opened('baton-sse', 'sse', `${url}/api/events?project=fanout-sse`);
  await opened('bare-ws', 'ws', baselines.wsUrl);
  await opened('bare-sse', 'sse', baselines.sseUrl);
  const commitTo = (project: string) => async (): Promise<number> => ((await hub.execute('publish_event', { project, topic: 'fan', payload: { i: 0 } }))['event'] as { id: number }).id;
  const runs = {
    'baton-ws': commitTo('fanout-ws'),
    'bare-ws': () => Promise.resolve(baselines.broadcast('ws')),
    'baton-sse': commitTo('fanout-sse'),
    'bare-sse': () => Promise.resolve(baselines.broadcast('sse')),
  };
  type Group = keyof typeof runs;
  const groups = Object.keys(runs) as Group[];
  const histograms = Object.fromEntries(groups.map((g) => [g, createHistogram()])) as Record<Group, Histogram>;
  const started = performance.now();
  // Interleaved, so Baton and its baseline see the same load on this shared machine; the first rounds warm up.
  for (let i = 0; i < rounds + 3; i++) {
    for (const group of groups) {
      const ms = await fanOutOnce(subscribers, group, runs[group]);
      if (i >= 3) histograms[group].record(ms);
    }
  }
  const durationMs = performance.now() - started;
  const label: Record<Group, string> = {
    'baton-ws': `fan-out to ${count} WebSocket subscribers (last client)`,
    'bare-ws': `baseline: bare ws server, one Buffer to ${count} sockets`,
    'baton-sse': `fan-out to ${count} SSE subscribers (last client)`,
    'bare-sse': `baseline: bare http server, one Buffer to ${count} SSE streams`,
  };
  const measurements = groups.map((g) => {
    const m = toMeasurement(histograms[g], { name: label[g], unit: 'event', concurrency: count, rate: null, durationMs });
    m.detail = memory[g];
    return m;
  });
  const p99 = (g: Group): number => histograms[g].percentile(0.99);
  return {
    measurements,
    checks: [
      check('fan-out 1,000 WebSocket p99 (last client)', p99('baton-ws'), 50),
      check('fan-out 1,000 SSE p99 (last client)', p99('baton-sse'), 50),
      ratioCheck('fan-out WebSocket p99 / bare ws', p99('baton-ws'), p99('bare-ws'), 1.5),
      ratioCheck('fan-out SSE p99 / bare http', p99('baton-sse'), p99('bare-sse'), 1.5),
    ],
    notes: ['Fan-out: the 1,000 subscribers run in a process of their own (bench/lib/push-subscribers.ts), timed by wall clock across the two processes; the bare servers write one pre-serialised Buffer per event, the floor of Node, ws and the kernel in this run.'],
  };
}

async function replay(ctx: BenchContext, hub: Hub, url: string, dataDir: string, subscribers: Subscribers): Promise<{ measurements: Measurement[]; checks: Check[]; notes: string[] }> {
  const project = 'replay';
  const total = ctx.quick ? 10_000 : 100_000;
  const seeder = sqliteSeeder(join(dataDir, 'baton.db'));
  await seeder.history(project, 1, total);
  await seeder.close();
  const rate = (ms: number): number => Math.round((total * 1000) / ms);
  const one = (name: string, ms: number): Measurement => {
    const histogram = createHistogram();
    histogram.record(ms);
    const m = toMeasurement(histogram, { name, unit: 'replay', concurrency: 1, rate: null, durationMs: ms });
    m.detail = `${rate(ms).toLocaleString('en')} events/s`;
    return m;
  };
  // Baseline: the same pages read from the store and serialised in process, no socket.
  const t0 = performance.now();
  for (let after = 0, bytes = 0; ;) {
    const page = await hub.context.store.readEvents({ project, after, limit: 1000 });
    for (const e of page.events) bytes += JSON.stringify(e).length;
    if (page.events.length < 1000 || bytes < 0) break;
    after = page.events.at(-1)?.id ?? after;
  }
  const storeMs = performance.now() - t0;
  const wsMs = await replayOnce(subscribers, 'ws', `${url.replace('http', 'ws')}/api/ws`, total, { projects: [project], after: 0 });
  const sseMs = await replayOnce(subscribers, 'sse', `${url}/api/events?project=${project}&after=0`, total);
  const count = total.toLocaleString('en');
  return {
    measurements: [one(`replay ${count} events from a cursor (WebSocket)`, wsMs), one(`replay ${count} events from a cursor (SSE)`, sseMs), one(`baseline: read and serialise ${count} events in process`, storeMs)],
    checks: [],
    notes: [`Replay: WebSocket ${rate(wsMs).toLocaleString('en')} events/s, SSE ${rate(sseMs).toLocaleString('en')} events/s, paced to the reader in another process; the store read alone ${rate(storeMs).toLocaleString('en')} events/s.`],
  };
}

export const suite: BenchSuite = {
  name: 'push',
  description: 'Commit → client p99 on SSE, WebSocket, embedded MQTT and Mosquitto; 1,000-subscriber WebSocket and SSE fan-out against bare servers; replay of 100k events (WebSocket, SSE).',
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
    const subscribers = forkSubscribers();
    ctx.defer(() => subscribers.close());
    const baselines = await startBaselines();
    ctx.defer(() => baselines.close());
    const parts = [await latency(ctx, hub, url, broker.port ?? 0), await fanOut(ctx, hub, url, subscribers, baselines), await replay(ctx, hub, url, dataDir, subscribers)];
    return { measurements: parts.flatMap((p) => p.measurements), checks: parts.flatMap((p) => p.checks), notes: parts.flatMap((p) => p.notes) };
  },
};
