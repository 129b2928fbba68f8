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
 *
 * Cost: globs are untrusted input compared inside the store's write step, so
 * every step here is bounded by the globs' lengths. Matching never builds a
 * RegExp (a `*` would backtrack exponentially) and brace groups are counted
 * before they are expanded (each one multiplies the alternatives).
 */
import { invalidInput } from '../errors.js';
import { tokensMatch, type WildcardToken } from '../wildcard.js';

export const GLOB_MAX_LENGTH = 500;
/** Brace groups one glob may have: `{a,b}` repeated n times has 2^n alternatives. */
export const GLOB_MAX_BRACE_GROUPS = 8;
/** Alternatives compared for one pair of globs; past it, braces become wildcards (conservative). */
const MAX_ALTERNATIVE_PAIRS = 64;

/**
 * Normalises a path glob (`./src//a` → `src/a`) and rejects absolute or `..`
 * paths, and globs longer than GLOB_MAX_LENGTH or with more than
 * GLOB_MAX_BRACE_GROUPS brace groups.
 */
export function normalizeGlob(glob: string): string {
  const trimmed = glob.trim().replace(/\\/g, '/');
  if (trimmed.length === 0 || trimmed.length > GLOB_MAX_LENGTH) {
    throw invalidInput(`Path glob must be 1 to ${GLOB_MAX_LENGTH} characters.`, { field: 'paths', limit: GLOB_MAX_LENGTH });
  }
  const groups = parseBraces(trimmed).groups.length;
  if (groups > GLOB_MAX_BRACE_GROUPS) {
    throw invalidInput(`Path glob '${trimmed}' has ${groups} brace groups: at most ${GLOB_MAX_BRACE_GROUPS} brace groups are allowed in one glob.`, {
      field: 'paths',
      limit: GLOB_MAX_BRACE_GROUPS,
    });
  }
  if (trimmed.startsWith('/') || /^[A-Za-z]:\//.test(trimmed)) {
    throw invalidInput(`Path '${trimmed}' is absolute: give paths relative to the repository root.`, { field: 'paths' });
  }
  const segments = trimmed.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) throw invalidInput(`Path '${trimmed}' leaves the repository ('..').`, { field: 'paths' });
  if (segments.length === 0) return '**';
  return segments.join('/');
}

/** True when some path could match both globs (conservative; see the module rule). */
export function globsOverlap(a: string, b: string): boolean {
  const [as, bs] = alternatives(a, b);
  return as.some((ea) => bs.some((eb) => pathsOverlap(ea.split('/'), eb.split('/'))));
}

/** True when a concrete file path (no wildcards) is matched by a glob. */
export function globMatchesPath(glob: string, path: string): boolean {
  return globsOverlap(glob, normalizeGlob(path));
}

// ---- internal helpers: braces ------------------------------------------------

/** A glob cut at its brace groups: `pieces[0] group[0] pieces[1] …`; an unclosed `{` is literal. */
interface Braces {
  pieces: string[];
  groups: string[][];
}

function parseBraces(glob: string): Braces {
  const pieces: string[] = [];
  const groups: string[][] = [];
  let from = 0;
  for (;;) {
    const open = glob.indexOf('{', from);
    const close = open < 0 ? -1 : glob.indexOf('}', open);
    if (close < 0) break;
    pieces.push(glob.slice(from, open));
    groups.push(glob.slice(open + 1, close).split(','));
    from = close + 1;
  }
  pieces.push(glob.slice(from));
  return { pieces, groups };
}

/** How many alternatives the braces expand to, counted up to just past MAX_ALTERNATIVE_PAIRS. */
function countAlternatives(braces: Braces): number {
  let count = 1;
  for (const group of braces.groups) {
    count *= group.length;
    if (count > MAX_ALTERNATIVE_PAIRS) return MAX_ALTERNATIVE_PAIRS + 1;
  }
  return count;
}

function expand(braces: Braces): string[] {
  let out = [braces.pieces[0] ?? ''];
  braces.groups.forEach((group, g) => {
    const piece = braces.pieces[g + 1] ?? '';
    out = out.flatMap((head) => group.map((option) => head + option + piece));
  });
  return out;
}

/**
 * One glob that matches every alternative: each group becomes `*`, or, when an
 * option could span segments (`/` or `**`), everything from the first group's
 * directory on becomes `**`.
 */
function collapse(braces: Braces): string {
  const spans = braces.groups.some((group) => group.some((option) => option.includes('/') || option.includes('**')));
  if (!spans) return braces.pieces.join('*');
  const head = braces.pieces[0] ?? '';
  return `${head.slice(0, head.lastIndexOf('/') + 1)}**`;
}

