/**
 * @module Regression: on PostgreSQL a secondary index that starts with `project`
 * can win over the primary key. In apply_plan's generic plan (which guesses 100
 * rows for a JSON array) the release of a lease became a bitmap scan of the
 * project's whole `leases_holder` index and a hash join, and `leases_holder` and
 * `leases_resource` were read by no statement at all (the engine's lease reads
 * come from its cache), so every acquire and release paid for two indexes that
 * only cost. Here every statement in ./sql and every statement apply_plan and
 * take_holds run is planned on a migrated schema seeded with enough rows (20 busy
 * projects, 2,000 idle ones) and ANALYZEd: each must use the index meant for it,
 * no write may touch a row but through its primary key, and every index must be
 * used by some statement. The functions' inner plans come from auto_explain,
 * loaded for this session only (LOAD needs a superuser, as the test database's
 * `postgres` role is), the call rolled back.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advisoryKey } from '../../src/store/postgres/connection.js';
import { migrate } from '../../src/store/postgres/migrate.js';
import { PG_URL } from '../support/engines.js';

const SQL_DIR = join(import.meta.dirname, '../../src/store/postgres/sql');
const schema = `baton_plans_${randomBytes(6).toString('hex')}`;
const NOW = 5_000_000;

/** Realistic parameters for each statement, on the seeded rows. */
type Param = string | number | null | (string | number)[];
const PARAMS: Record<string, Param[]> = {
  count_live_leases: ['p3', NOW],
  count_tasks: ['p3'],
  count_waiters: ['p3', NOW],
  due_projects: [NOW, 0, 100_000],
  get_doc: ['p3', 'k1', 'd1'],
  get_header: ['p3'],
  get_lease: ['p3', 'l7'],
  get_member: ['p3', 'm7'],
  get_request: ['p3', 'm7', 'q7'],
  get_rev: ['p3'],
  get_state: ['p3', 's1', 'k1'],
  get_task: ['p3', 't7'],
  hit_windows: [['w1'], [NOW], [1]],
  list_claimed_tasks: ['p3'],
  list_dependants: ['p3', 't7'],
  list_docs: ['p3', 'k1', 0, NOW, 50],
  list_docs_of_owner: ['p3', 'k1', 0, NOW, 50, 'm1'],
  list_docs_of_owner_status: ['p3', 'k1', 0, NOW, 50, 'm1', 'open'],
  list_docs_of_status: ['p3', 'k1', 0, NOW, 50, 'open'],
  list_due_docs: ['p3', NOW, 50],
  list_expired_state: ['p3', NOW],
  list_leases: ['p3', null, NOW],
  list_log_heads: [],
  list_members: ['p3', null],
  list_projects: [],
  list_ready_tasks: ['p3'],
  list_scope: ['p3', 's1'],
  list_scopes: ['p3', NOW],
  list_state_keys: ['p3', 's1', 'k1', NOW, 50, null],
  count_state_keys: ['p3', 's1', 'k', NOW],
  list_tasks: ['p3', null, 0, 50],
  list_waiters: ['p3', null, NOW],
  load_hot: ['p3'],
  lock_project: ['p3', 42],
  project_exists: ['p3'],
  purge_limits: [NOW],
  purge_requests: [NOW - 1_000],
  read_events: ['p3', 100, 50, null],
  release_holds: [['w1'], 'm1'],
};
/** Functions whose statements are planned inside them (below), not as the statement that calls them. */
const CALLS = new Set(['apply_plan', 'take_holds']);

