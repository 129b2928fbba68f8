/**
 * @module SQLite failures as catalog errors: a locked database, a full disk, a
 * read-only data directory, I/O errors and a database file deleted or replaced
 * under the running server all become STORE_UNAVAILABLE with what to do, never
 * INTERNAL. Also the check that the open file is still the one at the path.
 */
import { statSync } from 'node:fs';
import { CoordinationError, isCoordinationError } from '../../core/errors.js';

const sqliteCode = (error: unknown): string => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
};

/** The catalog error for anything a SQLite call threw. */
export function translateSqliteError(error: unknown, path: string): CoordinationError {
  if (isCoordinationError(error)) return error;
  const code = sqliteCode(error);
  const unavailable = (message: string, reason: string): CoordinationError => new CoordinationError('STORE_UNAVAILABLE', message, { engine: 'sqlite', reason, path }, { cause: error });
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return unavailable('The SQLite database is locked by another process; retry shortly.', 'locked');
  if (code === 'SQLITE_FULL') return unavailable(`The disk holding ${path} is full: free space, then retry. Nothing was written.`, 'disk_full');
  if (code.startsWith('SQLITE_READONLY')) return unavailable(`The SQLite database ${path} is read-only: make the data directory writable, then retry.`, 'read_only');
  if (code.startsWith('SQLITE_IOERR')) return unavailable(`Reading or writing ${path} failed (${code}): check the disk, then retry.`, 'io_error');
  if (code === 'SQLITE_CANTOPEN') return unavailable(`The SQLite database ${path} cannot be opened: check that the data directory exists and is writable.`, 'cannot_open');
  if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB') return unavailable(`The SQLite database ${path} is damaged: restore it from a backup.`, 'corrupt');
  return new CoordinationError('INTERNAL', 'The SQLite store failed.', undefined, { cause: error });
}

/** Remembers which file was opened, and refuses writes once the path names another file (or none). */
export function createFileGuard(path: string): { check(): void } {
  if (path === ':memory:' || path === '') return { check: () => undefined };
  const opened = statSync(path);
  return {
    check() {
      const now = statSync(path, { throwIfNoEntry: false });
      if (now && now.ino === opened.ino && now.dev === opened.dev) return;
      throw new CoordinationError(
        'STORE_UNAVAILABLE',
        `The database file ${path} was ${now ? 'replaced' : 'deleted'} while the server ran: writes are refused so nothing acknowledged is lost. Restore the file (or restart the server to start a new one).`,
        { engine: 'sqlite', reason: now ? 'file_replaced' : 'file_deleted', path },
      );
    },
  };
}
