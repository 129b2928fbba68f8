/**
 * @module A fault-test event-consumer process: each consumer follows the
 * project's log from its start cursor, over SSE (`/api/events` with
 * Last-Event-ID) or by long-polling `GET /api/v1/events/wait?after=`, pinned to one
 * coordinator and reconnecting (home first, then the others) with its last id
 * after every failure. It records every id it receives, as received. When a
 * `{"drainTo": N}` line arrives on stdin, each consumer stops once it has seen N,
 * or reports where it stalled after `graceMs`; then the process prints one
 * ConsumerRecord line per consumer and exits.
 *
 * Usage: node --import tsx consumer-worker.ts '<ConsumerParams as JSON>'
 */
import { createInterface } from 'node:readline';
import { FaultClient } from '../support/fault-client.js';
import { digestOf, type ConsumerRecord } from '../support/history.js';

export interface ConsumerParams {
  urls: string[];
  project: string;
  consumers: { name: string; mode: 'sse' | 'poll'; home: number; start: number }[];
  /** How long after the drain order a consumer may take to reach the final id. */
  graceMs: number;
}

const params = JSON.parse(process.argv[2] ?? '{}') as ConsumerParams;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

let drainTo: number | undefined;
let drainDeadline = Number.POSITIVE_INFINITY;
const drainOrder = new Promise<void>((resolve) => {
  const input = createInterface({ input: process.stdin });
  input.on('line', (line) => {
    const order = JSON.parse(line) as { drainTo: number };
    drainTo = order.drainTo;
    drainDeadline = Date.now() + params.graceMs;
    resolve();
  });
  // The test process is gone: nobody will read the records.
  input.on('close', () => {
    if (drainTo === undefined) process.exit(2);
  });
});

interface Cursor {
  record: ConsumerRecord;
  last: number;
}

function receive(cursor: Cursor, e: { id: number; type: string; subject: string }): void {
  cursor.record.ids.push(e.id);
  cursor.record.digests.push(digestOf(e));
  cursor.last = e.id;
}

/** 'done' once the final id was seen, 'stalled' past the drain deadline, else null. */
function finished(cursor: Cursor): 'done' | 'stalled' | null {
  if (drainTo !== undefined && cursor.last >= drainTo) return 'done';
  if (Date.now() > drainDeadline) return 'stalled';
  return null;
}

async function poll(cursor: Cursor, home: number): Promise<void> {
  const api = new FaultClient({ urls: params.urls, home, project: params.project });
  while (finished(cursor) === null) {
    const page = await api.call('get_events', { after: cursor.last, wait_seconds: 2, limit: 500 }, { timeoutMs: 10_000 });
    if (!page.ok) {
      cursor.record.errors.push(`${page.status} ${page.code}`);
      await sleep(200);
      continue;
    }
    for (const e of page.body['events'] as { id: number; type: string; subject: string }[]) receive(cursor, e);
  }
  cursor.record.reconnects = api.stats.failovers;
}

/** Reads one SSE connection until it ends, fails, or the consumer is finished. */
async function sseConnection(cursor: Cursor, url: string): Promise<'connect-failed' | 'ended'> {
  const abort = new AbortController();
  let connected = false;
  const ticker = setInterval(() => {
    if (finished(cursor) !== null) abort.abort();
  }, 100);
  try {
    const res = await fetch(`${url}/api/events`, {
      headers: { accept: 'text/event-stream', 'x-baton-project': params.project, 'last-event-id': String(cursor.last) },
      signal: abort.signal,
    });
    if (!res.ok || !res.body) {
      cursor.record.errors.push(`connect ${res.status} ${(await res.text()).slice(0, 200)}`);
      return 'connect-failed';
    }
    connected = true;
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return 'ended';
      buffer += value.replace(/\r\n/g, '\n');
      for (let cut = buffer.indexOf('\n\n'); cut !== -1; cut = buffer.indexOf('\n\n')) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        let event = 'message';
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('event:')) event = line.slice(6).trim();
          else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
        }
        if (data.length === 0) continue;
        if (event === 'error') {
          cursor.record.errors.push(`stream error ${data.join('\n').slice(0, 200)}`);
          continue;
        }
        receive(cursor, JSON.parse(data.join('\n')) as { id: number; type: string; subject: string });
      }
    }
  } catch (error) {
    if (!abort.signal.aborted && !(error instanceof TypeError)) cursor.record.errors.push(String(error).slice(0, 200));
    return connected || abort.signal.aborted ? 'ended' : 'connect-failed';
  } finally {
    clearInterval(ticker);
  }
}

async function sse(cursor: Cursor, home: number): Promise<void> {
  let node = home;
  while (finished(cursor) === null) {
    const outcome = await sseConnection(cursor, params.urls[node] ?? '');
    if (finished(cursor) !== null) break;
    cursor.record.reconnects++;
    // After a dropped stream, go home first; if home refuses, walk the others.
    node = outcome === 'connect-failed' ? (node + 1) % params.urls.length : home;
    await sleep(outcome === 'connect-failed' ? 50 + Math.random() * 100 : 10);
  }
}

async function consume(spec: ConsumerParams['consumers'][number]): Promise<ConsumerRecord> {
  const record: ConsumerRecord = { kind: 'consumer', consumer: spec.name, mode: spec.mode, home: spec.home, start: spec.start, ids: [], digests: [], reconnects: 0, errors: [] };
  const cursor: Cursor = { record, last: spec.start };
  await (spec.mode === 'sse' ? sse(cursor, spec.home) : poll(cursor, spec.home));
  if (finished(cursor) === 'stalled') record.stalledAt = cursor.last;
  return record;
}

const records = await Promise.all(params.consumers.map(consume));
await drainOrder;
// Exit only once the (large) lines are flushed; open keep-alive sockets would hold the process otherwise.
process.stdout.write(records.map((r) => `${JSON.stringify(r)}\n`).join(''), () => process.exit(0));
