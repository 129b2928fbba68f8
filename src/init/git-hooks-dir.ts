/**
 * @module Where git runs a work tree's hooks from: `core.hooksPath` when the
 * repository sets it (husky and friends do), else `hooks` in the git common
 * directory (shared by every worktree). Read from git's files, without running git.
 */
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

const readText = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

/** The git common directory of the work tree at `root`, if it is one. */
function commonDirOf(root: string): string | undefined {
  const dotGit = join(root, '.git');
  let gitDir: string | undefined;
  try {
    if (statSync(dotGit).isDirectory()) gitDir = dotGit;
  } catch {
    return undefined;
  }
  if (!gitDir) {
    const pointer = /^gitdir:\s*(.+?)\s*$/m.exec(readText(dotGit) ?? '')?.[1];
    if (!pointer) return undefined;
    gitDir = isAbsolute(pointer) ? pointer : resolve(root, pointer);
  }
  const common = readText(join(gitDir, 'commondir'))?.trim();
  return common ? (isAbsolute(common) ? common : resolve(gitDir, common)) : gitDir;
}

/** `core.hooksPath` in a git config text, if set. */
function hooksPathOf(config: string): string | undefined {
  let inCore = false;
  let found: string | undefined;
  for (const raw of config.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('[')) inCore = /^\[\s*core\s*\]$/i.test(line);
    else if (inCore) {
      const value = /^hookspath\s*=\s*(.*)$/i.exec(line)?.[1]?.trim();
      if (value !== undefined) found = value.replace(/^"(.*)"$/, '$1');
    }
  }
  return found || undefined;
}

/** The directory git takes hooks from for the work tree at `root`; undefined outside git. */
export function gitHooksDir(root: string): string | undefined {
  const common = commonDirOf(root);
  if (!common) return undefined;
  const configured = hooksPathOf(readText(join(common, 'config')) ?? '');
  if (configured) return isAbsolute(configured) ? configured : resolve(root, configured);
  return join(common, 'hooks');
}
