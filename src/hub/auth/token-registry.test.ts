import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryEventBus } from '../../bus/event-bus.js';
import { createSqliteStore } from '../../store/sqlite/sqlite-store.js';
import type { Store } from '../../store/store.js';
import { createTokenRegistry, type TokenRegistry } from './token-registry.js';

let time = Date.parse('2026-12-01T12:00:00Z');
const clock = { now: () => time };
const opened: TokenRegistry[] = [];
const stores: Store[] = [];

afterEach(async () => {
  for (const r of opened.splice(0)) r.close();
  for (const s of stores.splice(0)) await s.close();
});

/** Two registries over one store and bus: two coordinator processes, as far as tokens go. */
async function pair(staticTokens: { token: string; role: 'admin' | 'agent' | 'observer'; projects: string[] }[] = []) {
  const store = createSqliteStore({ path: ':memory:', clock });
  stores.push(store);
  const bus = createMemoryEventBus();
  const a = await createTokenRegistry({ store, bus, staticTokens });
  const b = await createTokenRegistry({ store, bus, staticTokens });
  opened.push(a, b);
  return { a, b };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('token registry', () => {
  it('asks for no token until the first one exists, then for one on every process', async () => {
    const { a, b } = await pair();
    expect(a.required()).toBe(false);
    await a.create({ name: 'first admin', role: 'admin', projects: ['*'] }, 'local');
    await settle();
    expect(a.required()).toBe(true);
    expect(b.required()).toBe(true);
  });

  it('grants what the token was created with, on the other process too, and keeps only a digest', async () => {
    const { a, b } = await pair();
    const { token, view } = await a.create({ name: 'alice laptop', role: 'agent', projects: ['web', 'api'], agent: 'alice' }, 'admin');
    await settle();
    expect(token).toMatch(/^baton_[A-Za-z0-9]{10}_[A-Za-z0-9_-]{43}$/);
    expect(b.verify(token)).toMatchObject({ role: 'agent', projects: ['web', 'api'], agent: 'alice', tokenId: view.id, tokenName: 'alice laptop' });
    expect(JSON.stringify(b.list())).not.toContain(token.split('_')[2]);
    expect(JSON.stringify(b.list())).not.toContain('digest');
  });

  it('refuses a token whose secret differs in one character, and strings that are not tokens', async () => {
    const { a } = await pair();
    const { token } = await a.create({ name: 'ci', role: 'agent', projects: ['*'] }, null);
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    expect(a.verify(`${token.slice(0, -1)}${last}`)).toBeUndefined();
    for (const junk of ['', 'baton_', 'x'.repeat(5000), `${token}x`, token.toUpperCase()]) expect(a.verify(junk)).toBeUndefined();
  });

  it('revokes on one process: the other refuses it, and streams opened with it learn at once', async () => {
    const { a, b } = await pair();
    const { token, view } = await a.create({ name: 'bob', role: 'agent', projects: ['*'] }, null);
    await settle();
    const access = b.verify(token);
    const aborted = new Promise((resolve) => access?.revoked?.addEventListener('abort', resolve));
    await a.revoke(view.id, 'admin');
    await settle();
    expect(b.verify(token)).toBeUndefined();
    await expect(aborted).resolves.toBeDefined();
    expect(b.list().find((t) => t.id === view.id)?.revokedAt).toBe(time);
  });

  it('rotates: the old secret is refused, the new one grants the same', async () => {
    const { a, b } = await pair();
    const created = await a.create({ name: 'observer', role: 'observer', projects: ['web'] }, null);
    const rotated = await a.rotate(created.view.id, null);
    await settle();
    expect(b.verify(created.token)).toBeUndefined();
    expect(b.verify(rotated.token)).toMatchObject({ role: 'observer', projects: ['web'], tokenId: created.view.id });
  });

  it('expires by the store clock', async () => {
    const { a } = await pair();
    const { token } = await a.create({ name: 'short', role: 'agent', projects: ['*'], expiresInMs: 60_000 }, null);
    expect(a.verify(token)).toBeDefined();
    time += 60_001;
    expect(a.verify(token)).toBeUndefined();
    // The last token expiring does not open the server again.
    expect(a.required()).toBe(true);
  });

  it('checks configured tokens too, and lists them without their secret', async () => {
    const { a } = await pair([{ token: 'configured-admin-token-1234', role: 'admin', projects: ['*'] }]);
    expect(a.required()).toBe(true);
    expect(a.verify('configured-admin-token-1234')).toMatchObject({ role: 'admin', tokenId: 'config-1' });
    expect(a.verify('configured-admin-token-1235')).toBeUndefined();
    expect(JSON.stringify(a.list())).not.toContain('configured-admin-token');
  });

  it('refuses bad input with typed errors', async () => {
    const { a } = await pair();
    await expect(a.create({ name: '', role: 'agent', projects: ['*'] }, null)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(a.create({ name: 'x', role: 'root' as 'admin', projects: ['*'] }, null)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(a.create({ name: 'x', role: 'agent', projects: [] }, null)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(a.create({ name: 'x', role: 'agent', projects: ['*'], expiresInMs: -1 }, null)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await a.create({ name: 'dup', role: 'agent', projects: ['*'] }, null);
    await expect(a.create({ name: 'dup', role: 'agent', projects: ['*'] }, null)).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    await expect(a.revoke('nope', null)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(a.rotate('nope', null)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('names every token created concurrently once, with distinct ids', async () => {
    const { a, b } = await pair();
    const made = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).create({ name: `agent ${i}`, role: 'agent', projects: ['*'] }, null)));
    await settle();
    expect(new Set(made.map((m) => m.view.id)).size).toBe(40);
    for (const m of made) expect(a.verify(m.token)?.tokenId).toBe(m.view.id);
  });
});

describe('token names across coordinators', () => {
  it('gives a name to one live token only when two coordinators that have not heard of each other create it at once', async () => {
    const store = createSqliteStore({ path: ':memory:', clock });
    stores.push(store);
    // Separate buses: neither hears of the other's write before it decides.
    const a = await createTokenRegistry({ store, bus: createMemoryEventBus() });
    const b = await createTokenRegistry({ store, bus: createMemoryEventBus() });
    opened.push(a, b);
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? a : b).create({ name: 'ci bot', role: 'agent', projects: ['*'] }, 'admin')));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toMatchObject({ code: 'ALREADY_EXISTS' });
    // Revoked, the name is free again (on the other coordinator too, once it has reloaded).
    const winner = outcomes.find((o) => o.status === 'fulfilled');
    const id = winner?.status === 'fulfilled' ? winner.value.view.id : '';
    await a.reload();
    await a.revoke(id, 'admin');
    await b.reload();
    await b.create({ name: 'ci bot', role: 'agent', projects: ['*'] }, 'admin');
  });

  it('frees a name claimed by a coordinator that died before writing its token, after a minute', async () => {
    const store = createSqliteStore({ path: ':memory:', clock });
    stores.push(store);
    const registry = await createTokenRegistry({ store, bus: createMemoryEventBus() });
    opened.push(registry);
    await store.putState({ project: '_baton', now: time, requestId: undefined, caller: '', digest: undefined }, { scope: 'token-names', key: 'orphan', value: 'tok-never-written', actor: null });
    await expect(registry.create({ name: 'orphan', role: 'agent', projects: ['*'] }, 'admin')).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    time += 61_000;
    await registry.create({ name: 'orphan', role: 'agent', projects: ['*'] }, 'admin');
  });
});
