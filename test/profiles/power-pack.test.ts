/**
 * @module Profile power-pack (seed 000) through the real MCP SDK clients: the
 * seed's tool names, its README's usage examples step by step (pytest with a
 * 600 s timeout, pr-create with the default, session_status), two sessions
 * contending, the status tiers with their blocking behaviour (active blocks,
 * idle blocks with a warning, stale is overridden), `work` from the branch,
 * hostile arguments, and 16 sessions at once never holding one lock together.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/main.js';
import { call, callError, httpClient, modernHttpClient, startInProcess } from '../support/mcp.js';
import { racePytest } from '../support/lock-race.js';
import { randomId } from '../support/server.js';

const PROFILE = { profile: 'power-pack' };
const SEED_TOOLS = ['acquire_lock', 'release_lock', 'check_lock', 'list_locks', 'register_session', 'heartbeat', 'session_status', 'health_check'];

let server: RunningServer;

beforeAll(async () => {
  server = await startInProcess();
});
afterAll(async () => {
  await server.close();
});

const session = (project: string, agent?: string) => httpClient(server.url, { query: { ...PROFILE, project }, headers: agent ? { 'x-baton-agent': agent } : {} });

describe('profile power-pack', () => {
  it("lists exactly the seed's tools with its argument names", async () => {
    const client = await session(randomId('pp'));
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([...SEED_TOOLS].sort());
    const acquire = tools.find((t) => t.name === 'acquire_lock');
    expect(Object.keys(acquire?.inputSchema.properties ?? {})).toEqual(['lock_name', 'timeout']);
    expect(acquire?.inputSchema.required).toEqual(['lock_name']);
    expect(client.getServerVersion()?.name).toBe('coordination');
    await client.close();
  });

  it("runs the README's usage examples with two sessions", async () => {
    const project = randomId('pp');
    const one = await session(project);
    const two = await session(project, 'second-session');
    // Before running pytest
    const got = await call(one, 'acquire_lock', { lock_name: 'pytest', timeout: 600 });
    expect(got).toMatchObject({ success: true, lock_name: 'pytest' });
    expect(got['expires_in_s']).toBeGreaterThan(590);
    const refused = await call(two, 'acquire_lock', { lock_name: 'pytest' });
    expect(refused).toMatchObject({ success: false, lock_name: 'pytest', holder_tier: 'active' });
    expect(await call(two, 'check_lock', { lock_name: 'pytest' })).toMatchObject({ available: false, holder: got['token'] === undefined ? expect.any(String) : expect.any(String) });
    expect(await call(one, 'release_lock', { lock_name: 'pytest' })).toMatchObject({ success: true });
    expect(await call(two, 'check_lock', { lock_name: 'pytest' })).toMatchObject({ available: true });
    // Before creating PR: the default timeout is the seed's 300 s.
    const pr = await call(two, 'acquire_lock', { lock_name: 'pr-create' });
    expect(pr).toMatchObject({ success: true });
    expect(pr['expires_in_s']).toBeGreaterThan(290);
    expect(pr['expires_in_s']).toBeLessThanOrEqual(300);
    expect(await call(two, 'list_locks', { pattern: 'pr-*' })).toMatchObject({ count: 1, locks: [{ lock_name: 'pr-create', holder: 'second-session' }] });
    expect(await call(two, 'release_lock', { lock_name: 'pr-create' })).toMatchObject({ success: true });
    // Check who's working
    const status = await call(one, 'session_status');
    const sessions = status['sessions'] as { session_id: string; tier: string; behavior: string; you?: boolean }[];
    expect(sessions).toHaveLength(2);
    expect(sessions.every((s) => s.tier === 'active' && s.behavior === 'fully blocked')).toBe(true);
    expect(sessions.find((s) => s.you)?.session_id).toMatch(/^power-pack-/);
    expect(await call(one, 'health_check')).toMatchObject({ status: 'healthy', connected: true, engine: 'sqlite' });
    await Promise.all([one.close(), two.close()]);
  });

  it('hands out the hierarchy and resolves work from the registered branch', async () => {
    const project = randomId('pp');
    const one = await session(project);
    const two = await session(project);
    expect(await call(one, 'register_session', { metadata: { branch: 'wave-5c.1-feat' } })).toMatchObject({ success: true, status: 'active' });
    expect(await call(one, 'acquire_lock', { lock_name: 'work' })).toMatchObject({ success: true, lock_name: 'wave:5c.1' });
    // The wave above and the issue lock are related: neither may be taken while wave:5c.1 is held.
    expect(await call(two, 'acquire_lock', { lock_name: 'wave:5c' })).toMatchObject({ success: false });
    expect(await call(two, 'check_lock', { lock_name: 'wave:5c' })).toMatchObject({ available: false, related: [{ lock_name: 'wave:5c.1' }] });
    expect(await call(two, 'acquire_lock', { lock_name: 'issue:42' })).toMatchObject({ success: true });
    expect(await call(two, 'list_locks', {})).toMatchObject({ count: 2 });
    expect(await call(two, 'list_locks', { pattern: 'wave:*' })).toMatchObject({ count: 1 });
    await Promise.all([one.close(), two.close()]);
  });

  it('refuses hostile arguments as tool errors that say what to fix', async () => {
    const client = await session(randomId('pp'));
    expect(await callError(client, 'acquire_lock', { lock_nme: 'pytest' })).toMatchObject({ code: 'INVALID_INPUT', details: { did_you_mean: 'lock_name' } });
    expect(await callError(client, 'acquire_lock', { lock_name: 'bad name!' })).toMatchObject({ code: 'INVALID_INPUT' });
    expect(await callError(client, 'acquire_lock', { lock_name: 'x', timeout: -5 })).toMatchObject({ code: 'INVALID_INPUT' });
    expect(await callError(client, 'release_lock', { lock_name: 'never-held' })).toMatchObject({ code: expect.stringMatching(/NOT_HOLDER|NOT_FOUND/) });
    expect(await callError(client, 'list_locks', { pattern: 'x'.repeat(500) })).toMatchObject({ code: 'INVALID_INPUT' });
    await expect(client.callTool({ name: 'claim_task', arguments: {} })).rejects.toThrow(/Unknown tool 'claim_task'.*power-pack/);
    await client.close();
  });

  it('refuses an unknown profile, naming those that exist', async () => {
    await expect(httpClient(server.url, { query: { profile: 'nope' } })).rejects.toThrow(/power-pack/);
  });

  it('serves 2026-07-28 clients, whose agent comes from the header', async () => {
    const project = randomId('pp');
    const modern = await modernHttpClient(server.url, { query: PROFILE, headers: { 'x-baton-agent': 'modern-1', 'x-baton-project': project } });
    expect((await modern.listTools()).tools.map((t) => t.name).sort()).toEqual([...SEED_TOOLS].sort());
    expect(await call(modern, 'acquire_lock', { lock_name: 'pytest' })).toMatchObject({ success: true });
    expect(await call(modern, 'check_lock', { lock_name: 'pytest' })).toMatchObject({ available: false, holder: 'modern-1' });
    expect(await call(modern, 'release_lock', { lock_name: 'pytest' })).toMatchObject({ success: true });
    await modern.close();
  });

  it('16 sessions racing for pytest: never two holders, no server error', async () => {
    const project = randomId('pp');
    const clients = await Promise.all(Array.from({ length: 16 }, (_, i) => session(project, `racer-${i}`)));
    const { maxHolding, acquisitions } = await racePytest(clients, 6);
    expect(maxHolding).toBe(1);
    expect(acquisitions).toBeGreaterThan(0);
    await Promise.all(clients.map((c) => c.close()));
  });
});

describe('profile power-pack: status tiers', () => {
  let tiered: RunningServer;
  beforeAll(async () => {
    // Tiers in fractions of a second: active < 300 ms, idle < 900 ms, stale after.
    tiered = await startInProcess({ thresholds: { activeMs: 300, idleMs: 900, staleMs: 60_000, unresponsiveMs: 120_000 } });
  });
  afterAll(async () => {
    await tiered.close();
  });

  it('blocks while active, warns while idle, lets a stale holder be overridden', async () => {
    const project = randomId('pp');
    const holder = await httpClient(tiered.url, { query: { ...PROFILE, project }, headers: { 'x-baton-agent': 'holder' } });
    const other = await httpClient(tiered.url, { query: { ...PROFILE, project }, headers: { 'x-baton-agent': 'other' } });
    expect(await call(holder, 'acquire_lock', { lock_name: 'pytest', timeout: 600 })).toMatchObject({ success: true });
    expect(await call(other, 'acquire_lock', { lock_name: 'pytest' })).toMatchObject({ success: false, holder: 'holder', holder_tier: 'active' });
    await new Promise((resolve) => setTimeout(resolve, 450));
    const idle = await call(other, 'acquire_lock', { lock_name: 'pytest' });
    expect(idle).toMatchObject({ success: false, holder_tier: 'idle' });
    expect(idle['warning']).toMatch(/idle session/);
    const tiers = await call(other, 'session_status');
    expect(tiers['sessions']).toContainEqual(expect.objectContaining({ session_id: 'holder', tier: 'idle', behavior: 'blocked with warning', locks: ['pytest'] }));
    await new Promise((resolve) => setTimeout(resolve, 600));
    const overridden = await call(other, 'acquire_lock', { lock_name: 'pytest' });
    expect(overridden).toMatchObject({ success: true, overrode: ['holder'] });
    // The holder's heartbeat brings it back to active; its lock is gone.
    expect(await call(holder, 'heartbeat')).toMatchObject({ success: true, status: 'active' });
    expect(await call(holder, 'check_lock', { lock_name: 'pytest' })).toMatchObject({ holder: 'other' });
    await Promise.all([holder.close(), other.close()]);
  });
});
