/**
 * @module Server configuration: flags over environment over the config file
 * (<data-dir>/config.json) over defaults.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { TOOLSETS } from '../hub/command.js';
import { DEFAULT_LIMITS, type HubConfig, type LimitsConfig } from '../hub/config.js';
import { MQTT_COMPAT, type MqttCompat } from '../transports/mqtt/mqtt-topics.js';
import { parsePort } from './port.js';
import { defaultDataDir } from './server-record.js';
import { StartupError } from './startup-error.js';

const STORE_KINDS = ['sqlite', 'redis', 'postgres'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

const tokenSchema = z.object({
  token: z.string().min(16, 'must be at least 16 characters'),
  role: z.enum(['agent', 'observer', 'admin'], { error: 'must be agent, observer or admin' }),
  projects: z.array(z.string()).min(1).default(['*']),
  agent: z.string().optional(),
});

const count = z.number().int().min(0).max(100_000_000);
/** Limits per caller and bounded counts (hub LimitsConfig), as `limits` in config.json or BATON_LIMITS; 0 turns one off. */
const limitsSchema = z
  .object({
    token_requests_per_minute: count,
    agent_requests_per_minute: count,
    token_waits: count,
    agent_waits: count,
    auth_failures_per_minute: count,
    registrations_per_minute: count,
    agents_per_project: count,
    waiters_per_lock: count,
    subscriptions_per_connection: count,
  })
  .partial()
  .strict();

const fileSchema = z
  .object({
    host: z.string().optional(),
    port: z.number().int().min(0).max(65_535).optional(),
    allowed_hosts: z.array(z.string()).optional(),
    tokens: z.array(tokenSchema).optional(),
    registration_secret: z.string().min(16, 'must be at least 16 characters').optional(),
    registration_projects: z.array(z.string()).min(1).optional(),
    toolsets: z.array(z.enum(TOOLSETS)).optional(),
    worker_slots: z.number().int().min(1).max(10_000).optional(),
    max_wait_seconds: z.number().min(1).max(3600).optional(),
    default_wait_seconds: z.number().min(0).max(3600).optional(),
    thresholds_minutes: z.object({ active: z.number(), idle: z.number(), stale: z.number(), unresponsive: z.number() }).partial().optional(),
    event_retention: z.number().int().min(100).optional(),
    sqlite_synchronous: z.enum(['NORMAL', 'FULL']).optional(),
    store: z.enum(STORE_KINDS).optional(),
    store_url: z.string().optional(),
    store_namespace: z.string().regex(/^[a-z_][a-z0-9_]{0,40}$/).optional(),
    mqtt_port: z.number().int().min(0).max(65_535).optional(),
    mqtt_url: z.string().regex(/^(mqtts?|wss?|tcp):\/\//, 'must be mqtt://, mqtts://, ws:// or wss://').optional(),
    mqtt_compat: z.array(z.enum(MQTT_COMPAT)).optional(),
    limits: limitsSchema.optional(),
    tls_cert: z.string().min(1).optional(),
    tls_key: z.string().min(1).optional(),
  })
  .strict();

export interface ServerConfig {
  /** Which engine holds the state; `namespace` is the Redis key prefix or the PostgreSQL schema. */
  store: { kind: StoreKind; url: string | undefined; namespace: string | undefined };
  host: string;
  port: number;
  dataDir: string;
  allowedHosts: string[];
  tokens: z.output<typeof tokenSchema>[];
  /** Self-registration of agents (seed 004's flow): the shared secret and the projects their tokens get. */
  registration: { secret: string; projects: string[] } | undefined;
  toolsets: string[] | undefined;
  sqliteSynchronous: 'NORMAL' | 'FULL';
  hub: Partial<HubConfig>;
  /** Built-in TLS: PEM files of the certificate (chain) and its key; plain HTTP when undefined. */
  tls: { certFile: string; keyFile: string } | undefined;
  /** MQTT, off unless set: the embedded broker's TCP port (it also serves /mqtt), the bridge's broker URL and credentials. */
  mqtt: { port: number | undefined; url: string | undefined; username: string | undefined; password: string | undefined; compat: MqttCompat[] };
}

export interface ConfigOverrides {
  store?: string | undefined;
  storeUrl?: string | undefined;
  host?: string | undefined;
  port?: number | undefined;
  dataDir?: string | undefined;
  mqttPort?: number | undefined;
  mqttUrl?: string | undefined;
  tlsCert?: string | undefined;
  tlsKey?: string | undefined;
}

export { defaultDataDir } from './server-record.js';

/** The port a flag or variable names: digits only, 0 to 65535; undefined when it is not one. */

/** zod issues as one line: `tokens[0].token: must be at least 16 characters; unknown setting "prot"`. */
function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => {
      if (issue.code === 'unrecognized_keys') return `unknown setting ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
      const path = issue.path.map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`)).join('').replace(/^\./, '');
      return path === '' ? issue.message : `${path}: ${issue.message}`;
    })
    .join('; ');
}

