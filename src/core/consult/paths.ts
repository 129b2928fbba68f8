/**
 * @module Path matching for consultation: exact on the fast path, the leases'
 * conservative glob overlap when either side is a glob, and module prefixes on a
 * `/` boundary.
 */
import { globsOverlap, normalizeGlob } from '../leases/glob-overlap.js';

const GLOB_CHARS = /[*?[\]{}!]/;

export const isGlob = (path: string): boolean => GLOB_CHARS.test(path);

/** Normalises a list of repo paths or globs, dropping duplicates. */
export const normalizePaths = (paths: readonly string[]): string[] => [...new Set(paths.map(normalizeGlob))];

/** Whether two paths or globs may name a common file. */
export const pathsMeet = (a: string, b: string): boolean => (a === b ? true : isGlob(a) || isGlob(b) ? globsOverlap(a, b) : false);

/** Whether module `a` contains `b` or `b` contains `a` (prefix on a `/` boundary). */
export function modulesMeet(a: string, b: string): boolean {
  const x = a.replace(/\/+$/, '');
  const y = b.replace(/\/+$/, '');
  if (x === '' || y === '') return false;
  return x === y || y.startsWith(`${x}/`) || x.startsWith(`${y}/`);
}
