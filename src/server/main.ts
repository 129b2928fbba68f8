/**
 * @module The composition root: configuration → store → hub → transports. The only
 * module that knows the concrete store and every surface.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../hub/context.js';
import { createHub, type Hub } from '../hub/hub.js';
import { createHttpApp } from '../transports/http/http-app.js';
import { LOOPBACK_HOSTS } from '../transports/http/security.js';
import type { ServerConfig } from './config.js';
import { VERSION } from './version.js';
import { openBackend } from './open-store.js';

export interface RunningServer {
  url: string;
  hub: Hub;
  close(): Promise<void>;
}

/** What `baton status` and `baton stop` read to find a running server. */
export interface ServerRecord {
  pid: number;
  url: string;
  startedAt: string;
  dataDir: string;
}

export const serverRecordPath = (dataDir: string): string => join(dataDir, 'server.json');

export function readServerRecord(dataDir: string): ServerRecord | null {
  try {
    return JSON.parse(readFileSync(serverRecordPath(dataDir), 'utf8')) as ServerRecord;
  } catch {
    return null;
  }
}

export const stderrLog: Logger = {
  info: (message) => process.stderr.write(`[baton] ${message}\n`),
  error: (message, detail) => process.stderr.write(`[baton] error: ${message}${detail === undefined ? '' : ` ${detail instanceof Error ? (detail.stack ?? detail.message) : JSON.stringify(detail)}`}\n`),
};


const isLoopback = (host: string): boolean => LOOPBACK_HOSTS.includes(host) || host.startsWith('127.');

export async function startServer(config: ServerConfig, log: Logger = stderrLog): Promise<RunningServer> {
  if (!isLoopback(config.host) && config.tokens.length === 0) {
    throw new Error(`Refusing to listen on ${config.host} without authentication: configure tokens (BATON_TOKENS or config.json) or bind to 127.0.0.1.`);
  }
  mkdirSync(config.dataDir, { recursive: true });
  const backend = await openBackend(config, log);
  const hub = createHub({ store: backend.store, bus: backend.bus, config: config.hub, log });
  const allowedHosts = [...LOOPBACK_HOSTS, ...config.allowedHosts.map((h) => h.toLowerCase()), ...(isLoopback(config.host) || config.host === '0.0.0.0' || config.host === '::' ? [] : [config.host])];
  const app = createHttpApp({ hub, security: { tokens: config.tokens, allowedHosts }, version: VERSION, log, mcpToolsets: config.toolsets });
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  hub.startSweeper();
  const record: ServerRecord = { pid: process.pid, url, startedAt: new Date().toISOString(), dataDir: config.dataDir };
  writeFileSync(serverRecordPath(config.dataDir), JSON.stringify(record, null, 2));

  let closing: Promise<void> | undefined;
  return {
    url,
    hub,
    close() {
      closing ??= (async () => {
        await app.close();
        await hub.close();
        await backend.close();
        if (readServerRecord(config.dataDir)?.pid === process.pid) rmSync(serverRecordPath(config.dataDir), { force: true });
      })();
      return closing;
    },
  };
}