function tlsOf(certFile: string | undefined, keyFile: string | undefined): ServerConfig['tls'] {
  if (certFile === undefined && keyFile === undefined) return undefined;
  if (certFile === undefined || keyFile === undefined) {
    throw new StartupError(`TLS needs both a certificate and its key: give ${certFile === undefined ? '--tls-cert (BATON_TLS_CERT, tls_cert)' : '--tls-key (BATON_TLS_KEY, tls_key)'} too`);
  }
  return { certFile, keyFile };
}

function registrationOf(secret: string | undefined, projects: string[] | undefined): ServerConfig['registration'] {
  if (secret === undefined) return undefined;
  if (secret.length < 16) throw new StartupError('BATON_REGISTRATION_SECRET must be at least 16 characters; pick a long random one');
  return { secret, projects: projects ?? ['*'] };
}

function readConfigFile(dataDir: string): z.output<typeof fileSchema> {
  const path = join(dataDir, 'config.json');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    // No file is no settings; a data directory that is not one is reported when it is created.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return {};
    throw new StartupError(`cannot read ${path} (${code ?? String(error)}); fix its permissions or remove it`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new StartupError(`${path} is not valid JSON (${(error as Error).message}); fix or remove the file`);
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) throw new StartupError(`${path} has wrong settings: ${describeIssues(parsed.error.issues)}; fix them (README, Configuration, lists the settings)`);
  return parsed.data;
}

const TOKENS_EXAMPLE = '[{"token":"<at least 16 characters>","role":"agent","projects":["*"]}]';

/** BATON_TOKENS: a JSON array of tokens, as `tokens` in config.json. */
function envTokens(text: string | undefined): z.output<typeof tokenSchema>[] | undefined {
  if (!text) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new StartupError(`BATON_TOKENS is not valid JSON; give an array like ${TOKENS_EXAMPLE}`);
  }
  const parsed = z.array(tokenSchema).safeParse(json);
  if (!parsed.success) throw new StartupError(`BATON_TOKENS: ${describeIssues(parsed.error.issues)}; give an array like ${TOKENS_EXAMPLE}`);
  return parsed.data;
}

const LIMITS_EXAMPLE = '{"token_requests_per_minute":6000,"agent_waits":16}';

/** BATON_LIMITS: a JSON object of limits, as `limits` in config.json. */
function envLimits(text: string | undefined): z.output<typeof limitsSchema> | undefined {
  if (!text) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new StartupError(`BATON_LIMITS is not valid JSON; give an object like ${LIMITS_EXAMPLE}`);
  }
  const parsed = limitsSchema.safeParse(json);
  if (!parsed.success) throw new StartupError(`BATON_LIMITS: ${describeIssues(parsed.error.issues)}; give an object like ${LIMITS_EXAMPLE}`);
  return parsed.data;
}

/** The limits of the file and the environment (which wins, setting by setting) over the defaults. */
function limitsOf(file: z.output<typeof limitsSchema> | undefined, env: z.output<typeof limitsSchema> | undefined): LimitsConfig {
  const given = { ...file, ...env };
  const d = DEFAULT_LIMITS;
  return {
    tokenRequestsPerMinute: given.token_requests_per_minute ?? d.tokenRequestsPerMinute,
    agentRequestsPerMinute: given.agent_requests_per_minute ?? d.agentRequestsPerMinute,
    tokenWaits: given.token_waits ?? d.tokenWaits,
    agentWaits: given.agent_waits ?? d.agentWaits,
    authFailuresPerMinute: given.auth_failures_per_minute ?? d.authFailuresPerMinute,
    registrationsPerMinute: given.registrations_per_minute ?? d.registrationsPerMinute,
    agentsPerProject: given.agents_per_project ?? d.agentsPerProject,
    waitersPerLock: given.waiters_per_lock ?? d.waitersPerLock,
    subscriptionsPerConnection: given.subscriptions_per_connection ?? d.subscriptionsPerConnection,
  };
}

function envMqttPort(text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  const port = parsePort(text);
  if (port === undefined) throw new StartupError(`BATON_MQTT_PORT '${text}' is not a port; use a number from 0 to 65535 (0 picks a free one)`);
  return port;
}

function envPort(text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  const port = parsePort(text);
  if (port === undefined) throw new StartupError(`BATON_PORT '${text}' is not a port; use a number from 0 to 65535 (0 picks a free one)`);
  return port;
}

