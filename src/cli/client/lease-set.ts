/**
 * @module The leases `baton run` holds for its command: named locks, one file
 * reservation and a worker slot, taken in one global order (locks by name, then
 * the files, then the slot) so that runs asking for overlapping sets never wait
 * on each other in a circle; renewed while the command runs; released at the end.
 * A lease counts as lost when a renewal is refused, when it comes back with
 * another fencing token (it lapsed and was granted afresh: someone may have held
 * it meanwhile), or when no renewal got through before it would have lapsed.
 */
import { acquireWaiting, blockedLine } from './acquire.js';
import { ApiError, BusyError, UnreachableError } from './errors.js';
import type { Answer, BatonClient } from './http-client.js';

export interface LeaseWants {
  locks: readonly string[];
  /** Path globs for one file reservation (none when empty). */
  reserve: readonly string[];
  slot: boolean;
  ttlSeconds: number;
  /** Seconds to wait for all of them together: 0 asks once, Infinity waits until granted. */
  waitSeconds: number;
}

export interface HeldLease {
  kind: 'lock' | 'files' | 'slot';
  /** Lock name, reservation id, or `workers`. */
  name: string;
  token: number;
  /** Local clock: when the lease lapses unless renewed. */
  expiresAt: number;
  paths?: readonly string[];
}

export interface Waiting {
  what: string;
  answer: Answer;
}

const str = (value: unknown): string => (typeof value === 'string' || typeof value === 'number' ? String(value) : '');

export class LeaseSet {
  readonly held: HeldLease[] = [];
  private readonly client: BatonClient;
  private readonly wants: LeaseWants;

  constructor(client: BatonClient, wants: LeaseWants) {
    this.client = client;
    this.wants = wants;
  }

  /** Takes every lease, waiting as asked; a BusyError (holding nothing more) when the wait runs out. */
  async acquireAll(signal: AbortSignal, onWaiting: (w: Waiting) => void): Promise<void> {
    const deadline = Date.now() + this.wants.waitSeconds * 1000;
    const left = (): number => Math.max(0, (deadline - Date.now()) / 1000);
    const ttl = this.wants.ttlSeconds;
    for (const name of [...new Set(this.wants.locks)].sort()) {
      const started = Date.now();
      const answer = await acquireWaiting(this.client, 'acquire_lock', { name, ttl_seconds: ttl, reason: 'baton run' }, { waitSeconds: left(), signal, onBlocked: (a) => { onWaiting({ what: `lock '${name}'`, answer: a }); } });
      if (answer['acquired'] !== true) throw busy(`lock '${name}'`, answer);
      this.held.push({ kind: 'lock', name: str(answer['name']) || name, token: answer['token'] as number, expiresAt: started + (answer['expires_in_s'] as number) * 1000 });
    }
    if (this.wants.reserve.length > 0) await this.reserve(left, signal, onWaiting);
    if (this.wants.slot) {
      const started = Date.now();
      const answer = await acquireWaiting(this.client, 'claim_worker_slot', { ttl_seconds: ttl }, { waitSeconds: left(), signal, onBlocked: (a) => { onWaiting({ what: 'a worker slot', answer: a }); } });
      if (answer['claimed'] !== true) throw busy('a worker slot', answer);
      this.held.push({ kind: 'slot', name: 'workers', token: answer['token'] as number, expiresAt: started + ttl * 1000 });
    }
  }

  /** Files have no server-side queue: a refusal is retried each second until the deadline. */
  private async reserve(left: () => number, signal: AbortSignal, onWaiting: (w: Waiting) => void): Promise<void> {
    for (;;) {
      const started = Date.now();
      const answer = await this.client.call('reserve_files', { paths: this.wants.reserve, ttl_seconds: this.wants.ttlSeconds, reason: 'baton run' }, { signal });
      if (answer['reserved'] === true) {
        this.held.push({ kind: 'files', name: str(answer['reservation_id']), token: answer['token'] as number, expiresAt: started + (answer['expires_in_s'] as number) * 1000, paths: answer['paths'] as string[] });
        return;
      }
      onWaiting({ what: `files ${this.wants.reserve.join(' ')}`, answer });
      if (left() <= 0 || signal.aborted) throw busy(`files ${this.wants.reserve.join(' ')}`, answer);
      await new Promise((resolve) => setTimeout(resolve, Math.min(1000, left() * 1000)));
    }
  }

  /**
   * Renews every lease once; answers the ones lost (with why). A renewal the
   * server did not answer is not a loss until the lease's own time runs out.
   */
  async renewAll(): Promise<{ lease: HeldLease; reason: string }[]> {
    const lost: { lease: HeldLease; reason: string }[] = [];
    await Promise.all([
      ...this.held.map(async (lease) => {
        const reason = await this.renew(lease);
        if (reason !== undefined) lost.push({ lease, reason });
      }),
      // Presence is the holder's heartbeat, not its renewals: without one, a long command's holder would drift
      // to stale and its leases become breakable while it runs. A missed heartbeat is not a lost lease.
      this.client.call('heartbeat', { agent_id: this.client.identity.agent, activity: 'working' }).catch(() => undefined),
    ]);
    return lost;
  }

  private async renew(lease: HeldLease): Promise<string | undefined> {
    const started = Date.now();
    const ttl = this.wants.ttlSeconds;
    try {
      let answer: Answer;
      switch (lease.kind) {
        case 'lock':
          answer = await this.client.call('acquire_lock', { name: lease.name, ttl_seconds: ttl, reason: 'baton run' });
          if (answer['acquired'] !== true) return `'${lease.name}' is now held by ${str(answer['holder']) || 'another agent'}`;
          break;
        case 'slot':
          answer = await this.client.call('claim_worker_slot', { ttl_seconds: ttl });
          if (answer['claimed'] !== true) return 'the worker slot was taken';
          break;
        case 'files':
          answer = await this.client.call('reserve_files', { paths: lease.paths ?? [], renew: lease.name, ttl_seconds: ttl });
          break;
      }
      if (answer['token'] !== lease.token) {
        // It lapsed and was granted afresh: the protected work may have been interleaved with someone else's.
        return `the lease lapsed (token ${lease.token} became ${str(answer['token'])})`;
      }
      lease.expiresAt = started + (typeof answer['expires_in_s'] === 'number' ? answer['expires_in_s'] * 1000 : ttl * 1000);
      return undefined;
    } catch (error) {
      if (error instanceof ApiError) return `${error.code}: ${error.message}`;
      if (Date.now() >= lease.expiresAt) return `no renewal reached the server before the lease lapsed (${error instanceof Error ? error.message : String(error)})`;
      return undefined;
    }
  }

  /** Gives everything back (sign_off releases all the agent holds in one step); false when the server could not be told. */
  async releaseAll(): Promise<boolean> {
    try {
      await this.client.call('sign_off', { agent_id: this.client.identity.agent }, { timeoutMs: 5000 });
      this.held.length = 0;
      return true;
    } catch (error) {
      if (error instanceof UnreachableError || error instanceof ApiError) return false;
      throw error;
    }
  }
}

function busy(what: string, answer: Answer): BusyError {
  return new BusyError(`${what}: ${blockedLine(answer)}`, 'Wait longer (--wait SECONDS, or --wait forever), or run it later.', answer);
}
