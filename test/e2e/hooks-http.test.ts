/**
 * @module Issue 10, "hooks that enforce": each client's real hook JSON posted to the
 * /hooks routes of a running app (in process, SQLite), two sessions in one repository.
 * Deny names the holder; allow auto-reserves; post-tool records the edit and tells
 * only what is new, once; Stop releases the auto-reservations; SessionEnd signs off.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTO_REASON_PREFIX, AUTO_TTL_S, agentIdOf } from '../../src/hooks/decisions.js';
import { HOOK_CLIENTS, type HookClient, type HookEvent } from '../../src/hooks/hook-entries.js';
import { resolveProject } from '../../src/project/identity.js';
import { startApp, type TestApp } from '../regression/support/app.js';
import { gitRepository } from '../support/git.js';
import { hookPayload } from '../support/hook-payloads.js';
import { cleanupAll, randomId, tempDir } from '../support/server.js';

let app: TestApp;
let secured: TestApp;
let repo: string;
let project: string;

beforeAll(async () => {
  [app, secured] = await Promise.all([startApp(), startApp({ tokens: [{ token: 'tok-hooks-0123456789abcdef', role: 'agent', projects: ['*'] }] })]);
  repo = gitRepository(tempDir('baton-hooks-'), 'web', `https://github.com/acme/${randomId('web')}.git`);
  mkdirSync(join(repo, 'src'), { recursive: true });
  writeFileSync(join(repo, 'src', 'a.ts'), 'export const a = 1;\n');
  project = resolveProject({ cwd: repo, env: {} }).id;
});
afterAll(async () => {
  await Promise.all([app.close(), secured.close()]);
  await cleanupAll();
});

async function hook(client: HookClient, event: HookEvent, session: string, file = 'src/a.ts', shim = false, target = app): Promise<{ status: number; body: Record<string, unknown> }> {
  const payload = hookPayload(client, event, { session, cwd: repo, file: join(repo, file), relative: file });
  const res = await fetch(`${target.url}/hooks/${client}/${event}${shim ? '?shim=1' : ''}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const reservationsOf = async (holder: string) =>
  ((await app.hub.execute('list_reservations', { holder, detail: true }, { project })) as { reservations: { paths: string[]; reason?: string; ttl_seconds?: number }[] }).reservations;

const denyReason = (client: HookClient, body: Record<string, unknown>): string | undefined => {
  const shaped = (body['body'] ?? body) as Record<string, unknown>;
  if (client === 'claude-code' || client === 'codex') return (shaped['hookSpecificOutput'] as { permissionDecisionReason?: string } | undefined)?.permissionDecisionReason;
  if (client === 'cursor') return shaped['permission'] === 'deny' ? (shaped['agent_message'] as string) : undefined;
  return shaped['decision'] === 'deny' ? (shaped['reason'] as string) : undefined;
};

const contextOf = (body: Record<string, unknown>): string | undefined => {
  const shaped = (body['body'] ?? body) as Record<string, unknown>;
  return (shaped['hookSpecificOutput'] as { additionalContext?: string } | undefined)?.additionalContext ?? (shaped['additional_context'] as string | undefined);
};

describe.each(HOOK_CLIENTS)('%s hooks', (client) => {
  const shim = client !== 'claude-code';
  const alice = randomId(`${client}-alice`);
  const bob = randomId(`${client}-bob`);
  const file = `src/${client}.ts`;

  it('SessionStart registers the session (cwd, branch, worktree, client) and answers a digest', async () => {
    const res = await hook(client, 'session-start', alice, file, shim);
    expect(res.status).toBe(200);
    expect(contextOf(res.body)).toMatch(new RegExp(`you are agent ${alice} in project ${project}`));
    const { agents } = (await app.hub.execute('list_agents', { detail: true }, { project })) as { agents: { id: string; metadata?: Record<string, unknown> }[] };
    expect(agents.find((a) => a.id === alice)?.metadata).toMatchObject({ client, cwd: repo, worktree: repo, branch: 'main' });
    await hook(client, 'session-start', bob, file, shim);
  });

  it('allows the first edit and reserves the file for its session (short TTL, auto reason)', async () => {
    const res = await hook(client, 'pre-tool', alice, file, shim);
    expect(res.status).toBe(200);
    expect(denyReason(client, res.body)).toBeUndefined();
    expect(await reservationsOf(alice)).toEqual([expect.objectContaining({ paths: [file], reason: `${AUTO_REASON_PREFIX} ${client}`, ttl_seconds: AUTO_TTL_S })]);
    // A second edit within the TTL writes nothing new.
    await hook(client, 'pre-tool', alice, file, shim);
    expect(await reservationsOf(alice)).toHaveLength(1);
  });

  it('denies another session’s edit of that file, naming the holder and what to do', async () => {
    const res = await hook(client, 'pre-tool', bob, file, shim);
    expect(res.status).toBe(200);
    const reason = denyReason(client, res.body);
    expect(reason).toContain(file);
    expect(reason).toContain(`agent '${alice}' (active, working on ${file}, branch main)`);
    expect(reason).toMatch(/since \d\d:\d\d:\d\d UTC, for \d+ min more/);
    expect(reason).toMatch(/work on other files/);
    if (shim) expect(res.body['exit_code']).toBe(2);
    expect(await reservationsOf(bob)).toEqual([]);
  });

  it('records the edit after the tool and tells only what is new, once', async () => {
    const before = (await app.hub.execute('get_events', { types: ['custom'], limit: 1000 }, { project })) as { events: { data: { topic: string; payload: { paths: string[]; client: string } } }[] };
    const quiet = await hook(client, 'post-tool', alice, file, shim);
    expect(contextOf(quiet.body)).toBeUndefined();
    const after = (await app.hub.execute('get_events', { types: ['custom'], limit: 1000 }, { project })) as typeof before;
    const edited = after.events.slice(before.events.length).filter((e) => e.data.topic === 'file.edited');
    expect(edited.map((e) => e.data.payload)).toEqual([expect.objectContaining({ paths: [file], client })]);

    // bob waits for a lock alice holds; when alice releases it, bob's next hook says so, once.
    const lock = randomId('pytest');
    await app.hub.execute('acquire_lock', { name: lock }, { project, agentId: agentIdOf(alice) });
    const waiting = app.hub.execute('acquire_lock', { name: lock, wait_seconds: 5 }, { project, agentId: agentIdOf(bob) });
    await new Promise((r) => setTimeout(r, 100));
    await app.hub.execute('release_lock', { name: lock }, { project, agentId: agentIdOf(alice) });
    await waiting;
    await app.hub.execute('publish_event', { topic: 'message', payload: { to: agentIdOf(bob), text: 'ping from alice' } }, { project, agentId: agentIdOf(alice) });
    const news = contextOf((await hook(client, 'post-tool', bob, 'src/other.ts', shim)).body);
    expect(news).toContain(`The lock ${lock} you waited for is yours now`);
    expect(news).toContain(`Message from ${agentIdOf(alice)} on message: ping from alice`);
    expect(contextOf((await hook(client, 'post-tool', bob, 'src/other.ts', shim)).body)).toBeUndefined();
    await app.hub.execute('release_lock', { name: lock }, { project, agentId: agentIdOf(bob) });
  });

  it('Stop releases the session’s auto-reservations (the other session may edit then); SessionEnd signs off', async () => {
    await app.hub.execute('reserve_files', { paths: [`docs/${client}/**`] }, { project, agentId: agentIdOf(alice) });
    const stop = await hook(client, 'stop', alice, file, shim);
    expect(stop.status).toBe(200);
    expect((await reservationsOf(alice)).map((r) => r.paths)).toEqual([[`docs/${client}/**`]]);
    expect(denyReason(client, (await hook(client, 'pre-tool', bob, file, shim)).body)).toBeUndefined();
    await hook(client, 'session-end', alice, file, shim);
    expect(await reservationsOf(alice)).toEqual([]);
    const { agents } = (await app.hub.execute('list_agents', { status: ['offline'] }, { project })) as { agents: { id: string }[] };
    expect(agents.map((a) => a.id)).toContain(alice);
    await hook(client, 'session-end', bob, file, shim);
  });
});

describe('the hook routes', () => {
  it('on Claude Code\'s SessionEnd "resume" (switched away with /resume, resumable) release only the auto-reservations; every other reason signs off', async () => {
    const end = (session: string, reason: string) =>
      fetch(`${app.url}/hooks/claude-code/session-end`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(hookPayload('claude-code', 'session-end', { session, cwd: repo, reason })) });
    const offline = async (): Promise<string[]> => ((await app.hub.execute('list_agents', { status: ['offline'] }, { project })) as { agents: { id: string }[] }).agents.map((a) => a.id);
    for (const reason of ['clear', 'logout', 'prompt_input_exit', 'bypass_permissions_disabled', 'other', 'resume']) {
      const session = randomId(`end-${reason}`);
      await hook('claude-code', 'session-start', session);
      await hook('claude-code', 'pre-tool', session, `src/end-${reason}.ts`);
      await app.hub.execute('reserve_files', { paths: [`docs/end-${reason}/**`], ttl_seconds: 600 }, { project, agentId: agentIdOf(session) });
      expect((await end(session, reason)).status).toBe(200);
      if (reason === 'resume') {
        // The explicit reservation waits for the session to come back (or its TTL); the edit's auto-reservation goes, as on Stop.
        expect((await reservationsOf(session)).map((r) => r.paths)).toEqual([[`docs/end-${reason}/**`]]);
        expect(await offline()).not.toContain(session);
      } else {
        expect(await reservationsOf(session), reason).toEqual([]);
        expect(await offline()).toContain(session);
      }
    }
  });

  it('renew an auto-reservation once half of it is used, without a gap', async () => {
    const session = randomId('renew');
    await hook('claude-code', 'pre-tool', session, 'src/renew.ts');
    const [first] = await reservationsOf(session);
    // Age the reservation: its holder renews it on the next edit when under half is left.
    const mine = (await app.hub.execute('list_reservations', { holder: session }, { project })) as { reservations: { reservation_id: string }[] };
    await app.hub.execute('release_files', { reservation_id: mine.reservations[0]!.reservation_id }, { project, agentId: session });
    await app.hub.execute('reserve_files', { paths: ['src/renew.ts', 'src/renew-b.ts'], ttl_seconds: 60, reason: `${AUTO_REASON_PREFIX} claude-code` }, { project, agentId: session });
    await hook('claude-code', 'pre-tool', session, 'src/renew.ts');
    const renewed = await reservationsOf(session);
    expect(first).toBeDefined();
    // One reservation again, with the full TTL, keeping the other file of the one it replaced.
    expect(renewed).toEqual([expect.objectContaining({ paths: ['src/renew.ts', 'src/renew-b.ts'], ttl_seconds: AUTO_TTL_S })]);
  });

  it('keep the notice cursor when a session resumes or is compacted (SessionStart again)', async () => {
    const session = randomId('compact');
    await hook('claude-code', 'session-start', session);
    await app.hub.execute('publish_event', { topic: 'message', payload: { to: session, text: 'before compaction' } }, { project, agentId: 'peer' });
    const again = await fetch(`${app.url}/hooks/claude-code/session-start`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ session_id: session, cwd: repo, source: 'compact' }) });
    expect(again.status).toBe(200);
    expect(contextOf((await hook('claude-code', 'post-tool', session, 'src/c.ts')).body)).toContain('before compaction');
  });

  it('tell a session of a consultation thread opened with it and of messages awaiting it, once each', async () => {
    const [mine, theirs] = [randomId('consulted'), randomId('consulting')];
    await hook('claude-code', 'session-start', mine);
    await hook('claude-code', 'session-start', theirs);
    const run = (session: string, name: string, input: Record<string, unknown>) => app.hub.execute(name, input, { project, agentId: agentIdOf(session) });
    const file = `src/${mine}.ts`;
    await run(mine, 'announce_work', { description: 'mine', target_files: [file] });
    const threadId = (await run(theirs, 'announce_work', { description: 'theirs', target_files: [file] }))['thread_id'] as string;
    const opened = contextOf((await hook('claude-code', 'post-tool', mine, 'src/c.ts')).body);
    expect(opened).toContain(`${agentIdOf(theirs)} opened consultation thread ${threadId} with you over ${file}`);
    expect(opened).not.toContain('new message');
    await run(theirs, 'send_message', { to: [agentIdOf(mine)], text: 'may I go first?', ack_required: true });
    await run(theirs, 'post_to_thread', { thread_id: threadId, text: 'only the header', type: 'question' });
    const messages = contextOf((await hook('claude-code', 'post-tool', mine, 'src/c.ts')).body);
    expect(messages).toMatch(new RegExp(`2 new messages for you from ${agentIdOf(theirs)} in threads .*${threadId}.* \\(1 needs an ack\\): read them with get_inbox`));
    expect(contextOf((await hook('claude-code', 'post-tool', mine, 'src/c.ts')).body)).toBeUndefined();
    // The one who opened it is not told of its own thread.
    expect(contextOf((await hook('claude-code', 'post-tool', theirs, 'src/d.ts')).body)).toBeUndefined();
  });

  it('register a session they have not seen start (hooks installed mid-session)', async () => {
    const session = randomId('late');
    const res = await hook('gemini', 'pre-tool', session, 'src/late.ts', true);
    expect(res.body).toMatchObject({ exit_code: 0 });
    expect(await reservationsOf(session)).toHaveLength(1);
  });

  it('ignore files outside the repository and tool calls that write nothing', async () => {
    const session = randomId('outside');
    const outside = await fetch(`${app.url}/hooks/claude-code/pre-tool`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ session_id: session, cwd: repo, tool_name: 'Write', tool_input: { file_path: '/etc/hosts' } }) });
    expect(await outside.json()).toEqual({});
    const read = await fetch(`${app.url}/hooks/claude-code/pre-tool`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ session_id: session, cwd: repo, tool_name: 'Bash', tool_input: { command: 'cat src/a.ts' } }) });
    expect(await read.json()).toEqual({});
    expect(await reservationsOf(session)).toEqual([]);
  });

  it('answer hostile input with a typed error or an empty decision, never a crash', async () => {
    for (const body of ['[]', '"x"', '42', 'null', '{"session_id": 5}', '{"session_id": "s", "cwd": "relative/dir", "tool_name": "Write", "tool_input": {"file_path": "x"}}', `{"session_id": "${'x'.repeat(5000)}", "cwd": "/"}`]) {
      const res = await fetch(`${app.url}/hooks/claude-code/pre-tool`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(res.status, body.slice(0, 40)).toBe(200);
    }
    const bad = await fetch(`${app.url}/hooks/claude-code/pre-tool`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('INVALID_INPUT');
    const unknown = await fetch(`${app.url}/hooks/vim/pre-tool`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(unknown.status).toBe(404);
    const project = await fetch(`${app.url}/hooks/claude-code/pre-tool`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-baton-project': 'no spaces!' }, body: '{}' });
    expect(project.status).toBe(400);
    // An empty X-Baton-Project (Claude Code sends $BATON_PROJECT unset as '') means: derive it.
    const empty = await fetch(`${app.url}/hooks/claude-code/session-start`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-baton-project': '', authorization: 'Bearer ' }, body: JSON.stringify({ session_id: randomId('e'), cwd: repo }) });
    expect(empty.status).toBe(200);
  });

  it('need the bearer token when the server has tokens, and keep the Host check', async () => {
    const anonymous = await hook('claude-code', 'session-start', randomId('s'), 'src/a.ts', false, secured);
    expect(anonymous.status).toBe(401);
    const res = await fetch(`${secured.url}/hooks/claude-code/session-start`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer tok-hooks-0123456789abcdef' }, body: JSON.stringify({ session_id: randomId('s'), cwd: repo }) });
    expect(res.status).toBe(200);
    const foreign = await fetch(`${app.url}/hooks/claude-code/session-start`, { method: 'POST', headers: { 'content-type': 'application/json', origin: 'http://evil.example' }, body: '{}' });
    expect(foreign.status).toBe(403);
  });
});
