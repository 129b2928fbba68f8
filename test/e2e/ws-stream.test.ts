/**
 * @module The WebSocket stream /api/ws with real clients (`ws`, and undici's
 * browser-style WebSocket): subscribe with filters, backlog then live in log order,
 * resume after a forced disconnect with nothing lost or repeated, a slow consumer
 * dropped then resuming, Host/Origin and token checks before the upgrade, token
 * scoping, commands over the socket with the REST errors, hostile frames.
 */
import { WebSocket as BrowserWebSocket } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../src/hub/hub.js';
import { startInProcess, type InProcessServer } from '../support/in-process.js';
import { randomId, sleep } from '../support/server.js';
import { openWs, wsUrl, type WsClient, type WsFrame } from '../support/ws.js';

const AGENT_TOKEN = 'agent-token-of-project-a-0001';
const OBSERVER_TOKEN = 'observer-token-all-projects-01';

let open: InProcessServer;
let secured: InProcessServer;

beforeAll(async () => {
  open = await startInProcess({ hub: { eventRetention: 100 }, ws: { maxBufferedBytes: 64 * 1024 } });
  secured = await startInProcess({
    tokens: [
      { token: AGENT_TOKEN, role: 'agent', projects: ['proj-a'] },
      { token: OBSERVER_TOKEN, role: 'observer', projects: ['*'] },
    ],
  });
});
afterAll(async () => {
  await open.close();
  await secured.close();
});

const publish = async (hub: Hub, project: string, topic: string, payload: unknown = null): Promise<number> => {
  const out = await hub.execute('publish_event', { project, topic, payload });
  return (out['event'] as { id: number }).id;
};

const idsOf = (frames: WsFrame[]): number[] => frames.map((f) => f.event!.id);

async function subscribed(client: WsClient, message: Record<string, unknown>): Promise<WsFrame> {
  client.send({ op: 'subscribe', ...message });
  return client.next((f) => f.op === 'subscribed' || f.op === 'error');
}

