/**
 * @module Issue 12 over MCP: seed 004's consultation scenarios end to end with
 * real SDK clients over Streamable HTTP against the built server (`baton start`,
 * its own process), two agents: same file → concerned → thread → post → propose
 * → approve → resolved, watched through a subscription to the thread resource;
 * same module → gray zone and no thread; dependency against target → 80 both
 * ways; no overlap → pass; and the inbox
 * resource showing a direct message, then its ack.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, eventually, httpClient } from '../support/mcp.js';
import { cleanupAll, randomId, startServer, type ServerProcess } from '../support/server.js';

let server: ServerProcess;
const clients: Client[] = [];

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  for (const c of clients) await c.close().catch(() => undefined);
  await cleanupAll();
});

interface Agent {
  id: string;
  client: Client;
  /** URIs of the resources/updated notifications this session received, in order. */
  updated: string[];
  call(name: string, args?: Record<string, unknown>): Promise<Record<string, unknown>>;
  read(uri: string): Promise<Record<string, unknown>>;
}

/** A session in `project` that registered as `id` (its identity comes from the session afterwards). */
async function agent(project: string, id: string): Promise<Agent> {
  const client = await httpClient(server.url, { query: { project, toolsets: 'consult,messages' } });
  clients.push(client);
  const updated: string[] = [];
  client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
    updated.push(n.params.uri);
  });
  expect(await call(client, 'register_agent', { agent_id: id })).toMatchObject({ agent_id: id, project });
  return {
    id,
    client,
    updated,
    call: (name, args = {}) => call(client, name, args),
    async read(uri) {
      const content = (await client.readResource({ uri })).contents[0];
      expect(content).toMatchObject({ uri, mimeType: 'application/json' });
      return JSON.parse(content && 'text' in content ? content.text : '{}') as Record<string, unknown>;
    },
  };
}

async function pair(): Promise<[Agent, Agent]> {
  const project = randomId('consult');
  return Promise.all([agent(project, 'alice'), agent(project, 'bob')]);
}

