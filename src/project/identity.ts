/**
 * @module Which Baton project a directory belongs to, the same for every worktree
 * of a repository: an explicit choice (flag, BATON_PROJECT, a `.baton.json` at the
 * work tree's root), else the repository's origin remote (normalised, so SSH and
 * HTTPS clones agree), else its git common directory, else `default`. Read from
 * the files git keeps, without running git: hooks resolve it on every tool call.
 */
import { createHash } from 'node:crypto';
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';

export type ProjectSource = 'flag' | 'env' | 'file' | 'git-remote' | 'git-dir' | 'default';

export interface ProjectIdentity {
  /** A valid project id (1–64 of letters, digits, `.`, `_`, `-`). */
  readonly id: string;
  readonly source: ProjectSource;
  /** The git work tree's top directory, when the directory is in one. */
  readonly root?: string;
  /** The checked-out branch (absent on a detached HEAD or outside git). */
  readonly branch?: string;
  /** The normalised remote, or the common directory, the id was derived from. */
  readonly from?: string;
}

export interface ResolveProjectOptions {
  readonly cwd: string;
  /** A `--project` flag. */
  readonly explicit?: string | undefined;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

const PROJECT_ID = /^[A-Za-z0-9._-]{1,64}$/;

interface GitLocation {
  /** The work tree's top directory (where `.git` is). */
  root: string;
  /** This worktree's own git directory (HEAD lives here). */
  gitDir: string;
  /** The directory shared by every worktree (config and objects live here). */
  commonDir: string;
}

const readText = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

const isDirectory = (path: string): boolean => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

const real = (path: string): string => {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
};

/** The git directories of the work tree containing `cwd`, walking up to the filesystem root. */
function locateGit(cwd: string): GitLocation | undefined {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const dotGit = join(dir, '.git');
    let gitDir: string | undefined;
    if (isDirectory(dotGit)) gitDir = dotGit;
    else {
      // A linked worktree or a submodule: `.git` is a file naming the real git directory.
      const pointer = /^gitdir:\s*(.+?)\s*$/m.exec(readText(dotGit) ?? '')?.[1];
      if (pointer) gitDir = isAbsolute(pointer) ? pointer : resolve(dir, pointer);
    }
    if (gitDir) {
      const common = readText(join(gitDir, 'commondir'))?.trim();
      const commonDir = common ? (isAbsolute(common) ? common : resolve(gitDir, common)) : gitDir;
      return { root: dir, gitDir: real(gitDir), commonDir: real(commonDir) };
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/** The top directory of the git work tree containing `cwd` (a linked worktree's own), if any. */
export const workTreeOf = (cwd: string): string | undefined => locateGit(cwd)?.root;

/** The URL of remote `origin` (else of the first remote) in a git config file. */
export function remoteUrlOf(config: string): string | undefined {
  const remotes = new Map<string, string>();
  let section: string | undefined;
  for (const raw of config.split(/\r?\n/)) {
    const line = raw.trim();
    const header = /^\[\s*remote\s+"([^"]+)"\s*\]$/.exec(line);
    if (header) section = header[1];
    else if (line.startsWith('[')) section = undefined;
    else if (section !== undefined && !remotes.has(section)) {
      const url = /^url\s*=\s*(.+)$/.exec(line)?.[1]?.trim();
      if (url) remotes.set(section, url);
    }
  }
  return remotes.get('origin') ?? remotes.values().next().value;
}

/**
 * A remote URL as host/path, lower-cased, without scheme, user, port or `.git`:
 * `git@github.com:Org/Repo.git`, `https://u@github.com/org/repo` and
 * `ssh://git@github.com:22/org/repo.git` all become `github.com/org/repo`.
 */
export function normaliseRemote(url: string): string {
  let rest = url.trim();
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(rest);
  if (scheme) {
    rest = rest.slice(scheme[0].length);
    rest = rest.replace(/^[^@/]*@/, '');
    rest = rest.replace(/^([^/:]+):\d+(?=\/|$)/, '$1');
  } else if (/^[^/]+:/.test(rest) && !/^[A-Za-z]:[\\/]/.test(rest)) {
    // scp-like syntax: [user@]host:path
    rest = rest.replace(/^[^@/]*@/, '').replace(':', '/');
  }
  // A path remote may end in `/.` (`git clone .` records the directory it cloned from that way).
  return rest.replace(/(\/\.)+\/*$/, '').replace(/\/+$/, '').replace(/\.git$/i, '').replace(/\/+/g, '/').toLowerCase();
}

/** `<name>-<8 hex>`: readable, and distinct for two repositories with the same name. */
function idFrom(name: string, key: string): string {
  // Project ids start with a letter or digit (the hub refuses others), so leading dots and dashes go.
  const slug = name.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+|-+$/g, '').slice(0, 48) || 'repo';
  return `${slug}-${createHash('sha256').update(key).digest('hex').slice(0, 8)}`;
}

const branchOf = (gitDir: string): string | undefined => /^ref:\s*refs\/heads\/(.+?)\s*$/m.exec(readText(join(gitDir, 'HEAD')) ?? '')?.[1];

/** The project id declared in `.baton.json` at the work tree's root, if any. */
function declaredIn(root: string): string | undefined {
  const text = readText(join(root, '.baton.json'));
  if (text === undefined) return undefined;
  try {
    const project = (JSON.parse(text) as { project?: unknown }).project;
    return typeof project === 'string' ? project : undefined;
  } catch {
    return undefined;
  }
}

/** Throws when an explicitly chosen id is not a valid project id. */
function checked(id: string, where: string): string {
  if (!PROJECT_ID.test(id)) throw new Error(`project '${id.slice(0, 80)}' from ${where} is not valid: use 1-64 letters, digits, '.', '_' or '-'.`);
  return id;
}

export function resolveProject(options: ResolveProjectOptions): ProjectIdentity {
  const git = locateGit(options.cwd);
  const where = git ? { root: git.root, ...(branchOf(git.gitDir) ? { branch: branchOf(git.gitDir) } : {}) } : {};
  if (options.explicit) return { id: checked(options.explicit, '--project'), source: 'flag', ...where };
  const fromEnv = options.env?.['BATON_PROJECT'];
  if (fromEnv) return { id: checked(fromEnv, 'BATON_PROJECT'), source: 'env', ...where };
  if (!git) return { id: 'default', source: 'default' };
  const declared = declaredIn(git.root);
  if (declared !== undefined) return { id: checked(declared, join(git.root, '.baton.json')), source: 'file', ...where };
  const remote = remoteUrlOf(readText(join(git.commonDir, 'config')) ?? '');
  if (remote) {
    const normalised = normaliseRemote(remote);
    return { id: idFrom(basename(normalised), normalised), source: 'git-remote', from: normalised, ...where };
  }
  // No remote: the common directory is what every worktree of this repository shares.
  const name = basename(git.commonDir) === '.git' ? basename(dirname(git.commonDir)) : basename(git.commonDir).replace(/\.git$/i, '');
  return { id: idFrom(name, git.commonDir), source: 'git-dir', from: git.commonDir, ...where };
}

/** Why a directory belongs to its project, in words (`baton mcp` logs it, `baton status` shows it). */
export function describeProject(identity: ProjectIdentity): string {
  switch (identity.source) {
    case 'flag':
      return 'chosen with --project';
    case 'env':
      return 'chosen with BATON_PROJECT';
    case 'file':
      return `declared in ${join(identity.root ?? '.', '.baton.json')}`;
    case 'git-remote':
      return `from the git remote ${identity.from ?? '?'}`;
    case 'git-dir':
      return `from the repository at ${identity.from ?? '?'}, which has no remote`;
    case 'default':
      return 'the directory is in no git repository';
  }
}
