/**
 * @module Event frames of /api/ws, serialised once per event: every socket that
 * receives an event committed in this process is sent the same Buffer.
 */
import type { BatonEvent } from '../../core/events/event.js';
import { eventView } from '../../hub/views/records.js';

const frames = new WeakMap<BatonEvent, Buffer>();

export function eventFrame(e: BatonEvent): Buffer {
  let frame = frames.get(e);
  if (!frame) {
    frame = Buffer.from(JSON.stringify({ op: 'event', project: e.project, event: eventView(e) }));
    frames.set(e, frame);
  }
  return frame;
}
