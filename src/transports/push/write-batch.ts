/**
 * @module Batches what a replay writes in one tick into one system call: the
 * first write of a tick corks the stream and the end of the tick uncorks it (the
 * idiom Node documents for `writable.cork`). A replay hands a whole page of frames
 * over synchronously, so a page costs one writev instead of one per event; nested
 * corks (ws corks around each frame) only flush at the outermost uncork.
 */
import type { Writable } from 'node:stream';

const corked = new WeakSet<Writable>();

export function batchThisTick(stream: Writable): void {
  if (corked.has(stream) || stream.destroyed) return;
  corked.add(stream);
  stream.cork();
  process.nextTick(() => {
    corked.delete(stream);
    stream.uncork();
  });
}
