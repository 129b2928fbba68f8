/**
 * @module The map's summary: cycles as groups of files that reach each other
 * (two separate ones, one inside a chain, a long chain without a stack
 * overflow), directory modules, and the most imported files.
 */
import { describe, expect, it } from 'vitest';
import { importCycles, moduleGroups, mostImported } from './map-summary.js';

describe('map summary', () => {
  it('finds each cycle once, largest first, and nothing in an acyclic chain', () => {
    const map = { 'a.ts': ['b.ts'], 'b.ts': ['c.ts'], 'c.ts': ['a.ts', 'd.ts'], 'd.ts': ['e.ts'], 'e.ts': [], 'x/1.ts': ['x/2.ts'], 'x/2.ts': ['x/1.ts', 'a.ts'] };
    expect(importCycles(map)).toEqual([['a.ts', 'b.ts', 'c.ts'], ['x/1.ts', 'x/2.ts']]);
    expect(importCycles({ 'a.ts': ['b.ts'], 'b.ts': ['c.ts'], 'c.ts': [] })).toEqual([]);
  });

  it('walks a 100,000-file chain that closes into one cycle without recursion', () => {
    const map: Record<string, string[]> = {};
    for (let i = 0; i < 100_000; i++) map[`f${i}.ts`] = [`f${(i + 1) % 100_000}.ts`];
    const cycles = importCycles(map);
    expect(cycles).toHaveLength(1);
    expect(cycles[0]).toHaveLength(100_000);
  });

  it('groups files by directory with the directories they import, and ranks the most imported', () => {
    const map = { 'src/a.ts': ['src/lib/x.ts', 'src/b.ts'], 'src/b.ts': ['src/lib/x.ts'], 'src/lib/x.ts': ['data.json'], 'main.ts': ['src/a.ts'] };
    expect(moduleGroups(map)).toEqual({ '.': { files: 1, depends_on: ['src'] }, src: { files: 2, depends_on: ['src/lib'] }, 'src/lib': { files: 1, depends_on: ['.'] } });
    expect(mostImported(map, 2)).toEqual([{ file: 'src/lib/x.ts', imported_by: 2 }, { file: 'data.json', imported_by: 1 }]);
  });
});
