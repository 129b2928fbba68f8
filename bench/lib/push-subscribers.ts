/**
 * @module The subscribers of the push suite, in a process of their own (forked
 * with IPC), so the server's fan-out is not charged with the clients' parsing on
 * one event loop. It opens groups of WebSocket or SSE connections, counts each
 * event id per group, and reports when the last connection of a group has it, as
 * a wall-clock time (performance.timeOrigin + now, comparable across processes).
 * Also replays: one connection from a cursor, reporting when `total` events came.
 *
 * Messages in: {op:'open', group, kind, url, count, subscribe?}, {op:'replay',
 * kind, url, subscribe?, total}, {op:'close', group}. Out: {op:'opened', group},
 * {op:'all', group, id, at}, {op:'replayed', at}, {op:'closed', group}, {op:'failed', message}.
 */
import { get, type IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

export type PushKind = 'ws' | 'sse';

export type SubscriberCommand =
  | { op: 'open'; group: string; kind: PushKind; url: string; count: number; subscribe?: Record<string, unknown> }
  | { op: 'replay'; kind: PushKind; url: string; subscribe?: Record<string, unknown>; total: number }
  | { op: 'close'; group: string };

export type SubscriberReport =
  | { op: 'opened'; group: string }
  | { op: 'all'; group: string; id: number; at: number }
  | { op: 'replayed'; at: number }
  | { op: 'closed'; group: string }
  | { op: 'failed'; message: string };

const wallNow = (): number => performance.timeOrigin + performance.now();
const report = (message: SubscriberReport): void => { process.send?.(message); };

/** Event ids from SSE text chunks (frames may split across chunks). */
function sseIds(onId: (id: number) => void): (chunk: string) => void {
  let rest = '';
  return (chunk) => {
    const text = rest + chunk;
    const cut = text.lastIndexOf('\n\n');
    if (cut === -1) {
      rest = text;
      return;
    }
    rest = text.slice(cut + 2);
    // Parsed as a browser's EventSource consumer would (JSON of each data line), as the WebSocket client parses its frames.
    for (const match of text.slice(0, cut).matchAll(/^data: (.*)$/gm)) onId((JSON.parse(match[1] ?? '') as { id: number }).id);
  };
}

async function openWs(url: string, subscribe: Record<string, unknown>, onId: (id: number) => void): Promise<() => void> {
  const socket = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => { resolve(); });
    socket.once('error', reject);
  });
  const subscribed = new Promise<void>((resolve) => {
    socket.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString('utf8')) as { op: string; event?: { id: number } };
      if (frame.op === 'event' && frame.event) onId(frame.event.id);
      else if (frame.op === 'subscribed' || frame.op === 'ready') resolve();
    });
  });
  socket.send(JSON.stringify({ op: 'subscribe', ...subscribe }));
  await subscribed;
  return () => { socket.terminate(); };
}

async function openSse(url: string, onId: (id: number) => void): Promise<() => void> {
  const res = await new Promise<IncomingMessage>((resolve, reject) => { get(url, { headers: { accept: 'text/event-stream' } }, resolve).on('error', reject); });
  if (res.statusCode !== 200) throw new Error(`${url}: status ${String(res.statusCode)}`);
  res.setEncoding('utf8').on('data', sseIds(onId));
  return () => { res.destroy(); };
}

const open = (kind: PushKind, url: string, subscribe: Record<string, unknown>, onId: (id: number) => void): Promise<() => void> =>
  kind === 'ws' ? openWs(url, subscribe, onId) : openSse(url, onId);

const groups = new Map<string, (() => void)[]>();

async function handle(command: SubscriberCommand): Promise<void> {
  if (command.op === 'open') {
    const seen = new Map<number, number>();
    const onId = (id: number): void => {
      const n = (seen.get(id) ?? 0) + 1;
      if (n < command.count) seen.set(id, n);
      else {
        seen.delete(id);
        report({ op: 'all', group: command.group, id, at: wallNow() });
      }
    };
    const closers: (() => void)[] = [];
    groups.set(command.group, closers);
    for (let i = 0; i < command.count; i++) closers.push(await open(command.kind, command.url, command.subscribe ?? {}, onId));
    report({ op: 'opened', group: command.group });
  } else if (command.op === 'replay') {
    let got = 0;
    const close: () => void = await open(command.kind, command.url, command.subscribe ?? {}, () => {
      if (++got !== command.total) return;
      report({ op: 'replayed', at: wallNow() });
      close();
    });
  } else {
    for (const close of groups.get(command.group) ?? []) close();
    groups.delete(command.group);
    report({ op: 'closed', group: command.group });
  }
}

process.on('message', (command: SubscriberCommand) => {
  handle(command).catch((error: unknown) => { report({ op: 'failed', message: error instanceof Error ? error.message : String(error) }); });
});
process.on('disconnect', () => { process.exit(0); });
