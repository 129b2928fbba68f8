/**
 * @module The sessions an MCP transport keeps, with the policy that keeps a
 * crowd of abandoned ones from locking newcomers out (issue 7, item 9): a
 * session idle for `idleMs` is closed; at `max`, opening one evicts the least
 * recently used session with nothing in flight (its client reopens), and only
 * when every session has a call in flight is the newcomer refused. Shared by
 * Streamable HTTP (/mcp) and the legacy HTTP+SSE transport (/sse).
 */
import type { CoordinationError } from '../../core/errors.js';

/** What the pool reads of a session. */
export interface PooledSession {
  readonly sessionId: string;
  /** A request of the session is being answered: it is neither expired nor evicted. */
  readonly busy: boolean;
  /** When the session last saw a request (epoch ms). */
  readonly lastSeen: number;
  close(): Promise<void>;
}

export interface SessionPoolOptions<S extends PooledSession> {
  max: number;
  idleMs: number;
  /** An idle session kept anyway (Streamable HTTP: its client listens on the notification stream). */
  keptWhenIdle?: (session: S) => boolean;
  /** The refusal when the pool is full of sessions with calls in flight. */
  full: () => CoordinationError;
}

export interface SessionPool<S extends PooledSession> {
  readonly size: number;
  /** Adds a new session, first evicting one at the cap; throws `full()` when none can go. */
  add(session: S): void;
  /** The session with this id, now the most recently used. */
  use(id: string): S | undefined;
  /** Forgets a session (it closed). */
  delete(session: S): void;
  /** Stops the idle sweep and closes every session. */
  close(): Promise<void>;
}

export function createSessionPool<S extends PooledSession>(options: SessionPoolOptions<S>): SessionPool<S> {
  // Kept in order of last use: a request moves its session to the end, so the first idle one is the oldest.
  const sessions = new Map<string, S>();
  const forget = (session: S): void => {
    if (sessions.get(session.sessionId) === session) sessions.delete(session.sessionId);
  };
  const drop = (session: S): void => {
    // Forgotten before it closes, so the cap holds even while closes are pending.
    forget(session);
    void session.close();
  };
  const sweeper = setInterval(() => {
    const cutoff = Date.now() - options.idleMs;
    for (const s of [...sessions.values()]) if (!s.busy && s.lastSeen < cutoff && !(options.keptWhenIdle?.(s) ?? false)) drop(s);
  }, Math.min(options.idleMs, 60_000)).unref();

  return {
    get size() {
      return sessions.size;
    },
    add(session) {
      if (sessions.size >= options.max) {
        let idle: S | undefined;
        for (const s of sessions.values()) {
          if (s.busy) continue;
          idle = s;
          break;
        }
        if (idle === undefined) throw options.full();
        drop(idle);
      }
      sessions.set(session.sessionId, session);
    },
    use(id) {
      const session = sessions.get(id);
      if (session !== undefined) {
        sessions.delete(id);
        sessions.set(id, session);
      }
      return session;
    },
    delete: forget,
    async close() {
      clearInterval(sweeper);
      const all = [...sessions.values()];
      sessions.clear();
      await Promise.all(all.map((s) => s.close()));
    },
  };
}
