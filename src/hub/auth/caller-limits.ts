/**
 * @module Limits per caller, checked by hub.execute for authenticated callers
 * (team mode): a request rate per token and per agent, and blocking waits open at
 * once per token and per agent. Both are counted in the store (Store.limits), so
 * coordinators behind a load balancer share them. A wait's place is a hold that
 * expires past the longest wait: a coordinator that dies mid-wait frees it.
 */
import { randomBytes } from 'node:crypto';
import { CoordinationError } from '../../core/errors.js';
import type { Clock } from '../../core/ports.js';
import type { LimitStore } from '../../store/limits-port.js';
import type { LimitsConfig } from '../config.js';
import type { Access, Logger } from '../context.js';
import type { RateLimiter, RateRule } from './rate-limiter.js';

/** Who a call counts against: its token and the agent (of a project) it acts as. */
export interface Counted {
  access: Access | undefined;
  project: string;
  agentId: string | undefined;
}

export interface CallerLimits {
  /** Counts one request; RATE_LIMITED when the token or the agent is over its rate. */
  admit(who: Counted): Promise<void>;
  /** Takes a wait's place; RATE_LIMITED when the token or the agent has its most waits open. Resolves the release. */
  holdWait(who: Counted): Promise<() => Promise<void>>;
}

/** A hold outlives the longest wait by this much before it counts as abandoned. */
const HOLD_MARGIN_MS = 10_000;
const MINUTE = 60_000;

const tokenKey = (access: Access): string => access.tokenId ?? access.tokenName ?? 'token';
const agentKey = (who: Counted): string | undefined => (who.agentId === undefined ? undefined : `${who.project}/${who.agentId}`);

export function createCallerLimits(rates: RateLimiter, limits: LimitStore, clock: Clock, config: LimitsConfig, maxWaitMs: number, log: Logger): CallerLimits {
  const tokenRule: RateRule = { name: 'req:token', limit: config.tokenRequestsPerMinute, windowMs: MINUTE, what: 'requests with this token' };
  const agentRule: RateRule = { name: 'req:agent', limit: config.agentRequestsPerMinute, windowMs: MINUTE, what: 'requests as this agent' };
  const noRelease = (): Promise<void> => Promise.resolve();

  return {
    async admit(who) {
      if (!who.access) return;
      const agent = agentKey(who);
      await rates.hit(agent === undefined ? [[tokenRule, tokenKey(who.access)]] : [[tokenRule, tokenKey(who.access)], [agentRule, agent]]);
    },
    async holdWait(who) {
      if (!who.access) return noRelease;
      const agent = agentKey(who);
      const holds = [
        ...(config.tokenWaits > 0 ? [{ key: `wait:token:${tokenKey(who.access)}`, max: config.tokenWaits, what: 'with this token' }] : []),
        ...(config.agentWaits > 0 && agent !== undefined ? [{ key: `wait:agent:${agent}`, max: config.agentWaits, what: 'as this agent' }] : []),
      ];
      if (holds.length === 0) return noRelease;
      const holder = randomBytes(9).toString('base64url');
      const now = clock.now();
      const full = holds[await limits.hold(holds, holder, now + maxWaitMs + HOLD_MARGIN_MS, now)];
      if (full) {
        throw new CoordinationError('RATE_LIMITED', `Too many waits open at once ${full.what}: at most ${full.max}. End one (or call without wait_seconds) first.`, { retry_after: 5, limit: full.max });
      }
      return () => limits.release(holds.map((h) => h.key), holder).catch((error: unknown) => {
        // Not the caller's failure: the hold expires by itself.
        log.error('releasing a wait hold failed', error);
      });
    },
  };
}
