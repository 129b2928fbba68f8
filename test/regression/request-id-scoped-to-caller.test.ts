/**
 * @module Regression (reliability issue, item 1): a request id is scoped to its
 * caller and stands for one call. Another agent's identical body is its own call;
 * the same caller reusing an id for other input or another command is refused
 * with REQUEST_ID_REUSED (never replayed, never INTERNAL); concurrent repeats of
 * one call apply once. On every engine, through the hub.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { isCoordinationError } from '../../src/core/errors.js';
import { createHub, type Hub } from '../../src/hub/hub.js';
import type { Store } from '../../src/store/store.js';
import { ENGINES } from '../support/engines.js';

const open: { hub: Hub; store: Store }[] = [];
afterEach(async () => {
  for (const { hub, store } of open.splice(0)) {
    await hub.close();
    await store.close();
  }
});

const codeOf = (call: Promise<unknown>): Promise<string> => call.then(() => 'ok', (error: unknown) => (isCoordinationError(error) ? error.code : `not typed: ${String(error)}`));

describe.each(ENGINES)('request ids on $name', (engine) => {
  async function setup() {
    const store = await engine.open();
    const hub = createHub({ store });
    open.push({ hub, store });
    const project = `rid-${randomUUID().slice(0, 8)}`;
    const run = (agent: string, name: string, input: Record<string, unknown>) => hub.execute(name, input, { project, agentId: agent });
    await run('alice', 'register_agent', {});
    await run('bob', 'register_agent', {});
    return { run, hub, project };
  }

  it('never tells bob he holds the lock alice took with the same request id', async () => {
    const { run } = await setup();
    const alice = await run('alice', 'acquire_lock', { name: 'deploy', request_id: '1' });
    expect(alice).toMatchObject({ acquired: true });
    const bob = await run('bob', 'acquire_lock', { name: 'deploy', request_id: '1' });
    expect(bob).toMatchObject({ acquired: false, holder: 'alice' });
  });

  it("gives bob his own claim, not alice's, for the same request id", async () => {
    const { run } = await setup();
    await run('alice', 'add_task', { tasks: [{ id: 'a', title: 'A' }, { id: 'b', title: 'B' }] });
    const alice = await run('alice', 'claim_task', { request_id: 'c-1' });
    const bob = await run('bob', 'claim_task', { request_id: 'c-1' });
    expect(alice).toMatchObject({ claimed: true, task: { id: 'a', claimed_by: 'alice' } });
    expect(bob).toMatchObject({ claimed: true, task: { id: 'b', claimed_by: 'bob' } });
  });

  it('refuses a request id reused for other input or another command, and stores nothing for it', async () => {
    const { run } = await setup();
    expect(await run('alice', 'store_data', { scope: 'cfg', key: 'owner', value: 'alice', request_id: 'w-1' })).toMatchObject({ stored: true });
    expect(await codeOf(run('alice', 'store_data', { scope: 'cfg', key: 'mode', value: 'fast', request_id: 'w-1' }))).toBe('REQUEST_ID_REUSED');
    await expect(run('alice', 'retrieve_data', { scope: 'cfg', key: 'mode' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await codeOf(run('alice', 'acquire_lock', { name: 'x', request_id: 'w-1' }))).toBe('REQUEST_ID_REUSED');
    expect(await codeOf(run('alice', 'publish_event', { topic: 't', request_id: 'w-1' }))).toBe('REQUEST_ID_REUSED');
    // Another caller's id of the same text is its own.
    expect(await run('bob', 'store_data', { scope: 'cfg', key: 'mode', value: 'slow', request_id: 'w-1' })).toMatchObject({ stored: true, version: 1 });
    // The same call again is a replay, key order notwithstanding.
    expect(await run('alice', 'store_data', { value: 'alice', key: 'owner', scope: 'cfg', request_id: 'w-1' })).toMatchObject({ stored: true, version: 1 });
  });

  it('applies concurrent repeats of one call once', async () => {
    const { run } = await setup();
    const answers = await Promise.all(Array.from({ length: 12 }, () => run('alice', 'add_task', { id: 'only', title: 'Once', request_id: 'add-1' })));
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    const all = await run('alice', 'get_all_tasks', {});
    expect(all['tasks']).toHaveLength(1);
  });
});
