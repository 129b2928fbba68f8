/**
 * @module The EventBus across coordinator processes over Redis pub/sub. A local
 * publish delivers at once and PUBLISHes one small message per project
 * (`{project, first id, last id}`); other processes read those events from the
 * store's log after the last id they delivered. Every process so delivers each
 * project's events in log order, exactly once, whichever process wrote them.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { isCoordinationError } from '../../core/errors.js';
import type { BatonEvent } from '../../core/events/event.js';
import { createMemoryEventBus, groupByProject, type EventBus } from '../../hub/event-bus.js';
import type { Store } from '../store.js';
import { connectRedis } from './connection.js';
import { createKeys } from './keys.js';

export interface RedisEventBusOptions {
  url: string;
  /** The key prefix of the store (default 'baton'): buses of one prefix talk to each other. */
  prefix?: string;
  /** The store other processes' events are read from. */
  store: Store;
  /** Reports failures to read the log (the bus retries them). */
  onError?: (error: unknown) => void;
}

export interface RedisEventBus extends EventBus {
  close(): Promise<void>;
}

interface Wakeup {
  /** project */
  p: string;
  /** last event id of the step */
  l: number;
  /** publishing bus */
  o: string;
}

const PAGE = 1_000;
const RETRY_MS = 500;

/** One project's delivery: everything up to `delivered` went out, in order. */
class ProjectFeed {
  private delivered: number;
  private target = 0;
  private readonly pending = new Map<number, BatonEvent>();
  private pumping = false;
  private retry: NodeJS.Timeout | undefined;

  private readonly project: string;
  private readonly store: Store;
  private readonly deliver: (e: BatonEvent) => void;
  private readonly onError: (error: unknown) => void;

  /** `delivered`: the log position this process starts from (the head at start-up, 0 for a project born later). */
  constructor(project: string, delivered: number, store: Store, deliver: (e: BatonEvent) => void, onError: (error: unknown) => void) {
    this.project = project;
    this.delivered = delivered;
    this.store = store;
    this.deliver = deliver;
    this.onError = onError;
  }

  local(events: readonly BatonEvent[]): void {
    for (const e of events) {
      if (e.id <= this.delivered) continue;
      this.pending.set(e.id, e);
      this.target = Math.max(this.target, e.id);
    }
    void this.pump();
  }

  remote(last: number): void {
    this.target = Math.max(this.target, last);
    void this.pump();
  }

  /** After the subscriber reconnects: wake-ups may have been missed, so look at the log's end. */
  async catchUp(): Promise<void> {
    try {
      const page = await this.store.readEvents({ project: this.project, after: this.delivered, limit: 0 });
      this.target = Math.max(this.target, page.lastId);
    } catch (error) {
      if (!isCoordinationError(error) || error.code !== 'EVENTS_GAP') {
        this.onError(error);
        return;
      }
      this.target = Math.max(this.target, Number(error.details?.['last_id'] ?? 0));
    }
    await this.pump();
  }

  stop(): void {
    clearTimeout(this.retry);
  }

  private flushPending(): number {
    let delivered = this.delivered;
    for (let e = this.pending.get(delivered + 1); e; e = this.pending.get(delivered + 1)) {
      this.pending.delete(e.id);
      delivered = e.id;
      this.delivered = delivered;
      this.deliver(e);
    }
    return delivered;
  }

  private retryLater(): void {
    clearTimeout(this.retry);
    this.retry = setTimeout(() => void this.pump(), RETRY_MS);
    this.retry.unref();
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (let delivered = this.flushPending(); delivered < this.target; delivered = this.flushPending()) {
        let events: BatonEvent[];
        try {
          events = (await this.store.readEvents({ project: this.project, after: delivered, limit: PAGE })).events;
        } catch (error) {
          const oldest = isCoordinationError(error) && error.code === 'EVENTS_GAP' ? Number(error.details?.['oldest_id']) : Number.NaN;
          // Trimmed before this process read them: carry on from the oldest kept event.
          if (Number.isFinite(oldest)) {
            this.delivered = oldest - 1;
            continue;
          }
          this.onError(error);
          this.retryLater();
          return;
        }
        if (events.length === 0) {
          // Not visible yet (another node's wake-up raced its commit): look again shortly.
          this.retryLater();
          return;
        }
        for (const e of events) {
          if (e.id !== this.delivered + 1) continue;
          this.pending.delete(e.id);
          this.delivered = e.id;
          this.deliver(e);
        }
      }
      for (const id of this.pending.keys()) if (id <= this.delivered) this.pending.delete(id);
    } finally {
      this.pumping = false;
    }
  }
}

export async function createRedisEventBus(options: RedisEventBusOptions): Promise<RedisEventBus> {
  const channel = createKeys(options.prefix ?? 'baton').channel;
  const origin = randomUUID();
  const onError = options.onError ?? (() => undefined);
  const local = createMemoryEventBus();
  const feeds = new Map<string, ProjectFeed>();
  // Where each existing project's log ends at start-up; a project first seen later is new, so it starts at 0.
  const startAt = new Map<string, number>();
  const feed = (project: string): ProjectFeed => {
    let f = feeds.get(project);
    if (!f) {
      f = new ProjectFeed(project, startAt.get(project) ?? 0, options.store, (e) => { local.publish([e]); }, onError);
      feeds.set(project, f);
    }
    return f;
  };

  const publisher: Redis = await connectRedis(options.url, { name: 'baton-bus' });
  let subscriber: Redis;
  try {
    subscriber = await connectRedis(options.url, { name: 'baton-bus-sub' });
  } catch (error) {
    publisher.disconnect();
    throw error;
  }
  subscriber.on('message', (from: string, text: string) => {
    if (from !== channel) return;
    try {
      const wakeup = JSON.parse(text) as Wakeup;
      if (wakeup.o !== origin) feed(wakeup.p).remote(wakeup.l);
    } catch (error) {
      onError(error);
    }
  });
  await subscriber.subscribe(channel);
  // Read after subscribing: a wake-up for a later event cannot be missed, and nothing before the head is replayed.
  for (const project of await options.store.listProjects()) {
    startAt.set(project, (await options.store.readEvents({ project, after: Number.MAX_SAFE_INTEGER - 1, limit: 0 })).lastId);
  }
  // ioredis resubscribes after a reconnect; wake-ups sent meanwhile are lost, so catch up from the log.
  subscriber.on('ready', () => {
    for (const f of feeds.values()) void f.catchUp();
  });

  return {
    publish(events) {
      for (const [project, list] of groupByProject(events)) {
        feed(project).local(list);
        const wakeup: Wakeup = { p: project, l: list.at(-1)?.id ?? 0, o: origin };
        publisher.publish(channel, JSON.stringify(wakeup)).catch(onError);
      }
    },
    subscribe: (project, listener) => local.subscribe(project, listener),
    async close() {
      for (const f of feeds.values()) f.stop();
      await Promise.all([subscriber.quit().catch(() => undefined), publisher.quit().catch(() => undefined)]);
    },
  };
}
