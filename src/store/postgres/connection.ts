/**
 * @module What the PostgreSQL store and event bus share about connecting: the
 * schema name rule, client settings (search_path, timeouts), advisory-lock keys
 * and the NOTIFY channel of a schema.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { CoordinationError } from '../../core/errors.js';

export const DEFAULT_SCHEMA = 'baton';
// Lower case only, so the name needs no quoting in search_path, and short enough
// that the channel name below stays within PostgreSQL's 63-byte identifiers.
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,47}$/;

export function checkSchema(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) {
    throw new CoordinationError('INVALID_INPUT', `PostgreSQL schema '${schema.slice(0, 80)}' is not valid: 1 to 48 lower-case letters, digits or '_', not starting with a digit.`, { field: 'schema' });
  }
  return schema;
}

export interface ConnectionOptions {
  connectionString: string;
  /** How long to wait for a connection before STORE_UNAVAILABLE, in ms. */
  connectTimeoutMs?: number | undefined;
  /** Longest statement (including waiting for a project's advisory lock), in ms. */
  statementTimeoutMs?: number | undefined;
}

export function clientConfig(options: ConnectionOptions, schema: string): pg.ClientConfig {
  return {
    connectionString: options.connectionString,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
    statement_timeout: options.statementTimeoutMs ?? 30_000,
    // A coordinator that hangs mid-transaction must not hold a project's lock for long.
    idle_in_transaction_session_timeout: 60_000,
    keepAlive: true,
    // Names the schema, so an operator can tell which coordinators hold which connections.
    application_name: `baton:${schema}`,
    options: `-c search_path=${schema}`,
  };
}

/** A signed 64-bit advisory-lock key (as SQL literal text) for the given parts. */
export function advisoryKey(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest().readBigInt64BE(0).toString();
}

/** The NOTIFY channel on which the coordinators sharing `schema` announce new events. */
export const channelOf = (schema: string): string => `baton_events_${schema}`;
