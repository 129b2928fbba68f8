/**
 * @module Reads the state the seeds kept on disk, for `baton import`: seed 001's
 * SQLite database (task-coordinator.db: a `tasks` table with id, description,
 * status, the worker, dependencies as a JSON array, output, error) and seed 002's
 * local adapter directory (.claude/session-state/: one JSON file per scope,
 * `{"data": {key: value}, "metadata": {...}}`, the scope in the file name with
 * ':' and '/' written as '__' and prefixed with machine and owner/repo). Column
 * names are read leniently (worker / worker_id / workerId, …), since the seed's
 * schema moved between versions.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import Database from 'better-sqlite3';

export interface SeedTask {
  id: string;
  description: string;
  status: string;
  worker: string | null;
  dependencies: string[];
  output: string | null;
  error: string | null;
}

export interface SeedScope {
  scope: string;
  file: string;
  data: Record<string, unknown>;
}

const pick = (row: Record<string, unknown>, ...names: string[]): unknown => {
  for (const n of names) if (row[n] !== undefined && row[n] !== null) return row[n];
  return null;
};
const str = (v: unknown): string | null => (v === null || v === undefined ? null : typeof v === 'string' ? v : JSON.stringify(v));

function dependenciesOf(raw: unknown): string[] {
  if (typeof raw !== 'string' || raw.trim() === '') return [];
  try {
    const parsed: unknown = JSON.parse(raw);
    if (Array.isArray(parsed)) return parsed.filter((d): d is string => typeof d === 'string');
  } catch {
    // Not JSON: a comma-separated list.
  }
  return raw.split(',').map((d) => d.trim()).filter((d) => d !== '');
}

/** The tasks of a seed 001 database, in insertion order. */
export function readSeed001(path: string): SeedTask[] {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const table = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'tasks'").get();
    if (!table) throw new Error(`${path} has no 'tasks' table: is it task-coordinator.db from agent-coordinate-mcp?`);
    const rows = db.prepare('SELECT * FROM tasks ORDER BY rowid').all() as Record<string, unknown>[];
    return rows.map((row) => ({
      id: String(pick(row, 'id', 'task_id', 'taskId')),
      description: str(pick(row, 'description', 'title')) ?? '',
      status: str(pick(row, 'status')) ?? 'available',
      worker: str(pick(row, 'worker', 'worker_id', 'workerId')),
      dependencies: dependenciesOf(pick(row, 'dependencies', 'depends_on')),
      output: str(pick(row, 'output', 'result')),
      error: str(pick(row, 'error')),
    }));
  } finally {
    db.close();
  }
}

/** A file name's scope without the machine:owner/repo prefix: laptop__org__repo__issue__15.json → issue:15. */
function scopeOfFile(file: string): string {
  const parts = basename(file, '.json').split('__');
  return (parts.length >= 4 ? parts.slice(3) : parts).join(':');
}

/** The scopes of a seed 002 state directory (the instance registry left out: instances are claimed live). */
export function readSeed002(dir: string): SeedScope[] {
  if (!statSync(dir).isDirectory()) throw new Error(`${dir} is not a directory: pass the session-state directory (default .claude/session-state).`);
  const scopes: SeedScope[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const parsed: unknown = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    const data = (parsed as { data?: unknown } | null)?.data;
    if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new Error(`${file}: expected {"data": {...}} (the seed's local adapter format).`);
    const scope = scopeOfFile(file);
    if (scope === 'instances') continue;
    scopes.push({ scope, file, data: data as Record<string, unknown> });
  }
  return scopes;
}
