/**
 * @module The conservative overlap rule for file reservations: two globs overlap
 * when some path could match both. Where the rule cannot decide cheaply (two
 * wildcard segments with compatible literal ends), it answers "overlap".
 *
 * Rule, per `/`-separated segment after brace expansion:
 * - `**` matches any number of segments (including none);
 * - two literal segments overlap when equal;
 * - a literal and a wildcard segment overlap when the wildcard matches the literal;
 * - two wildcard segments overlap when their literal prefixes and suffixes are
 *   compatible (one is a prefix/suffix of the other) — conservative.
 */
import { invalidInput } from '../errors.js';

export const GLOB_MAX_LENGTH = 500;
const MAX_EXPANSIONS = 64;

/** Normalises a path glob (`./src//a` → `src/a`) and rejects absolute or `..` paths. */
export function normalizeGlob(glob: string): string {
  const trimmed = glob.trim().replace(/\\/g, '/');
  if (trimmed.length === 0 || trimmed.length > GLOB_MAX_LENGTH) {
    throw invalidInput(`Path glob must be 1 to ${GLOB_MAX_LENGTH} characters.`, { field: 'paths' });
  }
  if (trimmed.startsWith('/') || /^[A-Za-z]:\//.test(trimmed)) {
    throw invalidInput(`Path '${trimmed}' is absolute: give paths relative to the repository root.`, { field: 'paths' });
  }
  const segments = trimmed.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) throw invalidInput(`Path '${trimmed}' leaves the repository ('..').`, { field: 'paths' });
  if (segments.length === 0) return '**';
  return segments.join('/');
}

function expandBraces(glob: string): string[] {
  const open = glob.indexOf('{');
  const close = open < 0 ? -1 : glob.indexOf('}', open);
  if (open < 0 || close < 0) return [glob];
  const head = glob.slice(0, open);
  const tail = glob.slice(close + 1);
  const out: string[] = [];
  for (const option of glob.slice(open + 1, close).split(',')) {
    for (const rest of expandBraces(tail)) {
      out.push(head + option + rest);
      // Too many alternatives: each brace group becomes `*`, which matches every one of them (conservative).
      if (out.length > MAX_EXPANSIONS) return [glob.replace(/\{[^}]*\}/g, '*')];
    }
  }
  return out;
}

const WILDCARD = /[*?[]/;
const isWild = (segment: string): boolean => WILDCARD.test(segment);

/** Matches one path segment against one glob segment (`*`, `?`, `[...]`). */
function segmentMatches(pattern: string, literal: string): boolean {
  let source = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charAt(i);
    if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) source += '\\[';
      else {
        const body = pattern.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\');
        source += `[${body}]`;
        i = end;
      }
    } else source += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  try {
    return new RegExp(`${source}$`).test(literal);
  } catch {
    return true; // an unparsable class: decide conservatively
  }
}

function literalEnds(segment: string): { prefix: string; suffix: string } {
  const first = segment.search(WILDCARD);
  let last = 0;
  for (let i = 0; i < segment.length; i++) if (WILDCARD.test(segment.charAt(i)) || segment.charAt(i) === ']') last = i + 1;
  return { prefix: segment.slice(0, first), suffix: segment.slice(last) };
}

function segmentsOverlap(a: string, b: string): boolean {
  const wa = isWild(a);
  const wb = isWild(b);
  if (!wa && !wb) return a === b;
  if (wa && !wb) return segmentMatches(a, b);
  if (!wa && wb) return segmentMatches(b, a);
  const ea = literalEnds(a);
  const eb = literalEnds(b);
  const prefixOk = ea.prefix.startsWith(eb.prefix) || eb.prefix.startsWith(ea.prefix);
  const suffixOk = ea.suffix.endsWith(eb.suffix) || eb.suffix.endsWith(ea.suffix);
  return prefixOk && suffixOk;
}

function pathsOverlap(a: string[], b: string[]): boolean {
  const memo = new Map<number, boolean>();
  const walk = (i: number, j: number): boolean => {
    const key = i * (b.length + 1) + j;
    const seen = memo.get(key);
    if (seen !== undefined) return seen;
    let result: boolean;
    const sa = a[i];
    const sb = b[j];
    if (sa === undefined && sb === undefined) result = true;
    else if (sa === '**') result = walk(i + 1, j) || (sb !== undefined && walk(i, j + 1));
    else if (sb === '**') result = walk(i, j + 1) || (sa !== undefined && walk(i + 1, j));
    else if (sa === undefined || sb === undefined) result = false;
    else result = segmentsOverlap(sa, sb) && walk(i + 1, j + 1);
    memo.set(key, result);
    return result;
  };
  return walk(0, 0);
}

/** True when some path could match both globs (conservative; see the module rule). */
export function globsOverlap(a: string, b: string): boolean {
  for (const ea of expandBraces(a)) {
    for (const eb of expandBraces(b)) {
      if (pathsOverlap(ea.split('/'), eb.split('/'))) return true;
    }
  }
  return false;
}

/** True when a concrete file path (no wildcards) is matched by a glob. */
export function globMatchesPath(glob: string, path: string): boolean {
  return globsOverlap(glob, normalizeGlob(path));
}
