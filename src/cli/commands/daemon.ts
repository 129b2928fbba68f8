/**
 * @module `baton start --daemon` (and `baton mcp` when no server answers): start
 * the server as a detached process and report its URL, the URL of the one that
 * already runs for the data directory, or the child's own start-up error.
 */
import { spawn } from 'node:child_process';
import { closeSync, fstatSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultDataDir, loadServerConfig, type ConfigOverrides, type ServerConfig } from '../../server/config.js';
import { ensureDataDir } from '../../server/data-dir.js';
import { serverLogPath } from '../../server/log-files.js';
import { readServerRecord } from '../../server/server-record.js';
import { StartupError } from '../../server/startup-error.js';
import { answers, runningServer } from './server-control.js';

export interface DaemonStart {
  url: string;
  pid: number;
  dataDir: string;
  /** True when a server already ran for the data directory, so none was started. */
  alreadyRunning: boolean;
}

export interface DaemonOptions {
  timeoutMs?: number;
  /** Called just before a server process is spawned (not when one already runs). */
  onSpawn?: () => void;
}

/**
 * Starts the server as a detached process and resolves once it answers; when one
 * already runs for the data directory, resolves with that one instead. Starters
 * on one data directory take turns, so a second one finds the first one's server;
 * a child that exits first rejects at once with the error it logged.
 */
export async function startDaemon(overrides: ConfigOverrides, options: DaemonOptions = {}): Promise<DaemonStart> {
  const dataDir = overrides.dataDir ?? defaultDataDir();
  const found = async (): Promise<DaemonStart | null> => {
    const running = await runningServer(dataDir);
    return running && { ...running, dataDir, alreadyRunning: true };
  };
  const running = await found();
  if (running) return running;
  const config = loadServerConfig({ ...overrides, dataDir });
  ensureDataDir(dataDir);
  return takingTurns(dataDir, found, async () => (await found()) ?? spawnServer(config, options));
}

async function spawnServer(config: ServerConfig, options: DaemonOptions): Promise<DaemonStart> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  options.onSpawn?.();
  const logFile = join(config.dataDir, 'baton.log');
  const logStart = statSync(logFile, { throwIfNoEntry: false })?.size ?? 0;
  const out = openSync(logFile, 'a');
  const entry = fileURLToPath(new URL('../main.js', import.meta.url));
  const args = [entry, 'start', '--data-dir', config.dataDir, '--host', config.host, '--port', String(config.port), '--store', config.store.kind];
  if (config.store.url) args.push('--store-url', config.store.url);
  if (config.mqtt.port !== undefined) args.push('--mqtt-port', String(config.mqtt.port));
  if (config.mqtt.url) args.push('--mqtt-url', config.mqtt.url);
  if (config.tls) args.push('--tls-cert', config.tls.certFile, '--tls-key', config.tls.keyFile);
  // The structured log goes to <data-dir>/logs/server.log (rotated, `baton logs`); baton.log keeps what the process prints.
  const env = { ...process.env, BATON_LOG_FILE: process.env['BATON_LOG_FILE'] ?? serverLogPath(config.dataDir) };
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', out, out], env });
  closeSync(out);
  child.unref();
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const record = readServerRecord(config.dataDir);
    if (record && record.pid === child.pid && (await answers(record.url))) return { url: record.url, pid: record.pid, dataDir: config.dataDir, alreadyRunning: false };
    if (child.exitCode !== null || child.signalCode !== null) {
      // A foreground start may have taken the data directory meanwhile: then that server is the answer.
      const winner = await runningServer(config.dataDir);
      if (winner) return { ...winner, dataDir: config.dataDir, alreadyRunning: true };
      const reason = lastError(logFile, logStart) ?? `the background server exited (${child.exitCode ?? child.signalCode ?? 'unknown'})`;
      throw new StartupError(`${reason} (background server log: ${logFile})`);
    }
    await sleep(100);
  }
  throw new StartupError(`the background server (pid ${child.pid ?? '?'}) did not answer within ${timeoutMs / 1000} s; see ${logFile}`);
}

/**
 * Runs `start` while holding <data-dir>/starting.lock, so that starters (agents'
 * clients launching `baton mcp` together, scripts running `--daemon`) take turns;
 * while waiting, a server that comes up (`found`) is the answer. The turn only
 * orders starters: the data-directory lock of server/data-dir.ts is what keeps
 * two servers off one directory.
 */
async function takingTurns(dataDir: string, found: () => Promise<DaemonStart | null>, start: () => Promise<DaemonStart>): Promise<DaemonStart> {
  const lock = join(dataDir, 'starting.lock');
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx'));
      break;
    } catch {
      const running = await found();
      if (running) return running;
      // A turn older than any start is left over from a crash.
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 30_000) rmSync(lock, { force: true });
      if (Date.now() > deadline) throw new StartupError(`another process has been starting the server for 20 s; see ${join(dataDir, 'baton.log')}`);
      await sleep(100);
    }
  }
  try {
    return await start();
  } finally {
    rmSync(lock, { force: true });
  }
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

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
