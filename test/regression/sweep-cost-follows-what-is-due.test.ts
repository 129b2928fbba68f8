/**
 * @module Regression (reliability issue, item 12): the sweep used to open a
 * transaction per project every second, so 20,000 idle projects kept an idle
 * server at half a core. Its cost must follow what is due: with thousands of idle
 * projects it sends a constant number of round trips, and it still sweeps the one
 * project with something due. On every engine (round trips from Store.stats).
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS } from '../../src/core/presence/member.js';
import { createFakeClock } from '../../src/store/conformance/index.js';
import type { Store, SweepPolicy } from '../../src/store/store.js';
import { ENGINES } from '../support/engines.js';

const POLICY: SweepPolicy = { thresholds: DEFAULT_THRESHOLDS, eventRetention: 100_000, requestRetentionMs: 24 * 3_600_000 };
const IDLE_PROJECTS = 1_500;

const open: Store[] = [];
afterEach(async () => {
  for (const store of open.splice(0)) await store.close();
});

describe.each(ENGINES)('the sweep on $name', (engine) => {
  it('costs the same few round trips whatever the number of idle projects, and sweeps what is due', async () => {
    const clock = createFakeClock();
    const store = await engine.open(clock);
    open.push(store);
    const run = randomUUID().slice(0, 6);
    const register = (project: string) =>
      store.registerMember({ project, now: clock.now() }, { id: 'agent', name: 'Agent', kind: 'agent', modules: [], metadata: {}, service: null });
    for (let i = 0; i < IDLE_PROJECTS; i += 100) await Promise.all(Array.from({ length: 100 }, (_, j) => register(`idle-${run}-${i + j}`)));
    const due = `due-${run}`;
    await register(due);
    await store.acquireLease({ project: due, now: clock.now() }, {
      request: { kind: 'lock', resource: 'pytest', paths: [], holder: 'agent', mode: 'exclusive', limit: null, ttlMs: 1_000, reason: null },
      force: false,
      thresholds: DEFAULT_THRESHOLDS,
    });
    clock.advance(2_000);

    const before = store.stats.roundTrips;
    const swept = await store.sweep(clock.now(), POLICY);
    const cost = store.stats.roundTrips - before;
    expect(swept.expiredLeases).toBe(1);
    expect(swept.events.map((e) => [e.project, e.type])).toEqual([[due, 'lease.expired']]);
    // The due query, the request purge, and the one due project's step (SQLite counts each statement).
    expect(cost).toBeLessThanOrEqual(20);

    const idleBefore = store.stats.roundTrips;
    await store.sweep(clock.now(), POLICY);
    expect(store.stats.roundTrips - idleBefore).toBeLessThanOrEqual(4);
  }, 120_000);
});