/** The indexes each statement must use (a|b: either), beyond its plan scanning no table whole. */
const MEANT: Record<string, string[]> = {
  count_live_leases: ['leases_pkey'],
  count_waiters: ['waiters_pkey'],
  due_projects: ['leases_expiry', 'waiters_deadline', 'tasks_lapsing', 'members_heartbeat', 'state_expiring', 'docs_expiring', 'projects_log_length'],
  get_doc: ['docs_pkey'],
  get_header: ['projects_pkey'],
  get_lease: ['leases_pkey'],
  get_member: ['members_pkey'],
  get_request: ['requests_pkey'],
  get_rev: ['projects_pkey'],
  get_state: ['state_pkey'],
  get_task: ['tasks_pkey'],
  hit_windows: ['limit_windows_pkey'],
  list_claimed_tasks: ['tasks_claims'],
  list_dependants: ['task_dependencies_pkey', 'tasks_pkey'],
  list_docs: ['docs_by_sort'],
  list_docs_of_owner: ['docs_by_owner|docs_by_owner_status'],
  list_docs_of_owner_status: ['docs_by_owner_status'],
  list_docs_of_status: ['docs_by_status'],
  list_expired_state: ['state_pkey|state_expiring'],
  list_leases: ['leases_pkey'],
  list_members: ['members_pkey'],
  list_ready_tasks: ['tasks_ready'],
  list_scope: ['state_pkey'],
  list_scopes: ['state_pkey'],
  list_state_keys: ['state_pkey'],
  count_state_keys: ['state_pkey'],
  list_tasks: ['tasks_by_seq'],
  list_waiters: ['waiters_pkey'],
  load_hot: ['projects_pkey', 'members_pkey', 'leases_pkey', 'waiters_pkey'],
  lock_project: ['projects_pkey'],
  project_exists: ['projects_pkey'],
  purge_limits: ['limit_windows_ending', 'limit_holds_expiring'],
  purge_requests: ['requests_created'],
  read_events: ['projects_pkey', 'events_pkey'],
  release_holds: ['limit_holds_pkey'],
};
/** Statements meant to read a whole table: the list of projects (for the sweep) and every log head (for the event bus). */
const WHOLE_TABLE = new Set(['list_projects', 'list_log_heads']);

const SEED = `
INSERT INTO projects (id, created_at, rev, last_event_id, seq_task) SELECT 'p' || p, 0, 1, 5000, 5000 FROM generate_series(0, 19) p;
INSERT INTO projects (id, created_at) SELECT 'idle' || p, 0 FROM generate_series(1, 2000) p;
INSERT INTO members SELECT 'p' || p, 'm' || i, 'M', CASE WHEN i % 10 = 0 THEN 'service' ELSE 'agent' END, '[]', '{}', 'idle', NULL, i, ${NOW} + i, NULL, NULL, NULL
  FROM generate_series(0, 19) p, generate_series(1, 100) i;
INSERT INTO leases SELECT 'p' || p, 'l' || i, CASE WHEN i % 3 = 0 THEN 'files' ELSE 'lock' END, 'r' || i, '[]', 'm' || (i % 50), 'exclusive', NULL, i, 0, ${NOW} + i, 60000, NULL
  FROM generate_series(0, 19) p, generate_series(1, 500) i;
INSERT INTO waiters SELECT 'p' || p, i, 'lock', 'm' || (i % 50), '{}', 0, ${NOW} + i, NULL FROM generate_series(0, 19) p, generate_series(1, 500) i;
INSERT INTO tasks SELECT 'p' || p, 't' || i, 'T', '', '[]', i % 5, '[]', '[]', CASE WHEN i % 20 = 0 THEN 'ready' WHEN i % 20 = 1 THEN 'claimed' ELSE 'done' END,
  NULL, NULL, NULL, 1, NULL, CASE WHEN i % 20 = 1 THEN 'm' || (i % 50) END, CASE WHEN i % 20 = 1 THEN ${NOW} + i END, i, i, i
  FROM generate_series(0, 19) p, generate_series(1, 5000) i;
INSERT INTO task_dependencies SELECT 'p' || p, 't' || i, 't' || (i + 1) FROM generate_series(0, 19) p, generate_series(1, 4999) i;
INSERT INTO state SELECT 'p' || p, 's' || (i % 20), 'k' || i, '1', 1, 0, NULL, CASE WHEN i % 10 = 0 THEN ${NOW} + i END FROM generate_series(0, 19) p, generate_series(1, 1000) i;
INSERT INTO events SELECT 'p' || p, i, 'task.created', NULL, 't', '{}', i FROM generate_series(0, 19) p, generate_series(1, 5000) i;
INSERT INTO docs SELECT 'p' || p, 'k' || (i % 4), 'd' || i, 'm' || (i % 50), CASE WHEN i % 2 = 0 THEN 'open' ELSE 'closed' END, i, CASE WHEN i % 10 = 0 THEN ${NOW} + i END, '{}'
  FROM generate_series(0, 19) p, generate_series(1, 2000) i;
INSERT INTO requests SELECT 'p' || p, 'm' || (i % 50), 'q' || i, 'f', '{}', ${NOW} + i FROM generate_series(0, 19) p, generate_series(1, 2000) i;
INSERT INTO limit_windows SELECT 'w' || i, ${NOW} + i, 1 FROM generate_series(1, 5000) i;
INSERT INTO limit_holds SELECT 'w' || (i % 500), 'm' || i, ${NOW} + i FROM generate_series(1, 5000) i;
ANALYZE;`;

