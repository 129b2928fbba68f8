/**
 * @module Server configuration: flags over environment over the config file
 * (<data-dir>/config.json) over defaults.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { TOOLSETS } from '../hub/command.js';
import type { HubConfig } from '../hub/config.js';

export const STORE_KINDS = ['sqlite', 'redis', 'postgres'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

const tokenSchema = z.object({
  token: z.string().min(16),
  role: z.enum(['agent', 'observer', 'admin']),
  projects: z.array(z.string()).min(1).default(['*']),
  agent: z.string().optional(),
});

const fileSchema = z
  .object({
    host: z.string().optional(),
    port: z.number().int().min(0).max(65_535).optional(),
    allowed_hosts: z.array(z.string()).optional(),
    tokens: z.array(tokenSchema).optional(),
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
  toolsets: string[] | undefined;
  sqliteSynchronous: 'NORMAL' | 'FULL';
  hub: Partial<HubConfig>;
}

export interface ConfigOverrides {
  store?: string | undefined;
  storeUrl?: string | undefined;
  host?: string | undefined;
  port?: number | undefined;
  dataDir?: string | undefined;
}

export const defaultDataDir = (): string => process.env['BATON_DATA_DIR'] ?? join(homedir(), '.baton');

function readConfigFile(dataDir: string): z.output<typeof fileSchema> {
  let text: string;
  try {
    text = readFileSync(join(dataDir, 'config.json'), 'utf8');
  } catch {
    return {};
  }
  const parsed = fileSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${join(dataDir, 'config.json')}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** BATON_TOOLSETS=locks,tasks: the MCP toolsets this server offers. */
function envToolsets(value: string | undefined): string[] | undefined {
  if (!value) return undefined;
  const names = value.split(',').map((t) => t.trim()).filter((t) => t !== '');
  const unknown = names.filter((t) => !(TOOLSETS as readonly string[]).includes(t));
  if (unknown.length > 0) throw new Error(`BATON_TOOLSETS: unknown toolset '${unknown.join(',')}'; known: ${TOOLSETS.join(', ')}.`);
  return names;
}

export function loadServerConfig(overrides: ConfigOverrides): ServerConfig {
  const env = process.env;
  const dataDir = overrides.dataDir ?? defaultDataDir();
  const file = readConfigFile(dataDir);
  const envPort = env['BATON_PORT'] === undefined ? undefined : Number(env['BATON_PORT']);
  const minutes = file.thresholds_minutes;
  const envTokens = env['BATON_TOKENS'] ? z.array(tokenSchema).parse(JSON.parse(env['BATON_TOKENS'])) : undefined;
  const hub: Partial<HubConfig> = {
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
  if (!(STORE_KINDS as readonly string[]).includes(kind)) throw new Error(`Unknown store '${kind}': use ${STORE_KINDS.join(', ')}.`);
  return {
    store: { kind: kind as StoreKind, url: overrides.storeUrl ?? env['BATON_STORE_URL'] ?? file.store_url, namespace: env['BATON_STORE_NAMESPACE'] ?? file.store_namespace },
    host: overrides.host ?? env['BATON_HOST'] ?? file.host ?? '127.0.0.1',
    port: overrides.port ?? envPort ?? file.port ?? 3100,
    dataDir,
    allowedHosts: file.allowed_hosts ?? [],
    tokens: envTokens ?? file.tokens ?? [],
    toolsets: envToolsets(env['BATON_TOOLSETS']) ?? file.toolsets,
    sqliteSynchronous: file.sqlite_synchronous ?? 'NORMAL',
    hub,
  };
}
