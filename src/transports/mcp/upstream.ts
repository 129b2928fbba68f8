/**
 * @module The server the stdio proxy forwards to, and getting one back when it
 * stops answering. Given a way to start one (`baton mcp` on the local server
 * passes one that runs startDaemon), the first message that finds the server
 * gone starts a new one, and every message that fails meanwhile waits for that
 * same start. A message is then sent again when that cannot do harm:
 *
 * - it never reached a server (the connection was refused);
 * - it changes nothing: anything but tools/call (lists, reads, prompts, pings,
 *   subscriptions, the handshake), or a tool the server declares read-only;
 * - running it twice is running it once: a tool the server declares idempotent
 *   (`acquire_lock` renews a lock it already granted, `heartbeat`, `sign_off`),
 *   or a call with `request_id`, which the server answers from its first run.
 *
 * Any other tool call in flight when the server died may have been applied, so
 * it is answered with an error saying so, once the new server is up. A message
 * is sent again after one restart at most, so a call that crashes the server
 * does not crash it over and over. Without a way to start a server (an explicit
 * --url) every failure is answered at once, and the next call simply works when
 * the server is back. The restart is lazy: a server stopped with `baton stop`
 * stays stopped until a call needs it.
 */
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { Outcome } from './http-relay.js';

export interface Upstream {
  /** The endpoint to send to now (a restarted server may listen elsewhere). */
  readonly endpoint: URL;
  /** Bumped by each restart: a failure names the server it saw, so one restart serves every failure of that server. */
  readonly generation: number;
  readonly restartable: boolean;
  /** The server of `generation` stopped answering: get one answering again (shared by every caller meanwhile). */
  recover(generation: number, why: string): Promise<{ ok: true } | { ok: false; reason: string }>;
}

/**
 * `restart` gets a server answering (the local one: started when none answers)
 * and resolves with its MCP endpoint; without it, the proxy cannot start anything.
 */
export function createUpstream(endpoint: URL, restart: (() => Promise<URL>) | undefined, log: (message: string) => void): Upstream {
  let current = endpoint;
  let generation = 0;
  let pending: Promise<{ ok: true } | { ok: false; reason: string }> | undefined;
  return {
    get endpoint() {
      return current;
    },
    get generation() {
      return generation;
    },
    restartable: restart !== undefined,
    recover(seen, why) {
      if (!restart) return Promise.resolve({ ok: false, reason: 'this proxy forwards to a server it cannot start (--url)' });
      if (seen !== generation) return Promise.resolve({ ok: true });
      pending ??= (async () => {
        log(`mcp: the server at ${current.origin} stopped answering (${why}); getting one running again`);
        try {
          current = await restart();
          generation += 1;
          return { ok: true as const };
        } catch (error) {
          const reason = error instanceof Error ? error.message : String(error);
          log(`mcp: could not start a server: ${reason}`);
          return { ok: false as const, reason };
        }
      })().finally(() => {
        pending = undefined;
      });
      return pending;
    },
  };
}

/** What the proxy knows of the server's tools, to tell which calls may be sent twice. */
export interface RetryRules {
  /** Reads a message from the server: a tools/list answer says which tools are read-only or idempotent. */
  learn(message: JSONRPCMessage): void;
  /** Whether sending this message again, after it may have run, is harmless. */
  repeatable(message: JSONRPCMessage): boolean;
}

export function createRetryRules(): RetryRules {
  const harmless = new Set<string>();
  return {
    learn(message) {
      const tools = 'result' in message ? (message.result as { tools?: unknown }).tools : undefined;
      if (!Array.isArray(tools)) return;
      for (const tool of tools as { name?: unknown; annotations?: { readOnlyHint?: unknown; idempotentHint?: unknown } }[]) {
        if (typeof tool.name !== 'string') continue;
        if (tool.annotations?.readOnlyHint === true || tool.annotations?.idempotentHint === true) harmless.add(tool.name);
        else harmless.delete(tool.name);
      }
    },
    repeatable(message) {
      if (!('method' in message) || message.method !== 'tools/call') return true;
      const params = message.params as { name?: unknown; arguments?: { request_id?: unknown } } | undefined;
      const requestId = params?.arguments?.request_id;
      if (typeof requestId === 'string' && requestId !== '') return true;
      // A tool no tools/list has described may change anything.
      return typeof params?.name === 'string' && harmless.has(params.name);
    },
  };
}

export interface DeliverOptions {
  /** Sends the message once, to `endpoint`. */
  attempt(endpoint: URL): Promise<Outcome>;
  /** Whether the message may be sent again after it may have run (RetryRules.repeatable). */
  repeatable: boolean;
  /**
   * For a refusal a new session cures (the server forgot it): opens one and
   * answers 'reopened', or the failure that kept it from opening; undefined when
   * the refusal is not of that kind. The stateless path has none.
   */
  reopen?: ((refused: Extract<Outcome, { kind: 'refused' }>) => Promise<'reopened' | Outcome | undefined>) | undefined;
}

/** Sends a message until it is answered, refused, or may not be sent again; see the module comment. */
export async function deliver(upstream: Upstream, options: DeliverOptions): Promise<Outcome> {
  let restarted = false;
  let reopened = false;
  for (;;) {
    const generation = upstream.generation;
    let outcome = await options.attempt(upstream.endpoint);
    if (outcome.kind === 'refused' && options.reopen && !reopened) {
      const reopen = await options.reopen(outcome);
      if (reopen === 'reopened') {
        reopened = true;
        continue;
      }
      // The message itself was refused unread: whatever kept the session from opening, it did not run.
      if (reopen) outcome = reopen.kind === 'lost' ? { kind: 'unreachable', reason: reopen.reason } : reopen;
    }
    if (outcome.kind !== 'unreachable' && outcome.kind !== 'lost') return outcome;
    if (restarted || !upstream.restartable) return outcome;
    restarted = true;
    reopened = false;
    const back = await upstream.recover(generation, outcome.reason);
    if (!back.ok) return { ...outcome, reason: `${outcome.reason}; starting a server again failed: ${back.reason}` };
    if (outcome.kind === 'lost' && !options.repeatable) return { ...outcome, restarted: true };
  }
}

/** The error a client gets for a message that was not answered (`origin`: the server's). */
export function failureMessage(outcome: Exclude<Outcome, { kind: 'answered' } | { kind: 'aborted' }>, origin: string): string {
  switch (outcome.kind) {
    case 'refused':
      return `The Baton server at ${origin} refused the message: HTTP ${outcome.status}${outcome.text === '' ? '' : ` ${outcome.text.slice(0, 300)}`}`;
    case 'unreachable':
      return `The Baton server at ${origin} did not answer: ${outcome.reason}. Is it running? (baton status)`;
    case 'lost':
      return outcome.restarted
        ? `The Baton server stopped while this call was in flight (${outcome.reason}), so it may or may not have been applied; a new server answers now. ` +
            'Check the state it changes before repeating it (read the lock, task or reservation it touched), or pass request_id so that a repeat is answered from the first run.'
        : `The Baton server at ${origin} stopped before answering (${outcome.reason}), so the call may or may not have been applied: check, then call again. Is it running? (baton status)`;
  }
}
