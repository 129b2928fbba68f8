/**
 * @module Issue 15, bounded counts: live members per project, callers queued per
 * lock, and subscriptions per connection (WebSocket projects, MCP resource
 * subscriptions) are limited by settings and refused with LIMIT_EXCEEDED naming
 * the limit, also when a hostile client sends everything at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpClient } from '../support/mcp.js';
import { createClient, randomId } from '../support/server.js';
import { openWs, wsUrl, type WsFrame } from '../support/ws.js';
import { startApp, type TestApp } from './support/app.js';

let server: TestApp;
beforeAll(async () => {
  server = await startApp({ limits: { agentsPerProject: 3, waitersPerLock: 2, subscriptionsPerConnection: 3 } });
});
afterAll(() => server.close());



describe('live members per project', () => {
  it('refuses a member past the limit, takes an existing one back, and makes room when one signs off', async () => {
    const project = randomId('members');
    const as = (agent: string) => createClient(server.url, { project, agent });
    for (const agent of ['a', 'b', 'c']) expect((await as(agent).post('/agents', {})).status).toBe(200);
    const refused = await as('d').post('/agents', {});
    expect(refused.status).toBe(413);
    expect(refused.body.error).toMatchObject({ code: 'LIMIT_EXCEEDED', details: { limit: 3 } });
    // A service counts as a member too.
    expect((await as('svc').post('/services', { name: 'svc' })).body.error?.code).toBe('LIMIT_EXCEEDED');
    expect((await as('a').post('/agents', { name: 'A again' })).status).toBe(200);
    expect((await as('c').post('/agents/c/sign-off', {})).status).toBe(200);
    expect((await as('d').post('/agents', {})).status).toBe(200);
    // Another project has its own count.
    expect((await createClient(server.url, { project: randomId('members'), agent: 'd' }).post('/agents', {})).status).toBe(200);
  });

  it('admits exactly up to the limit when 40 agents register at once', async () => {
    const project = randomId('members');
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => createClient(server.url, { project, agent: `flood-${i}` }).post('/agents', {})));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(3);
    expect(new Set(answers.filter((a) => a.status !== 200).map((a) => a.body.error?.code))).toEqual(new Set(['LIMIT_EXCEEDED']));
  });
});

describe('callers queued per lock', () => {
  it('queues up to the limit and refuses the rest, when 20 waiters arrive at once', async () => {
    const app = await startApp({ limits: { waitersPerLock: 2 } });
    const project = randomId('waiters');
    const hub = app.hub;
    const as = (agentId: string, signal?: AbortSignal) => ({ project, agentId, signal });
    for (let i = 0; i < 21; i++) await hub.execute('register_agent', {}, as(`w${i}`));
    expect(await hub.execute('acquire_lock', { name: 'deploy' }, as('w0'))).toMatchObject({ acquired: true });
    const stop = new AbortController();
    let refused = 0;
    const waits = Array.from({ length: 20 }, (_, i) =>
      hub.execute('acquire_lock', { name: 'deploy', wait_seconds: 30 }, as(`w${i + 1}`, stop.signal)).then(() => 'answered', (error: unknown) => {
        const code = (error as { code?: string }).code;
        if (code === 'LIMIT_EXCEEDED') refused++;
        return code;
      }));
    await expect.poll(() => refused).toBe(18);
    stop.abort();
    const outcomes = await Promise.all(waits);
    expect(outcomes.filter((o) => o === 'LIMIT_EXCEEDED')).toHaveLength(18);
    expect(outcomes.filter((o) => o === 'answered')).toHaveLength(2);
    // Another lock has its own queue.
    expect(await hub.execute('acquire_lock', { name: 'other', wait_seconds: 0 }, as('w1'))).toMatchObject({ acquired: true });
    await app.close();
  });
});

describe('subscriptions per connection', () => {
  it('a WebSocket follows at most the limit of projects, also when many subscribe frames arrive at once, and stays usable', async () => {
    const client = await openWs(wsUrl(server.url));
    try {
      for (let i = 0; i < 10; i++) client.send({ op: 'subscribe', ref: i, projects: [randomId('p'), randomId('p')] });
      // One at a time: the test client wakes one waiter per frame.
      const answers: WsFrame[] = [];
      for (let i = 0; i < 10; i++) answers.push(await client.next((f) => f['ref'] === i && (f.op === 'error' || f.op === 'subscribed')));
      const subscribed = client.frames.filter((f) => f.op === 'subscribed').length + answers.filter((f) => f.op === 'subscribed').length;
      expect(subscribed).toBeGreaterThan(0);
      expect(subscribed).toBeLessThanOrEqual(3);
      expect(answers.filter((f) => f.op === 'error').every((f) => f.error?.code === 'LIMIT_EXCEEDED' && f.error.details?.['limit'] === 3)).toBe(true);
      expect(answers.some((f) => f.op === 'error')).toBe(true);
      // One frame naming more projects than the limit at once.
      client.send({ op: 'subscribe', ref: 'many', projects: Array.from({ length: 100 }, () => randomId('p')) });
      expect((await client.next((f) => f['ref'] === 'many')).error?.code).toBe('LIMIT_EXCEEDED');
      client.send({ op: 'ping', ref: 'alive' });
      expect((await client.next((f) => f['ref'] === 'alive')).op).toBe('pong');
    } finally {
      client.close();
    }
  });

  it('an MCP session subscribes to at most the limit of resources; a repeat is no new one', async () => {
    const client = await httpClient(server.url);
    try {
      for (const uri of ['baton://status', 'baton://agents', 'baton://locks', 'baton://locks']) await client.subscribeResource({ uri });
      const refused = await client.subscribeResource({ uri: 'baton://tasks' }).catch((e: unknown) => e);
      expect(refused).toMatchObject({ code: -32602, data: { code: 'LIMIT_EXCEEDED', details: { limit: 3 } } });
      await client.unsubscribeResource({ uri: 'baton://locks' });
      await client.subscribeResource({ uri: 'baton://tasks' });
    } finally {
      await client.close();
    }
  });
});
