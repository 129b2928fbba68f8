/**
 * @module Leadership among coordinator processes sharing a store, for work only one
 * of them may do (the MQTT bridge publishes each event once): a lease in the system
 * project, renewed past half its TTL, lapsing when its process dies so another
 * takes over. On a single-process store this process always leads. (The sweeper
 * holds its own lease the same way.)
 */
import type { HubContext } from './context.js';

const SYSTEM_PROJECT = 'baton-system';

export interface Leadership {
  /** Takes or keeps the lease; whether this process leads now. */
  hold(): Promise<boolean>;
  release(): Promise<void>;
}

export function createLeadership(ctx: HubContext, name: string, nodeId: string, ttlMs: number): Leadership {
  let leaderUntil = 0;
  return {
    async hold() {
      if (!ctx.store.capabilities.multiProcess) return true;
      const now = ctx.now();
      if (leaderUntil - now > ttlMs / 2) return true;
      const written = await ctx.store.acquireLease(
        { project: SYSTEM_PROJECT, now },
        { request: { kind: 'lock', resource: name, paths: [], holder: nodeId, mode: 'exclusive', limit: null, ttlMs, reason: `${name} leader` }, force: false, thresholds: ctx.config.thresholds },
      );
      ctx.bus.publish(written.events);
      leaderUntil = written.result.ok ? written.result.lease.expiresAt : 0;
      return written.result.ok;
    },
    async release() {
      if (leaderUntil <= ctx.now() || !ctx.store.capabilities.multiProcess) return;
      leaderUntil = 0;
      try {
        ctx.bus.publish((await ctx.store.releaseLease({ project: SYSTEM_PROJECT, now: ctx.now() }, { kind: 'lock', resource: name, holder: nodeId })).events);
      } catch {
        // It lapses by TTL anyway.
      }
    },
  };
}