describe("seed 004's consultation over MCP", () => {
  it('same file: concerned, a thread opens, and post → propose → approve resolves it by consensus, each step notified', async () => {
    const [alice, bob] = await pair();
    expect(await alice.call('announce_work', { description: 'rework login', target_files: ['src/auth.ts'] })).toMatchObject({ verdict: 'pass', thread_id: null, peers: [] });
    await alice.client.subscribeResource({ uri: 'baton://agents/alice/inbox' });

    const announced = await bob.call('announce_work', { description: 'add MFA', target_files: ['src/auth.ts'] });
    expect(announced).toMatchObject({ verdict: 'concerned', score: 100, layer: '0a', peers: [{ agent_id: 'alice', score: 100, category: 'concerned', layer: '0a' }] });
    const threadId = announced['thread_id'] as string;
    const thread = `baton://threads/${threadId}`;
    expect(announced['next']).toContain(threadId);

    // The thread reaches alice's inbox, and her subscription says so.
    await eventually(() => Promise.resolve(alice.updated.includes('baton://agents/alice/inbox')));
    expect(await alice.read('baton://agents/alice/inbox')).toMatchObject({ unread_count: 1, deliveries: [{ thread_id: threadId, from: 'bob', importance: 'high', text: 'add MFA' }] });

    await Promise.all([alice.client.subscribeResource({ uri: thread }), bob.client.subscribeResource({ uri: thread })]);
    expect(await bob.read(thread)).toMatchObject({ thread: { thread_id: threadId, kind: 'consult', status: 'open', round: 1, initiator: 'bob', participants: [{ agent_id: 'bob', role: 'initiator' }, { agent_id: 'alice', role: 'respondent' }] } });

    const steps: [Agent, string, Record<string, unknown>, string][] = [
      [alice, 'post_to_thread', { thread_id: threadId, text: 'I only touch login()', type: 'answer' }, 'open'],
      [alice, 'resolve_thread', { thread_id: threadId, verb: 'propose', text: 'alice first, then bob' }, 'resolving'],
      // Seed 004's name for the approve verb.
      [bob, 'approve_resolution', { thread_id: threadId }, 'resolved'],
    ];
    for (const [actor, tool, args, status] of steps) {
      // The other participant's subscription to the thread hears of every step (one notification per step's burst).
      const watcher = actor === alice ? bob : alice;
      watcher.updated.length = 0;
      await actor.call(tool, args);
      await eventually(() => Promise.resolve(watcher.updated.includes(thread)));
      expect(((await watcher.read(thread))['thread'] as Record<string, unknown>)['status']).toBe(status);
    }
    const resolved = await alice.read(thread);
    expect(resolved['thread']).toMatchObject({ status: 'resolved', resolution: { outcome: 'consensus' } });
    expect((resolved['posts'] as { type: string }[]).map((p) => p.type)).toEqual(['context', 'answer', 'proposal', 'resolution']);
    // A resolved thread refuses posts.
    expect((await alice.client.callTool({ name: 'post_to_thread', arguments: { thread_id: threadId, text: 'late' } })).isError).toBe(true);
  });

  it('same module: gray zone and no thread', async () => {
    const [alice, bob] = await pair();
    await alice.call('announce_work', { description: 'login', target_files: ['src/auth/login.ts'], modules: ['src/auth'] });
    expect(await bob.call('announce_work', { description: 'session', target_files: ['src/auth/session.ts'], modules: ['src/auth'] })).toMatchObject({ verdict: 'gray_zone', score: 30, layer: '3', thread_id: null });
    expect(await bob.call('list_threads', { all: true })).toMatchObject({ threads: [] });
    expect(await alice.read('baton://agents/alice/inbox')).toMatchObject({ unread_count: 0, deliveries: [] });
  });

  it('dependency against target scores 80 both ways, with no thread; no overlap passes, with no peers', async () => {
    const [alice, bob] = await pair();
    await alice.call('announce_work', { description: 'db', target_files: ['src/db.ts'] });
    expect(await bob.call('announce_work', { description: 'api', target_files: ['src/api.ts'], depends_on: ['src/db.ts', 'src/cfg.ts'] })).toMatchObject({ verdict: 'gray_zone', score: 80, layer: '0b', thread_id: null });
    expect(await alice.call('announce_work', { description: 'cfg', target_files: ['src/cfg.ts'], key: 'cfg' })).toMatchObject({ verdict: 'gray_zone', score: 80, layer: '0c', thread_id: null });
    expect(await bob.call('announce_work', { description: 'docs', target_files: ['docs/readme.md'], key: 'docs' })).toMatchObject({ verdict: 'pass', score: 0, thread_id: null, peers: [] });
  });

  it('the inbox resource shows a direct message and, once acknowledged, no longer counts it unread', async () => {
    const [alice, bob] = await pair();
    const inbox = 'baton://agents/alice/inbox';
    await alice.client.subscribeResource({ uri: inbox });
    const sent = await bob.call('send_message', { to: ['alice'], text: 'may I take src/db.ts?', ack_required: true });
    await eventually(() => Promise.resolve(alice.updated.includes(inbox)));
    expect(await alice.read(inbox)).toMatchObject({ unread_count: 1, deliveries: [{ seq: sent['seq'], thread_id: sent['thread_id'], from: 'bob', text: 'may I take src/db.ts?', ack_required: true }] });
    // Reading never consumes.
    expect((await alice.read(inbox))['unread_count']).toBe(1);
    const acked = await alice.call('ack_messages', { seqs: [sent['seq']] });
    expect(acked['acked']).toEqual([{ seq: sent['seq'], acked_at: expect.any(String) as unknown }]);
    expect(await alice.read(inbox)).toMatchObject({ unread_count: 0, deliveries: [] });
    // bob's inbox is his own: he had nothing, and the message did not notify it.
    expect(await bob.read('baton://agents/bob/inbox')).toMatchObject({ unread_count: 0 });
  });
});
