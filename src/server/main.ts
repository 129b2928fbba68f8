/**
 * @module The composition root: configuration → store → hub → transports. The only
 * module that knows the concrete store and every surface.
 */
import type { Logger } from '../hub/context.js';
import { createAuditLog } from '../hub/auth/audit-log.js';
import { createTokenRegistry } from '../hub/auth/token-registry.js';
import { createHub, type Hub } from '../hub/hub.js';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { createHttpApp, type RequestLogEntry } from '../transports/http/http-app.js';
import { LOOPBACK_HOSTS } from '../transports/http/security.js';
import type { ServerConfig } from './config.js';
import { ensureDataDir, lockDataDir } from './data-dir.js';
import { openBackend } from './open-store.js';
import { removeOwnServerRecord, serverUrlOf, writeServerRecord } from './server-record.js';
import { listenFailure, StartupError } from './startup-error.js';
import { VERSION } from './version.js';

// The e2e suites read the record through the composition root.
export { readServerRecord } from './server-record.js';

export interface RunningServer {
  url: string;
  /** The embedded MQTT broker's TCP port, when it runs. */
  mqttPort?: number | undefined;
  hub: Hub;
  close(): Promise<void>;
}

/** How a server logs: a Logger per component and, optionally, one line per answered request. */
export interface ServerLogs {
  component(name: 'hub' | 'http' | 'store' | 'auth'): Logger;
  request?: ((entry: RequestLogEntry) => void) | undefined;
}

const stderrLog: Logger = {
  info: (message) => process.stderr.write(`[baton] ${message}\n`),
  error: (message, detail) => process.stderr.write(`[baton] error: ${message}${detail === undefined ? '' : ` ${detail instanceof Error ? (detail.stack ?? detail.message) : JSON.stringify(detail)}`}\n`),
};

/** The certificate and key files of built-in TLS, read once at start. */
function readTls(tls: { certFile: string; keyFile: string }): { cert: Buffer; key: Buffer } {
  const read = (file: string, what: string): Buffer => {
    try {
      return readFileSync(file);
    } catch (error) {
      throw new StartupError(`cannot read the TLS ${what} ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)}); check the path and its permissions`);
    }
  };
  const pair = { cert: read(tls.certFile, 'certificate'), key: read(tls.keyFile, 'key') };
  try {
    createSecureContext(pair);
  } catch (error) {
    throw new StartupError(`the TLS certificate ${tls.certFile} and key ${tls.keyFile} do not make a pair (${(error as Error).message}); give PEM files of one certificate and its private key`);
  }
  return pair;
}

const isLoopback = (host: string): boolean => LOOPBACK_HOSTS.includes(host) || host.startsWith('127.');

/**
 * `log` is the server's logging (`baton start`: server/log.ts), or one Logger for every
 * component and no access log (a server inside another program; default plain stderr lines).
 */
export async function startServer(config: ServerConfig, log: Logger | ServerLogs = stderrLog): Promise<RunningServer> {
  const logs: ServerLogs = 'component' in log ? log : { component: () => log };
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
    // Audited once any token exists (team mode); the registry, built on the hub's bus, says when.
    const audit = createAuditLog({ store: backend.store, log: logs.component('auth') });
    let teamMode = (): boolean => false;
    const hub = createHub({ store: backend.store, bus: backend.bus, config: config.hub, log: logs.component('hub'), audit: { enabled: () => teamMode(), record: (facts) => { audit.record(facts); } } });
    opened.push(() => hub.close());
    opened.push(() => audit.close());
    const tokens = await createTokenRegistry({ store: backend.store, bus: hub.context.bus, staticTokens: config.tokens, log: logs.component('auth') });
    teamMode = () => tokens.required();
    opened.push(() => { tokens.close(); });
    if (!isLoopback(config.host) && tokens.required() && !config.tls) {
      logs.component('auth').info(`WARNING: listening on ${config.host} over plain HTTP: bearer tokens cross the network readable. Serve HTTPS (--tls-cert and --tls-key) or put a TLS proxy in front (README, Team mode), and set allowed_hosts to its name.`);
    }
    if (!isLoopback(config.host) && !tokens.required()) {
      throw new StartupError(`refusing to listen on ${config.host} without authentication: create an admin token first (baton token create on a loopback server), or configure tokens (BATON_TOKENS or config.json), or bind to 127.0.0.1`);
    }
    const allowedHosts = [...LOOPBACK_HOSTS, ...config.allowedHosts.map((h) => h.toLowerCase()), ...(isLoopback(config.host) || config.host === '0.0.0.0' || config.host === '::' ? [] : [config.host])];
    const security = { tokens, allowedHosts, audit, registration: config.registration };
    // MQTT is off by default; each part loads its library only when configured.
    const broker = config.mqtt.port === undefined ? undefined
      : await import('../transports/mqtt/mqtt-broker.js').then(({ createMqttBroker }) => createMqttBroker({ hub, security, log: logs.component('http'), port: config.mqtt.port, host: config.host, compat: config.mqtt.compat }));
    if (broker) opened.push(() => broker.close());
    const app = createHttpApp({ hub, security, https: config.tls && readTls(config.tls), version: VERSION, log: logs.component('http'), mcpToolsets: config.toolsets, requestLog: logs.request, wsRoutes: broker ? [(scope) => { broker.wsRoute(scope); }] : [] });
    opened.push(() => app.close());
    const mqtt = config.mqtt;
    if (mqtt.url !== undefined) {
      const url = mqtt.url;
      const bridge = await import('../transports/mqtt/mqtt-bridge.js').then(({ createMqttBridge }) =>
        createMqttBridge({ hub, url, username: mqtt.username, password: mqtt.password, compat: mqtt.compat, log: logs.component('http'), nodeId: `${process.pid}-${randomBytes(4).toString('hex')}` }));
      opened.push(() => bridge.close());
    }
    await app.listen({ host: config.host, port: config.port }).catch((error: unknown) => {
      throw listenFailure(error, config.host, config.port);
    });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const url = serverUrlOf(config.host, port, config.tls !== undefined);
    hub.startSweeper();
    writeServerRecord({ pid: process.pid, url, startedAt: new Date().toISOString(), dataDir: config.dataDir });
    let closing: Promise<void> | undefined;
    if (broker?.port !== undefined) logs.component('http').info(`MQTT broker on mqtt://${config.host}:${broker.port} and ${url.replace(/^http/, 'ws')}/mqtt`);
    return { url, hub, mqttPort: broker?.port, close: () => (closing ??= closeAll()) };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
