/**
 * @module The client commands as a script uses them, built CLI against a real
 * server: each subcommand's --json shape, the exit codes scripts branch on
 * (0, 2 usage, 3 not found, 4 denied, 5 conflict, 75 busy, 69 unreachable),
 * `task add --file` with JSON and YAML DAGs, `events tail --follow`, tokens.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baton, spawnBaton, until } from '../support/cli-process.js';
import { callError, httpClient } from '../support/mcp.js';
import { cleanupAll, randomId, startServer, tempDir, type ServerProcess } from '../support/server.js';

let server: ServerProcess;
let env: Record<string, string>;

beforeAll(async () => {
  server = await startServer();
  env = { BATON_URL: server.url, BATON_PROJECT: randomId('cli'), BATON_AGENT: 'script-1' };
});

afterAll(async () => {
  await cleanupAll();
});

async function json(args: string[], extra: Record<string, string> = {}, code = 0): Promise<Record<string, unknown>> {
  const r = await baton([...args, '--json'], { ...env, ...extra });
  expect(r.code, `${args.join(' ')}: ${r.stderr}${r.stdout}`).toBe(code);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

describe('baton lock --json', () => {
  it('acquire, check, list, release: stable shapes and exit codes', async () => {
    expect(await json(['lock', 'acquire', 'deploy', '--ttl', '60'])).toMatchObject({ acquired: true, name: 'deploy', token: expect.any(Number), expires_in_s: 60 });
    const busy = await json(['lock', 'acquire', 'deploy'], { BATON_AGENT: 'script-2' }, 75);
    expect(busy).toMatchObject({ acquired: false, name: 'deploy', holder: 'script-1', message: expect.any(String) });
    expect(await json(['lock', 'check', 'deploy'], {}, 75)).toMatchObject({ name: 'deploy', held: true, locks: [{ name: 'deploy', holder: 'script-1' }] });
    expect(await json(['lock', 'list'])).toMatchObject({ locks: [{ name: 'deploy', holder: 'script-1', token: expect.any(Number) }], waiters: [], total: 1, truncated: false });
    const released = await json(['lock', 'release', 'deploy']);
    expect(released).toMatchObject({ released: true, name: 'deploy', token: expect.any(Number) });
    expect(await json(['lock', 'check', 'deploy'])).toMatchObject({ held: false });
    // Releasing what you do not hold: not found (3); a stale token: lease lost (76).
    expect(await json(['lock', 'release', 'deploy'], {}, 3)).toMatchObject({ error: { code: 'NOT_FOUND', hint: expect.any(String), exit_code: 3 } });
  });

  it('acquire --wait waits in the queue and gets the lock when it is released', async () => {
    await json(['lock', 'acquire', 'queue']);
    const waiting = spawnBaton(['lock', 'acquire', 'queue', '--wait', '30', '--json'], { ...env, BATON_AGENT: 'script-3' });
    await until(() => waiting.stderr().includes('waiting:'), 15_000, 'the waiter to queue');
    await json(['lock', 'release', 'queue']);
    const r = await waiting.done;
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ acquired: true, name: 'queue' });
  });
});

describe('baton lock acquire, when busy', () => {
  it('speaks the CLI\'s flags, and a --wait that runs out leaves the queue (the lock is not handed to a caller that is gone)', async () => {
    await json(['lock', 'acquire', 'gaveup']);
    const busy = await baton(['lock', 'acquire', 'gaveup'], { ...env, BATON_AGENT: 'script-5' });
    expect(busy.code).toBe(75);
    expect(busy.stdout).toContain("'gaveup' is held by script-1");
    expect(busy.stdout).toContain('--wait');
    expect(busy.stdout).not.toContain('wait_seconds');
    const timedOut = await json(['lock', 'acquire', 'gaveup', '--wait', '2'], { BATON_AGENT: 'script-5' }, 75);
    expect(timedOut).toMatchObject({ acquired: false, timed_out: true, holder: 'script-1' });
    expect(timedOut).not.toHaveProperty('queue_position');
    const released = await json(['lock', 'release', 'gaveup']);
    expect(released['handed_to'] ?? []).toEqual([]);
    expect(await json(['lock', 'check', 'gaveup'])).toMatchObject({ held: false });
  });
});

describe('baton task --json', () => {
  it('add, list, ready, claim, done, fail, reset, show', async () => {
    expect(await json(['task', 'add', 'Write docs', '--id', 'docs', '--priority', '5', '--label', 'ci,docs'])).toMatchObject({ added: [{ id: 'docs', status: 'ready', priority: 5, labels: ['ci', 'docs'] }] });
    await json(['task', 'add', 'Publish', '--id', 'publish', '--dep', 'docs']);
    expect(await json(['task', 'list'])).toMatchObject({ tasks: [{ id: 'docs' }, { id: 'publish', status: 'pending' }], counts: { ready: 1, pending: 1 }, total: 2 });
    expect(await json(['task', 'ready'])).toMatchObject({ tasks: [{ id: 'docs' }] });
    const claimed = await json(['task', 'claim']);
    expect(claimed).toMatchObject({ claimed: true, token: expect.any(Number), task: { id: 'docs' } });
    expect(await json(['task', 'claim'], {}, 75)).toMatchObject({ claimed: false, reason: 'none_ready' });
    expect(await json(['task', 'done', 'docs'], {}, 2)).toMatchObject({ error: { code: 'USAGE' } });
    expect(await json(['task', 'done', 'docs', '--token', String(claimed['token']), '--output', '{"pages":3}'])).toMatchObject({ task: { id: 'docs', status: 'done' }, unblocked: ['publish'] });
    const second = await json(['task', 'claim', 'publish'], { BATON_TASK_TOKEN: '' });
    expect(await json(['task', 'fail', 'publish', '--error', 'registry down'], { BATON_TASK_TOKEN: String(second['token']) })).toMatchObject({ task: { id: 'publish', status: 'failed' } });
    expect(await json(['task', 'reset', 'publish'])).toMatchObject({ task: { id: 'publish', status: 'ready' } });
    expect(await json(['task', 'show', 'docs'])).toMatchObject({ task: { id: 'docs', status: 'done', output: { pages: 3 } } });
    expect(await json(['task', 'show', 'nope'], {}, 3)).toMatchObject({ error: { code: 'NOT_FOUND', exit_code: 3 } });
    // A stale claim token is a conflict the script can tell apart: LEASE_LOST.
    expect(await json(['task', 'done', 'publish', '--token', '1'], {}, 76)).toMatchObject({ error: { code: expect.stringMatching(/LEASE_LOST|NOT_HOLDER|TASK_STATE/) } });
  });

  it('add --file loads a whole DAG from JSON or YAML, in dependency order; a cycle is refused (exit 2)', async () => {
    const dir = tempDir();
    const jsonFile = join(dir, 'graph.json');
    writeFileSync(jsonFile, JSON.stringify({ tasks: [{ id: 'j-test', title: 'Test', dependencies: ['j-build'] }, { id: 'j-build', title: 'Build' }] }));
    const yamlFile = join(dir, 'graph.yaml');
    writeFileSync(yamlFile, '- id: y-deploy\n  title: Deploy\n  dependencies: [y-test]\n- id: y-test\n  title: Test\n  labels: [ci]\n');
    const project = { BATON_PROJECT: randomId('dag') };
    expect(await json(['task', 'add', '--file', jsonFile], project)).toMatchObject({ added: [{ id: 'j-build', status: 'ready' }, { id: 'j-test', status: 'pending' }] });
    expect(await json(['task', 'add', '--file', yamlFile], project)).toMatchObject({ added: [{ id: 'y-test', status: 'ready', labels: ['ci'] }, { id: 'y-deploy', status: 'pending' }] });
    const cycle = join(dir, 'cycle.json');
    writeFileSync(cycle, JSON.stringify([{ id: 'a', title: 'A', dependencies: ['b'] }, { id: 'b', title: 'B', dependencies: ['a'] }]));
    expect(await json(['task', 'add', '--file', cycle], project, 2)).toMatchObject({ error: { code: 'TASK_CYCLE' } });
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'tasks: [ {');
    expect(await json(['task', 'add', '--file', broken], project, 2)).toMatchObject({ error: { code: 'USAGE', message: expect.stringMatching(/not valid YAML/) } });
    expect(await json(['task', 'add', '--file', join(dir, 'missing.json')], project, 2)).toMatchObject({ error: { code: 'USAGE' } });
  });

  it('add --dep on a task that does not exist names that task, on the CLI as on REST and MCP', async () => {
    const project = { BATON_PROJECT: randomId('dep') };
    const human = await baton(['task', 'add', 'Deploy', '--dep', 'nope'], { ...env, ...project });
    expect(human.code).toBe(2);
    expect(human.stderr).toMatch(/^baton: INVALID_INPUT: Task 'nope' does not exist/);
    expect(human.stderr).not.toMatch(/task-/);
    expect(human.stderr).toMatch(/\n {2}\S/);
    const cli = (await json(['task', 'add', 'Deploy', '--dep', 'nope'], project, 2))['error'] as Record<string, unknown>;
    expect(cli).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/^Task 'nope' does not exist/), hint: expect.any(String), details: { field: 'dependencies', dependency: 'nope' } });
    const headers = { 'x-baton-project': project.BATON_PROJECT, 'x-baton-agent': 'script-1' };
    const rest = await fetch(`${server.url}/api/v1/tasks`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Deploy', dependencies: ['nope'] }) });
    expect(rest.status).toBe(400);
    const restError = ((await rest.json()) as { error: Record<string, unknown> }).error;
    const mcp = await httpClient(server.url, { headers });
    const mcpError = await callError(mcp, 'add_task', { title: 'Deploy', dependencies: ['nope'] });
    await mcp.close();
    for (const surface of [restError, mcpError]) expect(surface).toMatchObject({ code: cli['code'], message: cli['message'], hint: cli['hint'] });
  });
});

describe('baton agent, state, events, status --json', () => {
  it('agent list and show', async () => {
    await json(['state', 'set', 'hello', 'who', 'me']);
    expect(await json(['agent', 'list'])).toMatchObject({ agents: expect.arrayContaining([expect.objectContaining({ id: 'script-1', status: expect.any(String) })]), active: expect.any(Number) });
    expect(await json(['agent', 'show', 'script-1'])).toMatchObject({ agent: { id: 'script-1' } });
    expect(await json(['agent', 'show', 'nobody'], {}, 3)).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('state set, get, list, delete; --if-version conflicts exit 5', async () => {
    expect(await json(['state', 'set', 'cfg', 'mode', '{"fast":true}'])).toMatchObject({ stored: true, scope: 'cfg', key: 'mode', version: 1 });
    expect(await json(['state', 'get', 'cfg', 'mode'])).toMatchObject({ scope: 'cfg', key: 'mode', value: { fast: true }, version: 1 });
    const plain = await baton(['state', 'get', 'cfg', 'mode'], env);
    expect(JSON.parse(plain.stdout)).toEqual({ fast: true });
    await json(['state', 'set', 'cfg', 'name', 'plain text']);
    expect((await baton(['state', 'get', 'cfg', 'name'], env)).stdout).toBe('plain text\n');
    expect(await json(['state', 'set', 'cfg', 'mode', '1', '--if-version', '0'], {}, 5)).toMatchObject({ error: { code: 'VERSION_CONFLICT', exit_code: 5 } });
    expect(await json(['state', 'list'])).toMatchObject({ scopes: expect.arrayContaining([{ scope: 'cfg', keys: 2 }]) });
    expect(await json(['state', 'list', 'cfg'])).toMatchObject({ scope: 'cfg', keys: [{ key: 'mode', version: 1 }, { key: 'name' }] });
    expect(await json(['state', 'delete', 'cfg', 'mode'])).toMatchObject({ deleted: true });
    expect(await json(['state', 'delete', 'cfg'])).toMatchObject({ deleted_keys: 1 });
    expect(await json(['state', 'get', 'cfg', 'mode'], {}, 3)).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('events tail prints the last events as NDJSON; --follow prints new ones as they come', async () => {
    const project = { BATON_PROJECT: randomId('ev') };
    for (let i = 0; i < 5; i++) await json(['state', 'set', 's', `k${i}`, String(i)], project);
    const tail = await baton(['events', 'tail', '-n', '3', '--json'], { ...env, ...project });
    expect(tail.code, tail.stderr).toBe(0);
    const lines = tail.stdout.trim().split('\n').map((l) => JSON.parse(l) as { id: number; type: string; subject: string });
    expect(lines.map((e) => e.subject)).toEqual(['s/k2', 's/k3', 's/k4']);
    expect(lines[0]).toMatchObject({ id: expect.any(Number), type: 'state.stored', at: expect.any(String), data: expect.any(Object) });
    await json(['lock', 'acquire', 'typed'], project);
    const typed = await baton(['events', 'tail', '--types', 'lease.acquired', '--json'], { ...env, ...project });
    expect(typed.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { subject: string }).subject)).toEqual(['typed']);

    const follow = spawnBaton(['events', 'tail', '--follow', '-n', '1', '--json', '--types', 'lease.acquired'], { ...env, ...project });
    await new Promise((r) => setTimeout(r, 1500));
    await json(['lock', 'acquire', 'followed'], project);
    await until(() => follow.stdout().includes('"followed"'), 15_000, 'the followed event');
    follow.child.kill('SIGINT');
    const r = await follow.done;
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/"type":"lease.acquired".*"subject":"followed"/);
  });

  it('status --json adds the project at a glance', async () => {
    const r = await baton(['status', '--data-dir', server.dataDir, '--json'], { BATON_PROJECT: env['BATON_PROJECT']! });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ running: true, url: server.url, project: { id: env['BATON_PROJECT'] }, coordinator: { project: env['BATON_PROJECT'], locks: expect.any(Number), tasks: expect.any(Object), store: { engine: 'sqlite' } } });
  });
});

describe('client errors', () => {
  it('exit 2 for usage mistakes, 69 when unreachable, 4 when the token is missing or wrong', async () => {
    expect((await baton(['lock', 'acquire'], env)).code).toBe(2);
    expect((await baton(['lock', 'acquire', 'x', '--wait', 'soon'], env)).code).toBe(2);
    expect(await json(['lock', 'list', '--url', 'http://127.0.0.1:9'], {}, 69)).toMatchObject({ error: { code: 'UNREACHABLE', hint: expect.stringMatching(/baton status/) } });
    expect(await json(['lock', 'list'], { BATON_URL: 'not a url' }, 2)).toMatchObject({ error: { code: 'USAGE' } });
    const token = 'a-token-of-enough-length';
    const guarded = await startServer({ env: { BATON_TOKENS: JSON.stringify([{ token, role: 'agent' }]) } });
    const there = { BATON_URL: guarded.url };
    expect(await json(['lock', 'list'], there, 4)).toMatchObject({ error: { code: 'UNAUTHORIZED', exit_code: 4 } });
    expect(await json(['lock', 'list'], { ...there, BATON_TOKEN: 'wrong-token-of-length' }, 4)).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    expect(await json(['lock', 'list'], { ...there, BATON_TOKEN: token })).toMatchObject({ locks: [] });
  });

  it('human output: aligned tables, no colour when NO_COLOR is set or stdout is not a terminal', async () => {
    await json(['lock', 'acquire', 'table-a']);
    const r = await baton(['lock', 'list'], { ...env, NO_COLOR: '1' });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('\u001B[');
    const [head, ...rows] = r.stdout.split('\n');
    expect(head).toMatch(/^LOCK\s+HOLDER\s+MODE\s+TOKEN\s+EXPIRES/);
    const row = rows.find((l) => l.startsWith('table-a'));
    expect(row!.indexOf('script-1')).toBe(head!.indexOf('HOLDER'));
  });

  it('human output: a record\'s values line up, however long its keys (claim_expires_in_s)', async () => {
    await json(['task', 'add', 'Aligned', '--id', 'aligned']);
    await json(['task', 'claim', 'aligned']);
    const r = await baton(['task', 'show', 'aligned'], { ...env, NO_COLOR: '1' });
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.map((l) => l.search(/(?<=\S\s{2,})\S/)).filter((at, i, all) => at !== all[0])).toEqual([]);
    expect(lines.some((l) => l.startsWith('claim_expires_in_s'))).toBe(true);
  });
});
