/**
 * @module The file-reservation overlap rule: where two globs can match one path,
 * and how paths are normalised and refused.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CoordinationError } from '../errors.js';
import { GLOB_MAX_BRACE_GROUPS, GLOB_MAX_LENGTH, globMatchesPath, globsOverlap, normalizeGlob } from './glob-overlap.js';

const overlapping: [string, string][] = [
  ['src/**', 'src/a.ts'],
  ['**/*.md', 'docs/a.md'],
  ['**', 'x/y/z.ts'],
  ['src/**', 'src'],
  ['**/x.ts', 'x.ts'],
  ['src/**/test.ts', 'src/a/b/test.ts'],
  ['docs/*.md', 'docs/**'],
  ['src/a.ts', 'src/a.ts'],
  ['src/{a,b}.ts', 'src/b.ts'],
  ['{src,lib}/**', 'lib/x/y.ts'],
  ['src/?.ts', 'src/a.ts'],
  ['src/[ab].ts', 'src/a.ts'],
  ['[!a].ts', 'b.ts'],
  ['src/[a-c]*.ts', 'src/beta.ts'],
  // Two wildcard segments with compatible literal ends: some name fits both ('ab').
  ['a*', '*b'],
  ['src/*.test.ts', 'src/*.ts'],
];

const disjoint: [string, string][] = [
  ['src/*.ts', 'src/x/y.ts'],
  ['*.md', '*.ts'],
  ['*.md', '[ab].ts'],
  ['src/a.ts', 'src/b.ts'],
  ['src/{a,b}.ts', 'src/c.ts'],
  ['src/?.ts', 'src/ab.ts'],
  ['src/[ab].ts', 'src/c.ts'],
  ['[!a].ts', 'a.ts'],
  ['a*', 'b*'],
  ['src/**/test.ts', 'src/a/b/other.ts'],
  ['docs/**', 'src/**'],
];

describe('globsOverlap', () => {
  it.each(overlapping)('finds that %s and %s can match one path', (a, b) => {
    expect(globsOverlap(a, b)).toBe(true);
  });

  it.each(disjoint)('finds that %s and %s share no path', (a, b) => {
    expect(globsOverlap(a, b)).toBe(false);
  });

  it('answers the same whichever glob comes first', () => {
    for (const [a, b] of [...overlapping, ...disjoint]) expect(globsOverlap(b, a)).toBe(globsOverlap(a, b));
  });

  it('stays conservative when braces expand to too many alternatives', () => {
    const bomb = '{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}{m,n}';
    expect(globsOverlap(bomb, 'acegikm')).toBe(true);
    expect(globsOverlap(`src/${bomb}.ts`, 'src/bdfhjln.ts')).toBe(true);
  });

  it('stays conservative when collapsed braces could span segments', () => {
    const spanning = `src/${'{a,b/c}'.repeat(7)}`;
    expect(globsOverlap(spanning, 'src/b/cb/cb/cb/cb/cb/cb/c')).toBe(true);
    expect(globsOverlap(`${'{**,x}'.repeat(7)}/y.ts`, 'p/q/y.ts')).toBe(true);
  });

  it('decides conservatively on a malformed character class', () => {
    expect(globsOverlap('src/[z-a].ts', 'src/q.ts')).toBe(true);
  });

  it('matches a concrete path against a glob after normalising the path', () => {
    expect(globMatchesPath('src/**', './src//auth/login.ts')).toBe(true);
    expect(globMatchesPath('src/*.ts', 'src/auth/login.ts')).toBe(false);
  });
});

