/**
 * @module The one event-bus subscription behind every MCP session's notifications.
 * A session registers what it listens to in its project (resource URIs, and
 * whether it takes log messages); an event then reaches only the sessions that
 * listen to something it changes there, so a write costs the same however many
 * idle sessions are open.
 */
import type { BatonEvent } from '../../core/events/event.js';
import type { EventBus } from '../../bus/event-bus.js';
import { resourcesChangedBy } from './resource-catalog.js';

/** One event, with the URIs it changes among those the session subscribed to (none when only log messages drew it). */
export type FeedListener = (event: BatonEvent, changed: readonly string[]) => void;

export interface FeedMembership {
  /** Replaces what the session listens to: its project, its subscribed URIs, whether it takes log messages. */
  set(project: string, uris: ReadonlySet<string>, logging: boolean): void;
  leave(): void;
}

export interface EventFeed {
  join(listener: FeedListener): FeedMembership;
  close(): void;
}

/** Index keys: a project's log listeners, and a project's subscribers to one URI. */
const loggingKey = (project: string): string => `${project}\u0000`;
const uriKey = (project: string, uri: string): string => `${project}\u0000${uri}`;

export function createEventFeed(bus: EventBus): EventFeed {
  const index = new Map<string, Set<FeedListener>>();

  const unsubscribe = bus.subscribe('*', (e) => {
    const reached = new Map<FeedListener, string[]>();
    for (const listener of index.get(loggingKey(e.project)) ?? []) reached.set(listener, []);
    for (const uri of resourcesChangedBy(e)) {
      for (const listener of index.get(uriKey(e.project, uri)) ?? []) {
        const changed = reached.get(listener);
        if (changed) changed.push(uri);
        else reached.set(listener, [uri]);
      }
    }
    for (const [listener, changed] of reached) listener(e, changed);
  });

  return {
    join(listener) {
      let keys: string[] = [];
      const leave = (): void => {
        for (const key of keys) {
          const set = index.get(key);
          set?.delete(listener);
          if (set?.size === 0) index.delete(key);
        }
        keys = [];
      };
      return {
        set(project, uris, logging) {
          leave();
          keys = [...(logging ? [loggingKey(project)] : []), ...[...uris].map((uri) => uriKey(project, uri))];
          for (const key of keys) {
            const set = index.get(key) ?? new Set<FeedListener>();
            set.add(listener);
            index.set(key, set);
          }
        },
        leave,
      };
    },
    close: unsubscribe,
  };
}
