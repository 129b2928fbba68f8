/**
 * @module Wildcard matching without a RegExp. Patterns come from users (lock
 * names, scopes, path globs), and a `*` turned into `.*` backtracks
 * exponentially: `*a*a*a…*c` against a long name froze the server for seconds.
 * This walk retries only from the last `*`, so it takes at most
 * |pattern|·|text| steps.
 */

/** One wildcard token: `*` (any run of characters, none included), or a test for exactly one character. */
export type WildcardToken = { kind: 'star' } | { kind: 'one'; test: (code: number) => boolean };

/** True when the tokens match the whole of `text` (UTF-16 code units, as a RegExp without `u` reads them). */
export function tokensMatch(tokens: readonly WildcardToken[], text: string): boolean {
  let t = 0;
  let i = 0;
  let star = -1;
  let resume = 0;
  while (i < text.length) {
    const token = tokens[t];
    if (token?.kind === 'one' && token.test(text.charCodeAt(i))) {
      t++;
      i++;
    } else if (token?.kind === 'star') {
      star = t++;
      resume = i;
    } else if (star >= 0) {
      t = star + 1;
      i = ++resume;
    } else return false;
  }
  while (tokens[t]?.kind === 'star') t++;
  return t === tokens.length;
}

const ANY_ONE: WildcardToken = { kind: 'one', test: () => true };
const STAR: WildcardToken = { kind: 'star' };

/**
 * A shell-style pattern as a whole-string matcher, as Redis KEYS and fnmatch
 * read the two wildcards: `*` is any run of characters (newlines and `/`
 * included), `?` is one character; every other character is literal.
 */
export function wildcardMatcher(pattern: string): (value: string) => boolean {
  const tokens: WildcardToken[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charAt(i);
    if (c === '*') {
      if (tokens.at(-1) !== STAR) tokens.push(STAR); // `**` matches what `*` does
    } else if (c === '?') tokens.push(ANY_ONE);
    else {
      const code = pattern.charCodeAt(i);
      tokens.push({ kind: 'one', test: (x) => x === code });
    }
  }
  return (value) => tokensMatch(tokens, value);
}