describe('normalizeGlob', () => {
  it.each([
    ['./src//a.ts', 'src/a.ts'],
    ['src\\auth\\login.ts', 'src/auth/login.ts'],
    ['  src/a.ts  ', 'src/a.ts'],
    ['src/./b/', 'src/b'],
    ['.', '**'],
    ['src/**', 'src/**'],
  ])('normalises %j to %j', (raw, normal) => {
    expect(normalizeGlob(raw)).toBe(normal);
  });

  it.each(['/etc/passwd', 'C:/Users/x', 'C:\\Users\\x', '../outside', 'src/../../x', '', '   ', 'a'.repeat(GLOB_MAX_LENGTH + 1)])(
    'refuses %j with INVALID_INPUT naming the paths field',
    (raw) => {
      let error: unknown;
      try {
        normalizeGlob(raw);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(CoordinationError);
      expect(error).toMatchObject({ code: 'INVALID_INPUT', details: { field: 'paths' } });
    },
  );

  it('accepts a glob of exactly the maximum length', () => {
    expect(normalizeGlob('a'.repeat(GLOB_MAX_LENGTH))).toHaveLength(GLOB_MAX_LENGTH);
  });

  it('refuses more brace groups than the limit with INVALID_INPUT saying the limit, and accepts the limit', () => {
    const glob = (groups: number): string => `src/${'{a,b}'.repeat(groups)}.ts`;
    expect(normalizeGlob(glob(GLOB_MAX_BRACE_GROUPS))).toBe(glob(GLOB_MAX_BRACE_GROUPS));
    expect(() => normalizeGlob(glob(GLOB_MAX_BRACE_GROUPS + 1))).toThrow(
      expect.objectContaining({
        code: 'INVALID_INPUT',
        message: expect.stringContaining(`at most ${GLOB_MAX_BRACE_GROUPS} brace groups`) as unknown,
        details: { field: 'paths', limit: GLOB_MAX_BRACE_GROUPS },
      }),
    );
  });
});

// ---- properties against a brute-force reference -------------------------------

/** All alternatives of a glob's braces: first `{`, the first `}` after it, options split on `,`. */
function referenceExpand(glob: string): string[] {
  const open = glob.indexOf('{');
  const close = open < 0 ? -1 : glob.indexOf('}', open);
  if (close < 0) return [glob];
  const rest = referenceExpand(glob.slice(close + 1));
  return glob.slice(open + 1, close).split(',').flatMap((option) => rest.map((r) => glob.slice(0, open) + option + r));
}

/** Backtracking match of one glob segment against one literal segment (fine for tiny inputs). */
function referenceSegment(pattern: string, literal: string): boolean {
  if (pattern === '') return literal === '';
  const c = pattern.charAt(0);
  if (c === '*') return referenceSegment(pattern.slice(1), literal) || (literal !== '' && referenceSegment(pattern, literal.slice(1)));
  if (literal === '') return false;
  const end = c === '[' ? pattern.indexOf(']') : -1;
  if (end > 0) {
    const body = pattern.slice(1, end);
    const negated = body.startsWith('!');
    const inClass = (negated ? body.slice(1) : body).includes(literal.charAt(0));
    return inClass !== negated && referenceSegment(pattern.slice(end + 1), literal.slice(1));
  }
  return (c === '?' || c === literal.charAt(0)) && referenceSegment(pattern.slice(1), literal.slice(1));
}

function referencePath(glob: string[], path: string[]): boolean {
  const [head, ...rest] = glob;
  if (head === undefined) return path.length === 0;
  if (head === '**') return referencePath(rest, path) || (path.length > 0 && referencePath(glob, path.slice(1)));
  return path.length > 0 && referenceSegment(head, path[0] ?? '') && referencePath(rest, path.slice(1));
}

const referenceMatches = (glob: string, path: string): boolean => referenceExpand(glob).some((g) => referencePath(g.split('/'), path.split('/')));

const literalPath = fc.array(fc.stringMatching(/^[ab.]{1,3}$/), { minLength: 1, maxLength: 4 }).map((s) => s.join('/'));
const globToken = fc.constantFrom('a', 'b', '.', '*', '?', '[ab]', '[!a]', '/', '**/', '{a,b}', '{a,b/a}', '{,.b}');
const glob = fc.array(globToken, { minLength: 1, maxLength: 9 }).map((tokens) => tokens.join(''));
// Enough brace groups to pass the alternatives budget, so braces collapse.
const braceHeavyGlob = fc
  .array(fc.oneof(globToken, fc.constantFrom('{a,b}', '{a,b/a}', '{**,b}', '{a*,.}')), { minLength: 7, maxLength: 12 })
  .map((tokens) => tokens.join(''));

/** A literal path that one alternative of `g` matches (wildcards filled in), picked by `seed`. */
function witness(g: string, seed: number): string {
  const options = referenceExpand(g);
  const chosen = options[seed % options.length] ?? '';
  return chosen.replaceAll('[ab]', 'a').replaceAll('[!a]', 'b').replaceAll('?', 'b').replaceAll('*', 'a');
}

describe('globsOverlap properties', () => {
  it('matches a literal path exactly as a brute-force glob matcher does', () => {
    fc.assert(
      fc.property(glob, literalPath, (g, p) => {
        // Past the alternatives budget braces collapse to wildcards: still conservative, no longer exact.
        fc.pre(referenceExpand(g).length <= 64);
        expect(globsOverlap(g, p)).toBe(referenceMatches(g, p));
      }),
      { numRuns: 3000 },
    );
  });

  it('never calls disjoint two globs that one path matches', () => {
    fc.assert(
      fc.property(glob, glob, literalPath, (g1, g2, p) => {
        if (referenceMatches(g1, p) && referenceMatches(g2, p)) expect(globsOverlap(g1, g2)).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  it('never calls disjoint two globs that one path matches, past the alternatives budget too', () => {
    fc.assert(
      fc.property(braceHeavyGlob, fc.oneof(glob, braceHeavyGlob), fc.nat(), (g1, g2, seed) => {
        const p = witness(g1, seed);
        if (!referenceMatches(g1, p)) return;
        expect(globsOverlap(g1, p)).toBe(true);
        if (referenceMatches(g2, p)) expect(globsOverlap(g1, g2)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('answers the same whichever glob comes first, for any globs', () => {
    fc.assert(
      fc.property(glob, glob, (g1, g2) => {
        expect(globsOverlap(g1, g2)).toBe(globsOverlap(g2, g1));
      }),
      { numRuns: 3000 },
    );
  });
});
