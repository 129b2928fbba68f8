/**
 * @module Waiting for a lock or a worker slot longer than one long-poll: the
 * server bounds each wait (50 s by default) and keeps the caller's place in the
 * FIFO queue when it times out, so waiting longer is calling again, in chunks,
 * until granted, the caller's own deadline passes, or the signal aborts (the
 * aborted call's connection closes, and the server then leaves the queue).
 */
import type { Answer, BatonClient } from './http-client.js';

/** Each call waits at most this long, so the holder and queue place shown stay fresh. */
const CHUNK_SECONDS = 20;

export interface WaitOptions {
  /** Seconds to wait in all: 0 asks once, Infinity waits until granted. */
  waitSeconds: number;
  signal?: AbortSignal | undefined;
  /** Each blocked answer (holder, queue position, message), as it comes. */
  onBlocked?: (answer: Answer) => void;
}

const granted = (answer: Answer): boolean => answer['acquired'] === true || answer['claimed'] === true;

/** Calls `command` (acquire_lock or claim_worker_slot) until it grants; the last answer either way. */
export async function acquireWaiting(client: BatonClient, command: 'acquire_lock' | 'claim_worker_slot', input: Answer, options: WaitOptions): Promise<Answer> {
  const deadline = Date.now() + options.waitSeconds * 1000;
  // Ask once without waiting, so a waiter hears at once who holds it (a long-poll answers only at its end).
  const first = await client.call(command, input, { signal: options.signal });
  if (granted(first) || options.waitSeconds <= 0) return first;
  options.onBlocked?.(first);
  for (;;) {
    const remaining = Math.max(0, (deadline - Date.now()) / 1000);
    const wait = Math.min(remaining, CHUNK_SECONDS);
    const answer = await client.call(command, { ...input, ...(wait > 0 ? { wait_seconds: Math.ceil(wait) } : {}) }, { signal: options.signal });
    if (granted(answer)) return answer;
    options.onBlocked?.(answer);
    if (Date.now() >= deadline || options.signal?.aborted) return answer;
    // A refusal without a queue place (e.g. a shared-mode mismatch) answers at once: do not spin.
    if (answer['queue_position'] === undefined) await sleep(Math.min(1000, deadline - Date.now()), options.signal);
  }
}

const sleep = (ms: number, signal: AbortSignal | undefined): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, Math.max(0, ms));
    signal?.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
  });
