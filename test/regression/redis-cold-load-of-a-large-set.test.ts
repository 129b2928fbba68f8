/**
 * @module Regression: a Redis coordinator whose cache is cold loads a project's
 * ready set in one script that passed every member to HMGET with unpack(), which
 * overflows Lua's C stack past about 8,000 members: a second coordinator could not
 * claim in a project with 9,000 ready tasks. Now the script reads in chunks.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createHub, type Hub } from '../../src/hub/hub.js';
import { createRedisStore } from '../../src/store/redis/redis-store.js';
import type { Store } from '../../src/store/store.js';
import { REDIS_URL } from '../support/engines.js';

const READY = 9_000;
const opened: { hub: Hub; store: Store }[] = [];

async function coordinator(prefix: string): Promise<Hub> {
  const store = await createRedisStore({ url: REDIS_URL, prefix });
  const hub = createHub({ store });
  opened.push({ hub, store });
  return hub;
}

afterAll(async () => {
  for (const { hub, store } of opened) {
    await hub.close();
    await store.close();
  }
});

describe('a cold Redis coordinator', () => {
  it(`claims in a project with ${READY.toLocaleString('en')} ready tasks`, async () => {
    const prefix = `baton-test-${randomUUID().slice(0, 8)}`;
    const project = 'large';
    const seeder = await coordinator(prefix);
    await seeder.execute('register_agent', {}, { project, agentId: 'seeder' });
    for (let i = 0; i < READY; i += 500) {
      await seeder.execute('add_task', { tasks: Array.from({ length: 500 }, (_, j) => ({ id: `t${i + j}`, title: `Task ${i + j}`, priority: (i + j) % 10 })) }, { project, agentId: 'seeder' });
    }
    const cold = await coordinator(prefix);
    await cold.execute('register_agent', {}, { project, agentId: 'worker' });
    const claimed = await cold.execute('claim_task', {}, { project, agentId: 'worker' });
    expect(claimed).toMatchObject({ claimed: true, task: { priority: 9 } });
    expect((await cold.execute('get_all_tasks', { status: ['ready'], limit: 1 }, { project }))['counts']).toMatchObject({ ready: READY - 1, claimed: 1 });
  }, 60_000);
});
