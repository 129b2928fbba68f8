/**
 * @module The PostgreSQL engine's statements, from the `.sql` files in ./sql
 * (one statement each), run as named prepared statements so the server plans
 * each once per connection.
 */
import type pg from 'pg';
import { loadSql } from '../sql-loader.js';
import { createRowMappers, type Row } from '../sql-rows.js';

const NAMES = [
  'load_hot', 'lock_project', 'get_rev', 'apply_plan', 'get_request', 'purge_requests',
  'get_member', 'list_members', 'get_lease', 'list_leases', 'list_waiters',
  'get_task', 'list_ready_tasks', 'list_claimed_tasks', 'list_dependants', 'list_tasks', 'count_tasks', 'count_live_leases', 'count_waiters',
  'get_state', 'list_scope', 'list_expired_state', 'list_state_keys', 'count_state_keys', 'list_scopes',
  'read_events', 'get_header', 'list_projects', 'list_log_heads', 'project_exists', 'due_projects',
  'get_doc', 'list_docs', 'list_docs_of_owner', 'list_docs_of_status', 'list_docs_of_owner_status', 'list_due_docs',
  'hit_windows', 'take_holds', 'release_holds', 'purge_limits',
] as const;

export type StatementName = (typeof NAMES)[number];

/** Something that runs a query: the pool (no transaction) or a checked-out client. */
export interface Queryable {
  query<R extends pg.QueryResultRow>(config: pg.QueryConfig): Promise<pg.QueryResult<R>>;
}

const SQL = loadSql(new URL('./sql/', import.meta.url), NAMES);

/** Runs a named statement and answers its rows. */
export async function rows(db: Queryable, name: StatementName, values: unknown[]): Promise<Row[]> {
  return (await db.query<Row>({ name: `baton_${name}`, text: SQL[name], values })).rows;
}

// pg parses json columns (and json_agg output) already.
export const mappers = createRowMappers((raw) => raw ?? null);
