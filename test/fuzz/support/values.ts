/**
 * @module Input material for the fuzz suites: pools of identifiers that exist in
 * the seeded fuzz project (so calls reach deep paths, not only validation), and
 * hostile values (wrong types, boundaries, huge and odd strings, deep nesting,
 * prototype keys, non-finite-looking numbers).
 */
import fc from 'fast-check';

export const FUZZ_PROJECT = 'fuzz';

/**
 * How a case is built. Plausible cases fit the schema and name what exists, so they
 * reach the store and its rules; hostile ones mix in wrong types, boundaries and
 * odd values at any depth. Half of the cases are of each kind.
 */
export type Mode = 'plausible' | 'hostile';

/** For a field, by its name: identifiers the seed created (`good`), and near misses (`near`). */
export interface Pool {
  good: readonly string[];
  near: readonly string[];
}

export const POOLS: Readonly<Record<string, Pool>> = {
  project: { good: [FUZZ_PROJECT], near: ['default', 'fuzz-other', 'Fuzz'] },
  agent_id: { good: ['fa', 'fb'], near: ['fc', 'ghost'] },
  name: { good: ['fz-lock', 'fz-shared', 'work', 'wave:5c', 'wave:5c.1', 'issue:42'], near: ['x:'] },
  task_id: { good: ['ft1', 'ft2', 'ft3'], near: ['nope'] },
  id: { good: ['ft4', 'ft5', 'new-task'], near: ['ft1'] },
  scope: { good: ['fs', 'agent:fa'], near: ['other'] },
  key: { good: ['fk', 'k2'], near: ['missing'] },
  service_id: { good: ['fsvc'], near: ['fa'] },
  topic: { good: ['cache.invalidate'], near: ['x'] },
  branch: { good: ['issue-42-auth', 'wave-5c.1-feat'], near: ['main'] },
  dependencies: { good: ['ft1', 'ft2'], near: ['nope'] },
  paths: { good: ['src/**', 'src/a.ts', 'docs/*.md', 'package.json'], near: ['/abs', '../up'] },
  // Few ids, so the same one comes back on other commands and with other input (REQUEST_ID_REUSED, never a 500).
  request_id: { good: ['r1', 'r2'], near: ['r3'] },
};

/** Small numbers where the field counts something the seed made (tokens, versions, cursors). */
export const NUMBER_POOLS: Readonly<Record<string, readonly number[]>> = {
  // Fencing tokens come from one counter per project: the seed's are small, the fuzz's own grants follow.
  token: Array.from({ length: 40 }, (_, i) => i + 1),
  if_version: [0, 1, 2],
  after: [0, 1, 5, 20],
  count: [1, 2],
};

/**
 * A long string that fast-check reports by its length: a counterexample stays
 * readable. JSON.stringify sends the string itself (toJSON).
 */
export class LongString {
  readonly length: number;
  constructor(length: number) {
    this.length = length;
  }
  toJSON(): string {
    return 'x'.repeat(this.length);
  }
  [fc.toStringMethod](): string {
    return `'x' × ${this.length}`;
  }
}

/** Deeply nested JSON, built as text so no recursion is needed here to make or send it. */
export const deepArrayText = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const deepObject = (depth: number): unknown => JSON.parse(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`) as unknown;

/** An object whose own keys are __proto__ and constructor (JSON.parse makes them own properties). */
const prototypeKeys = JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"toString":1}') as unknown;

const ODD_STRINGS = [
  '',
  ' ',
  'NaN',
  'Infinity',
  '-Infinity',
  '-1',
  '1e999',
  '0x10',
  '__proto__',
  'constructor',
  '../../etc/passwd',
  '/abs/path',
  '%00',
  '%zz',
  '\u0000',
  'a\nb',
  '\ud800',
  '\u202e\u0301',
  '😀'.repeat(50),
  'x'.repeat(201),
  'null',
  '[]',
  '{}',
  '*',
  '**/*',
  '{a,b}/**',
];

const ODD_NUMBERS = [0, -0, -1, 0.5, -0.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 2 ** 31, -(2 ** 53), 86_401, 3_601, 10_001];

/** Any string a client could send, odd ones included. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...ODD_STRINGS),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
);

/** A value of any type, skewed to the ones that break parsers and validators. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.constantFrom<unknown>(null, true, false, ...ODD_NUMBERS),
  fc.integer(),
  fc.double(),
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(deepObject(300), prototypeKeys, [], {}, [null], { '': '' }, new LongString(70_000), new LongString(1_100_000)),
);

/** A header value fetch accepts (printable ASCII): plausible ones from the pool (or none), or also near misses and odd ones. */
export const headerValue = (pool: Pool, mode: Mode): fc.Arbitrary<string | undefined> => {
  const plausible = fc.constantFrom<string | undefined>(...pool.good, undefined);
  if (mode === 'plausible') return plausible;
  return fc.oneof(
    plausible,
    fc.constantFrom(...pool.near),
    fc.oneof(fc.string({ unit: 'grapheme-ascii', maxLength: 80 }), fc.constantFrom('', ' ', 'x'.repeat(300), '../..', '*', 'NaN')),
  );
};
