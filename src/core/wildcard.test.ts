/**
 * @module The RegExp-free wildcard matcher: the profiles' `*`/`?` semantics as
 * the RegExp they replaced read them (checked against that RegExp on small
 * generated inputs, where it cannot blow up), and linear time on the hostile
 * patterns that made the RegExp backtrack.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wildcardMatcher } from './wildcard.js';

/** The matcher the profiles used before: `*` → `.*`, `?` → `.`, the rest escaped. Safe only on short inputs. */
function regexpReference(pattern: string): (value: string) => boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  const re = new RegExp(`^${source}$`, 's');
  return (value) => re.test(value);
}

describe('wildcardMatcher', () => {
  it.each([
    ['*', '', true],
    ['*', 'anything: at all', true],
    ['pr-*', 'pr-create', true],
    ['pr-*', 'pytest', false],
    ['issue:*', 'issue:42', true],
    ['wave:5c*', 'wave:5c.1', true],
    ['wave:5c*', 'wave:5', false],
    ['session:*', 'session:claude_1', true],
    ['?', '', false],
    ['?', 'x', true],
    ['??', 'x', false],
    ['a?c', 'abc', true],
    ['a*b*c', 'aXXbYYc', true],
    ['a*b*c', 'aXXcYYb', false],
    ['exact', 'exact', true],
    ['exact', 'exact!', false],
    ['*', 'line one\nline two', true],
    ['a?b', 'a\nb', true],
    ['a.b', 'axb', false],
    ['[ab]', 'a', false],
    ['[ab]', '[ab]', true],
    ['(x|y)+', '(x|y)+', true],
    ['^$\\', '^$\\', true],
    ['**', 'a/b', true],
  ])('%j against %j is %s', (pattern, value, expected) => {
    expect(wildcardMatcher(pattern)(value)).toBe(expected);
  });

  it('agrees with the RegExp it replaced on generated patterns and values', () => {
    const alphabet = fc.constantFrom('a', 'b', '*', '?', '.', '[', ']', '\\', '\n', ':', 'é');
    const text = (max: number) => fc.array(alphabet, { maxLength: max }).map((cs) => cs.join(''));
    fc.assert(
      fc.property(text(8), text(12), (pattern, value) => {
        expect(wildcardMatcher(pattern)(value)).toBe(regexpReference(pattern)(value));
      }),
      { seed: 20260701, numRuns: 5_000 },
    );
  });

  it('decides patterns that make a backtracking RegExp run for minutes in milliseconds', () => {
    const started = performance.now();
    expect(wildcardMatcher(`${'*a'.repeat(100)}*c`)('a'.repeat(200))).toBe(false);
    expect(wildcardMatcher(`${'*a'.repeat(100)}*`)('a'.repeat(200))).toBe(true);
    expect(wildcardMatcher(`${'?*'.repeat(100)}c`)('a'.repeat(200))).toBe(false);
    expect(performance.now() - started).toBeLessThan(500);
  });
});