/** A plan touching every kind of change apply_plan writes, on rows that exist. */
const PLAN = {
  header: { token: 600, ticket: 60, taskSeq: 5000, lastEventId: 5001, oldestEventId: 2 },
  creates: false,
  trim_below: 2,
  members: [{ project: 'p3', id: 'm7', name: 'M', kind: 'agent', modules: [], metadata: {}, activity: 'idle', registered_at: 7, last_heartbeat: NOW }],
  leases: [{ project: 'p3', id: 'l7', kind: 'lock', resource: 'r7', paths: [], holder: 'm7', mode: 'exclusive', token: 600, acquired_at: NOW, expires_at: NOW + 60_000, ttl_ms: 60_000 }],
  leases_deleted: ['l5', 'l6'],
  waiters: [{ project: 'p3', ticket: 7, kind: 'lock', holder: 'm7', request: {}, enqueued_at: NOW, deadline: NOW + 60_000 }],
  waiters_deleted: ['3'],
  tasks: [{ project: 'p3', id: 't20', title: 'T', description: '', dependencies: [], priority: 1, labels: [], files: [], status: 'claimed', attempts: 1, created_at: 20, updated_at: NOW, seq: 20 }],
  state: [{ project: 'p3', scope: 's1', key: 'k21', value: '2', version: 2, updated_at: NOW }],
  state_deleted: [{ scope: 's1', key: 'k1' }],
  requests: [{ project: 'p3', caller: 'm7', request_id: 'new', fingerprint: 'f', result: '{}', created_at: NOW }],
  docs: [{ kind: 'k1', id: 'd5', owner: 'm5', status: 'open', sort: 5, body: {} }],
  docs_deleted: [{ kind: 'k1', id: 'd1' }],
  events: [{ project: 'p3', id: 5001, type: 'task.claimed', subject: 't20', data: {}, at: NOW }],
};

let client: pg.Client;
let indexes: string[];

beforeAll(async () => {
  client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  await migrate(client, schema, advisoryKey('baton-migrate', schema));
  await client.query(`SET search_path TO "${schema}"`);
  await client.query(SEED);
  indexes = (await client.query<{ indexname: string }>('SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename <> $2', [schema, 'schema_migrations'])).rows.map((r) => r.indexname);
}, 60_000);

afterAll(async () => {
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
});

const statements = (): { name: string; sql: string }[] =>
  readdirSync(SQL_DIR).filter((f) => f.endsWith('.sql')).map((f) => ({ name: f.slice(0, -4), sql: readFileSync(join(SQL_DIR, f), 'utf8') }));

