/**
 * @module Issue 10: the command shim `baton-hook` (the built dist/hooks/shim.js) fed
 * each client's hook JSON on stdin: it finds the server (BATON_URL or the data
 * directory's record), prints the client's decision with its exit code, fails open
 * when no server answers, and fails closed with --strict.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOOK_CLIENTS, type HookClient, type HookEvent } from '../../src/hooks/hook-entries.js';
import { startApp, type TestApp } from '../regression/support/app.js';
import { gitRepository } from '../support/git.js';
import { hookPayload } from '../support/hook-payloads.js';
import { runShim } from '../support/hook-shim.js';
import { assertBuilt, cleanupAll, randomId, tempDir } from '../support/server.js';

let app: TestApp;
let repo: string;

beforeAll(async () => {
  assertBuilt();
  app = await startApp();
  repo = gitRepository(tempDir('baton-shim-'), 'api', `https://github.com/acme/${randomId('api')}.git`);
  mkdirSync(join(repo, 'src'), { recursive: true });
});
afterAll(async () => {
  await app.close();
  await cleanupAll();
});

const feed = (client: HookClient, event: HookEvent, session: string, env: Record<string, string>, extra: string[] = []) =>
  runShim([client, event, ...extra], JSON.stringify(hookPayload(client, event, { session, cwd: repo, file: join(repo, `src/${client}.ts`), relative: `src/${client}.ts` })), env);

describe.each(HOOK_CLIENTS)('baton-hook %s', (client) => {
  it('answers the session digest, allows and reserves an edit, and denies another session’s (exit 2 where the client reads exit codes)', async () => {
    const env = { BATON_URL: app.url, HOME: tempDir() };
    const alice = randomId('alice');
    const start = await feed(client, 'session-start', alice, env);
    expect(start.code).toBe(0);
    expect(start.stdout).toContain(`you are agent ${alice}`);
    const allowed = await feed(client, 'pre-tool', alice, env);
    expect(allowed).toMatchObject({ code: 0, stdout: '' });
    const denied = await feed(client, 'pre-tool', randomId('bob'), env);
    const reason = `reserved exclusively by agent '${alice}'`;
    if (client === 'claude-code') {
      expect(denied.code).toBe(0);
      expect(JSON.parse(denied.stdout)).toMatchObject({ hookSpecificOutput: { permissionDecision: 'deny', permissionDecisionReason: expect.stringContaining(reason) } });
    } else {
      expect(denied.code).toBe(2);
      expect(denied.stderr).toContain(reason);
      expect(denied.stdout).toContain(reason);
    }
    expect((await feed(client, 'stop', alice, env)).code).toBe(0);
    expect((await feed(client, 'pre-tool', randomId('carol'), env)).code).toBe(0);
  });
});

describe('baton-hook', () => {
  it('finds the server through the data directory record', async () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, 'server.json'), JSON.stringify({ pid: process.pid, url: app.url, startedAt: new Date().toISOString(), dataDir }));
    const res = await feed('gemini', 'session-start', randomId('dd'), { BATON_DATA_DIR: dataDir });
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ hookSpecificOutput: { hookEventName: 'SessionStart', additionalContext: expect.stringContaining('Baton: you are agent') } });
  });

  it('session-start waits briefly for the server the MCP proxy is still starting (cold start); tool hooks never wait', async () => {
    const dataDir = tempDir();
    const session = randomId('cold');
    const started = Date.now();
    const pending = feed('claude-code', 'session-start', session, { BATON_DATA_DIR: dataDir });
    // The proxy's server comes up 400 ms after the client ran the hook: its record appears then.
    await new Promise((done) => setTimeout(done, 400));
    writeFileSync(join(dataDir, 'server.json'), JSON.stringify({ pid: process.pid, url: app.url, startedAt: new Date().toISOString(), dataDir }));
    const res = await pending;
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ hookSpecificOutput: { hookEventName: 'SessionStart', additionalContext: expect.stringContaining(`you are agent ${session}`) } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);

    // No server ever comes: session-start gives up within its bound and fails open; a tool hook does not wait at all.
    const empty = tempDir();
    let at = Date.now();
    const never = await feed('claude-code', 'session-start', session, { BATON_DATA_DIR: empty, BATON_HOOK_START_WAIT_MS: '600' });
    expect(never).toMatchObject({ code: 0, stdout: '' });
    expect(Date.now() - at).toBeGreaterThanOrEqual(500);
    expect(Date.now() - at).toBeLessThan(3_000);
    at = Date.now();
    const tool = await feed('claude-code', 'pre-tool', session, { BATON_DATA_DIR: empty, BATON_HOOK_START_WAIT_MS: '5000' });
    expect(tool.code).toBe(0);
    expect(Date.now() - at).toBeLessThan(2_000);
  });

  it('fails open when no server answers, and closed for edits with --strict', async () => {
    const down = { BATON_URL: 'http://127.0.0.1:9' };
    const open = await feed('claude-code', 'pre-tool', 's', down);
    expect(open).toMatchObject({ code: 0, stdout: '' });
    expect(open.stderr).toMatch(/hook skipped \(nothing listens at http:\/\/127\.0\.0\.1:9\)/);
    const strict = await feed('claude-code', 'pre-tool', 's', down, ['--strict']);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toMatch(/strict: the edit is refused/);
    // Strict concerns edits: the digest and notices still fail open.
    expect((await feed('cursor', 'post-tool', 's', down, ['--strict'])).code).toBe(0);
    const noRecord = await feed('codex', 'pre-tool', 's', { BATON_DATA_DIR: tempDir() });
    expect(noRecord.code).toBe(0);
    expect(noRecord.stderr).toMatch(/no Baton server is running/);
  });

  it('fails open on a server error and on garbage stdin; says how to call it without arguments', async () => {
    const unknown = await runShim(['vim', 'pre-tool'], '{}', { BATON_URL: app.url });
    expect(unknown.code).toBe(0);
    expect(unknown.stderr).toMatch(/answered 404/);
    const garbage = await runShim(['claude-code', 'pre-tool'], 'not json at all', { BATON_URL: app.url });
    expect(garbage.code).toBe(0);
    expect((await runShim([], '', {})).code).toBe(64);
  });
});
