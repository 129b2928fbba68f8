/**
 * @module Event frames of /api/events, serialised once per event: every stream
 * that receives an event committed in this process is written the same Buffer. A
 * replayed event (read from the store for one subscriber) is serialised without
 * caching: nobody else holds it, and a WeakMap entry per event costs the GC dearly.
 */
import type { BatonEvent } from '../../core/events/event.js';
import { eventView } from '../../hub/views/records.js';

const frames = new WeakMap<BatonEvent, Buffer>();

const serialise = (e: BatonEvent): Buffer => Buffer.from(`id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify({ ...eventView(e), project: e.project })}\n\n`);

/** The frame of an event; `shared` (a live event from the bus) caches it for every other stream. */
export function sseFrame(e: BatonEvent, shared: boolean): Buffer {
  if (!shared) return serialise(e);
  let frame = frames.get(e);
  if (!frame) {
    frame = serialise(e);
    frames.set(e, frame);
  }
  return frame;
}
