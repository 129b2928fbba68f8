/**
 * @module The data directory: created on first start, refused with a clear
 * message when it cannot be one, and locked so that one SQLite data directory
 * has one server. The lock is an exclusive SQLite lock on <data-dir>/server.lock:
 * the kernel drops it when the process dies, even by SIGKILL, so it never goes
 * stale and a reused pid cannot fool it, and two starts racing for it are decided
 * by the kernel, the loser failing at once.
 */
import { accessSync, constants, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { processAlive, readServerRecord } from './server-record.js';
import { StartupError } from './startup-error.js';

/** Creates the data directory if needed; a StartupError when it is a file or not writable. */
export function ensureDataDir(dataDir: string): void {
  try {
    mkdirSync(dataDir, { recursive: true });
    accessSync(dataDir, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTDIR') {
      throw new StartupError(`data directory ${dataDir} is not a directory (it or a parent is a file); pick another with --data-dir or BATON_DATA_DIR`);
    }
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
      throw new StartupError(`data directory ${dataDir} is not writable by this user; pick another with --data-dir or BATON_DATA_DIR`);
    }
    throw error;
  }
}

export interface DataDirLock {
  release(): void;
}

/** Takes the data directory for this process; a StartupError naming the holder when another server has it. */
export function lockDataDir(dataDir: string): DataDirLock {
  let db: Database.Database | undefined;
  try {
    db = new Database(join(dataDir, 'server.lock'), { timeout: 0 });
    // No journal file beside the lock; locking_mode EXCLUSIVE keeps the lock BEGIN EXCLUSIVE takes until close().
    db.pragma('journal_mode = MEMORY');
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE; COMMIT');
  } catch (error) {
    db?.close();
    if ((error as { code?: unknown }).code === 'SQLITE_BUSY') throw new StartupError(heldMessage(dataDir));
    throw error;
  }
  const held = db;
  return { release: () => held.close() };
}

function heldMessage(dataDir: string): string {
  const record = readServerRecord(dataDir);
  if (record && processAlive(record.pid)) {
    return `a Baton server is already running for ${dataDir} (pid ${record.pid}, ${record.url}); use it, or stop it first: baton stop --data-dir ${dataDir}`;
  }
  return `another Baton server is already starting for ${dataDir}; see: baton status --data-dir ${dataDir}`;
}
