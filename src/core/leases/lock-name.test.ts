/**
 * @module Lock names: what is valid, the ancestor/descendant hierarchy, and the
 * `work` alias resolved from a git branch.
 */
import { describe, expect, it } from 'vitest';
import { CoordinationError } from '../errors.js';
import { assertLockName, LOCK_NAME_MAX, lockAncestors, lockNamesRelated, resolveWorkLockName } from './lock-name.js';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('assertLockName', () => {
  it.each(['pytest', 'pr-create', 'issue:42', 'wave:5c.1', 'team/db@prod', 'under_score', 'a'.repeat(LOCK_NAME_MAX)])('accepts %j', (name) => {
    expect(() => { assertLockName(name); }).not.toThrow();
  });

  it.each(['', 'two words', 'a::b', ':a', 'a:', 'a.', '.a', 'naïve', 'a*', 'a'.repeat(LOCK_NAME_MAX + 1)])('refuses %j with INVALID_INPUT on the name field', (name) => {
    const error = thrown(() => { assertLockName(name); });
    expect(error).toBeInstanceOf(CoordinationError);
    expect(error).toMatchObject({ code: 'INVALID_INPUT', details: { field: 'name' } });
  });
});

describe('lockNamesRelated', () => {
  it('relates a lock to its descendants and its ancestors', () => {
    expect(lockNamesRelated('wave:5c', 'wave:5c.1')).toBe(true);
    expect(lockNamesRelated('wave:5c.1', 'wave:5c')).toBe(true);
    expect(lockNamesRelated('wave', 'wave:5c.1')).toBe(true);
    expect(lockNamesRelated('issue:42', 'issue:42')).toBe(true);
  });

  it('keeps siblings, look-alike prefixes and other families apart', () => {
    expect(lockNamesRelated('issue:42', 'wave:5c.1')).toBe(false);
    expect(lockNamesRelated('wave:5c.1', 'wave:5c.2')).toBe(false);
    expect(lockNamesRelated('wave:5c', 'wave:5cx')).toBe(false);
    expect(lockNamesRelated('issue:4', 'issue:42')).toBe(false);
  });

  it('splits levels at ":" or "." but keeps names that differ only in the separator apart', () => {
    expect(lockAncestors('wave:5c.1')).toEqual(['wave', 'wave:5c']);
    expect(lockNamesRelated('wave.5c', 'wave.5c:1')).toBe(true);
    expect(lockNamesRelated('wave.5c', 'wave:5c')).toBe(false);
  });
});

describe('resolveWorkLockName', () => {
  it.each([
    ['issue-42-auth', 'issue:42'],
    ['wave-5c.1-feat', 'wave:5c.1'],
    ['feature/issue-7', 'issue:7'],
    ['fix/wave-5c.1', 'wave:5c.1'],
    ['Issue-42_login', 'issue:42'],
    ['issue-42', 'issue:42'],
  ])('resolves branch %j to %j, a valid lock name', (branch, name) => {
    expect(resolveWorkLockName(branch)).toBe(name);
    expect(() => { assertLockName(name); }).not.toThrow();
  });

  it.each(['main', 'feature-login', 'issue42', '42-issue', '', undefined])('refuses branch %j with INVALID_INPUT on the branch field', (branch) => {
    const error = thrown(() => resolveWorkLockName(branch));
    expect(error).toBeInstanceOf(CoordinationError);
    expect(error).toMatchObject({ code: 'INVALID_INPUT', details: { field: 'branch' } });
  });
});
