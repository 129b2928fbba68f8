/**
 * @module WAL checkpoints on a worker thread with its own connection, so the
 * copy of the WAL into the database file (and its fsync) runs beside the commits
 * instead of inside a caller's COMMIT or on the event loop. PASSIVE checkpoints
 * never wait for writers; a busy or failed one is simply retried at the next tick.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

// Resolved here: an eval'd worker resolves modules from the working directory, not from this package.
const DRIVER = createRequire(import.meta.url).resolve('better-sqlite3');

// Plain JavaScript (eval'd by the worker): it must not depend on the TypeScript build.
const WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 0');
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {}
}, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'close') return;
  clearInterval(timer);
  try { db.pragma('wal_checkpoint(TRUNCATE)'); } catch {}
  db.close();
  parentPort.postMessage('closed');
});
`;

export interface Checkpointer {
  /** Stops the timer, runs a last full checkpoint, and closes the worker's connection. */
  close(): Promise<void>;
}

export function startCheckpointer(path: string, intervalMs: number): Checkpointer {
  const worker = new Worker(WORKER, { eval: true, workerData: { path, intervalMs, driver: DRIVER } });
  worker.unref();
  // A worker that cannot open the file leaves checkpoints to the next open (the WAL is replayed then).
  worker.on('error', () => undefined);
  return {
    close() {
      return new Promise((resolve) => {
        const done = (): void => {
          void worker.terminate().then(() => {
            resolve();
          });
        };
        worker.once('message', done);
        worker.once('exit', () => {
          resolve();
        });
        worker.postMessage('close');
        setTimeout(done, 2_000).unref();
      });
    },
  };
}
