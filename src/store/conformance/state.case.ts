/**
 * @module Conformance cases for shared state: JSON values with versions,
 * compare-and-set, TTL expiry on the store's clock, listing by prefix and scope,
 * and deletes.
 */
import { expect } from 'vitest';
import type { PutStateInput } from '../store.js';
import { expectCode, ofType, SECOND, typesOf, type Harness, type StoreTestEnv } from './harness.js';

const put = (t: StoreTestEnv, scope: string, key: string, value: unknown, extra: Partial<PutStateInput> = {}) =>
  t.store.putState(t.ctx(), { scope, key, value, actor: 'alice', ...extra });

export function stateCases({ it }: Harness): void {
  it('stores a JSON value and reads it back with a version that grows on every write', async (t) => {
    const value = { nested: { list: [1, 'two', null, true], n: 1.5 }, text: 'é ✓' };
    const first = await put(t, 'config', 'build', value);
    expect(first.result).toMatchObject({ project: t.project, scope: 'config', key: 'build', value, version: 1, updatedAt: t.clock.now(), updatedBy: 'alice', expiresAt: null });
    expect(ofType(first.events, 'state.stored')).toMatchObject([{ actor: 'alice', data: { scope: 'config', key: 'build', version: 1 } }]);
    t.clock.advance(SECOND);
    const second = await put(t, 'config', 'build', 'plain string');
    expect(second.result.version).toBe(2);
    expect(await t.store.getState(t.project, 'config', 'build', t.clock.now())).toMatchObject({ value: 'plain string', version: 2, updatedAt: t.clock.now() });
    for (const scalar of [null, 0, false, [], {}]) {
      await put(t, 'config', 'scalar', scalar);
      expect((await t.store.getState(t.project, 'config', 'scalar', t.clock.now()))?.value).toEqual(scalar);
    }
    expect(await t.store.getState(t.project, 'config', 'absent', t.clock.now())).toBeNull();
    expect(await t.store.getState(t.otherProject, 'config', 'build', t.clock.now())).toBeNull();
  });

  it('compare-and-sets on the version: 0 creates only, a mismatch is VERSION_CONFLICT with the current version', async (t) => {
    expect((await put(t, 's', 'k', 'a', { ifVersion: 0 })).result.version).toBe(1);
    const exists = await expectCode(put(t, 's', 'k', 'b', { ifVersion: 0 }), 'VERSION_CONFLICT');
    expect(exists.details).toMatchObject({ current_version: 1 });
    expect((await put(t, 's', 'k', 'b', { ifVersion: 1 })).result.version).toBe(2);
    const stale = await expectCode(put(t, 's', 'k', 'c', { ifVersion: 1 }), 'VERSION_CONFLICT');
    expect(stale.details).toMatchObject({ current_version: 2 });
    const absent = await expectCode(put(t, 's', 'other', 'x', { ifVersion: 3 }), 'VERSION_CONFLICT');
    expect(absent.details).toMatchObject({ current_version: 0 });
    expect(await t.store.getState(t.project, 's', 'k', t.clock.now())).toMatchObject({ value: 'b', version: 2 });
    expect(await t.store.getState(t.project, 's', 'other', t.clock.now())).toBeNull();
  });

  it('reads a value as absent from exactly its TTL on', async (t) => {
    const start = t.clock.now();
    const written = await put(t, 'cache', 'k', 'v', { ttlMs: 10 * SECOND });
    expect(written.result.expiresAt).toBe(start + 10 * SECOND);
    t.clock.set(start + 10 * SECOND - 1);
    expect(await t.store.getState(t.project, 'cache', 'k', t.clock.now())).toMatchObject({ value: 'v' });
    expect(await t.store.listStateKeys(t.project, 'cache', '', t.clock.now(), 10)).toHaveLength(1);
    t.clock.set(start + 10 * SECOND);
    expect(await t.store.getState(t.project, 'cache', 'k', t.clock.now())).toBeNull();
    expect(await t.store.listStateKeys(t.project, 'cache', '', t.clock.now(), 10)).toEqual([]);
    expect(await t.store.listScopes(t.project, t.clock.now())).toEqual([]);
    // An expired value is absent for compare-and-set too, and its version starts again.
    expect((await put(t, 'cache', 'k', 'fresh', { ifVersion: 0 })).result).toMatchObject({ version: 1, expiresAt: null });
  });

  it('lists the keys of a scope by prefix, sorted, up to a limit', async (t) => {
    for (const key of ['b/2', 'a/1', 'b/1', 'b/3', 'c']) await put(t, 'files', key, key);
    await put(t, 'other', 'b/9', 1);
    expect((await t.store.listStateKeys(t.project, 'files', 'b/', t.clock.now(), 10)).map((e) => e.key)).toEqual(['b/1', 'b/2', 'b/3']);
    expect((await t.store.listStateKeys(t.project, 'files', '', t.clock.now(), 10)).map((e) => e.key)).toEqual(['a/1', 'b/1', 'b/2', 'b/3', 'c']);
    expect((await t.store.listStateKeys(t.project, 'files', 'b/', t.clock.now(), 2)).map((e) => e.key)).toEqual(['b/1', 'b/2']);
    expect(await t.store.listStateKeys(t.project, 'files', 'zz', t.clock.now(), 10)).toEqual([]);
    expect((await t.store.listStateKeys(t.project, 'files', 'b/1', t.clock.now(), 10))[0]).toMatchObject({ scope: 'files', key: 'b/1', value: 'b/1', version: 1 });
  });

  it('does not count expired keys against the list limit', async (t) => {
    for (const key of ['a1', 'a2', 'a3']) await put(t, 's', key, key, { ttlMs: SECOND });
    for (const key of ['b1', 'b2', 'b3']) await put(t, 's', key, key);
    t.clock.advance(SECOND);
    expect((await t.store.listStateKeys(t.project, 's', '', t.clock.now(), 2)).map((e) => e.key)).toEqual(['b1', 'b2']);
    expect((await t.store.listStateKeys(t.project, 's', '', t.clock.now(), 10)).map((e) => e.key)).toEqual(['b1', 'b2', 'b3']);
  });

  it('pages the keys of a scope after a key, in byte order, and counts the live ones by prefix', async (t) => {
    for (const key of ['b/2', 'a/1', 'b/1', 'b/3', 'c', 'b/é', 'b/Z']) await put(t, 'files', key, key);
    await put(t, 'files', 'b/4', 4, { ttlMs: SECOND });
    await put(t, 'other', 'b/9', 1);
    const now = () => t.clock.now();
    expect((await t.store.listStateKeys(t.project, 'files', 'b/', now(), 2, 'b/1')).map((e) => e.key)).toEqual(['b/2', 'b/3']);
    expect((await t.store.listStateKeys(t.project, 'files', 'b/', now(), 10, 'b/3')).map((e) => e.key)).toEqual(['b/4', 'b/Z', 'b/é']);
    expect((await t.store.listStateKeys(t.project, 'files', '', now(), 10, 'b/é')).map((e) => e.key)).toEqual(['c']);
    expect(await t.store.listStateKeys(t.project, 'files', '', now(), 10, 'c')).toEqual([]);
    expect(await t.store.countStateKeys(t.project, 'files', '', now())).toBe(8);
    expect(await t.store.countStateKeys(t.project, 'files', 'b/', now())).toBe(6);
    expect(await t.store.countStateKeys(t.project, 'files', 'zz', now())).toBe(0);
    expect(await t.store.countStateKeys(t.otherProject, 'files', '', now())).toBe(0);
    t.clock.advance(SECOND);
    // Expired, not swept yet: neither listed nor counted.
    expect(await t.store.countStateKeys(t.project, 'files', 'b/', now())).toBe(5);
    expect((await t.store.listStateKeys(t.project, 'files', 'b/', now(), 10, 'b/3')).map((e) => e.key)).toEqual(['b/Z', 'b/é']);
  });

  it('lists scopes with their live key counts', async (t) => {
    await put(t, 'b', 'k1', 1);
    await put(t, 'a', 'k1', 1);
    await put(t, 'a', 'k2', 1);
    await put(t, 'a', 'k3', 1, { ttlMs: SECOND });
    expect(await t.store.listScopes(t.project, t.clock.now())).toEqual([{ scope: 'a', keys: 3 }, { scope: 'b', keys: 1 }]);
    t.clock.advance(SECOND);
    expect(await t.store.listScopes(t.project, t.clock.now())).toEqual([{ scope: 'a', keys: 2 }, { scope: 'b', keys: 1 }]);
    expect(await t.store.listScopes(t.otherProject, t.clock.now())).toEqual([]);
  });

  it('deletes a key (true once, with an event) and a whole scope (with its count)', async (t) => {
    await put(t, 's', 'k1', 1);
    await put(t, 's', 'k2', 2);
    await put(t, 'keep', 'k', 3);
    const deleted = await t.store.deleteState(t.ctx(), 's', 'k1', 'bob');
    expect(deleted.result).toBe(true);
    expect(ofType(deleted.events, 'state.deleted')).toMatchObject([{ actor: 'bob', data: { scope: 's', key: 'k1' } }]);
    const again = await t.store.deleteState(t.ctx(), 's', 'k1', 'bob');
    expect(again.result).toBe(false);
    expect(again.events).toEqual([]);
    expect(await t.store.getState(t.project, 's', 'k1', t.clock.now())).toBeNull();

    await put(t, 's', 'k3', 3);
    const scope = await t.store.deleteScope(t.ctx(), 's', 'bob');
    expect(scope.result).toBe(2);
    expect(typesOf(scope.events)).toEqual(['state.scope_deleted']);
    expect(ofType(scope.events, 'state.scope_deleted')).toMatchObject([{ data: { scope: 's', keys: 2 } }]);
    expect(await t.store.listScopes(t.project, t.clock.now())).toEqual([{ scope: 'keep', keys: 1 }]);
    expect((await t.store.deleteScope(t.ctx(), 's', null)).result).toBe(0);
    // A deleted key starts again at version 1.
    expect((await put(t, 's', 'k1', 'new')).result.version).toBe(1);
  });
}
