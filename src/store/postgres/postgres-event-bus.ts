/**
 * @module An EventBus for several coordinator processes sharing one PostgreSQL
 * schema. `publish` delivers a committed step's events locally and announces
 * `{project, lastId}` with one NOTIFY per project (announcements made while one
 * is in flight coalesce). A dedicated LISTEN connection hears the other processes;
 * the bus then reads the missing events from the store, so every process delivers
 * each event of a project exactly once and in id order, whoever committed it. The
 * LISTEN connection reconnects by itself and catches up from the log on return.
 */
import pg from 'pg';
import { isCoordinationError } from '../../core/errors.js';
import { createMemoryEventBus, groupByProject, type EventBus } from '../../hub/event-bus.js';
import type { Store } from '../store.js';
import { channelOf, checkSchema, clientConfig, DEFAULT_SCHEMA, type ConnectionOptions } from './connection.js';
import { translatePgError } from './postgres-errors.js';

export interface PostgresEventBusOptions extends ConnectionOptions {
  /** The schema of the store the coordinators share. Default `baton`. */
  schema?: string;
  /** Where other processes' events are read from. */
  store: Pick<Store, 'readEvents'>;
  log?: { error(message: string, detail?: unknown): void };
  /** First wait before reconnecting the LISTEN connection; doubles up to 5 s. Default 250 ms. */
  reconnectDelayMs?: number;
  /** How often the LISTEN connection is probed, so a dead one is noticed. Default 15 s. */
  probeIntervalMs?: number;
}

export interface PostgresEventBus extends EventBus {
  /** Whether the LISTEN connection is up (false while reconnecting). */
  readonly listening: boolean;
  close(): Promise<void>;
}

/** Delivery position of one project in this process. */
interface Feed {
  /** Highest id delivered to local subscribers. */
  delivered: number;
  /** Highest id known to be committed. */
  target: number;
  /** A read from the store is under way; local events wait for it. */
  reading: boolean;
}

const PAGE = 500;
const MAX_RECONNECT_DELAY_MS = 5_000;

function parseNotice(payload: string | undefined): { project: string; lastId: number } | null {
  try {
    const value = JSON.parse(payload ?? '') as { project?: unknown; lastId?: unknown };
    return typeof value.project === 'string' && typeof value.lastId === 'number' ? { project: value.project, lastId: value.lastId } : null;
  } catch {
    return null;
  }
}

