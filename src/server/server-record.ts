/**
 * @module server.json, the record a running server leaves in its data directory
 * so that `baton status`, `baton stop` and `baton mcp` can find it. Kept apart
 * from server/main so that the data-directory lock can name the running server.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** What `baton status` and `baton stop` read to find a running server. */
export interface ServerRecord {
  pid: number;
  url: string;
  startedAt: string;
  dataDir: string;
}

/** ~/.baton unless BATON_DATA_DIR names another (kept here, apart from the config schema, so client commands load no zod). */
export const defaultDataDir = (): string => process.env['BATON_DATA_DIR'] ?? join(homedir(), '.baton');

export const serverRecordPath = (dataDir: string): string => join(dataDir, 'server.json');

/** The URL a server listening on host:port records, and `baton init` writes into the HTTP hooks for the configured port. */
export const serverUrlOf = (host: string, port: number, tls: boolean): string => `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;

export function readServerRecord(dataDir: string): ServerRecord | null {
  try {
    return JSON.parse(readFileSync(serverRecordPath(dataDir), 'utf8')) as ServerRecord;
  } catch {
    return null;
  }
}

export function writeServerRecord(record: ServerRecord): void {
  writeFileSync(serverRecordPath(record.dataDir), JSON.stringify(record, null, 2));
}

/** Removes the record if it is this process's (a later server may have written its own). */
export function removeOwnServerRecord(dataDir: string): void {
  if (readServerRecord(dataDir)?.pid === process.pid) rmSync(serverRecordPath(dataDir), { force: true });
}

/** True when a process with this pid exists (signal 0 checks without signalling). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
