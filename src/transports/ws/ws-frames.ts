/**
 * @module Event frames of /api/ws, serialised once per event: every socket that
 * receives an event committed in this process is sent the same Buffer. A replayed
 * event (read from the store for one subscriber) is serialised without caching:
 * nobody else holds it, and a WeakMap entry per replayed event costs the GC dearly.
 */
import type { BatonEvent } from '../../core/events/event.js';
import { eventView } from '../../hub/views/records.js';

const frames = new WeakMap<BatonEvent, Buffer>();

const serialise = (e: BatonEvent): Buffer => Buffer.from(JSON.stringify({ op: 'event', project: e.project, event: eventView(e) }));

/** The frame of an event; `shared` (a live event from the bus) caches it for every other socket. */
export function eventFrame(e: BatonEvent, shared: boolean): Buffer {
  if (!shared) return serialise(e);
  let frame = frames.get(e);
  if (!frame) {
    frame = serialise(e);
    frames.set(e, frame);
  }
  return frame;
}
