/**
 * @module Applies the versioned SQL migrations in ./migrations (NNNN_name.sql) in
 * order, each in its own transaction, recording each version once.
 */
import type { Database } from 'better-sqlite3';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

export function migrate(db: Database): number {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  const isApplied = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?');
  let count = 0;
  for (const file of readdirSync(MIGRATIONS_DIR).filter((f) => /^\d{4}_.+\.sql$/.test(f)).sort()) {
    const version = Number(file.slice(0, 4));
    const sql = readFileSync(`${MIGRATIONS_DIR}${file}`, 'utf8');
    // Checked inside the IMMEDIATE transaction: another process may have applied it since we looked.
    const applied = db.transaction(() => {
      if (isApplied.get(version)) return false;
      db.exec(sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(version, file, Date.now());
      return true;
    }).immediate();
    if (applied) count++;
  }
  return count;
}
