/**
 * @module Waiting for a lock or a worker slot longer than one long-poll: the
 * server bounds each wait (50 s by default) and keeps the caller's place in the
 * FIFO queue when it times out, so waiting longer is calling again, in chunks,
 * until granted, the caller's own deadline passes, or the signal aborts (the
 * aborted call's connection closes, and the server then leaves the queue).
 */
import { duration } from '../output.js';
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
  let last = first;
  for (;;) {
    const remaining = Math.max(0, (deadline - Date.now()) / 1000);
    if (remaining > 0 && remaining <= CHUNK_SECONDS) return lastChunk(client, command, input, remaining, last, options);
    const wait = Math.min(remaining, CHUNK_SECONDS);
    const answer = await client.call(command, { ...input, ...(wait > 0 ? { wait_seconds: Math.ceil(wait) } : {}) }, { signal: options.signal });
    if (granted(answer)) return answer;
    options.onBlocked?.(answer);
    last = answer;
    if (Date.now() >= deadline || options.signal?.aborted) return answer;
    // A refusal without a queue place (e.g. a shared-mode mismatch) answers at once: do not spin.
    if (answer['queue_position'] === undefined) await sleep(Math.min(1000, deadline - Date.now()), options.signal);
  }
}

/**
 * The wait's last stretch. A wait the server times out keeps the caller's place for
 * a grace period and hands it the lock if it frees meanwhile — but this caller is
 * giving up, so the call is cancelled at the deadline instead, which leaves the
 * queue (and gives back a grant that races the cancel) on the server.
 */
async function lastChunk(client: BatonClient, command: string, input: Answer, remaining: number, before: Answer, options: WaitOptions): Promise<Answer> {
  const stop = new AbortController();
  const timer = setTimeout(() => { stop.abort(); }, remaining * 1000);
  const forward = (): void => { stop.abort(); };
  options.signal?.addEventListener('abort', forward, { once: true });
  try {
    // Asked a little longer than we wait, so the server is still waiting when the cancel comes.
    const answer = await client.call(command, { ...input, wait_seconds: Math.ceil(remaining) + 5 }, { signal: stop.signal });
    if (!granted(answer)) options.onBlocked?.(answer);
    return answer;
  } catch (error) {
    if (!stop.signal.aborted || options.signal?.aborted === true) throw error;
    const { queue_position: _position, queue_kept_s: _kept, ...rest } = before;
    return { ...rest, timed_out: true, message: `${blockedLine(rest)}; gave up waiting.` };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', forward);
  }
}

const sleep = (ms: number, signal: AbortSignal | undefined): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, Math.max(0, ms));
    signal?.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
  });

const num = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);

/**
 * A blocked answer for people at a terminal, from its fields: the server's own
 * message speaks to MCP callers (wait_seconds, force: true), which a shell user
 * spells --wait and --force.
 */
export function blockedLine(answer: Answer): string {
  const holder = typeof answer['holder'] === 'string' ? answer['holder'] : undefined;
  const overlaps = Array.isArray(answer['overlaps']) ? (answer['overlaps'] as { path?: string; their_path?: string; holder?: string }[]) : [];
  if (!holder && overlaps.length > 0) return overlaps.map((o) => `${o.path ?? '?'} overlaps ${o.their_path ?? '?'} reserved by ${o.holder ?? '?'}`).join('; ');
  if (!holder) return typeof answer['message'] === 'string' ? answer['message'] : 'busy';
  const held = num(answer['held_for_s']);
  const seen = num(answer['holder_last_seen_s']);
  const lapses = num(answer['holder_expires_in_s']);
  const position = num(answer['queue_position']);
  return [
    `held by ${holder}${held !== undefined ? ` for ${duration(held)}` : ''}`,
    ...(seen !== undefined ? [`last seen ${duration(seen)} ago`] : []),
    ...(lapses !== undefined ? [`lapses in ${duration(lapses)} unless renewed`] : []),
    ...(position !== undefined ? [`you are #${position} in the queue`] : []),
    ...(answer['force_allowed'] === true ? ['the holder is stale: --force breaks it'] : []),
  ].join(', ');
}