/** BATON_MQTT_COMPAT=seed004: extra topic names on MQTT. */
function envCompat(value: string | undefined): MqttCompat[] | undefined {
  if (!value) return undefined;
  const names = value.split(',').map((t) => t.trim()).filter((t) => t !== '');
  const unknown = names.filter((t) => !(MQTT_COMPAT as readonly string[]).includes(t));
  if (unknown.length > 0) throw new StartupError(`BATON_MQTT_COMPAT: unknown '${unknown.join(',')}'; known: ${MQTT_COMPAT.join(', ')}`);
  return names as MqttCompat[];
}

function mqttUrl(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^(mqtts?|wss?|tcp):\/\//.test(value)) throw new StartupError(`MQTT URL '${value}' is not one; use mqtt://host:1883 (or mqtts://, ws://, wss://)`);
  return value;
}

/** BATON_TOOLSETS=locks,tasks: the MCP toolsets this server offers. */
function envToolsets(value: string | undefined): string[] | undefined {
  if (!value) return undefined;
  const names = value.split(',').map((t) => t.trim()).filter((t) => t !== '');
  const unknown = names.filter((t) => !(TOOLSETS as readonly string[]).includes(t));
  if (unknown.length > 0) throw new StartupError(`BATON_TOOLSETS: unknown toolset '${unknown.join(',')}'; known: ${TOOLSETS.join(', ')}`);
  return names;
}

export function loadServerConfig(overrides: ConfigOverrides): ServerConfig {
  const env = process.env;
  const dataDir = overrides.dataDir ?? defaultDataDir();
  const file = readConfigFile(dataDir);
  const minutes = file.thresholds_minutes;
  const hub: Partial<HubConfig> = {
    limits: limitsOf(file.limits, envLimits(env['BATON_LIMITS'])),
    ...(file.worker_slots !== undefined ? { workerSlots: file.worker_slots } : {}),
    ...(file.max_wait_seconds !== undefined ? { maxWaitMs: file.max_wait_seconds * 1000 } : {}),
    ...(file.default_wait_seconds !== undefined ? { defaultWaitMs: file.default_wait_seconds * 1000 } : {}),
    ...(file.event_retention !== undefined ? { eventRetention: file.event_retention } : {}),
    ...(minutes
      ? {
          thresholds: {
            activeMs: (minutes.active ?? 5) * 60_000,
            idleMs: (minutes.idle ?? 60) * 60_000,
            staleMs: (minutes.stale ?? 240) * 60_000,
            unresponsiveMs: (minutes.unresponsive ?? 1440) * 60_000,
          },
        }
      : {}),
  };
  const kind = overrides.store ?? env['BATON_STORE'] ?? file.store ?? 'sqlite';
  if (!(STORE_KINDS as readonly string[]).includes(kind)) throw new StartupError(`unknown store '${kind}'; use ${STORE_KINDS.join(', ')} (--store or BATON_STORE)`);
  return {
    store: { kind: kind as StoreKind, url: overrides.storeUrl ?? env['BATON_STORE_URL'] ?? file.store_url, namespace: env['BATON_STORE_NAMESPACE'] ?? file.store_namespace },
    host: overrides.host ?? env['BATON_HOST'] ?? file.host ?? '127.0.0.1',
    port: overrides.port ?? envPort(env['BATON_PORT']) ?? file.port ?? 3100,
    dataDir,
    allowedHosts: file.allowed_hosts ?? [],
    tokens: envTokens(env['BATON_TOKENS']) ?? file.tokens ?? [],
    registration: registrationOf(env['BATON_REGISTRATION_SECRET'] ?? file.registration_secret, file.registration_projects),
    toolsets: envToolsets(env['BATON_TOOLSETS']) ?? file.toolsets,
    tls: tlsOf(overrides.tlsCert ?? (env['BATON_TLS_CERT'] || undefined) ?? file.tls_cert, overrides.tlsKey ?? (env['BATON_TLS_KEY'] || undefined) ?? file.tls_key),
    sqliteSynchronous: file.sqlite_synchronous ?? 'NORMAL',
    hub,
    mqtt: {
      port: overrides.mqttPort ?? envMqttPort(env['BATON_MQTT_PORT']) ?? file.mqtt_port,
      url: mqttUrl(overrides.mqttUrl ?? env['BATON_MQTT_URL'] ?? file.mqtt_url),
      // Credentials only from the environment: never in a flag (ps) or the config file.
      username: env['BATON_MQTT_USERNAME'] || undefined,
      password: env['BATON_MQTT_PASSWORD'] || undefined,
      compat: envCompat(env['BATON_MQTT_COMPAT']) ?? file.mqtt_compat ?? [],
    },
  };
}
