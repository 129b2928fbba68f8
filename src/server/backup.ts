/**
 * @module `baton backup` and `baton restore`, on the configured store directly
 * (like pg_dump and pg_restore: a server may run meanwhile, except that a SQLite
 * restore takes the data directory). A SQLite store is copied with SQLite's online
 * backup API: one consistent snapshot while the server writes. Any engine exports
 * JSON through the Store port, and any backup restores into any engine through it.
 */
import { copyFileSync, closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { CoordinationError } from '../core/errors.js';
import { createSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { ProjectSnapshot, RestoreResult, Store } from '../store/store.js';
import { BACKUP_FORMAT, BACKUP_VERSION, parseBackup, type BackupFile } from './backup-file.js';
import type { ServerConfig } from './config.js';
import { ensureDataDir, lockDataDir } from './data-dir.js';
import { openStore } from './open-store.js';
import { StartupError } from './startup-error.js';

export type BackupFormat = 'sqlite' | 'json';

export interface BackupOptions {
  /** Where to write; default <data-dir>/backups/baton-<time>.<db|json>. */
  out?: string | undefined;
  /** sqlite (SQLite stores only, the default there) or json (any engine; the default elsewhere). */
  format?: BackupFormat | undefined;
  /** Export only this project (JSON). */
  project?: string | undefined;
}

/** What a backup holds, per project. */
export interface ProjectTally {
  project: string;
  members: number;
  leases: number;
  tasks: number;
  state: number;
  events: number;
  /** Consultation records (intents, threads, posts, deliveries, edits, the dependency map). */
  docs: number;
  /** Highest fencing token issued. */
  token: number;
}

export interface BackupReport {
  file: string;
  format: BackupFormat;
  engine: string;
  bytes: number;
  projects: ProjectTally[];
}

const tally = (s: ProjectSnapshot): ProjectTally => ({
  project: s.project, members: s.members.length, leases: s.leases.length, tasks: s.tasks.length, state: s.state.length, events: s.events.length, docs: s.docs.length, token: s.counters.token,
});

const stamp = (): string => new Date().toISOString().replaceAll(':', '-').replace(/\.\d+Z$/, 'Z');

const sqlitePath = (config: ServerConfig): string => join(config.dataDir, 'baton.db');

/** Writes `content` next to `file` and renames it there, so a reader never sees half a backup. */
function writeWhole(file: string, write: (partial: string) => void | Promise<void>): Promise<void> {
  mkdirSync(dirname(file), { recursive: true });
  const partial = `${file}.partial`;
  return Promise.resolve(write(partial))
    .then(() => { renameSync(partial, file); })
    .catch((error: unknown) => {
      rmSync(partial, { force: true });
      throw error;
    });
}

/** Every project of a store (or the one asked for), exported through the Store port. */
async function exportAll(store: Store, project: string | undefined): Promise<ProjectSnapshot[]> {
  const known = (await store.listProjects()).sort();
  if (project !== undefined && !known.includes(project)) {
    throw new StartupError(`the store holds no project '${project}'; it holds ${known.length > 0 ? known.join(', ') : 'none yet'} (baton status shows the project of this directory)`);
  }
  const projects = project === undefined ? known : [project];
  const snapshots: ProjectSnapshot[] = [];
  for (const p of projects) snapshots.push(await store.exportProject(p, store.clock.now()));
  return snapshots;
}

export async function takeBackup(config: ServerConfig, options: BackupOptions = {}): Promise<BackupReport> {
  const engine = config.store.kind;
  const format = options.format ?? (engine === 'sqlite' && options.project === undefined ? 'sqlite' : 'json');
  if (format === 'sqlite' && engine !== 'sqlite') throw new StartupError(`--format sqlite copies a SQLite store; this store is ${engine}: use --format json`);
  if (format === 'sqlite' && options.project !== undefined) throw new StartupError('a SQLite copy holds every project; use --format json to export one project');
  const file = resolve(options.out ?? join(config.dataDir, 'backups', `baton-${stamp()}.${format === 'sqlite' ? 'db' : 'json'}`));

  if (format === 'sqlite') {
    const source = sqlitePath(config);
    if (statSync(source, { throwIfNoEntry: false }) === undefined) throw new StartupError(`no SQLite store at ${source}: nothing to back up (wrong --data-dir?)`);
    // A reader of its own: SQLite's backup API copies pages while the server keeps writing, restarting on changes.
    const db = new Database(source, { readonly: true, fileMustExist: true });
    try {
      await writeWhole(file, async (partial) => { await db.backup(partial); });
    } finally {
      db.close();
    }
    return { file, format, engine, bytes: statSync(file).size, projects: await tallySqliteFile(file) };
  }

  const store = await openStore(config);
  try {
    const projects = await exportAll(store, options.project);
    const backup: BackupFile = { format: BACKUP_FORMAT, version: BACKUP_VERSION, createdAt: new Date().toISOString(), engine, projects };
    await writeWhole(file, (partial) => { writeFileSync(partial, `${JSON.stringify(backup)}\n`); });
    return { file, format, engine, bytes: statSync(file).size, projects: projects.map(tally) };
  } finally {
    await store.close();
  }
}

// ---- restore -------------------------------------------------------------

export interface RestoreOptions {
  /** Restore into a store that already holds projects (merging into those the backup names). */
  force?: boolean | undefined;
  /** Restore only this project of the backup. */
  project?: string | undefined;
}

export interface RestoreReport {
  file: string;
  engine: string;
  projects: RestoreResult[];
}

const SQLITE_MAGIC = 'SQLite format 3\u0000';

function isSqliteFile(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(16);
    const read = readSync(fd, head, 0, 16, 0);
    return read === 16 && head.toString('latin1') === SQLITE_MAGIC;
  } finally {
    closeSync(fd);
  }
}

/** Reads a SQLite backup through the Store port, from a private copy (opening a file may migrate it). */
async function snapshotsOfSqliteFile(file: string): Promise<ProjectSnapshot[]> {
  const dir = mkdtempSync(join(tmpdir(), 'baton-restore-'));
  try {
    const copy = join(dir, 'baton.db');
    copyFileSync(file, copy);
    const store = createSqliteStore({ path: copy, checkpointIntervalMs: 60_000 });
    try {
      return await exportAll(store, undefined);
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function tallySqliteFile(file: string): Promise<ProjectTally[]> {
  return (await snapshotsOfSqliteFile(file)).map(tally);
}

/** The snapshots a backup file holds, whichever kind it is; an Error naming what is wrong otherwise. */
async function readBackup(file: string): Promise<ProjectSnapshot[]> {
  if (statSync(file, { throwIfNoEntry: false })?.isFile() !== true) throw new StartupError(`no backup file at ${file}`);
  if (isSqliteFile(file)) return snapshotsOfSqliteFile(file);
  try {
    return parseBackup(readFileSync(file, 'utf8')).projects;
  } catch (error) {
    throw new StartupError(`${file}: ${(error as Error).message}`);
  }
}

export async function restoreBackup(config: ServerConfig, file: string, options: RestoreOptions = {}): Promise<RestoreReport> {
  const path = resolve(file);
  let snapshots = await readBackup(path);
  if (options.project !== undefined) {
    snapshots = snapshots.filter((s) => s.project === options.project);
    if (snapshots.length === 0) throw new StartupError(`${path} holds no project '${options.project}'`);
  }
  // SQLite: the data directory's one writer is this restore (a running server is named by the lock's error).
  let lock: { release(): void } | undefined;
  if (config.store.kind === 'sqlite') {
    ensureDataDir(config.dataDir);
    lock = lockDataDir(config.dataDir);
  }
  try {
    const store = await openStore(config);
    try {
      const existing = await store.listProjects();
      if (existing.length > 0 && options.force !== true) {
        const named = existing.slice(0, 5).join(', ') + (existing.length > 5 ? `, … (${existing.length} in all)` : '');
        throw new StartupError(`the ${config.store.kind} store is not empty (projects: ${named}); restore into an empty store, or pass --force to merge the backup into it`);
      }
      const projects: RestoreResult[] = [];
      for (const snapshot of snapshots) {
        const ctx = { project: snapshot.project, now: store.clock.now() };
        try {
          projects.push((await store.importProject(ctx, snapshot, { merge: options.force === true })).result);
        } catch (error) {
          if (error instanceof CoordinationError) throw new StartupError(`restoring project '${snapshot.project}': ${error.message}`);
          throw error;
        }
      }
      return { file: path, engine: config.store.kind, projects };
    } finally {
      await store.close();
    }
  } finally {
    lock?.release();
  }
}
