/**
 * @module The files of a repository that take part in its import map: what git
 * lists (tracked, plus untracked files .gitignore does not exclude), so build
 * output, virtual environments and vendored packages stay out exactly as the
 * repository says. Paths are relative to the work tree's top, with `/`.
 */
import { execFileSync } from 'node:child_process';
import { realpathSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { workTreeOf } from '../project/identity.js';
import { ImportGraphError } from './errors.js';

const SCRIPT = /\.(?:[cm]?[jt]s|[jt]sx)$/;
const DECLARATION = /\.d\.(?:[cm]?ts|[^./]+\.ts)$/;

/** A TypeScript or JavaScript source file (declaration files are not sources). */
const isScript = (path: string): boolean => SCRIPT.test(path) && !DECLARATION.test(path);
const isPython = (path: string): boolean => path.endsWith('.py');

export interface RepositoryFiles {
  /** The work tree's top directory, as the file system names it (symbolic links resolved). */
  root: string;
  /** Every file git lists, sorted: the analysers look files up here instead of on disk. */
  all: ReadonlySet<string>;
  scripts: string[];
  python: string[];
}

const isDirectory = (path: string): boolean => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

const isFile = (path: string): boolean => {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
};

function gitFiles(root: string): string[] {
  let out: string;
  try {
    out = execFileSync('git', ['-C', root, '-c', 'core.quotepath=false', 'ls-files', '-z', '--cached', '--others', '--exclude-standard'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: unknown }).stderr;
    const why = typeof stderr === 'string' && stderr.trim() !== '' ? stderr.trim().split('\n')[0] : (error as Error).message;
    throw new ImportGraphError('GIT_FAILED', `git ls-files failed in ${root}: ${why ?? 'no output'}`, { cause: error });
  }
  return out.split('\0').filter((p) => p !== '');
}

/** The repository containing `dir` and its source files; NOT_A_REPOSITORY, GIT_FAILED or NO_SOURCE_FILES otherwise. */
export function repositoryFiles(dir: string): RepositoryFiles {
  const start = resolve(dir);
  if (!isDirectory(start)) throw new ImportGraphError('NOT_A_REPOSITORY', `${start} is not a directory.`);
  const top = workTreeOf(start);
  if (top === undefined) throw new ImportGraphError('NOT_A_REPOSITORY', `${start} is in no git repository.`);
  const root = realpathSync(top);
  // A file deleted but not yet committed is still listed (--cached); a submodule is listed as its directory.
  const listed = gitFiles(root).filter((p) => !p.split('/').includes('node_modules')).sort();
  const sources = listed.filter((p) => (isScript(p) || isPython(p)) && isFile(resolve(root, p)));
  if (sources.length === 0) throw new ImportGraphError('NO_SOURCE_FILES', `git lists no TypeScript, JavaScript or Python file in ${root}.`);
  return { root, all: new Set(listed), scripts: sources.filter(isScript), python: sources.filter(isPython) };
}
