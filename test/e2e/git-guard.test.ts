/**
 * @module Issue 10: the git pre-commit guard (hook-entries' gitGuardScript running the
 * built shim) on real repositories: two worktrees of one repository are one project,
 * so a file an agent reserved from one worktree cannot be committed from the other;
 * a second repository is another project. The guard chains the hook that was there
 * before, and BATON_GUARD_BYPASS commits anyway and is logged.
 */
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GIT_GUARD_CHAINED, gitGuardScript } from '../../src/hooks/hook-entries.js';
import { resolveProject } from '../../src/project/identity.js';
import { startApp, type TestApp } from '../regression/support/app.js';
import { git, gitRepository, gitWorktree } from '../support/git.js';
import { hookPayload } from '../support/hook-payloads.js';
import { SHIM } from '../support/hook-shim.js';
import { assertBuilt, childEnv, cleanupAll, randomId, tempDir } from '../support/server.js';

let app: TestApp;
let main: string;
let linked: string;
let other: string;
const agent = randomId('claude-session');

/** `git commit` with the guard's environment (asynchronously: the server answers from this process); its exit status and stderr. */
async function commit(cwd: string, file: string, env: Record<string, string> = {}): Promise<{ status: number; stderr: string }> {
  writeFileSync(join(cwd, file), `${randomId('edit')}\n`);
  git(cwd, 'add', file);
  const result = await new Promise<{ status: number; stderr: string }>((done) => {
    execFile('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'edit'], { cwd, env: childEnv({ BATON_URL: app.url, ...env }), encoding: 'utf8' }, (error, _stdout, stderr) => {
      done({ status: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stderr });
    });
  });
  if (result.status !== 0) git(cwd, 'reset', '-q');
  return result;
}

function installGuard(repository: string): string {
  const hooks = join(repository, '.git', 'hooks');
  mkdirSync(hooks, { recursive: true });
  // What init does: the existing hook is kept beside ours and chained, never overwritten.
  writeFileSync(join(hooks, GIT_GUARD_CHAINED), `#!/bin/sh\necho chained >> "${join(repository, '.git', 'chained.log')}"\n[ -z "$FAIL_CHAINED" ]\n`);
  chmodSync(join(hooks, GIT_GUARD_CHAINED), 0o755);
  writeFileSync(join(hooks, 'pre-commit'), gitGuardScript({ shim: `${process.execPath} ${SHIM}` }));
  chmodSync(join(hooks, 'pre-commit'), 0o755);
  return join(repository, '.git');
}

beforeAll(async () => {
  assertBuilt();
  app = await startApp();
  const scratch = tempDir('baton-guard-');
  main = gitRepository(scratch, 'web', `git@github.com:acme/${randomId('web')}.git`);
  mkdirSync(join(main, 'src'));
  writeFileSync(join(main, 'src', 'a.ts'), 'export {};\n');
  git(main, 'add', '.');
  git(main, 'commit', '-qm', 'src');
  linked = gitWorktree(main, join(scratch, 'web-feature'), 'feature');
  other = gitRepository(scratch, 'notes');
  mkdirSync(join(other, 'src'));
  installGuard(main);
  installGuard(other);
  // A Claude Code session in the main worktree edits src/a.ts: its hooks register it and reserve the file.
  for (const event of ['session-start', 'pre-tool'] as const) {
    const res = await fetch(`${app.url}/hooks/claude-code/${event}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(hookPayload('claude-code', event, { session: agent, cwd: main, file: join(main, 'src', 'a.ts') })),
    });
    expect(res.status).toBe(200);
  }
});
afterAll(async () => {
  await app.close();
  await cleanupAll();
});

describe('the pre-commit guard', () => {
  it('sees both worktrees as one project and a second repository as another', () => {
    expect(resolveProject({ cwd: linked, env: {} }).id).toBe(resolveProject({ cwd: main, env: {} }).id);
    expect(resolveProject({ cwd: other, env: {} }).id).not.toBe(resolveProject({ cwd: main, env: {} }).id);
  });

  it('refuses a commit from the other worktree touching the reserved file, naming the holder and the way out', async () => {
    const refused = await commit(linked, 'src/a.ts');
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('commit refused: 1 staged file is reserved exclusively by another live agent');
    expect(refused.stderr).toContain(`src/a.ts  reserved by ${agent}`);
    expect(refused.stderr).toContain('BATON_GUARD_BYPASS=1');
  });

  it('lets the holder commit: by its session id, or from its own worktree; refuses another session there', async () => {
    expect((await commit(main, 'src/a.ts', { CLAUDE_CODE_SESSION_ID: agent })).status).toBe(0);
    expect((await commit(main, 'src/a.ts')).status).toBe(0);
    expect((await commit(main, 'src/a.ts', { CLAUDE_CODE_SESSION_ID: randomId('someone-else') })).status).not.toBe(0);
  });

  it('lets a commit of other files, and of the same path in another repository, through', async () => {
    expect((await commit(linked, 'README.md')).status).toBe(0);
    expect((await commit(other, 'src/a.ts')).status).toBe(0);
  });

  it('commits anyway with BATON_GUARD_BYPASS=1, and logs it in the common git directory and as an event', async () => {
    const bypassed = await commit(linked, 'src/a.ts', { BATON_GUARD_BYPASS: '1' });
    expect(bypassed.status).toBe(0);
    const log = readFileSync(join(main, '.git', 'baton-guard.log'), 'utf8');
    expect(log).toMatch(new RegExp(`bypass by .+ in ${linked}: 1 file\\(s\\): src/a\\.ts`));
    const project = resolveProject({ cwd: main, env: {} }).id;
    const { events } = (await app.hub.execute('get_events', { types: ['custom'], limit: 100 }, { project })) as { events: { data: { topic: string; payload: { files: { holder: string }[] } } }[] };
    expect(events.find((e) => e.data.topic === 'hooks.guard_bypassed')?.data.payload.files).toEqual([{ path: 'src/a.ts', holder: agent }]);
  });

  it('runs the hook it chained first, whose failure stops the commit', async () => {
    const before = readFileSync(join(main, '.git', 'chained.log'), 'utf8').split('\n').length;
    expect((await commit(linked, 'README.md')).status).toBe(0);
    expect(readFileSync(join(main, '.git', 'chained.log'), 'utf8').split('\n').length).toBe(before + 1);
    expect((await commit(linked, 'README.md', { FAIL_CHAINED: '1' })).status).not.toBe(0);
  });

  it('lets the commit through with a note when no server answers', async () => {
    const down = await commit(linked, 'src/a.ts', { BATON_URL: 'http://127.0.0.1:9' });
    expect(down.status).toBe(0);
    expect(existsSync(join(linked, 'src', 'a.ts'))).toBe(true);
  });
});
