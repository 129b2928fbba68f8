/**
 * @module One project's ordered log from a cursor, then its live events: what
 * the WebSocket and SSE streams read. It subscribes to the bus before reading the
 * backlog and skips ids already delivered, so a client that resumes from its last
 * id misses nothing and sees nothing twice. The backlog waits for the consumer to drain, so a
 * long replay never fills a socket; live events are delivered as they commit and
 * the surface decides what to do with a consumer that cannot keep up.
 */
import type { BatonEvent } from '../../core/events/event.js';
import { topicMatches } from '../../core/events/topic-filter.js';
import type { Hub } from '../../hub/hub.js';
import { toCoordinationError } from '../wire-errors.js';
import type { CoordinationError } from '../../core/errors.js';

/** Which events of a project a subscriber wants: types (all when null) and, for `custom`, topic filters (all when null). */
export interface EventSelection {
  types: ReadonlySet<string> | null;
  topics: readonly string[] | null;
}

const selects = (selection: EventSelection, e: BatonEvent): boolean => {
  if (selection.types && !selection.types.has(e.type)) return false;
  if (e.type !== 'custom' || !selection.topics) return true;
  const topic = e.data.topic;
  return selection.topics.some((filter) => topicMatches(filter, topic));
};

export interface FeedOptions {
  hub: Hub;
  project: string;
  /** Deliver events with a greater id. */
  after: number;
  selection: EventSelection;
  /**
   * Sends one event. `live` is false while the backlog replays; then an answer of
   * false (the consumer is congested) makes the feed await drained() before the next.
   */
  deliver(e: BatonEvent, live: boolean): boolean;
  /** Resolves when the consumer can take more. */
  drained(): Promise<void>;
  /** The backlog could not be read (EVENTS_GAP for a cursor behind retention); the feed has stopped. */
  failed(error: CoordinationError): void;
}

export interface ProjectFeed {
  /** The newest id seen (delivered or filtered out): where a resume would start. */
  readonly cursor: number;
  close(): void;
}

const PAGE = 1000;

export function followProject(options: FeedOptions): ProjectFeed {
  const { hub, project, selection } = options;
  let cursor = options.after;
  let live = false;
  let closed = false;
  // Read through a function: the replay loop re-checks after each await, which narrowing would call always false.
  const isClosed = (): boolean => closed;
  const pending: BatonEvent[] = [];
  /** Whether the consumer can take more at once. */
  const offer = (e: BatonEvent): boolean => {
    if (closed || e.id <= cursor) return true;
    cursor = e.id;
    return selects(selection, e) ? options.deliver(e, live) : true;
  };
  const unsubscribe = hub.context.bus.subscribe(project, (e) => {
    if (live) offer(e);
    else pending.push(e);
  });
  const feed: ProjectFeed = {
    get cursor() {
      return cursor;
    },
    close() {
      closed = true;
      pending.length = 0;
      unsubscribe();
    },
  };
  void (async () => {
    try {
      for (;;) {
        const types = selection.types ? [...selection.types] : undefined;
        const page = await hub.context.store.readEvents({ project, after: cursor, limit: PAGE, types });
        if (isClosed()) return;
        for (const e of page.events) {
          if (!offer(e)) await options.drained();
          if (isClosed()) return;
        }
        // A filtered read skips ids: the cursor moves to where the read stopped.
        const end = page.events.length === PAGE ? (page.events.at(-1)?.id ?? cursor) : Math.max(cursor, page.lastId);
        cursor = Math.max(cursor, end);
        if (page.events.length < PAGE) break;
      }
      // What committed during the replay, still paced; then live (no awaits from here on, so order holds).
      while (pending.length > 0) {
        const e = pending.shift();
        if (e && !offer(e)) await options.drained();
        if (isClosed()) return;
      }
      live = true;
    } catch (error) {
      if (isClosed()) return;
      feed.close();
      options.failed(toCoordinationError(error));
    }
  })();
  return feed;
}
