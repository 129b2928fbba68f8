/**
 * @module Loads an engine's SQL: one statement per `snake_case.sql` file in a
 * folder, keyed by file name. Reading them once at start keeps SQL out of the
 * TypeScript and lets each statement carry its own comment.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Every statement of `dir` (a folder URL), by name; throws naming a statement the caller expects but the folder lacks. */
export function loadSql<TName extends string>(dir: URL, names: readonly TName[]): Record<TName, string> {
  const path = fileURLToPath(dir);
  const found = new Map<string, string>();
  for (const file of readdirSync(path).filter((f) => f.endsWith('.sql'))) found.set(file.slice(0, -4), readFileSync(`${path}/${file}`, 'utf8').trim());
  const out = {} as Record<TName, string>;
  for (const name of names) {
    const sql = found.get(name);
    if (sql === undefined) throw new Error(`Missing SQL statement ${name}.sql in ${path}.`);
    out[name] = sql;
  }
  return out;
}
