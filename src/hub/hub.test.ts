/**
 * @module The hub on in-memory SQLite with a fake clock: validation and identity
 * errors, project checks, access control, the `work` lock, request-id replay,
 * worker slots, and failure wrapping. Blocking waits are in hub-waits.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CoordinationError, type ErrorCode } from '../core/errors.js';
import { createFakeClock, type FakeClock } from '../store/conformance/index.js';
import { createSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import type { Caller } from './context.js';
import { createHub, type Hub } from './hub.js';

let clock: FakeClock;
let store: Store;
let hub: Hub;
let project: string;
let logged: string[];

beforeEach(() => {
  clock = createFakeClock();
  store = createSqliteStore({ path: ':memory:', clock });
  logged = [];
  hub = createHub({ store, log: { error: (message) => logged.push(message), info: () => undefined } });
  project = `hub-${randomUUID().slice(0, 8)}`;
});

afterEach(async () => {
  await hub.close();
  await store.close();
});

const as = (agentId?: string, extra: Caller = {}): Caller => ({ project, agentId, ...extra });
const run = (name: string, input: Record<string, unknown> = {}, caller: Caller = as()) => hub.execute(name, input, caller);
const register = (agentId: string, metadata: Record<string, unknown> = {}) => run('register_agent', { metadata }, as(agentId));

async function failure(call: Promise<unknown>, code: ErrorCode): Promise<CoordinationError> {
  try {
    await call;
  } catch (error) {
    expect(error).toBeInstanceOf(CoordinationError);
    expect((error as CoordinationError).code).toBe(code);
    return error as CoordinationError;
  }
  throw new Error(`Expected ${code}, but the call succeeded.`);
}

describe('input validation', () => {
  it('answers INVALID_INPUT naming the field for schema violations', async () => {
    await register('alice');
    expect((await failure(run('acquire_lock', { name: 42 }, as('alice')), 'INVALID_INPUT')).details).toMatchObject({ field: 'name' });
    expect((await failure(run('store_data', { scope: 's', value: 1 }, as('alice')), 'INVALID_INPUT')).details).toMatchObject({ field: 'key' });
    expect((await failure(run('add_task', { tasks: [{ title: 'ok' }, { description: 'no title' }] }, as('alice')), 'INVALID_INPUT')).details).toMatchObject({ field: 'tasks.1.title' });
    expect((await failure(run('acquire_lock', { name: 'x', ttl_seconds: 0 }, as('alice')), 'INVALID_INPUT')).details).toMatchObject({ field: 'ttl_seconds' });
  });

  it('answers INVALID_INPUT naming the field for rule violations the schema cannot express', async () => {
    await register('alice');
    expect((await failure(run('acquire_lock', { name: 'two words' }, as('alice')), 'INVALID_INPUT')).details).toMatchObject({ field: 'name' });
    expect((await failure(run('reserve_files', { paths: ['../outside'] }, as('alice')), 'INVALID_INPUT')).details).toMatchObject({ field: 'paths' });
    expect((await failure(run('store_data', { scope: 'bad scope', key: 'k', value: 1 }, as('alice')), 'INVALID_INPUT')).details).toMatchObject({ field: 'scope' });
    expect((await failure(run('add_task', {}, as('alice')), 'INVALID_INPUT')).details).toMatchObject({ field: 'title' });
    expect((await failure(run('update_task', { task_id: 't' }, as('alice')), 'INVALID_INPUT')).details).toMatchObject({ field: 'token' });
    expect((await failure(run('list_locks', {}, { project: 'no spaces allowed' }), 'INVALID_INPUT')).details).toMatchObject({ field: 'project' });
    expect((await failure(run('list_locks', { agent_id: 'no spaces' }), 'INVALID_INPUT')).details).toMatchObject({ field: 'agent_id' });
  });

  it('refuses an oversized value with LIMIT_EXCEEDED naming the limit', async () => {
    hub = createHub({ store, config: { maxValueBytes: 100 } });
    const error = await failure(run('store_data', { scope: 's', key: 'k', value: 'x'.repeat(200) }), 'LIMIT_EXCEEDED');
    expect(error.details).toMatchObject({ field: 'value', limit: 100 });
  });

  it('answers NOT_FOUND for an unknown command', async () => {
    expect((await failure(run('drop_database'), 'NOT_FOUND')).details).toMatchObject({ command: 'drop_database' });
  });
});

describe('agent identity', () => {
  it('answers AGENT_REQUIRED when no agent is given', async () => {
    await failure(run('acquire_lock', { name: 'x' }), 'AGENT_REQUIRED');
    await failure(run('claim_task', {}), 'AGENT_REQUIRED');
  });

  it('answers AGENT_REQUIRED for an agent never registered in the project', async () => {
    await register('alice');
    expect((await failure(run('acquire_lock', { name: 'x' }, as('ghost')), 'AGENT_REQUIRED')).details).toMatchObject({ agent_id: 'ghost' });
    await failure(run('acquire_lock', { name: 'x' }, { project: `${project}-other`, agentId: 'alice' }), 'AGENT_REQUIRED');
  });

  it('answers AGENT_REQUIRED after sign-off, and accepts the agent again once it rejoins', async () => {
    await register('alice');
    await run('acquire_lock', { name: 'x' }, as('alice'));
    expect(await run('sign_off', {}, as('alice'))).toMatchObject({ signed_off: true, released: { locks: ['x'] } });
    await failure(run('heartbeat', {}, as('alice')), 'AGENT_REQUIRED');
    await failure(run('acquire_lock', { name: 'x' }, as('alice')), 'AGENT_REQUIRED');
    await register('alice');
    expect(await run('acquire_lock', { name: 'x' }, as('alice'))).toMatchObject({ acquired: true });
  });

  it('takes agent_id from the input over the connection identity', async () => {
    await register('alice');
    await register('bob');
    expect(await run('acquire_lock', { name: 'x', agent_id: 'bob' }, as('alice'))).toMatchObject({ acquired: true });
    expect(await run('list_locks', { name: 'x' })).toMatchObject({ locks: [{ holder: 'bob' }] });
  });
});

describe('projects', () => {
  it('answers NOT_FOUND for reads naming a project nothing was written to, and empty reads of the connection’s own', async () => {
    for (const name of ['list_locks', 'list_agents', 'get_all_tasks', 'get_events', 'coordinator_status', 'list_keys']) {
      // A project named in the call is checked (a typo); the connection's (derived from the repository) reads as empty.
      expect((await failure(run(name, { project }), 'NOT_FOUND')).details).toMatchObject({ project });
      await run(name);
    }
    expect(await run('list_agents')).toMatchObject({ agents: [], total: 0 });
    expect(await hub.context.store.projectExists(project)).toBe(false);
  });

  it('serves reads of the default project and of any project once written', async () => {
    expect(await run('list_locks', {}, {})).toMatchObject({ locks: [], waiters: [], total: 0, truncated: false });
    await register('alice');
    expect(await run('list_agents')).toMatchObject({ agents: [{ id: 'alice', status: 'active' }] });
    expect(await run('coordinator_status')).toMatchObject({ project, agents: { active: 1 } });
  });

  it('takes the project from the input over the connection', async () => {
    const other = `${project}-in`;
    await run('register_agent', { project: other }, as('alice'));
    expect(await run('list_agents', { project: other })).toMatchObject({ agents: [{ id: 'alice' }] });
    expect(await run('list_agents')).toMatchObject({ agents: [] });
  });
});

describe('access', () => {
  it('lets an observer read but not mutate', async () => {
    await register('alice');
    const observer = as('alice', { access: { role: 'observer', projects: ['*'] } });
    expect(await run('list_agents', {}, observer)).toMatchObject({ agents: [{ id: 'alice' }] });
    for (const [name, input] of [['add_task', { title: 't' }], ['acquire_lock', { name: 'x' }], ['store_data', { scope: 's', key: 'k', value: 1 }], ['register_agent', {}]] as const) {
      expect((await failure(run(name, input, observer), 'FORBIDDEN')).details).toMatchObject({ command: name });
    }
    expect(await store.listTasks(project, { limit: 10 })).toEqual([]);
  });

  it('confines a project-scoped token to its projects', async () => {
    const scoped = (p?: string): Caller => ({ project: p, agentId: 'alice', access: { role: 'agent', projects: [project] } });
    expect(await run('register_agent', {}, scoped(project))).toMatchObject({ agent_id: 'alice' });
    expect((await failure(run('register_agent', {}, scoped(`${project}-x`)), 'FORBIDDEN')).details).toMatchObject({ project: `${project}-x` });
    await failure(run('list_agents', { project: `${project}-x` }, scoped(project)), 'FORBIDDEN');
    await failure(run('list_locks', {}, scoped(undefined)), 'FORBIDDEN');
    expect(await run('list_agents', {}, { project, access: { role: 'admin', projects: ['*'] } })).toMatchObject({ agents: [{ id: 'alice' }] });
  });
});

describe('the work lock', () => {
  it('resolves from the branch registered in metadata', async () => {
    await register('alice', { branch: 'issue-42-auth' });
    expect(await run('acquire_lock', { name: 'work' }, as('alice'))).toMatchObject({ acquired: true, name: 'issue:42' });
    expect(await run('list_locks', { name: 'issue:42' })).toMatchObject({ held: true, locks: [{ holder: 'alice' }] });
    await register('bob', { branch: 'feature/issue-42-other' });
    expect(await run('acquire_lock', { name: 'work' }, as('bob'))).toMatchObject({ acquired: false, name: 'issue:42', holder: 'alice' });
    expect(await run('release_lock', { name: 'work' }, as('alice'))).toMatchObject({ released: true, name: 'issue:42' });
  });

  it('resolves from an explicit branch, and refuses a branch that names no work', async () => {
    await register('alice', { branch: 'main' });
    expect(await run('acquire_lock', { name: 'work', branch: 'wave-5c.1-feat' }, as('alice'))).toMatchObject({ name: 'wave:5c.1' });
    expect((await failure(run('acquire_lock', { name: 'work' }, as('alice')), 'INVALID_INPUT')).details).toMatchObject({ field: 'branch' });
    await register('bob');
    await failure(run('acquire_lock', { name: 'work' }, as('bob')), 'INVALID_INPUT');
  });
});

describe('request ids', () => {
  it('replays a mutating command with the same request_id instead of applying it twice', async () => {
    await register('alice');
    const added = await run('add_task', { title: 'once', request_id: 'req-add' }, as('alice'));
    expect(await run('add_task', { title: 'once', request_id: 'req-add' }, as('alice'))).toEqual(added);
    expect((await run('get_all_tasks'))['tasks']).toHaveLength(1);

    const first = await run('acquire_lock', { name: 'deploy', request_id: 'req-lock' }, as('alice'));
    await run('release_lock', { name: 'deploy' }, as('alice'));
    expect(await run('acquire_lock', { name: 'deploy', request_id: 'req-lock' }, as('alice'))).toEqual(first);
    expect(await run('list_locks')).toMatchObject({ locks: [] });
  });
});

describe('worker slots', () => {
  it('offers 5 slots by default and makes the sixth agent wait', async () => {
    const agents = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6'];
    for (const agent of agents) await register(agent);
    for (const agent of agents.slice(0, 5)) expect(await run('claim_worker_slot', {}, as(agent))).toMatchObject({ claimed: true });
    expect(await run('get_workers')).toMatchObject({ slots: 5, used: 5 });
    expect(await run('claim_worker_slot', {}, as('a6'))).toMatchObject({ claimed: false, slots: 5 });
    const queued = new Promise<void>((resolve) => {
      const stop = hub.context.bus.subscribe(project, (e) => {
        if (e.type === 'lease.queued') { stop(); resolve(); }
      });
    });
    const sixth = run('claim_worker_slot', { wait_seconds: 10 }, as('a6'));
    await queued;
    expect(await run('get_workers')).toMatchObject({ used: 5, waiters: [{ holder: 'a6' }] });
    await run('release_worker_slot', {}, as('a3'));
    expect(await sixth).toMatchObject({ claimed: true });
    expect(await run('get_workers')).toMatchObject({ used: 5, waiters: [] });
  });
});

describe('failures', () => {
  it('turns an unexpected failure into INTERNAL and logs it', async () => {
    const broken: Store = { ...store, listLeases: () => Promise.reject(new TypeError('boom')) };
    hub = createHub({ store: broken, log: { error: (message) => logged.push(message), info: () => undefined } });
    const error = await failure(run('list_locks', {}, {}), 'INTERNAL');
    expect(error.cause).toBeInstanceOf(TypeError);
    expect(logged).toEqual(['command list_locks failed']);
  });

  it('passes a CoordinationError from the store through unchanged', async () => {
    await register('alice');
    await run('acquire_lock', { name: 'x' }, as('alice'));
    clock.advance(15 * 60_000);
    expect((await failure(run('release_lock', { name: 'x' }, as('alice')), 'LEASE_LOST')).details).toMatchObject({ resource: 'x' });
    expect(logged).toEqual([]);
  });
});

describe('reserve_files renew', () => {
  it('extends your reservation with the same token; a lapsed one is LEASE_LOST or gone, another holder NOT_HOLDER', async () => {
    await register('alice');
    await register('bob');
    const first = (await run('reserve_files', { paths: ['src/a/**'], ttl_seconds: 60 }, as('alice'))) as { reservation_id: string; token: number };
    clock.advance(50_000);
    const renewed = await run('reserve_files', { paths: ['src/a/**'], renew: first.reservation_id, ttl_seconds: 60 }, as('alice'));
    expect(renewed).toMatchObject({ reserved: true, renewed: true, reservation_id: first.reservation_id, token: first.token, paths: ['src/a/**'], expires_in_s: 60 });
    clock.advance(50_000);
    // Still held past its first expiry: bob is refused.
    expect(await run('reserve_files', { paths: ['src/a/x.ts'] }, as('bob'))).toMatchObject({ reserved: false });
    await failure(run('reserve_files', { paths: ['src/a/**'], renew: first.reservation_id }, as('bob')), 'NOT_HOLDER');
    clock.advance(61_000);
    await expect(run('reserve_files', { paths: ['src/a/**'], renew: first.reservation_id }, as('alice'))).rejects.toMatchObject({ code: expect.stringMatching(/^(LEASE_LOST|NOT_FOUND)$/) });
  });
});
