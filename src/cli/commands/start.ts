/**
 * @module `baton start`: run the server in the foreground (URL on the first line
 * of stdout, graceful shutdown on SIGINT/SIGTERM), or as a background daemon
 * whose URL, or whose own start-up error, the caller gets back.
 */
import { spawn } from 'node:child_process';
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadServerConfig, type ConfigOverrides } from '../../server/config.js';
import { ensureDataDir } from '../../server/data-dir.js';
import { startServer } from '../../server/main.js';
import { readServerRecord } from '../../server/server-record.js';
import { StartupError } from '../../server/startup-error.js';
import { answers, runningServer } from './server-control.js';

export async function runForeground(overrides: ConfigOverrides): Promise<void> {
  const server = await startServer(loadServerConfig(overrides));
  process.stdout.write(`${server.url}\n`);
  const stop = (signal: string): void => {
    process.stderr.write(`[baton] ${signal}: shutting down\n`);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`[baton] shutdown failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => { stop('SIGINT'); });
  process.once('SIGTERM', () => { stop('SIGTERM'); });
}

export interface DaemonStart {
  url: string;
  pid: number;
  dataDir: string;
  /** True when a server already ran for the data directory, so none was started. */
  alreadyRunning: boolean;
}

/**
 * Starts the server as a detached process and resolves once it answers; when one
 * already runs for the data directory, resolves with that one instead. A child
 * that exits first rejects at once with the error it logged.
 */
export async function startDaemon(overrides: ConfigOverrides, timeoutMs = 15_000): Promise<DaemonStart> {
  const config = loadServerConfig(overrides);
  ensureDataDir(config.dataDir);
  const running = await runningServer(config.dataDir);
  if (running) return { ...running, dataDir: config.dataDir, alreadyRunning: true };
  const logFile = join(config.dataDir, 'baton.log');
  const logStart = statSync(logFile, { throwIfNoEntry: false })?.size ?? 0;
  const out = openSync(logFile, 'a');
  const entry = fileURLToPath(new URL('../main.js', import.meta.url));
  const args = [entry, 'start', '--data-dir', config.dataDir, '--host', config.host, '--port', String(config.port), '--store', config.store.kind];
  if (config.store.url) args.push('--store-url', config.store.url);
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', out, out], env: process.env });
  closeSync(out);
  child.unref();
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const record = readServerRecord(config.dataDir);
    if (record && record.pid === child.pid && (await answers(record.url))) return { url: record.url, pid: record.pid, dataDir: config.dataDir, alreadyRunning: false };
    if (child.exitCode !== null || child.signalCode !== null) {
      // Lost a race with another start for this data directory: that server is the answer.
      const winner = await runningServer(config.dataDir);
      if (winner) return { ...winner, dataDir: config.dataDir, alreadyRunning: true };
      const reason = lastError(logFile, logStart) ?? `the background server exited (${child.exitCode ?? child.signalCode ?? 'unknown'})`;
      throw new StartupError(`${reason} (background server log: ${logFile})`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new StartupError(`the background server (pid ${child.pid ?? '?'}) did not answer within ${timeoutMs / 1000} s; see ${logFile}`);
}

/** The error line the child wrote to the log after `from` (the CLI's `baton: …`), else its last line. */
function lastError(logFile: string, from: number): string | undefined {
  const fd = openSync(logFile, 'r');
  try {
    // The tail is enough: the error is the child's last word.
    const size = fstatSync(fd).size;
    const start = Math.max(from, size - 16_384);
    const buffer = Buffer.alloc(Math.max(0, size - start));
    readSync(fd, buffer, 0, buffer.length, start);
    const lines = buffer.toString('utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '');
    const error = lines.findLast((l) => l.startsWith('baton: '));
    return error?.slice('baton: '.length) ?? lines.at(-1);
  } finally {
    closeSync(fd);
  }
}
