/**
 * @module Issue 12: the thread and inbox resources (baton://threads/{thread_id},
 * baton://agents/{agent_id}/inbox) are read as the caller, so a token scoped to
 * another project cannot read a thread, and a token bound to an agent reads only
 * that agent's inbox unless it is an admin's. Subscribing (resources/subscribe,
 * or subscriptions/listen in 2026-07-28) needs the same read to succeed, so a
 * session can neither watch what it may not read nor pile up subscriptions to
 * made-up ids; and an update reaches only the subscribers of the object it changed.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/hub/config.js';
import { call, eventually, httpClient, modernHttpClient } from '../support/mcp.js';
import { randomId } from '../support/server.js';
import { startApp, type TestApp } from './support/app.js';

const ALICE = 'tok-alice-0123456789abcdef';
const BOB = 'tok-bob-00123456789abcdef';
const ELSEWHERE = 'tok-else-0123456789abcdef';
const ADMIN = 'tok-admin-0123456789abcdef';
const project = randomId('scope');
const other = randomId('other');

let server: TestApp;
let threadId = '';
const clients: { close(): Promise<void> }[] = [];

async function as(token: string, inProject = project): Promise<Client> {
  const client = await httpClient(server.url, { headers: { authorization: `Bearer ${token}`, 'x-baton-project': inProject } });
  clients.push(client);
  return client;
}

const text = (read: { contents: ({ text?: string } | { blob?: string })[] }): Record<string, unknown> => {
  const first = read.contents[0];
  return JSON.parse(first && 'text' in first ? (first.text ?? '{}') : '{}') as Record<string, unknown>;
};

beforeAll(async () => {
  server = await startApp({
    tokens: [
      { token: ALICE, role: 'agent', projects: [project], agent: 'alice' },
      { token: BOB, role: 'agent', projects: [project], agent: 'bob' },
      { token: ELSEWHERE, role: 'agent', projects: [other], agent: 'carol' },
      { token: ADMIN, role: 'admin', projects: ['*'] },
    ],
  });
  const run = (agent: string, name: string, input: Record<string, unknown>) => server.hub.execute(name, input, { project, agentId: agent });
  await run('alice', 'register_agent', {});
  await run('bob', 'register_agent', {});
  await run('bob', 'announce_work', { description: 'bob edits auth', target_files: ['src/auth.ts'] });
  threadId = (await run('alice', 'announce_work', { description: 'alice edits auth', target_files: ['src/auth.ts'] }))['thread_id'] as string;
  expect(threadId).toMatch(/^thr-/);
});
afterAll(async () => {
  for (const c of clients) await c.close();
  await server.close();
});

describe('thread and inbox resources', () => {
  it('are listed as resource templates, not as resources', async () => {
    const alice = await as(ALICE);
    const { resourceTemplates } = await alice.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toEqual(['baton://threads/{thread_id}', 'baton://agents/{agent_id}/inbox']);
    expect((await alice.listResources()).resources.map((r) => r.uri)).not.toContain('baton://threads/{thread_id}');
  });

  it("read as the caller: a participant reads the thread, an agent its own inbox, never another agent's", async () => {
    const alice = await as(ALICE);
    expect(text(await alice.readResource({ uri: `baton://threads/${threadId}` }))).toMatchObject({ thread: { thread_id: threadId, status: 'open', initiator: 'alice' } });
    expect(text(await alice.readResource({ uri: 'baton://agents/alice/inbox' }))).toMatchObject({ deliveries: [], unread_count: 0 });
    expect(text(await (await as(BOB)).readResource({ uri: 'baton://agents/bob/inbox' }))).toMatchObject({ unread_count: 1, deliveries: [{ thread_id: threadId, from: 'alice' }] });
    const refused = await alice.readResource({ uri: 'baton://agents/bob/inbox' }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: -32000 });
    expect(String(refused)).toContain("acts as agent 'alice' only");
    // An admin reads anyone's.
    expect(text(await (await as(ADMIN)).readResource({ uri: 'baton://agents/bob/inbox' }))).toMatchObject({ unread_count: 1 });
  });

  it("refuse a token of another project, whichever project the connection names", async () => {
    const here = await as(ELSEWHERE);
    expect(String(await here.readResource({ uri: `baton://threads/${threadId}` }).catch((e: unknown) => e))).toContain(`not scoped to project '${project}'`);
    expect(await here.subscribeResource({ uri: `baton://threads/${threadId}` }).catch((e: unknown) => e)).toMatchObject({ code: -32000 });
    // In its own project the thread does not exist.
    const own = await as(ELSEWHERE, other);
    expect(await own.readResource({ uri: `baton://threads/${threadId}` }).catch((e: unknown) => e)).toMatchObject({ code: -32002 });
    expect(await own.subscribeResource({ uri: `baton://threads/${threadId}` }).catch((e: unknown) => e)).toMatchObject({ code: -32002 });
  });

  it('subscribe only to what the caller may read, and to at most a bounded number of objects', async () => {
    const alice = await as(ALICE);
    expect(await alice.subscribeResource({ uri: 'baton://agents/bob/inbox' }).catch((e: unknown) => e)).toMatchObject({ code: -32000 });
    expect(await alice.subscribeResource({ uri: 'baton://threads/thr-made-up' }).catch((e: unknown) => e)).toMatchObject({ code: -32002 });
    expect(await alice.subscribeResource({ uri: 'baton://threads/a%2Fb' }).catch((e: unknown) => e)).toMatchObject({ code: -32602 });
    await alice.subscribeResource({ uri: `baton://threads/${threadId}` });
    await alice.subscribeResource({ uri: 'baton://agents/alice/inbox' });

    const admin = await as(ADMIN);
    const ids = Array.from({ length: DEFAULT_LIMITS.subscriptionsPerConnection }, (_, i) => `cap-${i}`);
    await Promise.all(ids.map((id) => server.hub.execute('register_agent', {}, { project, agentId: id })));
    for (const id of ids) await admin.subscribeResource({ uri: `baton://agents/${id}/inbox` });
    // Subscribing again to one already held is no new subscription.
    await admin.subscribeResource({ uri: 'baton://agents/cap-0/inbox' });
    const over = await admin.subscribeResource({ uri: 'baton://agents/alice/inbox' }).catch((e: unknown) => e);
    expect(over).toMatchObject({ code: -32602 });
    expect(String(over)).toContain('unsubscribe');
    await admin.unsubscribeResource({ uri: 'baton://agents/cap-0/inbox' });
    await admin.subscribeResource({ uri: 'baton://agents/alice/inbox' });
  });

  it('notify only the subscribers of the thread or inbox an event changed', async () => {
    const [alice, bob] = await Promise.all([as(ALICE), as(BOB)]);
    const seen = { alice: [] as string[], bob: [] as string[] };
    alice.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
      seen.alice.push(n.params.uri);
    });
    bob.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
      seen.bob.push(n.params.uri);
    });
    await alice.subscribeResource({ uri: 'baton://agents/alice/inbox' });
    await bob.subscribeResource({ uri: 'baton://agents/bob/inbox' });
    await bob.subscribeResource({ uri: `baton://threads/${threadId}` });
    await call(bob, 'send_message', { to: ['alice'], text: 'only for alice' });
    await eventually(() => Promise.resolve(seen.alice.includes('baton://agents/alice/inbox')));
    // A post in the thread reaches alice's inbox and the thread; bob, its author, gets the thread only.
    await call(bob, 'post_to_thread', { thread_id: threadId, text: 'I keep to login()' });
    await eventually(() => Promise.resolve(seen.bob.includes(`baton://threads/${threadId}`)));
    expect(seen.alice).toEqual(['baton://agents/alice/inbox', 'baton://agents/alice/inbox']);
    expect(seen.bob).toEqual([`baton://threads/${threadId}`]);
  });

  it('honor in subscriptions/listen (2026-07-28) only the objects the caller may read', async () => {
    const watcher = await modernHttpClient(server.url, { headers: { authorization: `Bearer ${ALICE}`, 'x-baton-project': project, 'x-baton-agent': 'alice' } });
    clients.push(watcher);
    const updated: string[] = [];
    watcher.setNotificationHandler('notifications/resources/updated', (n) => {
      updated.push(n.params.uri);
    });
    const thread = `baton://threads/${threadId}`;
    const subscription = await watcher.listen({ resourceSubscriptions: [thread, 'baton://agents/bob/inbox', 'baton://threads/thr-made-up', 'baton://locks'] });
    expect(subscription.honoredFilter).toEqual({ resourceSubscriptions: [thread, 'baton://locks'] });
    await server.hub.execute('post_to_thread', { thread_id: threadId, text: 'heard over listen' }, { project, agentId: 'bob' });
    await eventually(() => Promise.resolve(updated.includes(thread)));
    expect(updated).not.toContain('baton://agents/bob/inbox');
  });
});
