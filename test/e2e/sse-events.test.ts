/**
 * @module The event stream of a real server process (/api/events): events arrive
 * in log order, and a client that reconnects with Last-Event-ID (or ?after=) gets
 * every later event exactly once; a live reader that stops reading is ended once
 * its unsent bytes pass the bound, and resumes from its last id.
 */
import { get, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupAll, createClient, randomId, sleep, startServer, type RestClient, type ServerProcess } from '../support/server.js';
import { openSse, type SseFrame, type SseStream } from '../support/sse.js';

let server: ServerProcess;

beforeAll(async () => {
  server = await startServer();
});
afterAll(cleanupAll);

interface EventData {
  id: number;
  type: string;
  subject: string;
  data: { topic?: string; payload?: unknown };
}

async function publish(client: RestClient, topic: string): Promise<number> {
  const res = await client.post<{ event: { id: number } }>('/events', { topic, payload: { topic } });
  expect(res.status).toBe(200);
  return res.body.event.id;
}

/** Reads frames until one with `lastId` arrived (or fails after a quiet period). */
async function readUntil(stream: SseStream, lastId: number): Promise<SseFrame[]> {
  const frames: SseFrame[] = [];
  for (;;) {
    const frame = await stream.next(5_000);
    if (!frame) throw new Error(`The stream went quiet before event ${lastId}; got ${frames.map((f) => f.id).join(',')}`);
    frames.push(frame);
    if (frame.id !== undefined && frame.id >= lastId) return frames;
  }
}

async function allEventIds(client: RestClient): Promise<number[]> {
  const res = await client.get<{ events: { id: number }[] }>('/events', { limit: 1000 });
  return res.body.events.map((e) => e.id);
}

const expectStrictlyIncreasing = (ids: number[]): void => {
  for (let i = 1; i < ids.length; i++) expect(ids[i]!, `ids ${ids.join(',')}`).toBeGreaterThan(ids[i - 1]!);
};

describe('SSE /api/events', () => {
  it('delivers the backlog and live events in log order, including concurrent writes', async () => {
    const project = randomId('sse');
    const client = createClient(server.url, { project });
    await publish(client, 'first');
    const stream = await openSse(`${server.url}/api/events`, { 'x-baton-project': project });
    try {
      expect(stream.status).toBe(200);
      const ids = await Promise.all(Array.from({ length: 20 }, (_, i) => publish(client, `burst-${i}`)));
      const frames = await readUntil(stream, Math.max(...ids));
      const seen = frames.map((f) => f.id!);
      expectStrictlyIncreasing(seen);
      expect(seen).toEqual(await allEventIds(client));
      for (const frame of frames) {
        const data = frame.data as EventData;
        expect(data.id).toBe(frame.id);
        expect(frame.event).toBe(data.type);
      }
    } finally {
      stream.close();
    }
  });

  it('resumes from Last-Event-ID without losing or repeating an event', async () => {
    const project = randomId('sse');
    const client = createClient(server.url, { project });
    for (let i = 0; i < 5; i++) await publish(client, `before-${i}`);

    const first = await openSse(`${server.url}/api/events`, { 'x-baton-project': project });
    const received: SseFrame[] = [];
    try {
      const during = await Promise.all(Array.from({ length: 5 }, (_, i) => publish(client, `during-${i}`)));
      received.push(...(await readUntil(first, Math.max(...during))));
    } finally {
      first.close();
    }
    // The client dropped after an event in the middle of the log: pretend it only processed up to there.
    const cut = received[6]!.id!;
    const kept = received.filter((f) => f.id! <= cut);
    for (let i = 0; i < 5; i++) await publish(client, `while-away-${i}`);

    const resumed = await openSse(`${server.url}/api/events`, { 'x-baton-project': project, 'last-event-id': String(cut) });
    try {
      const later = await Promise.all(Array.from({ length: 5 }, (_, i) => publish(client, `after-${i}`)));
      kept.push(...(await readUntil(resumed, Math.max(...later))));
      expect(await resumed.next(300)).toBeNull();
    } finally {
      resumed.close();
    }
    const ids = kept.map((f) => f.id!);
    expectStrictlyIncreasing(ids);
    expect(ids).toEqual(await allEventIds(client));
    const topics = kept.map((f) => (f.data as EventData).data.topic);
    expect(topics.filter((t) => t?.startsWith('while-away'))).toEqual(['while-away-0', 'while-away-1', 'while-away-2', 'while-away-3', 'while-away-4']);
  });

  it('resumes from ?after= the same way', async () => {
    const project = randomId('sse');
    const client = createClient(server.url, { project });
    const ids: number[] = [];
    for (let i = 0; i < 6; i++) ids.push(await publish(client, `e-${i}`));
    const stream = await openSse(`${server.url}/api/events?after=${ids[2]!}`, { 'x-baton-project': project });
    try {
      const frames = await readUntil(stream, ids[5]!);
      expect(frames.map((f) => f.id)).toEqual(ids.slice(3));
    } finally {
      stream.close();
    }
  });

  it('answers NOT_FOUND for an unknown project before streaming', async () => {
    const stream = await openSse(`${server.url}/api/events`, { 'x-baton-project': randomId('nobody') });
    stream.close();
    expect(stream.status).toBe(404);
    expect(stream.errorBody).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('ends a live stream whose reader stopped reading past the bound; it resumes from its last id', async () => {
    const project = randomId('sse');
    const client = createClient(server.url, { project });
    await publish(client, 'first');
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      get(`${server.url}/api/events`, { headers: { 'x-baton-project': project } }, resolve).on('error', reject);
    });
    let text = '';
    res.setEncoding('utf8').on('data', (chunk: string) => { text += chunk; });
    const ended = new Promise<void>((resolve) => { res.once('close', resolve); });
    let closed = false;
    void ended.then(() => { closed = true; });
    // Read through a function: set by the close event during the awaits below.
    const stillOpen = (): boolean => !closed;
    // Stop reading: the kernel buffers fill, then the server's, past 1 MiB.
    res.pause();
    const payload = 'x'.repeat(32 * 1024);
    let last = 0;
    for (let i = 0; i < 600 && stillOpen(); i++) {
      const answer = await client.post<{ event: { id: number } }>('/events', { topic: `big-${i}`, payload });
      last = answer.body.event.id;
      if (i % 20 === 19) await sleep(20);
    }
    res.resume();
    await ended;
    const received = [...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
    expect(received).toEqual(Array.from({ length: received.length }, (_, i) => i + 1));
    expect(received.length).toBeLessThan(last);
    const resumed = await openSse(`${server.url}/api/events`, { 'x-baton-project': project, 'last-event-id': String(received.at(-1) ?? 0) });
    try {
      const rest = await readUntil(resumed, last);
      expect([...received, ...rest.map((f) => f.id!)]).toEqual(Array.from({ length: last }, (_, i) => i + 1));
    } finally {
      resumed.close();
    }
  }, 60_000);
});
