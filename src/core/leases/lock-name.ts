/**
 * @module Named-lock rules: what a valid name is, the hierarchy (a name's ancestors
 * end where it has ':' or '.'; a lock conflicts with its ancestors and descendants), and the `work`
 * alias that resolves from a git branch name.
 */
import { invalidInput } from '../errors.js';

const NAME = /^[A-Za-z0-9_\-/@]+(?:[:.][A-Za-z0-9_\-/@]+)*$/;
export const LOCK_NAME_MAX = 200;

/** Throws INVALID_INPUT unless `name` is a well-formed lock name. */
export function assertLockName(name: string): void {
  if (name.length === 0 || name.length > LOCK_NAME_MAX || !NAME.test(name)) {
    throw invalidInput(
      `Lock name '${name.slice(0, 80)}' is not valid: use letters, digits, _ - / @, with ':' or '.' between hierarchy levels (e.g. 'wave:5c.1'), at most ${LOCK_NAME_MAX} characters.`,
      { field: 'name' },
    );
  }
}

const isSeparator = (c: string): boolean => c === ':' || c === '.';

/** The proper ancestors of a name, nearest last: `wave:5c.1` → [`wave`, `wave:5c`]. */
export function lockAncestors(name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < name.length; i++) if (isSeparator(name.charAt(i))) out.push(name.slice(0, i));
  return out;
}

/**
 * True when the names are equal or one is an ancestor of the other: the longer starts
 * with the shorter followed by ':' or '.' (`wave:5c` and `wave:5c.1`; not `wave:5c` and
 * `wave:5cx`, nor `a.b` and `a:b`, which are different names).
 */
export function lockNamesRelated(a: string, b: string): boolean {
  if (a === b) return true;
  const [short, long] = a.length < b.length ? [a, b] : [b, a];
  return long.startsWith(short) && isSeparator(long.charAt(short.length));
}

const WORK_BRANCH = /^([A-Za-z][A-Za-z0-9]*)-([0-9][A-Za-z0-9]*(?:\.[A-Za-z0-9]+)*)(?:[-_].*)?$/;

/**
 * Resolves the `work` lock from a branch: `issue-42-auth` → `issue:42`,
 * `wave-5c.1-feat` → `wave:5c.1`, `feature/issue-7` → `issue:7`.
 */
export function resolveWorkLockName(branch: string | undefined): string {
  if (!branch) {
    throw invalidInput("The lock 'work' resolves from your git branch, and none is known: pass branch, or register with metadata.branch.", { field: 'branch' });
  }
  const leaf = branch.slice(branch.lastIndexOf('/') + 1);
  const match = WORK_BRANCH.exec(leaf);
  if (!match?.[1] || !match[2]) {
    throw invalidInput(`Branch '${branch}' does not name work like 'issue-42-auth' or 'wave-5c.1-feat': name the lock explicitly.`, { field: 'branch' });
  }
  return `${match[1].toLowerCase()}:${match[2]}`;
}
