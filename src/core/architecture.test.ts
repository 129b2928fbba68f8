/**
 * @module Architecture guard: core/ is pure domain. No production file under
 * src/core imports node:* built-ins, packages, or anything outside src/core
 * (tests may, as they run on Node with vitest).
 */
/* eslint-disable no-restricted-imports -- the guard reads the source tree from disk */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
/* eslint-enable no-restricted-imports */
import { describe, expect, it } from 'vitest';

const CORE = dirname(fileURLToPath(import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.case.ts') ? [path] : [];
  });
}

/** Every module specifier of static imports, re-exports, side-effect and dynamic imports. */
function specifiers(source: string): string[] {
  const found: string[] = [];
  const patterns = [/\b(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g, /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g];
  for (const pattern of patterns) for (const match of source.matchAll(pattern)) if (match[1]) found.push(match[1]);
  return found;
}

describe('src/core', () => {
  const files = sourceFiles(CORE);

  it('has production modules to check', () => {
    expect(files.length).toBeGreaterThan(5);
  });

  it('imports neither node built-ins, packages, nor modules outside src/core', () => {
    const offences: string[] = [];
    for (const file of files) {
      for (const spec of specifiers(readFileSync(file, 'utf8'))) {
        const inside = spec.startsWith('.') && !relative(CORE, resolve(dirname(file), spec)).startsWith(`..${sep}`);
        if (!inside) offences.push(`${relative(CORE, file)} imports '${spec}'`);
      }
    }
    expect(offences).toEqual([]);
  });

  it('catches each kind of import it forbids', () => {
    const sample = [
      "import { readFileSync } from 'node:fs';",
      "import type { Store } from '../store/store.js';",
      "export { x } from 'zod';",
      "import 'better-sqlite3';",
      "const m = await import('pg');",
    ].join('\n');
    expect(specifiers(sample)).toEqual(['node:fs', '../store/store.js', 'zod', 'better-sqlite3', 'pg']);
  });
});
