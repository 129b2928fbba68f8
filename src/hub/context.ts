/**
 * @module What every command runs with: the resolved call (project, agent,
 * request id, cancellation, progress) and the hub's dependencies with the helpers
 * commands share (agent checks, publishing, bounded waits on the event bus).
 */
import { CoordinationError, notFound } from '../core/errors.js';
import type { BatonEvent } from '../core/events/event.js';
import type { OfferedTools } from '../core/mentions.js';
import type { IdSource } from '../core/ports.js';
import type { MutationContext, Store, Written } from '../store/store.js';
import type { HubConfig } from './config.js';
import type { EventBus } from '../bus/event-bus.js';
import { createConflictIndexes, type ConflictIndexes } from './consult/conflict-indexes.js';
import type { RateLimiter } from './auth/rate-limiter.js';

/** What an authenticated token allows; absent on an unauthenticated loopback server. */
export interface Access {
  role: 'agent' | 'observer' | 'admin';
  /** Project ids the token may act in; '*' for all. */
  projects: readonly string[];
  /** The agent the token is bound to: it acts only as this agent, unless its role is admin. */
  agent?: string | undefined;
  /** Which token granted it (a stored token's id, or `config-N` for the N-th configured one). */
  tokenId?: string | undefined;
  tokenName?: string | undefined;
  /** Aborts when the token is revoked, rotated or expires: streams opened with it close. */
  revoked?: AbortSignal | undefined;
}

/** Who calls, as the transport knows it. Command input may override project and agent. */
export interface Caller {
  access?: Access | undefined;
  project?: string | undefined;
  agentId?: string | undefined;
  /** Where the call came from (the client's address), for the audit log. */
  from?: string | undefined;
  /** Aborted when the client cancels or disconnects: waits stop at once. */
  signal?: AbortSignal | undefined;
  /** Called about every config.progressIntervalMs during a blocking wait. */
  onProgress?: ((elapsedMs: number, message: string) => void) | undefined;
  /** The tools the caller's connection lists (an MCP connection): hints and next steps name no other. Undefined: any. */
  tools?: OfferedTools;
}

/** A call after resolution: the project and agent it acts for. */
export interface Call {
  project: string;
  agentId: string | undefined;
  requestId: string | undefined;
  /** Digest of the command and its input, when a request id is given (a repeat must match it). */
  digest: string | undefined;
  /** The project was named by the call's own `project` argument (not by the connection, a header or the default). */
  projectNamed: boolean;
  signal: AbortSignal | undefined;
  onProgress: Caller['onProgress'];
  /** What the caller's connection lists: next steps name tools through core/mentions.ts with it. */
  tools: OfferedTools;
}

export interface Logger {
  error(message: string, detail?: unknown): void;
  info(message: string): void;
}

export interface HubDeps {
  store: Store;
  bus: EventBus;
  config: HubConfig;
  ids: IdSource;
  log: Logger;
  /** This process's rate limits (counted in the store): one instance, so what one surface learns every other refuses. */
  rates: RateLimiter;
}

export interface HubContext extends HubDeps {
  now(): number;
  /** This process's conflict index per project, fed by the bus (announce scores from it). */
  conflicts: ConflictIndexes;
  /** The context of a store step for this call (project, time, request id scoped to the caller). */
  mutation(call: Call): MutationContext;
  /** The same, for a step that acts for the calling agent: the store checks inside the step that it is registered and live. */
  actAs(call: Call): MutationContext;
  /** Publishes a write's events on the bus and returns its result. */
  publish<T>(written: Written<T>): T;
  /** The calling agent's id, or AGENT_REQUIRED when the call names none. */
  agentOf(call: Call): string;
  /**
   * NOT_FOUND for a project nothing was ever written to, when the call named it
   * itself (a typo in an argument). A project the connection carries — derived
   * from the repository — reads as empty until its first write.
   */
  requireProject(call: Call): Promise<void>;
  /** Subscribes before checking, so no event between check and wait is missed. */
  watch(project: string, filter: (e: BatonEvent) => boolean): EventWatch;
}

export interface EventWatch {
  /** The next matching event, or null at the deadline (real time, epoch ms) or on cancellation. */
  next(deadline: number, call: Call): Promise<BatonEvent | null>;
  close(): void;
}

export function createHubContext(deps: HubDeps): HubContext {
  const now = (): number => deps.store.clock.now();
  const mutation = (call: Call): MutationContext => ({ project: call.project, now: now(), requestId: call.requestId, caller: call.agentId ?? '', digest: call.digest });
  const agentOf = (call: Call): string => {
    if (!call.agentId) throw new CoordinationError('AGENT_REQUIRED', 'This call acts for an agent and none is known.');
    return call.agentId;
  };

  return {
    ...deps,
    now,
    conflicts: createConflictIndexes(deps.bus),
    mutation,
    actAs: (call) => ({ ...mutation(call), agent: { id: agentOf(call), thresholds: deps.config.thresholds } }),
    agentOf,
    publish(written) {
      if (written.events.length > 0) deps.bus.publish(written.events);
      return written.result;
    },
    async requireProject(call) {
      if (!call.projectNamed || call.project === 'default' || (await deps.store.projectExists(call.project))) return;
      throw notFound('project', call.project, { hint: 'A project is created by its first write (an agent joining it, a task added, ...).' });
    },
    watch(project, filter) {
      const buffered: BatonEvent[] = [];
      let wake: (() => void) | undefined;
      const unsubscribe = deps.bus.subscribe(project, (e) => {
        if (!filter(e)) return;
        buffered.push(e);
        wake?.();
      });
      return {
        async next(deadline, call) {
          const started = Date.now();
          const idle = (): boolean => buffered.length === 0;
          while (idle()) {
            const remaining = deadline - Date.now();
            if (remaining <= 0 || call.signal?.aborted) return null;
            await new Promise<void>((resolve) => {
              const step = Math.min(remaining, call.onProgress ? deps.config.progressIntervalMs : remaining);
              const timer = setTimeout(finish, step);
              function finish(): void {
                clearTimeout(timer);
                call.signal?.removeEventListener('abort', finish);
                wake = undefined;
                resolve();
              }
              wake = finish;
              call.signal?.addEventListener('abort', finish, { once: true });
            });
            if (idle() && call.onProgress && deadline - Date.now() > 0 && !call.signal?.aborted) {
              call.onProgress(Date.now() - started, 'still waiting');
            }
          }
          return buffered.shift() ?? null;
        },
        close: unsubscribe,
      };
    },
  };
}
