/**
 * @module The EventBus port and its in-process implementation. The hub publishes
 * every committed event here; blocking waits, SSE and MCP notifications subscribe.
 * The bus carries domain events only, never wire shapes. With several processes,
 * the log-following bus (log-following-bus.ts) implements the same port.
 */
import type { BatonEvent } from '../core/events/event.js';

export type EventListener = (event: BatonEvent) => void;

export interface EventBus {
  /** Delivers committed events, in log order, to the project's subscribers. */
  publish(events: readonly BatonEvent[]): void;
  /** Subscribes to one project ('*' for all); returns the unsubscribe function. */
  subscribe(project: string, listener: EventListener): () => void;
}

export function createMemoryEventBus(): EventBus {
  const listeners = new Map<string, Set<EventListener>>();
  const deliver = (key: string, e: BatonEvent): void => {
    const set = listeners.get(key);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(e);
      } catch {
        // A faulty subscriber must not stop delivery to the others.
      }
    }
  };
  return {
    publish(events) {
      for (const e of events) {
        deliver(e.project, e);
        deliver('*', e);
      }
    },
    subscribe(project, listener) {
      let set = listeners.get(project);
      if (!set) {
        set = new Set();
        listeners.set(project, set);
      }
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(project);
      };
    },
  };
}

/** Splits committed events by project, keeping log order within each (for buses that notify per project). */
export function groupByProject(events: readonly BatonEvent[]): Map<string, BatonEvent[]> {
  const byProject = new Map<string, BatonEvent[]>();
  for (const e of events) {
    const list = byProject.get(e.project);
    if (list) list.push(e);
    else byProject.set(e.project, [e]);
  }
  return byProject;
}
