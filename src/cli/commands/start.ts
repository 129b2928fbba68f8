/**
 * @module `baton start`: run the server in the foreground (URL on the first line
 * of stdout, graceful shutdown on SIGINT/SIGTERM), or as a background daemon.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadServerConfig, type ConfigOverrides } from '../../server/config.js';
import { readServerRecord, startServer } from '../../server/main.js';

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

/** Starts the server as a detached process and resolves with its URL once it answers. */
export async function startDaemon(overrides: ConfigOverrides, timeoutMs = 15_000): Promise<string> {
  const config = loadServerConfig(overrides);
  mkdirSync(config.dataDir, { recursive: true });
  const logFile = join(config.dataDir, 'baton.log');
  const out = openSync(logFile, 'a');
  const entry = fileURLToPath(new URL('../main.js', import.meta.url));
  const args = [entry, 'start', '--data-dir', config.dataDir, '--host', config.host, '--port', String(config.port), '--store', config.store.kind];
  if (config.store.url) args.push('--store-url', config.store.url);
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', out, out], env: process.env });
  child.unref();
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const record = readServerRecord(config.dataDir);
    if (record && record.pid === child.pid) {
      try {
        const res = await fetch(`${record.url}/health`);
        if (res.ok) return record.url;
      } catch {
        // not listening yet
      }
    }
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`The server did not start within ${timeoutMs} ms; see ${logFile}.`);
}
