/**
 * @module Project identity on real git repositories: every worktree of one
 * repository maps to one project, another repository to another, SSH and HTTPS
 * clones of one remote agree, and explicit choices win in their order.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeProject, normaliseRemote, remoteUrlOf, resolveProject } from './identity.js';

const scratch = mkdtempSync(join(tmpdir(), 'baton-identity-'));
afterAll(() => { rmSync(scratch, { recursive: true, force: true }); });

const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8' });

function repository(name: string, remote?: string): string {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  git(dir, 'init', '-q');
  writeFileSync(join(dir, 'README.md'), name);
  git(dir, 'add', '.');
  git(dir, 'commit', '-qm', 'first');
  if (remote) git(dir, 'remote', 'add', 'origin', remote);
  return dir;
}

describe('resolveProject', () => {
  it('maps every worktree and subdirectory of a repository to one project, from its remote', () => {
    const main = repository('web', 'git@github.com:Acme/Web.git');
    git(main, 'worktree', 'add', '-q', '-b', 'issue-42-auth', join(scratch, 'web-issue-42'));
    mkdirSync(join(main, 'src', 'deep'), { recursive: true });
    const fromMain = resolveProject({ cwd: main });
    const fromWorktree = resolveProject({ cwd: join(scratch, 'web-issue-42') });
    expect(fromMain).toMatchObject({ source: 'git-remote', from: 'github.com/acme/web', branch: 'main' });
    expect(fromMain.id).toMatch(/^web-[0-9a-f]{8}$/);
    expect(fromWorktree).toMatchObject({ id: fromMain.id, branch: 'issue-42-auth', root: join(scratch, 'web-issue-42') });
    expect(resolveProject({ cwd: join(main, 'src', 'deep') }).id).toBe(fromMain.id);
  });

  it('gives another repository another project, and one without a remote its common directory', () => {
    const api = repository('api', 'https://github.com/acme/api.git');
    const local = repository('notes');
    git(local, 'worktree', 'add', '-q', '-b', 'draft', join(scratch, 'notes-draft'));
    expect(resolveProject({ cwd: api }).id).not.toBe(resolveProject({ cwd: repository('api-fork', 'https://github.com/other/api.git') }).id);
    const notes = resolveProject({ cwd: local });
    expect(notes).toMatchObject({ source: 'git-dir' });
    expect(notes.id).toMatch(/^notes-[0-9a-f]{8}$/);
    expect(resolveProject({ cwd: join(scratch, 'notes-draft') }).id).toBe(notes.id);
  });

  it('names a clone of a local directory (`git clone .`, remote ending in /.) with a valid id', () => {
    const clone = repository('fresh', join(scratch, 'web', '.'));
    expect(resolveProject({ cwd: clone }).id).toMatch(/^web-[0-9a-f]{8}$/);
    expect(resolveProject({ cwd: repository('dotted', '/srv/.hidden') }).id).toMatch(/^hidden-[0-9a-f]{8}$/);
  });

  it('lets a flag, then BATON_PROJECT, then .baton.json choose, and refuses an invalid choice', () => {
    const repo = repository('chosen', 'git@github.com:acme/chosen.git');
    writeFileSync(join(repo, '.baton.json'), JSON.stringify({ project: 'team-space' }));
    expect(resolveProject({ cwd: repo })).toMatchObject({ id: 'team-space', source: 'file' });
    expect(resolveProject({ cwd: repo, env: { BATON_PROJECT: 'from-env' } })).toMatchObject({ id: 'from-env', source: 'env' });
    expect(resolveProject({ cwd: repo, explicit: 'from-flag', env: { BATON_PROJECT: 'from-env' } })).toMatchObject({ id: 'from-flag', source: 'flag' });
    expect(() => resolveProject({ cwd: repo, explicit: 'no spaces' })).toThrow(/--project is not valid|from --project is not valid/);
  });

  it('says in words why a directory belongs to its project', () => {
    const repo = repository('told', 'https://u:secret@example.com/acme/told.git');
    expect(describeProject(resolveProject({ cwd: repo }))).toBe('from the git remote example.com/acme/told');
    expect(describeProject(resolveProject({ cwd: repo, env: { BATON_PROJECT: 'p' } }))).toBe('chosen with BATON_PROJECT');
    expect(describeProject(resolveProject({ cwd: repo, explicit: 'p' }))).toBe('chosen with --project');
    writeFileSync(join(repo, '.baton.json'), JSON.stringify({ project: 'declared' }));
    expect(describeProject(resolveProject({ cwd: repo }))).toBe(`declared in ${join(repo, '.baton.json')}`);
    expect(describeProject(resolveProject({ cwd: repository('lonely') }))).toMatch(/^from the repository at .*lonely.*, which has no remote$/);
    expect(describeProject({ id: 'default', source: 'default' })).toBe('the directory is in no git repository');
  });

  it('answers default outside any repository', () => {
    const plain = join(scratch, 'plain');
    mkdirSync(plain, { recursive: true });
    // tmpdir() itself is not inside a repository on this machine; a parent that were would be found, as git would.
    expect(resolveProject({ cwd: plain })).toEqual({ id: 'default', source: 'default' });
  });
});

describe('remotes', () => {
  it('normalise SSH, scp-like and HTTPS forms of one remote alike', () => {
    for (const url of ['git@github.com:Acme/Web.git', 'https://user:pw@github.com/acme/web.git', 'ssh://git@github.com:22/acme/web', 'https://github.com/acme/web/']) {
      expect(normaliseRemote(url), url).toBe('github.com/acme/web');
    }
    expect(normaliseRemote('/srv/git/web.git')).toBe('/srv/git/web');
    expect(normaliseRemote('/work/web/.')).toBe('/work/web');
  });

  it('read origin from a git config, else the first remote', () => {
    expect(remoteUrlOf('[core]\n\tbare = false\n[remote "upstream"]\n\turl = a\n[remote "origin"]\n\turl = b\n')).toBe('b');
    expect(remoteUrlOf('[remote "upstream"]\n\turl = a\n')).toBe('a');
    expect(remoteUrlOf('[core]\n')).toBeUndefined();
  });
});
