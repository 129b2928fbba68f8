/**
 * @module The prepared statements of the SQLite engine, from the `.sql` files in
 * ./sql (one statement each), with the JSON encoding of its TEXT columns.
 */
import type { Database, Statement } from 'better-sqlite3';
import { loadSql } from '../sql-loader.js';
import { createRowMappers, type Row } from '../sql-rows.js';

const NAMES = [
  'get_header', 'insert_header', 'update_header', 'project_exists', 'list_projects',
  'get_request', 'put_request', 'purge_requests',
  'get_member', 'list_members', 'list_members_of_kind', 'list_silent_members', 'put_member',
  'get_lease', 'list_leases', 'list_leases_of_kind', 'list_leases_of_holder', 'list_leases_on', 'put_lease', 'delete_lease',
  'list_waiters', 'list_waiters_of_kind', 'put_waiter', 'delete_waiter',
  'get_task', 'list_ready_tasks', 'list_claims_of_agent', 'list_lapsed_claims', 'list_dependants', 'list_tasks', 'list_tasks_of_status', 'count_tasks', 'put_task', 'put_task_dependency',
  'get_state', 'list_scope', 'list_state_keys', 'count_state_keys', 'list_expired_state', 'list_scopes', 'put_state', 'delete_state',
  'put_event', 'trim_events', 'read_events', 'read_events_of_types',
  'count_live_leases', 'count_waiters', 'due_projects',
  'get_doc', 'list_docs', 'list_docs_of_owner', 'list_docs_of_status', 'list_docs_of_owner_status', 'list_due_docs', 'put_doc', 'delete_doc',
  'hit_window', 'count_holds', 'put_hold', 'delete_hold', 'purge_windows', 'purge_holds',
] as const;

export type StatementName = (typeof NAMES)[number];

export interface SqliteStatements {
  /** Statements run so far. */
  readonly stats: { roundTrips: number };
  all(name: StatementName, ...params: unknown[]): Row[];
  one(name: StatementName, ...params: unknown[]): Row | undefined;
  run(name: StatementName, ...params: unknown[]): number;
}

export const json = (value: unknown): string => JSON.stringify(value);
// JSON columns are TEXT; SQL NULL stays null.
export const mappers = createRowMappers((raw) => (raw === null || raw === undefined ? null : JSON.parse(raw as string)));

export function prepareStatements(db: Database): SqliteStatements {
  const sql = loadSql(new URL('./sql/', import.meta.url), NAMES);
  const prepared = new Map<StatementName, Statement>();
  for (const name of NAMES) prepared.set(name, db.prepare(sql[name]));
  const stats = { roundTrips: 0 };
  const get = (name: StatementName): Statement => {
    stats.roundTrips++;
    return prepared.get(name) as Statement;
  };
  return {
    stats,
    all: (name, ...params) => get(name).all(...params) as Row[],
    one: (name, ...params) => get(name).get(...params) as Row | undefined,
    run: (name, ...params) => get(name).run(...params).changes,
  };
}
