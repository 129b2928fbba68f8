/**
 * @module Regression (reliability issue, item 2): `release_files` without a
 * reservation id releases every reservation of the caller in one step, also with
 * a request id (which used to replay the first release for the others), and says
 * which it released. On every engine, through the hub.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
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

describe.each(ENGINES)('release_files on $name', (engine) => {
  it('releases every reservation of the caller at once, each named once, request id or not', async () => {
    const store = await engine.open();
    const hub = createHub({ store });
    open.push({ hub, store });
    const project = `files-${randomUUID().slice(0, 8)}`;
    const run = (agent: string, name: string, input: Record<string, unknown>) => hub.execute(name, input, { project, agentId: agent });
    await run('alice', 'register_agent', {});
    await run('bob', 'register_agent', {});
    const ids: string[] = [];
    for (const glob of ['src/a/**', 'src/b/**', 'docs/*.md']) ids.push(String((await run('alice', 'reserve_files', { paths: [glob] }))['reservation_id']));
    await run('bob', 'reserve_files', { paths: ['test/**'] });

    const released = await run('alice', 'release_files', { request_id: 'rel-all' });
    const names = (released['released'] as { reservation_id: string }[]).map((r) => r.reservation_id);
    expect(names.sort()).toEqual([...ids].sort());
    const left = (await run('alice', 'list_reservations', {}))['reservations'] as { holder: string }[];
    expect(left.map((r) => r.holder)).toEqual(['bob']);
    expect(await run('alice', 'release_files', { request_id: 'rel-all' })).toEqual(released);
  });
});