/** The plan of a statement as the server would run it prepared, with a custom or the generic plan. */
async function planOf(name: string, sql: string, mode: 'force_custom_plan' | 'force_generic_plan'): Promise<string> {
  await client.query(`SET plan_cache_mode = ${mode}`);
  const values = PARAMS[name] ?? [];
  await client.query(`PREPARE plan_probe AS ${sql.replace(/^\s*--[^\n]*\n/gm, '')}`);
  try {
    const args = values.map((v) => (v === null ? 'NULL' : client.escapeLiteral(Array.isArray(v) ? `{${v.join(',')}}` : String(v))));
    const rows = (await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN EXECUTE plan_probe${args.length > 0 ? `(${args.join(', ')})` : ''}`)).rows;
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  } finally {
    await client.query('DEALLOCATE plan_probe');
    await client.query('RESET plan_cache_mode');
  }
}

/** The plans of the statements a function call runs inside it (auto_explain's nested statements), the call rolled back. */
async function nestedPlans(call: string, values: unknown[]): Promise<{ text: string; plan: string }[]> {
  const plans: { text: string; plan: string }[] = [];
  const listen = (notice: { message?: string }): void => {
    const match = /Query Text: ([\s\S]*?)\n((?:Result|Insert|Update|Delete|Bitmap|Index|Seq|Nested|Hash|Merge|Limit|Sort|Aggregate|Function)[\s\S]*)$/.exec(notice.message ?? '');
    if (match) plans.push({ text: match[1]!, plan: match[2]! });
  };
  await client.query("LOAD 'auto_explain'");
  await client.query('SET auto_explain.log_min_duration = 0; SET auto_explain.log_nested_statements = on; SET client_min_messages = log');
  client.on('notice', listen);
  try {
    await client.query('BEGIN');
    await client.query(call, values);
  } finally {
    await client.query('ROLLBACK');
    client.off('notice', listen);
    await client.query('RESET client_min_messages; SET auto_explain.log_min_duration = -1');
  }
  return plans.filter((p) => !p.text.trimStart().startsWith('SELECT apply_') && !p.text.trimStart().startsWith('SELECT take_holds'));
}

const used = (plan: string): string[] => [...plan.matchAll(/(?:Index Scan|Index Only Scan|Bitmap Index Scan)(?: Backward)?(?: using| on) (\w+)|Arbiter Indexes: ([\w, ]+)/g)]
  .flatMap((m) => (m[1] ?? m[2]!).split(', '));

interface Planned {
  label: string;
  plan: string;
}
/** Every statement's plans, by name: a read in each plan mode that applies, and what each function runs inside it. */
const reads = new Map<string, Planned[]>();
let nested: Planned[] = [];

beforeAll(async () => {
  for (const { name, sql } of statements().filter((s) => !CALLS.has(s.name))) {
    // The sweep's time ranges are planned for their parameter (a generic plan cannot know how much is due).
    const modes = /^(due_|purge_)|_due_|_expired_/.test(name) ? (['force_custom_plan'] as const) : (['force_custom_plan', 'force_generic_plan'] as const);
    const plans: Planned[] = [];
    for (const mode of modes) plans.push({ label: `${name}.sql (${mode})`, plan: await planOf(name, sql, mode) });
    reads.set(name, plans);
  }
  nested = [
    ...(await nestedPlans('SELECT apply_plan($1, $2, $3::JSON, $4)', ['p3', 1, JSON.stringify(PLAN), 'plans_probe'])),
    ...(await nestedPlans('SELECT take_holds($1::text[], $2::int[], $3, $4, $5)', [['w1', 'w2'], [100, 100], 'm1', NOW + 1, NOW])),
  ].map(({ text, plan }) => ({ label: `${text}\n${plan}`, plan }));
}, 60_000);

describe('the PostgreSQL engine’s query plans', () => {
  it('use the index meant for each statement and scan no table whole, with a custom plan and with the generic one', () => {
    expect(reads.size).toBeGreaterThan(30);
    for (const [name, plans] of reads) {
      expect(PARAMS[name], `parameters for ${name}.sql`).toBeDefined();
      for (const { label, plan } of plans) {
        if (!WHOLE_TABLE.has(name)) expect.soft(plan, label).not.toMatch(/Seq Scan/);
        for (const meant of MEANT[name] ?? []) expect.soft(meant.split('|').some((index) => used(plan).includes(index)), `${label} uses ${meant}:\n${plan}`).toBe(true);
      }
    }
  });

  it('touch each row apply_plan and take_holds write through its primary key, never a scan of the project', () => {
    expect(nested.length).toBeGreaterThan(12);
    for (const { label, plan } of nested) {
      const table = /^(?:Update|Delete|Insert) on (\w+)/.exec(plan)?.[1];
      if (!table) continue;
      expect.soft(plan, label).not.toMatch(/Seq Scan|Hash/);
      // An insert's conflicts are found by the index its ON CONFLICT names; trimming the log is a
      // range of events' primary key; every other change names its rows' keys.
      if (plan.startsWith('Insert')) continue;
      if (table === 'events') expect.soft(used(plan), label).toEqual(['events_pkey']);
      else expect.soft(plan, label).toMatch(new RegExp(`Index Scan using ${table}_pkey on ${table}[^\\n]*\\n\\s+Index Cond: \\((?:\\(\\w+ = [^)]+\\) AND |id = )`));
    }
  });

  it('have every index used by some statement (an index nothing reads only slows each write)', () => {
    const seen = new Set([...[...reads.values()].flat(), ...nested].flatMap(({ plan }) => used(plan)));
    expect(indexes.filter((index) => !seen.has(index))).toEqual([]);
  });
});
