/**
 * @module The file-reservation overlap rule: where two globs can match one path,
 * and how paths are normalised and refused.
 */
import { describe, expect, it } from 'vitest';
import { CoordinationError } from '../errors.js';
import { GLOB_MAX_LENGTH, globMatchesPath, globsOverlap, normalizeGlob } from './glob-overlap.js';

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
});
