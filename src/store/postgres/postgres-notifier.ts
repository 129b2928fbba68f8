/**
 * @module The StoreNotifier of PostgreSQL: a dedicated LISTEN connection on the
 * schema's channel, on which apply_plan's NOTIFY arrives (`{project, lastId}`).
 * Each time listening starts it reads every project's log head, so whatever was
 * committed while it was down is caught up. It reconnects by itself and probes
 * the connection so a dead one is noticed.
 */
import pg from 'pg';
import type { StoreNotifier } from '../store.js';
import { channelOf, checkSchema, clientConfig, DEFAULT_SCHEMA, type ConnectionOptions } from './connection.js';
import { translatePgError } from './postgres-errors.js';
import { num, str } from '../sql-rows.js';
import { rows } from './postgres-statements.js';

export interface PostgresNotifierOptions extends ConnectionOptions {
  /** The schema of the store the coordinators share. Default `baton`. */
  schema?: string;
  log?: { error(message: string, detail?: unknown): void };
  /** First wait before reconnecting; doubles up to 5 s. Default 250 ms. */
  reconnectDelayMs?: number;
  /** How often the LISTEN connection is probed. Default 15 s. */
  probeIntervalMs?: number;
}

export interface PostgresNotifier extends StoreNotifier {
  /** Whether the LISTEN connection is up (false while reconnecting). */
  readonly listening: boolean;
}

const MAX_RECONNECT_DELAY_MS = 5_000;

function parseNotice(payload: string | undefined): { project: string; lastId: number } | null {
  try {
    const value = JSON.parse(payload ?? '') as { project?: unknown; lastId?: unknown };
    return typeof value.project === 'string' && typeof value.lastId === 'number' ? { project: value.project, lastId: value.lastId } : null;
  } catch {
    return null;
  }
}

export function createPostgresNotifier(options: PostgresNotifierOptions): PostgresNotifier {
  const schema = checkSchema(options.schema ?? DEFAULT_SCHEMA);
  const channel = channelOf(schema);
  const log = options.log ?? { error: () => undefined };
  let handlers: Parameters<StoreNotifier['start']>[0] | undefined;
  let listener: pg.Client | undefined;
  let reconnectDelay = options.reconnectDelayMs ?? 250;
  let probe: NodeJS.Timeout | undefined;
  let retry: NodeJS.Timeout | undefined;
  let closed = false;

  function onLost(client: pg.Client, error?: unknown): void {
    if (client !== listener) return;
    listener = undefined;
    client.removeAllListeners('notification');
    client.end().catch(() => undefined);
    if (closed) return;
    log.error('event bus: LISTEN connection lost; reconnecting', error);
    retry = setTimeout(() => void reconnect(), reconnectDelay);
    retry.unref();
  }

  async function connect(): Promise<void> {
    const client = new pg.Client({ ...clientConfig(options, schema), application_name: `baton-listen:${schema}` });
    client.on('error', (error) => {
      onLost(client, error);
    });
    client.on('end', () => {
      onLost(client);
    });
    client.on('notification', (message) => {
      if (message.channel !== channel) return;
      const notice = parseNotice(message.payload);
      if (notice) handlers?.onNotice(notice.project, notice.lastId);
    });
    try {
      await client.connect();
      await client.query(`LISTEN "${channel}"`);
      // Listening now: anything committed from here on is announced; the heads cover what came before.
      const heads = await rows(client, 'list_log_heads', []);
      listener = client;
      handlers?.onResync(new Map(heads.map((r) => [str(r['id']), num(r['last_event_id'])])), false);
    } catch (error) {
      client.removeAllListeners('notification');
      await client.end().catch(() => undefined);
      throw error;
    }
  }

  async function reconnect(): Promise<void> {
    if (closed || listener) return;
    try {
      await connect();
      reconnectDelay = options.reconnectDelayMs ?? 250;
    } catch (error) {
      log.error('event bus: reconnecting the LISTEN connection failed', error);
      reconnectDelay = Math.min(reconnectDelay * 2, MAX_RECONNECT_DELAY_MS);
      retry = setTimeout(() => void reconnect(), reconnectDelay);
      retry.unref();
    }
  }

  return {
    get listening() {
      return listener !== undefined;
    },
    async start(h) {
      handlers = h;
      try {
        await connect();
      } catch (error) {
        throw translatePgError(error);
      }
      probe = setInterval(() => {
        const client = listener;
        client?.query('SELECT 1').catch((error: unknown) => {
          onLost(client, error);
        });
      }, options.probeIntervalMs ?? 15_000);
      probe.unref();
    },
    async close() {
      closed = true;
      clearInterval(probe);
      clearTimeout(retry);
      const client = listener;
      listener = undefined;
      await client?.end().catch(() => undefined);
    },
  };
}
