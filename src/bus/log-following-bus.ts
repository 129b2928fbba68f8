/**
 * @module The EventBus for several coordinator processes sharing one store. A
 * local publish delivers at once when it continues the project's sequence; the
 * engine's notifier (PostgreSQL NOTIFY, Redis PUBLISH) tells of events committed
 * by other processes, which the bus then reads from the store's log. Every process
 * so delivers each event of a project once and in id order, whoever committed it;
 * after a lost connection it catches up from the log heads.
 */
import { isCoordinationError } from '../core/errors.js';
import type { Store, StoreNotifier } from '../store/store.js';
import { createMemoryEventBus, groupByProject, type EventBus } from './event-bus.js';

export interface LogFollowingBusOptions {
  store: Pick<Store, 'readEvents'>;
  notifier: StoreNotifier;
  log?: { error(message: string, detail?: unknown): void };
}

export interface LogFollowingBus extends EventBus {
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
const RETRY_MS = 1_000;

export async function createLogFollowingBus(options: LogFollowingBusOptions): Promise<LogFollowingBus> {
  const log = options.log ?? { error: () => undefined };
  const local = createMemoryEventBus();
  const feeds = new Map<string, Feed>();
  const timers = new Set<NodeJS.Timeout>();
  let started = false;
  let closed = false;

  const later = (fn: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, RETRY_MS);
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
      later(() => {
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

  await options.notifier.start({
    onNotice(project, lastId) {
      // Before the first heads arrive, they cover this notice too.
      if (started) advance(project, lastId);
    },
    onResync(heads, lost) {
      if (!started) {
        // Listening from now on: the heads are where this process starts delivering.
        for (const [project, head] of heads) feeds.set(project, { delivered: head, target: head, reading: false });
        started = true;
        return;
      }
      // A log that restarted (the engine lost its data) is followed again from its new head.
      if (lost) {
        for (const [project, feed] of feeds) {
          const head = heads.get(project) ?? 0;
          if (head < feed.delivered) Object.assign(feed, { delivered: head, target: head });
        }
      }
      // What was committed while this process was not listening.
      for (const [project, head] of heads) advance(project, head);
    },
  });

  return {
    publish(events) {
      for (const [project, list] of groupByProject(events)) {
        const feed = feedOf(project);
        const fresh = list.filter((e) => e.id > feed.delivered);
        const newest = fresh.at(-1);
        // Deliver at once when these continue the sequence; otherwise another process
        // committed in between, and the store gives the missing ones in order.
        if (!feed.reading && newest && fresh.every((e, i) => e.id === feed.delivered + 1 + i)) {
          feed.delivered = newest.id;
          feed.target = Math.max(feed.target, newest.id);
          local.publish(fresh);
        } else {
          advance(project, Math.max(...list.map((e) => e.id)));
        }
      }
    },
    subscribe: (project, listener) => local.subscribe(project, listener),
    async close() {
      if (closed) return;
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await options.notifier.close();
    },
  };
}
