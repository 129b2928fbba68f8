/**
 * @module Batches what a replay writes in one tick into one system call: the
 * first write of a tick corks the stream and the end of the tick uncorks it (the
 * idiom Node documents for `writable.cork`). A replay hands a whole page of frames
 * over synchronously, so a page costs one writev instead of one per event; nested
 * corks (ws corks around each frame) only flush at the outermost uncork. And
 * drained(): when a replay may go on writing.
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

/** Resolves once the stream has room again (its 'drain'), or at once; also when it closes. */
export function drained(stream: Writable): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || !stream.writableNeedDrain) {
      resolve();
      return;
    }
    const done = (): void => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });
}