/**
 * The alternatives to compare for a pair of globs. When there are too many pairs,
 * the side with more alternatives is collapsed first (ties broken by the text, so
 * the answer does not depend on the argument order), then the other if needed.
 */
function alternatives(a: string, b: string): [string[], string[]] {
  const ba = parseBraces(a);
  const bb = parseBraces(b);
  const na = countAlternatives(ba);
  const nb = countAlternatives(bb);
  if (na * nb <= MAX_ALTERNATIVE_PAIRS) return [expand(ba), expand(bb)];
  const aFirst = na > nb || (na === nb && a > b);
  if (aFirst) return [[collapse(ba)], nb <= MAX_ALTERNATIVE_PAIRS ? expand(bb) : [collapse(bb)]];
  return [na <= MAX_ALTERNATIVE_PAIRS ? expand(ba) : [collapse(ba)], [collapse(bb)]];
}

// ---- internal helpers: segments ----------------------------------------------

/** Two slash-split globs, `**` spanning segments: a memoised walk over (i, j), O(|a|·|b|) steps. */
function pathsOverlap(a: string[], b: string[]): boolean {
  const width = b.length + 1;
  // 0 = not decided yet, 1 = no, 2 = yes.
  const memo = new Uint8Array((a.length + 1) * width);
  const walk = (i: number, j: number): boolean => {
    const key = i * width + j;
    const seen = memo[key];
    if (seen !== undefined && seen !== 0) return seen === 2;
    let result: boolean;
    const sa = a[i];
    const sb = b[j];
    if (sa === undefined && sb === undefined) result = true;
    else if (sa === '**') result = walk(i + 1, j) || (sb !== undefined && walk(i, j + 1));
    else if (sb === '**') result = walk(i, j + 1) || (sa !== undefined && walk(i + 1, j));
    else if (sa === undefined || sb === undefined) result = false;
    else result = segmentsOverlap(sa, sb) && walk(i + 1, j + 1);
    memo[key] = result ? 2 : 1;
    return result;
  };
  return walk(0, 0);
}

const isWildChar = (c: string): boolean => c === '*' || c === '?' || c === '[';

function isWild(segment: string): boolean {
  for (const c of segment) if (isWildChar(c)) return true;
  return false;
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

/** The literal text before the first wildcard and after the last wildcard or class. */
function literalEnds(segment: string): { prefix: string; suffix: string } {
  let first = -1;
  let last = 0;
  for (let i = 0; i < segment.length; i++) {
    const c = segment.charAt(i);
    if (!isWildChar(c) && c !== ']') continue;
    if (first < 0 && c !== ']') first = i;
    last = i + 1;
  }
  return { prefix: segment.slice(0, first), suffix: segment.slice(last) };
}

/**
 * Matches one literal segment against one wildcard segment in at most
 * |pattern|·|literal| steps (see ../wildcard.ts).
 */
function segmentMatches(pattern: string, literal: string): boolean {
  const tokens = tokenize(pattern);
  if (tokens === null) return true; // a malformed character class: decide conservatively
  return tokensMatch(tokens, literal);
}

/** The tokens of a wildcard segment; null when a character class is malformed (`[z-a]`). */
function tokenize(pattern: string): WildcardToken[] | null {
  const tokens: WildcardToken[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charAt(i);
    const end = c === '[' ? pattern.indexOf(']', i + 1) : -1;
    if (c === '*') tokens.push({ kind: 'star' });
    else if (c === '?') tokens.push({ kind: 'one', test: () => true });
    else if (end >= 0) {
      const test = classTest(pattern.slice(i + 1, end));
      if (test === null) return null;
      tokens.push({ kind: 'one', test });
      i = end;
    } else {
      // A literal character, or a `[` that no `]` closes.
      const code = pattern.charCodeAt(i);
      tokens.push({ kind: 'one', test: (x) => x === code });
    }
  }
  return tokens;
}

/** `[abc]`, `[a-z]`, `[!a]` / `[^a]` (negated); every other character in the body is literal. */
function classTest(body: string): ((code: number) => boolean) | null {
  const negated = body.startsWith('!') || body.startsWith('^');
  const ranges: [number, number][] = [];
  for (let k = negated ? 1 : 0; k < body.length; k++) {
    const low = body.charCodeAt(k);
    if (body.charAt(k + 1) === '-' && k + 2 < body.length) {
      const high = body.charCodeAt(k + 2);
      if (high < low) return null;
      ranges.push([low, high]);
      k += 2;
    } else ranges.push([low, low]);
  }
  return (code) => ranges.some(([low, high]) => code >= low && code <= high) !== negated;
}
