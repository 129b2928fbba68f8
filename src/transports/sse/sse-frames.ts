/**
 * @module Event frames of /api/events, serialised once per event: every stream
 * that receives an event committed in this process is written the same Buffer.
 */
import type { BatonEvent } from '../../core/events/event.js';
import { eventView } from '../../hub/views/records.js';

const frames = new WeakMap<BatonEvent, Buffer>();

export function sseFrame(e: BatonEvent): Buffer {
  let frame = frames.get(e);
  if (!frame) {
    frame = Buffer.from(`id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify({ ...eventView(e), project: e.project })}\n\n`);
    frames.set(e, frame);
  }
  return frame;
}
