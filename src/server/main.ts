/**
 * @module The composition root: configuration → store → hub → transports. The only
 * module that knows the concrete store and every surface.
 */
import type { Logger } from '../hub/context.js';
import { createHub, type Hub } from '../hub/hub.js';
import { createHttpApp, type RequestLogEntry } from '../transports/http/http-app.js';
import { LOOPBACK_HOSTS } from '../transports/http/security.js';
import type { ServerConfig } from './config.js';
import { ensureDataDir, lockDataDir } from './data-dir.js';
import { openBackend } from './open-store.js';
import { removeOwnServerRecord, writeServerRecord } from './server-record.js';
import { listenFailure, StartupError } from './startup-error.js';
import { VERSION } from './version.js';

// The e2e suites read the record through the composition root.
export { readServerRecord } from './server-record.js';

export interface RunningServer {
  url: string;
  hub: Hub;
  close(): Promise<void>;
}

/** How a server logs: a Logger per component and, optionally, one line per answered request. */
export interface ServerLogs {
  component(name: 'hub' | 'http' | 'store'): Logger;
  request?: ((entry: RequestLogEntry) => void) | undefined;
}

const stderrLog: Logger = {
  info: (message) => process.stderr.write(`[baton] ${message}\n`),
  error: (message, detail) => process.stderr.write(`[baton] error: ${message}${detail === undefined ? '' : ` ${detail instanceof Error ? (detail.stack ?? detail.message) : JSON.stringify(detail)}`}\n`),
};

const isLoopback = (host: string): boolean => LOOPBACK_HOSTS.includes(host) || host.startsWith('127.');

/**
 * `log` is the server's logging (`baton start`: server/log.ts), or one Logger for every
 * component and no access log (a server inside another program; default plain stderr lines).
 */
export async function startServer(config: ServerConfig, log: Logger | ServerLogs = stderrLog): Promise<RunningServer> {
  const logs: ServerLogs = 'component' in log ? log : { component: () => log };
  if (!isLoopback(config.host) && config.tokens.length === 0) {
    throw new StartupError(`refusing to listen on ${config.host} without authentication: configure tokens (BATON_TOKENS or config.json) or bind to 127.0.0.1`);
  }
  ensureDataDir(config.dataDir);
  // What start-up has opened, closed in reverse order by close() or by a failed start.
  const opened: (() => unknown)[] = [];
  const closeAll = async (): Promise<void> => {
    for (const close of opened.reverse()) await close();
  };
  try {
    // SQLite keeps the data in this directory: one server only. Redis and PostgreSQL serve several processes.
    if (config.store.kind === 'sqlite') {
      const lock = lockDataDir(config.dataDir);
      opened.push(() => { lock.release(); });
    }
    opened.push(() => { removeOwnServerRecord(config.dataDir); });
    const backend = await openBackend(config, logs.component('store'));
    opened.push(() => backend.close());
    const hub = createHub({ store: backend.store, bus: backend.bus, config: config.hub, log: logs.component('hub') });
    opened.push(() => hub.close());
    const allowedHosts = [...LOOPBACK_HOSTS, ...config.allowedHosts.map((h) => h.toLowerCase()), ...(isLoopback(config.host) || config.host === '0.0.0.0' || config.host === '::' ? [] : [config.host])];
    const app = createHttpApp({ hub, security: { tokens: config.tokens, allowedHosts }, version: VERSION, log: logs.component('http'), mcpToolsets: config.toolsets, requestLog: logs.request });
    opened.push(() => app.close());
    await app.listen({ host: config.host, port: config.port }).catch((error: unknown) => {
      throw listenFailure(error, config.host, config.port);
    });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    hub.startSweeper();
    writeServerRecord({ pid: process.pid, url, startedAt: new Date().toISOString(), dataDir: config.dataDir });
    let closing: Promise<void> | undefined;
    return { url, hub, close: () => (closing ??= closeAll()) };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
