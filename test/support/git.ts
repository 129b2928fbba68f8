/**
 * @module Real git repositories for tests, made with the git CLI: a repository with
 * one commit (and an origin remote when given), and worktrees of it.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Runs git in `cwd` with a fixed identity and default branch, answering its stdout. */
export const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8' });

/** A repository `parent/name` with one commit on `main`; its real path (as a process's cwd reads it). */
export function gitRepository(parent: string, name: string, remote?: string): string {
  const dir = join(parent, name);
  mkdirSync(dir, { recursive: true });
  git(dir, 'init', '-q');
  writeFileSync(join(dir, 'README.md'), `${name}\n`);
  git(dir, 'add', '.');
  git(dir, 'commit', '-qm', 'first');
  if (remote) git(dir, 'remote', 'add', 'origin', remote);
  return realpathSync(dir);
}

/** A linked worktree of `repository` at `path` on a new branch; its real path. */
export function gitWorktree(repository: string, path: string, branch: string): string {
  git(repository, 'worktree', 'add', '-q', '-b', branch, path);
  return realpathSync(path);
}
