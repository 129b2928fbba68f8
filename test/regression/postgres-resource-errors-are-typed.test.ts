/**
 * @module Issue 7, item 13 on PostgreSQL (found by the audit): a server out of
 * disk, memory or I/O, or accepting only reads, answered INTERNAL (a 500); it is
 * STORE_UNAVAILABLE with a reason and what to do, as on SQLite. Errors come from
 * a real PostgreSQL where one can be produced on demand (a read-only session, a
 * missing server file); the others are the DatabaseError the pg driver raises
 * for that SQLSTATE. Needs the PostgreSQL on 127.0.0.1:5432 (or BATON_TEST_POSTGRES_URL).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { CoordinationError } from '../../src/core/errors.js';
import { translatePgError } from '../../src/store/postgres/postgres-errors.js';
import { createPostgresStore } from '../../src/store/postgres/postgres-store.js';

const URL = process.env['BATON_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const SCHEMA = `baton_test_${randomBytes(6).toString('hex')}`;

async function withClient<T>(work: (client: pg.Client) => Promise<T>, connectionString = URL): Promise<T> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** What a statement threw on a real server. */
async function raised(sql: string, setup: string[] = []): Promise<unknown> {
  return withClient(async (client) => {
    for (const statement of setup) await client.query(statement);
    return client.query(sql).then(
      () => {
        throw new Error(`${sql} did not fail`);
      },
      (error: unknown) => error,
    );
  });
}

/** The error the pg driver raises for an ErrorResponse with this SQLSTATE. */
function driverError(code: string, message: string): pg.DatabaseError {
  const error = new pg.DatabaseError(message, message.length, 'error');
  error.code = code;
  error.severity = 'ERROR';
  return error;
}

function expectUnavailable(error: CoordinationError, reason: string, says: RegExp): void {
  expect(error.code).toBe('STORE_UNAVAILABLE');
  expect(error.details).toMatchObject({ engine: 'postgres', reason });
  expect(error.message).toMatch(says);
  expect(error.hint).toMatch(/retry/i);
}

afterAll(async () => {
  await withClient((client) => client.query(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE`));
});

describe('PostgreSQL resource errors', () => {
  it('a read-only transaction (25006) from a real server is read_only, saying to use the primary', async () => {
    const error = await raised('CREATE TEMP TABLE t (x int)', ['SET default_transaction_read_only = on']);
    expect(error).toBeInstanceOf(pg.DatabaseError);
    expect((error as pg.DatabaseError).code).toBe('25006');
    expectUnavailable(translatePgError(error), 'read_only', /only reads.*primary/);
  });

  it('a store opened on a read-only server (a standby) is refused with read_only, saying what to do', async () => {
    const readOnly = `${URL}?options=${encodeURIComponent('-c default_transaction_read_only=on')}`;
    const refused = await createPostgresStore({ connectionString: readOnly, schema: SCHEMA, poolSize: 2 }).then(
      async (store) => {
        await store.close();
        return undefined;
      },
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(CoordinationError);
    expectUnavailable(refused as CoordinationError, 'read_only', /only reads.*primary/);
  });

  it('a missing server file (58P01, class 58) from a real server is a system error', async () => {
    const error = await raised("SELECT pg_read_file('/nonexistent/baton-test')");
    expect((error as pg.DatabaseError).code).toBe('58P01');
    expectUnavailable(translatePgError(error), 'system_error', /system error.*check its log/);
  });

  it.each([
    ['53100', 'could not extend file "base/16384/16385": No space left on device', 'disk_full', /no disk space left: free space/],
    ['53200', 'out of memory', 'out_of_memory', /ran out of memory/],
    ['53300', 'sorry, too many clients already', 'too_many_connections', /max_connections/],
    ['53400', 'configuration limit exceeded', 'configuration_limit', /configured limit/],
    ['53000', 'insufficient resources', 'insufficient_resources', /short of a resource/],
    ['58030', 'could not read block 0 in file "base/16384/16385": Input/output error', 'io_error', /read or write its files: check its disk/],
    ['58000', 'system error', 'system_error', /system error/],
  ])('SQLSTATE %s (%s) is %s', (code, message, reason, says) => {
    const translated = translatePgError(driverError(code, message));
    expectUnavailable(translated, reason, says);
    expect(translated.details).toMatchObject({ sqlstate: code });
    expect(translated.cause).toBeInstanceOf(pg.DatabaseError);
  });

  it('leaves other statement errors as they were', () => {
    expect(translatePgError(driverError('22021', 'invalid byte sequence')).code).toBe('INVALID_INPUT');
    expect(translatePgError(driverError('42P01', 'relation does not exist')).code).toBe('INTERNAL');
    expect(translatePgError(driverError('57P01', 'terminating connection')).code).toBe('STORE_UNAVAILABLE');
  });
});
