/**
 * @module Regression: with the (project, seq) index that paged task lists need,
 * SQLite's planner (no statistics) chose it for the dependants of a task and for
 * an agent's claims, because it satisfies their ORDER BY: every completion walked
 * all of the project's tasks (41 ms a pair at 100,000 tasks). Every SELECT the
 * engine prepares is planned here on the migrated schema: none may scan a table,
 * and only the paged list of several statuses may walk tasks by seq (a page of
 * one status, as claim_task reads the claimed tasks when nothing is ready, has its
 * own index: by seq it stepped over 100,000 finished tasks, 50 ms a call).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { cleanupAll, tempDir } from '../support/server.js';

const SQL_DIR = join(import.meta.dirname, '../../src/store/sqlite/sql');
/** Statements meant to read a whole table: the list of projects, for the sweep. */
const WHOLE_TABLE = new Set(['list_projects.sql']);
/** The one statement that walks a project's tasks in insertion order: the paged list. */
const BY_SEQ = new Set(['list_tasks.sql']);

afterAll(cleanupAll);

function planOf(db: Database.Database, sql: string): string {
  const named = [...sql.matchAll(/@(\w+)/g)].map((m) => m[1]!);
  const statement = db.prepare(`EXPLAIN QUERY PLAN ${sql}`);
  const rows = (named.length > 0 ? statement.all(Object.fromEntries(named.map((n) => [n, 'x']))) : statement.all(...Array<string>((sql.match(/\?/g) ?? []).length).fill('x'))) as { detail: string }[];
  return rows.map((r) => r.detail).join(' ; ');
}

describe('the SQLite engine’s query plans', () => {
  it('search by a narrow index for every statement but the whole-table and paged ones', async () => {
    const path = join(tempDir(), 'plans.db');
    await createSqliteStore({ path }).close();
    const db = new Database(path, { readonly: true });
    try {
      const selects = readdirSync(SQL_DIR).filter((f) => /^\s*(?:--[^\n]*\n\s*)*(SELECT|WITH)\b/i.test(readFileSync(join(SQL_DIR, f), 'utf8')));
      expect(selects.length).toBeGreaterThan(20);
      for (const file of selects) {
        const plan = planOf(db, readFileSync(join(SQL_DIR, file), 'utf8'));
        if (!WHOLE_TABLE.has(file)) expect(plan, file).not.toMatch(/\bSCAN (?!json_each)/);
        if (!BY_SEQ.has(file)) expect(plan, file).not.toContain('tasks_by_seq');
      }
      // claim_task with nothing ready pages the claimed tasks: by status, never over the finished ones.
      expect(planOf(db, readFileSync(join(SQL_DIR, 'list_tasks_of_status.sql'), 'utf8'))).toContain('tasks_of_status');
    } finally {
      db.close();
    }
  });
});