export async function createPostgresEventBus(options: PostgresEventBusOptions): Promise<PostgresEventBus> {
  const schema = checkSchema(options.schema ?? DEFAULT_SCHEMA);
  const channel = channelOf(schema);
  const log = options.log ?? { error: () => undefined };
  const local = createMemoryEventBus();
  const feeds = new Map<string, Feed>();
  const sender = new pg.Pool({ ...clientConfig(options, schema), max: 1, application_name: `baton-notify:${schema}` });
  sender.on('error', () => undefined);
  sender.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  const announce = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();
  let sending: Promise<void> | undefined;
  let listener: pg.Client | undefined;
  let reconnectDelay = options.reconnectDelayMs ?? 250;
  let started = false;
  let closed = false;

  const later = (ms: number, fn: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timer.unref();
    timers.add(timer);
  };

  const feedOf = (project: string): Feed => {
    let feed = feeds.get(project);
    if (!feed) {
      // A project this process has not seen began after the bus started: its log starts at 1.
      feed = { delivered: 0, target: 0, reading: false };
      feeds.set(project, feed);
    }
    return feed;
  };

  /** Reads and delivers a project's events from `delivered` up to `target`. */
  async function readUp(project: string, feed: Feed): Promise<void> {
    feed.reading = true;
    try {
      while (!closed && feed.delivered < feed.target) {
        let page;
        try {
          page = await options.store.readEvents({ project, after: feed.delivered, limit: PAGE });
        } catch (error) {
          if (!isCoordinationError(error) || error.code !== 'EVENTS_GAP') throw error;
          const oldest = Number(error.details?.['oldest_id'] ?? feed.target);
          log.error(`event bus: events of '${project}' after ${feed.delivered} were trimmed before delivery; resuming at ${oldest}`);
          feed.delivered = Math.max(feed.delivered, oldest - 1);
          continue;
        }
        if (page.events.length === 0) {
          // Nothing more is committed than what we delivered: the announcement overstated.
          feed.delivered = Math.max(feed.delivered, Math.min(feed.target, page.lastId));
          feed.target = feed.delivered;
          break;
        }
        for (const e of page.events) {
          if (e.id <= feed.delivered) continue;
          feed.delivered = e.id;
          local.publish([e]);
        }
        feed.target = Math.max(feed.target, feed.delivered);
      }
    } catch (error) {
      log.error(`event bus: reading events of '${project}' failed; retrying`, error);
      later(1_000, () => {
        advance(project, feed.target);
      });
    } finally {
      feed.reading = false;
    }
  }

  /** Notes that events up to `lastId` are committed, and fetches any not yet delivered. */
  function advance(project: string, lastId: number): void {
    const feed = feedOf(project);
    feed.target = Math.max(feed.target, lastId);
    if (!feed.reading && feed.target > feed.delivered && !closed) void readUp(project, feed);
  }

  function flushAnnouncements(): void {
    if (sending || announce.size === 0 || closed) return;
    const payloads = [...announce].map(([project, lastId]) => JSON.stringify({ project, lastId }));
    const batch = new Map(announce);
    announce.clear();
    sending = sender
      .query('SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p', [channel, payloads])
      .then(
        () => undefined,
        (error: unknown) => {
          log.error('event bus: NOTIFY failed; retrying', error);
          for (const [project, lastId] of batch) announce.set(project, Math.max(announce.get(project) ?? 0, lastId));
          later(1_000, flushAnnouncements);
        },
      )
      .finally(() => {
        sending = undefined;
        flushAnnouncements();
      });
  }

  function onLost(client: pg.Client, error?: unknown): void {
    if (client !== listener) return;
    listener = undefined;
    client.removeAllListeners('notification');
    client.end().catch(() => undefined);
    if (closed) return;
    log.error('event bus: LISTEN connection lost; reconnecting', error);
    later(reconnectDelay, () => void reconnect());
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
      if (notice) advance(notice.project, notice.lastId);
    });
    try {
      await client.connect();
      await client.query(`LISTEN "${channel}"`);
      // Listening now: anything committed from here on is announced. Take the log
      // heads: at start they are the baseline; after a reconnect, what was missed.
      const { rows } = await client.query<{ id: string; last_event_id: string }>(`SELECT id, last_event_id FROM "${schema}".projects`);
      listener = client;
      for (const row of rows) {
        const lastId = Number(row.last_event_id);
        if (started) advance(row.id, lastId);
        else feeds.set(row.id, { delivered: lastId, target: lastId, reading: false });
      }
      started = true;
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
      later(reconnectDelay, () => void reconnect());
    }
  }

  try {
    await connect();
  } catch (error) {
    await sender.end().catch(() => undefined);
    throw translatePgError(error);
  }

  const probe = setInterval(() => {
    const client = listener;
    client?.query('SELECT 1').catch((error: unknown) => {
      onLost(client, error);
    });
  }, options.probeIntervalMs ?? 15_000);
  probe.unref();

  return {
    get listening() {
      return listener !== undefined;
    },
    publish(events) {
      for (const [project, list] of groupByProject(events)) {
        const feed = feedOf(project);
        const fresh = list.filter((e) => e.id > feed.delivered);
        const lastId = Math.max(...list.map((e) => e.id));
        // Deliver at once when these continue the sequence; otherwise another
        // process committed in between, and the store gives the missing ones in order.
        const newest = fresh.at(-1);
        if (!feed.reading && newest && fresh.every((e, i) => e.id === feed.delivered + 1 + i)) {
          feed.delivered = newest.id;
          feed.target = Math.max(feed.target, newest.id);
          local.publish(fresh);
        } else {
          advance(project, lastId);
        }
        announce.set(project, Math.max(announce.get(project) ?? 0, lastId));
      }
      flushAnnouncements();
    },
    subscribe: (project, listener_) => local.subscribe(project, listener_),
    async close() {
      if (closed) return;
      while (sending) await sending;
      closed = true;
      clearInterval(probe);
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const client = listener;
      listener = undefined;
      await client?.end().catch(() => undefined);
      await sender.end().catch(() => undefined);
    },
  };
}
