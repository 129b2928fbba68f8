/**
 * @module One serialisation per event for a push surface: every stream or socket
 * that receives an event committed in this process is written the same Buffer. A
 * replayed event (read from the store for one subscriber) is serialised without
 * caching: nobody else holds it, and a WeakMap entry per replayed event costs the
 * GC dearly.
 */
import type { BatonEvent } from '../../core/events/event.js';

/** The frame of an event in `serialise`'s format; `shared` (a live event from the bus) caches it for every other receiver. */
export function frameCache(serialise: (e: BatonEvent) => Buffer): (e: BatonEvent, shared: boolean) => Buffer {
  const frames = new WeakMap<BatonEvent, Buffer>();
  return (e, shared) => {
    if (!shared) return serialise(e);
    let frame = frames.get(e);
    if (!frame) {
      frame = serialise(e);
      frames.set(e, frame);
    }
    return frame;
  };
}