describe('WebSocket /api/ws', () => {
  it('delivers the backlog then live events of several projects in log order, each once', async () => {
    const [p1, p2] = [randomId('ws'), randomId('ws')];
    await publish(open.hub, p1, 'before');
    await publish(open.hub, p2, 'before');
    const client = await openWs(wsUrl(open.url));
    try {
      const ack = await subscribed(client, { projects: [p1, p2] });
      expect(ack.op).toBe('subscribed');
      await client.next((f) => f.op === 'subscribed' && f.project === p2);
      const ids1 = await Promise.all(Array.from({ length: 25 }, (_, i) => publish(open.hub, p1, `burst-${i}`)));
      const ids2 = await Promise.all(Array.from({ length: 25 }, (_, i) => publish(open.hub, p2, `burst-${i}`)));
      expect(idsOf(await client.eventsUntil(Math.max(...ids1), p1))).toEqual(Array.from({ length: 26 }, (_, i) => i + 1));
      expect(idsOf(await client.eventsUntil(Math.max(...ids2), p2))).toEqual(Array.from({ length: 26 }, (_, i) => i + 1));
    } finally {
      client.close();
    }
  });

  it('filters by type and by topic with MQTT wildcards', async () => {
    const project = randomId('ws');
    const client = await openWs(wsUrl(open.url));
    try {
      expect((await subscribed(client, { projects: [project], types: ['custom'], topics: ['cache/+/users', 'health/#'] })).op).toBe('subscribed');
      await open.hub.execute('register_agent', { project, agent_id: 'ann' });
      await publish(open.hub, project, 'cache/db/users');
      await publish(open.hub, project, 'cache/db/orders');
      await publish(open.hub, project, 'health');
      await publish(open.hub, project, 'health/db/replica');
      const last = await publish(open.hub, project, 'other');
      await sleep(100);
      const topics = client.frames.filter((f) => f.op === 'event').map((f) => f.event!.data['topic']);
      expect(topics).toEqual(['cache/db/users', 'health', 'health/db/replica']);
      expect(last).toBe(6);
      // A bad filter is refused with the field named; the socket stays usable.
      const bad = await subscribed(client, { projects: [project], topics: ['a/#/b'] });
      expect(bad.error?.code).toBe('INVALID_INPUT');
      expect((await client.call('get_events', { project, limit: 1 })).op).toBe('result');
    } finally {
      client.close();
    }
  });

  it('resumes after a forced disconnect from the last id with no gap and no duplicate', async () => {
    const project = randomId('ws');
    for (let i = 0; i < 10; i++) await publish(open.hub, project, `before-${i}`);
    const first = await openWs(wsUrl(open.url));
    await subscribed(first, { projects: [project], after: 0 });
    const writer = (async () => {
      for (let i = 0; i < 60; i++) await publish(open.hub, project, `during-${i}`);
    })();
    const seen = idsOf(await first.eventsUntil(15, project));
    first.socket.terminate();
    await first.closed;
    const lastSeen = seen.at(-1)!;
    await writer;
    const second = await openWs(wsUrl(open.url));
    try {
      await subscribed(second, { projects: [project], after: { [project]: lastSeen } });
      const rest = idsOf(await second.eventsUntil(70, project));
      expect([...seen, ...rest]).toEqual(Array.from({ length: 70 }, (_, i) => i + 1));
    } finally {
      second.close();
    }
  });

  it('drops a slow consumer (close 4008) whose buffer passes the bound; it resumes from its last id', async () => {
    const project = randomId('ws');
    const client = await openWs(wsUrl(open.url));
    await subscribed(client, { projects: [project], after: 0 });
    // Stop reading: the kernel buffers fill, then the server's send buffer.
    (client.socket as unknown as { _socket: { pause(): void } })._socket.pause();
    const payload = 'x'.repeat(32 * 1024);
    let last = 0;
    for (let i = 0; i < 400 && client.socket.readyState === client.socket.OPEN; i++) last = await publish(open.hub, project, `big-${i}`, payload);
    (client.socket as unknown as { _socket: { resume(): void } })._socket.resume();
    const { code } = await client.closed;
    expect(code).toBe(4008);
    const received = idsOf(client.frames.filter((f) => f.op === 'event'));
    expect(received).toEqual(Array.from({ length: received.length }, (_, i) => i + 1));
    expect(received.length).toBeLessThan(last);
    const again = await openWs(wsUrl(open.url));
    try {
      await subscribed(again, { projects: [project], after: received.at(-1) ?? 0 });
      const rest = idsOf(await again.eventsUntil(last, project, 20_000));
      expect([...received, ...rest]).toEqual(Array.from({ length: last }, (_, i) => i + 1));
    } finally {
      again.close();
    }
  }, 60_000);

  it('answers a cursor behind retention with the typed gap error', async () => {
    const project = randomId('ws');
    for (let i = 0; i < 130; i++) await publish(open.hub, project, `e-${i}`);
    await open.hub.sweepOnce();
    const client = await openWs(wsUrl(open.url));
    try {
      const gap = await subscribed(client, { projects: [project], after: 3 });
      expect(gap.error?.code).toBe('EVENTS_GAP');
      expect(gap.error?.details?.['oldest_id']).toBeGreaterThan(4);
      expect(gap.project).toBe(project);
    } finally {
      client.close();
    }
  });

  it('runs hub commands over the socket with the same results and errors as REST', async () => {
    const project = randomId('ws');
    const ann = await openWs(wsUrl(open.url, `?project=${project}&agent_id=ann`));
    const bob = await openWs(wsUrl(open.url, `?project=${project}&agent_id=bob`));
    try {
      expect((await ann.call('register_agent', { name: 'Ann' })).op).toBe('result');
      expect((await bob.call('register_agent', { name: 'Bob' })).op).toBe('result');
      const got = await ann.call('acquire_lock', { name: 'db-migrations' });
      expect(got.op, JSON.stringify(got)).toBe('result');
      const token = (got['result'] as Record<string, unknown>)['token'];
      expect(token).toBeTypeOf('number');
      const direct = await open.hub.execute('release_lock', { project, agent_id: 'bob', name: 'db-migrations', token }).catch((error: unknown) => error as { code: string; hint: string });
      const held = await bob.call('release_lock', { name: 'db-migrations', token });
      expect(held).toMatchObject({ op: 'error', error: { code: (direct as { code: string }).code, hint: (direct as { hint: string }).hint } });
      expect(['NOT_HOLDER', 'LEASE_LOST']).toContain(held.error?.code);
      expect((await ann.call('no_such_command')).error?.code).toBe('NOT_FOUND');
      expect((await ann.call('acquire_lock', { name: 42 })).error?.code).toBe('INVALID_INPUT');
    } finally {
      ann.close();
      bob.close();
    }
  });

  it('pings every interval and drops a socket that stops answering', async () => {
    const quick = await startInProcess({ ws: { pingIntervalMs: 100 } });
    try {
      const client = await openWs(wsUrl(quick.url));
      let pings = 0;
      client.socket.on('ping', () => { pings++; });
      await sleep(450);
      expect(pings).toBeGreaterThanOrEqual(2);
      expect(client.socket.readyState).toBe(client.socket.OPEN);
      // A paused reader answers no ping; resumed after the server gave up, it finds the connection cut.
      const raw = (client.socket as unknown as { _socket: { pause(): void; resume(): void } })._socket;
      raw.pause();
      await sleep(400);
      raw.resume();
      const { code } = await client.closed;
      expect(code).toBe(1006);
    } finally {
      await quick.close();
    }
  });

  it('answers hostile frames with INVALID_INPUT and keeps the socket open', async () => {
    const client = await openWs(wsUrl(open.url));
    try {
      for (const frame of ['not json', '[]', '{"op":"nope"}', '{"op":"subscribe","projects":[]}', '{"op":"call","id":1}', JSON.stringify({ op: 'subscribe', projects: ['x'], extra: 1 })]) {
        client.socket.send(frame);
        const answer = await client.next((f) => f.op === 'error');
        expect(answer.error?.code, frame).toBe('INVALID_INPUT');
      }
      client.socket.send(Buffer.from([1, 2, 3]), { binary: true });
      expect((await client.next((f) => f.op === 'error')).error?.code).toBe('INVALID_INPUT');
      const bad = await subscribed(client, { projects: ['../etc'] });
      expect(bad.error?.code).toBe('INVALID_INPUT');
      expect(client.socket.readyState).toBe(client.socket.OPEN);
    } finally {
      client.close();
    }
  });

  it('refuses a foreign Origin or Host and a missing or unknown token before the upgrade', async () => {
    await expect(openWs(wsUrl(open.url), { headers: { origin: 'https://evil.example' } })).rejects.toMatchObject({ status: 403 });
    await expect(openWs(wsUrl(open.url), { headers: { host: 'evil.example' } })).rejects.toMatchObject({ status: 403 });
    await expect(openWs(wsUrl(secured.url))).rejects.toMatchObject({ status: 401 });
    await expect(openWs(wsUrl(secured.url), { headers: { authorization: 'Bearer not-a-known-token-at-all' } })).rejects.toMatchObject({ status: 401 });
    const same = await openWs(wsUrl(open.url), { headers: { origin: open.url } });
    same.close();
  });

  it('scopes a token to its projects and role', async () => {
    await secured.hub.execute('publish_event', { project: 'proj-b', topic: 'secret' });
    const agent = await openWs(wsUrl(secured.url), { headers: { authorization: `Bearer ${AGENT_TOKEN}` } });
    const observer = await openWs(wsUrl(secured.url), { headers: { authorization: `Bearer ${OBSERVER_TOKEN}` } });
    try {
      expect((await subscribed(agent, { projects: ['proj-b'] })).error?.code).toBe('FORBIDDEN');
      expect((await subscribed(agent, { projects: ['proj-a'] })).op).toBe('subscribed');
      expect((await agent.call('get_events', { project: 'proj-b' })).error?.code).toBe('FORBIDDEN');
      expect((await subscribed(observer, { projects: ['proj-b'] })).op).toBe('subscribed');
      expect((await observer.next((f) => f.op === 'event')).event?.data['topic']).toBe('secret');
      expect((await observer.call('publish_event', { project: 'proj-b', topic: 'x' })).error?.code).toBe('FORBIDDEN');
    } finally {
      agent.close();
      observer.close();
    }
  });

  it('serves a browser-style client that sends its token as a subprotocol', async () => {
    const protocol = `baton.token.${Buffer.from(AGENT_TOKEN).toString('base64url')}`;
    const socket = new BrowserWebSocket(wsUrl(secured.url, '?project=proj-a'), ['baton', protocol]);
    const frames: WsFrame[] = [];
    await new Promise<void>((resolve, reject) => {
      socket.onopen = () => { resolve(); };
      socket.onerror = () => { reject(new Error('browser-style socket failed')); };
    });
    try {
      expect(socket.protocol).toBe('baton');
      socket.onmessage = (message) => { frames.push(JSON.parse(String(message.data)) as WsFrame); };
      socket.send(JSON.stringify({ op: 'subscribe', projects: ['proj-a'] }));
      const id = await publish(secured.hub, 'proj-a', 'from-the-browser-test');
      for (let i = 0; i < 100 && !frames.some((f) => f.op === 'event' && f.event!.id === id); i++) await sleep(20);
      expect(frames.find((f) => f.op === 'event' && f.event!.id === id)?.event?.data['topic']).toBe('from-the-browser-test');
    } finally {
      socket.close();
    }
    const refused = new BrowserWebSocket(wsUrl(secured.url), ['baton', `baton.token.${Buffer.from('wrong-token-wrong-token').toString('base64url')}`]);
    await new Promise<void>((resolve) => {
      refused.onerror = () => { resolve(); };
      refused.onopen = () => { resolve(); };
    });
    expect(refused.readyState).not.toBe(BrowserWebSocket.OPEN);
  });
});

describe('SSE topic filters', () => {
  it('narrows custom events by topic with MQTT wildcards, and refuses a malformed filter', async () => {
    const { openSse } = await import('../support/sse.js');
    const project = randomId('sse');
    await publish(open.hub, project, 'cache/users');
    await publish(open.hub, project, 'other');
    await publish(open.hub, project, 'cache/orders/1');
    const stream = await openSse(`${open.url}/api/events?project=${project}&topics=${encodeURIComponent('cache/#')}`);
    try {
      const first = await stream.next();
      const second = await stream.next();
      expect([first?.id, second?.id]).toEqual([1, 3]);
    } finally {
      stream.close();
    }
    const bad = await openSse(`${open.url}/api/events?project=${project}&topics=${encodeURIComponent('a/#/b')}`);
    expect(bad.status).toBe(400);
  });
});
