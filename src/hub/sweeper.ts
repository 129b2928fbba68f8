/**
 * @module The background sweep (lease and wait expiry, lapsed claims, abandoned
 * members, retention). When several coordinator processes share a store, only the
 * holder of the `sweeper` lease in the system project sweeps; the lease lapses when
 * its process dies, and another process takes over.
 */
import type { HubContext } from './context.js';

const SYSTEM_PROJECT = 'baton-system';
const LEADER_LEASE = 'sweeper';

export interface Sweeper {
  start(): void;
  /** One round: take or keep leadership if needed, then sweep. Returns whether this process swept. */
  runOnce(): Promise<boolean>;
  stop(): Promise<void>;
}

export function createSweeper(ctx: HubContext, nodeId: string): Sweeper {
  const { store, config, bus, log } = ctx;
  const leaseTtlMs = Math.max(10_000, config.sweepIntervalMs * 5);
  let leaderUntil = 0;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<boolean> | undefined;

  async function holdLeadership(): Promise<boolean> {
    if (!store.capabilities.multiProcess) return true;
    const now = ctx.now();
    // Renew only past half the lease, so leadership costs an event every few seconds, not every sweep.
    if (leaderUntil - now > leaseTtlMs / 2) return true;
    const written = await store.acquireLease(
      { project: SYSTEM_PROJECT, now },
      {
        request: { kind: 'lock', resource: LEADER_LEASE, paths: [], holder: nodeId, mode: 'exclusive', limit: null, ttlMs: leaseTtlMs, reason: 'background sweep' },
        force: false,
        thresholds: config.thresholds,
      },
    );
    bus.publish(written.events);
    leaderUntil = written.result.ok ? written.result.lease.expiresAt : 0;
    return written.result.ok;
  }

  async function sweep(): Promise<boolean> {
    try {
      if (!(await holdLeadership())) return false;
      const result = await store.sweep(ctx.now(), { thresholds: config.thresholds, eventRetention: config.eventRetention, requestRetentionMs: config.requestRetentionMs });
      bus.publish(result.events);
      return true;
    } catch (error) {
      log.error('sweep failed', error);
      return false;
    }
  }

  const sweeper: Sweeper = {
    start() {
      if (timer) return;
      timer = setInterval(() => {
        running ??= sweep().finally(() => {
          running = undefined;
        });
      }, config.sweepIntervalMs);
      timer.unref();
    },
    runOnce: () => (running ??= sweep().finally(() => {
      running = undefined;
    })),
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
      if (leaderUntil > ctx.now() && store.capabilities.multiProcess) {
        try {
          const written = await store.releaseLease({ project: SYSTEM_PROJECT, now: ctx.now() }, { kind: 'lock', resource: LEADER_LEASE, holder: nodeId });
          bus.publish(written.events);
        } catch {
          // Leadership lapses by TTL anyway.
        }
      }
    },
  };
  return sweeper;
}
