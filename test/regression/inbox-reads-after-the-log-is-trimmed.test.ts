/**
 * @module Found building the inbox resource (issue 12): get_inbox without a
 * cursor (or with 0) reads the deliveries from the start, which are rows of their own, so
 * it keeps answering once retention has trimmed the project's event log (it
 * answered CURSOR_EXPIRED for every first read, and so did the inbox resource);
 * a cursor the caller gives that is older than the retained log is still
 * CURSOR_EXPIRED.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHub, type Hub } from '../../src/hub/hub.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';

let store: Store;
let hub: Hub;
const project = 'trimmed';
const run = (agent: string, name: string, input: Record<string, unknown> = {}) => hub.execute(name, input, { project, agentId: agent });

beforeEach(() => {
  store = createSqliteStore({ path: ':memory:' });
  hub = createHub({ store, config: { eventRetention: 5 } });
});
afterEach(async () => {
  await hub.close();
  await store.close();
});

describe('get_inbox after the log is trimmed', () => {
  it('reads from the start without a cursor, and refuses a trimmed cursor with CURSOR_EXPIRED', async () => {
    await run('alice', 'register_agent');
    await run('bob', 'register_agent');
    const sent = await run('bob', 'send_message', { to: ['alice'], text: 'still here?' });
    for (let i = 0; i < 20; i++) await run('bob', 'publish_event', { topic: 'build.progress', payload: { step: i } });
    expect(await hub.sweepOnce()).toBe(true);
    expect((await store.readEvents({ project, after: 30, limit: 1 })).oldestId).toBeGreaterThan(2);

    expect(await run('alice', 'get_inbox')).toMatchObject({ unread_count: 1, deliveries: [{ seq: sent['seq'], from: 'bob', text: 'still here?' }] });
    expect(await run('alice', 'get_inbox', { after: 0 })).toMatchObject({ unread_count: 1 });
    await expect(run('alice', 'get_inbox', { after: 1 })).rejects.toMatchObject({ code: 'CURSOR_EXPIRED' });
  });
});
