/**
 * @module The Store conformance suite: one function that registers every
 * behaviour the Store port promises (leases, tasks, presence, state, events,
 * sweep, idempotency, races, backup, limits) against a store factory. Each backend's test file
 * calls it once; a gap is declared as a skip with a reason, and a skip that names
 * no existing test fails the suite, so the list cannot go stale.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../store.js';
import { backupCases } from './backup.case.js';
import { consultCases } from './consult.case.js';
import { eventCases } from './events.case.js';
import { createFakeClock, type FakeClock } from './fake-clock.js';
import { createEnv, type CaseFn, type Harness, type StoreTestEnv } from './harness.js';
import { idempotencyCases } from './idempotency.case.js';
import { leaseCases } from './leases.case.js';
import { limitCases } from './limits.case.js';
import { presenceCases } from './presence.case.js';
import { raceCases } from './races.case.js';
import { stateCases } from './state.case.js';
import { sweepCases } from './sweep.case.js';
import { taskCases } from './tasks.case.js';

export { createFakeClock, type FakeClock } from './fake-clock.js';
export type { StoreTestEnv } from './harness.js';

export interface ConformanceOptions {
  /**
   * Tests this backend does not pass yet, each group with why. A name is the exact
   * `it` title as it appears in a case file (without the topic), e.g.
   * `{ reason: 'no LISTEN yet', tests: ['hands a released lock to queued waiters in FIFO order, inside the release'] }`.
   */
  skip?: { reason: string; tests: string[] }[];
}

const TOPICS: [string, (h: Harness) => void][] = [
  ['leases', leaseCases],
  ['tasks', taskCases],
  ['presence', presenceCases],
  ['state', stateCases],
  ['events', eventCases],
  ['sweep', sweepCases],
  ['idempotency', idempotencyCases],
  ['races', raceCases],
  ['backup', backupCases],
  ['consult', consultCases],
  ['limits', limitCases],
];

/**
 * Registers the suite. `createStore` is called before every test with a fresh
 * fake clock and must return a store that shares no data with any other store it
 * returned (a new database, schema or key prefix): the sweep cases act on every
 * project of the store. The suite closes the store after each test.
 */
export function describeStoreConformance(
  name: string,
  createStore: (ctx: { clock: FakeClock }) => Promise<Store>,
  options: ConformanceOptions = {},
): void {
  const skipped = new Map<string, string>();
  for (const group of options.skip ?? []) for (const test of group.tests) skipped.set(test, group.reason);
  const registered = new Set<string>();

  describe(`Store conformance: ${name}`, () => {
    let env: StoreTestEnv | undefined;

    beforeEach(async () => {
      const clock = createFakeClock();
      env = createEnv(await createStore({ clock }), clock);
    });

    afterEach(async () => {
      const current = env;
      env = undefined;
      await current?.store.close();
    });

    const harness: Harness = {
      it(testName: string, fn: CaseFn) {
        if (registered.has(testName)) throw new Error(`Two conformance tests are named '${testName}': names must be unique so skips are unambiguous.`);
        registered.add(testName);
        const run = async (): Promise<void> => {
          if (!env) throw new Error('The store was not created (see the beforeEach failure).');
          await fn(env);
        };
        const reason = skipped.get(testName);
        if (reason === undefined) it(testName, run);
        else it.skip(`${testName} [skipped: ${reason}]`, run);
      },
    };

    for (const [topic, register] of TOPICS) describe(topic, () => { register(harness); });

    it('declares every skip with a reason and only for tests that exist', () => {
      const stale = [...skipped.keys()].filter((test) => !registered.has(test));
      expect(stale, 'skips naming no existing test (remove them or fix the name)').toEqual([]);
      const unexplained = (options.skip ?? []).filter((group) => group.reason.trim().length === 0).flatMap((group) => group.tests);
      expect(unexplained, 'skips without a reason').toEqual([]);
    });
  });
}
