/**
 * @module Applies the versioned SQL migrations in ./migrations (NNNN_name.sql) to
 * the store's schema, each once and in its own transaction, recorded in
 * schema_migrations. A session advisory lock keyed by the schema makes processes
 * that start together take turns: the first applies, the others find it done.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_.+\.sql$/.test(f))
    .sort()
    .map((file) => ({ version: Number(file.slice(0, 4)), name: file, sql: readFileSync(`${dir}${file}`, 'utf8') }));
}

/** Applies pending migrations to `schema` on `client`; returns how many ran. */
export async function migrate(client: pg.ClientBase, schema: string, lockKey: string, migrations = loadMigrations()): Promise<number> {
  const quoted = `"${schema}"`;
  await client.query(`SELECT pg_advisory_lock(${lockKey})`);
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoted}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${quoted}.schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`);
    const applied = new Set((await client.query<{ version: number }>(`SELECT version FROM ${quoted}.schema_migrations`)).rows.map((r) => r.version));
    let count = 0;
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(`SET LOCAL search_path TO ${quoted}`);
        await client.query(migration.sql);
        await client.query(`INSERT INTO ${quoted}.schema_migrations (version, name) VALUES ($1, $2)`, [migration.version, migration.name]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
      count++;
    }
    return count;
  } finally {
    await client.query(`SELECT pg_advisory_unlock(${lockKey})`).catch(() => undefined);
  }
}
