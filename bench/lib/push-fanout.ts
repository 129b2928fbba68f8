/**
 * @module Fan-out and replay for the push suite, with the subscribers in their own
 * process (push-subscribers.ts) and a same-run baseline: a bare `ws` server and a
 * bare node:http SSE server that write one pre-serialised Buffer to every
 * connection, the floor Node, the kernel and these clients allow right now. The
 * ratio Baton / baseline is what Baton's path (commit, bus, feed, frame) adds.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createServer, type ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { WebSocketServer, type WebSocket } from 'ws';
import type { PushKind, SubscriberCommand, SubscriberReport } from './push-subscribers.js';

const wallNow = (): number => performance.timeOrigin + performance.now();

export interface Subscribers {
  send(command: SubscriberCommand): void;
  /** The next report matching `match` (reports are queued until taken). */
  next(match: (r: SubscriberReport) => boolean, timeoutMs?: number): Promise<SubscriberReport>;
  /** Opens `count` connections as `group` and resolves when all are subscribed. */
  open(group: string, kind: PushKind, url: string, count: number, subscribe?: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}

export function forkSubscribers(): Subscribers {
  const child: ChildProcess = fork(fileURLToPath(new URL('./push-subscribers.ts', import.meta.url)), [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const queued: SubscriberReport[] = [];
  let wake: (() => void) | undefined;
  child.on('message', (report: SubscriberReport) => {
    queued.push(report);
    wake?.();
  });
  const subscribers: Subscribers = {
    send: (command) => { child.send(command); },
    async next(match, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const failed = queued.find((r) => r.op === 'failed');
        if (failed?.op === 'failed') throw new Error(`push subscribers: ${failed.message}`);
        const index = queued.findIndex(match);
        if (index !== -1) return queued.splice(index, 1)[0] as SubscriberReport;
        const remaining = deadline - Date.now();
        if (remaining <= 0) throw new Error('push subscribers: no report in time');
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, remaining);
          wake = () => {
            clearTimeout(timer);
            wake = undefined;
            resolve();
          };
        });
      }
    },
    async open(group, kind, url, count, subscribe) {
      child.send({ op: 'open', group, kind, url, count, subscribe } satisfies SubscriberCommand);
      await subscribers.next((r) => r.op === 'opened' && r.group === group, 120_000);
    },
    async close() {
      child.disconnect();
      await new Promise((resolve) => { if (child.exitCode === null) child.once('exit', resolve); else resolve(null); });
    },
  };
  return subscribers;
}

/** Time from `commit()` until the last connection of `group` has the event it returns (ms). */
export async function fanOutOnce(subscribers: Subscribers, group: string, commit: () => Promise<number>): Promise<number> {
  const t0 = wallNow();
  const id = await commit();
  const all = await subscribers.next((r) => r.op === 'all' && r.group === group && r.id === id);
  return all.op === 'all' ? all.at - t0 : Number.NaN;
}

export interface BaselineServers {
  wsUrl: string;
  sseUrl: string;
  /** Serialises one event frame once and writes it to every connection of `kind`; returns its id. */
  broadcast(kind: PushKind): number;
  close(): Promise<void>;
}

/** A bare `ws` server and a bare SSE server: no store, no bus, no feed; one Buffer written to every connection. */
export async function startBaselines(): Promise<BaselineServers> {
  const streams = new Set<ServerResponse>();
  const sockets = new Set<WebSocket>();
  const http = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.flushHeaders();
    streams.add(res);
    req.on('close', () => { streams.delete(res); });
  });
  const wss = new WebSocketServer({ server: http, path: '/ws' });
  wss.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('message', () => { socket.send(JSON.stringify({ op: 'subscribed' })); });
    socket.on('close', () => { sockets.delete(socket); });
  });
  await new Promise<void>((resolve) => { http.listen(0, '127.0.0.1', resolve); });
  const address = http.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  let id = 0;
  return {
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    sseUrl: `http://127.0.0.1:${port}/sse`,
    broadcast(kind) {
      id++;
      // The same shape and size as Baton's frames of a small custom event.
      const event = { id, type: 'custom', subject: 'fan', actor: null, at: new Date().toISOString(), data: { topic: 'fan', payload: { i: id } } };
      if (kind === 'ws') {
        const frame = Buffer.from(JSON.stringify({ op: 'event', project: 'fanout', event }));
        for (const socket of sockets) socket.send(frame, { binary: false });
      } else {
        const frame = Buffer.from(`id: ${id}\nevent: custom\ndata: ${JSON.stringify({ ...event, project: 'fanout' })}\n\n`);
        for (const res of streams) res.write(frame);
      }
      return id;
    },
    async close() {
      for (const socket of sockets) socket.terminate();
      for (const res of streams) res.destroy();
      wss.close();
      await new Promise<void>((resolve) => { http.close(() => { resolve(); }); });
    },
  };
}

/** Milliseconds until one connection has replayed `total` events from the start. */
export async function replayOnce(subscribers: Subscribers, kind: PushKind, url: string, total: number, subscribe?: Record<string, unknown>): Promise<number> {
  const t0 = wallNow();
  subscribers.send({ op: 'replay', kind, url, total, subscribe });
  const done = await subscribers.next((r) => r.op === 'replayed', 300_000);
  return done.op === 'replayed' ? done.at - t0 : Number.NaN;
}
