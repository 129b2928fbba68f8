/**
 * @module The stdio proxy's path for 2025 traffic: one Streamable HTTP session on
 * the server. Each message is its own POST with the session's headers, and every
 * message of its answer, JSON or event stream, goes to stdout as it comes; the
 * session's GET stream carries what the server sends unasked (resource updates,
 * logs). When the server forgets the session (it restarted, or evicted it), the
 * proxy opens a new one with the client's own initialize, replays what the old
 * one had been told (the initialized notification, resource subscriptions, the
 * log level), and resends: the client never sees the change. The agent the
 * session registered as (register_agent, start_session) goes along as
 * X-Baton-Agent from then on, unless the proxy has an agent of its own. Whether a
 * failed message is sent again, and a stopped server started again, is
 * upstream.ts's decision.
 */
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';
import { postMessage, sseMessages, type Outcome } from './http-relay.js';
import { deliver, failureMessage, type RetryRules, type Upstream } from './upstream.js';

type Request = Extract<JSONRPCMessage, { method: string; id: RequestId }>;

export interface SessionForwarder {
  /** Whether the client's handshake is done (after it, messages are forwarded at once, in parallel). */
  readonly initialized: boolean;
  forward(message: JSONRPCMessage): Promise<void>;
  /** Cancels what is in flight, closes the GET stream and ends the session on the server. */
  close(): Promise<void>;
}

export interface SessionForwarderOptions {
  upstream: Upstream;
  /** Identity headers sent with every request. */
  headers: Readonly<Record<string, string>>;
  rules: RetryRules;
  write(message: JSONRPCMessage): Promise<void>;
  log(message: string): void;
}

const INTERNAL = 'baton-proxy-';
const REGISTERING = new Set(['register_agent', 'start_session']);

const isRequest = (m: JSONRPCMessage): m is Request => 'method' in m && 'id' in m;
const answersTo = (m: JSONRPCMessage, id: RequestId): boolean => !('method' in m) && 'id' in m && m.id === id;

export function createSessionForwarder(options: SessionForwarderOptions): SessionForwarder {
  const { upstream, rules } = options;
  let session: string | undefined;
  let version: string | undefined;
  /** Bumped whenever a session opens: a 404 names the session it saw, so one reopen serves all of them. */
  let epoch = 0;
  let initialize: Request | undefined;
  let initialized = false;
  const subscriptions = new Set<string>();
  let logLevel: unknown;
  /** The agent the session registered as, and whether it now travels as a header (after a reopen). */
  let registered: string | undefined;
  let pinned = false;
  let reopening: Promise<'reopened' | Outcome> | undefined;
  let stream: AbortController | undefined;
  const inflight = new Map<RequestId, AbortController>();
  let closed = false;

  /** The headers of a request in the session (`opening`: one that opens a session). */
  function headers(opening = false): Record<string, string> {
    const h: Record<string, string> = { ...options.headers };
    if (pinned && registered !== undefined && options.headers['x-baton-agent'] === undefined) h['x-baton-agent'] = registered;
    if (!opening && session !== undefined) h['mcp-session-id'] = session;
    if (!opening && version !== undefined) h['mcp-protocol-version'] = version;
    return h;
  }

  /** Every request on a connection of its own when the server may be started again, so none is left idle to go stale (http-relay.ts). */
  const ownConnection = (): Record<string, string> => (upstream.restartable ? { connection: 'close' } : {});

  /** What the client tells the session that a new session must be told again. */
  function note(message: JSONRPCMessage): void {
    if (!('method' in message)) return;
    const params = message.params as { uri?: unknown; level?: unknown } | undefined;
    if (message.method === 'initialize' && isRequest(message)) initialize = message;
    else if (message.method === 'notifications/initialized') initialized = true;
    else if (message.method === 'resources/subscribe' && typeof params?.uri === 'string') subscriptions.add(params.uri);
    else if (message.method === 'resources/unsubscribe' && typeof params?.uri === 'string') subscriptions.delete(params.uri);
    else if (message.method === 'logging/setLevel') logLevel = params?.level;
  }

  /** Reads an answer on its way to the client: the negotiated version, and who the session registered as. */
  function observe(answer: JSONRPCMessage, request: JSONRPCMessage): void {
    if (!isRequest(request) || !answersTo(answer, request.id) || !('result' in answer)) return;
    const result = answer.result as { protocolVersion?: unknown; isError?: unknown; structuredContent?: { agent_id?: unknown } };
    if (request.method === 'initialize' && typeof result.protocolVersion === 'string') version = result.protocolVersion;
    const tool = (request.params as { name?: unknown } | undefined)?.name;
    if (request.method === 'tools/call' && typeof tool === 'string' && REGISTERING.has(tool) && result.isError !== true) {
      const agent = result.structuredContent?.agent_id;
      if (typeof agent === 'string') registered = agent;
    }
  }

  /** Sends one message to the server, once; its answer goes to the client. `sent` learns the session it went in. */
  async function attempt(endpoint: URL, message: JSONRPCMessage, signal: AbortSignal | undefined, sent: (epoch: number) => void): Promise<Outcome> {
    // Requests that meet a reopen under way wait for the new session.
    if (reopening && message !== initialize) await reopening;
    sent(epoch);
    const outcome = await postMessage({
      endpoint,
      headers: headers(message === initialize),
      message,
      signal,
      ownConnection: upstream.restartable,
      relay: async (answer) => {
        observe(answer, message);
        await options.write(answer);
      },
    });
    if (outcome.kind === 'answered' && message === initialize && outcome.sessionId !== undefined) {
      session = outcome.sessionId;
      epoch += 1;
    }
    return outcome;
  }

  /** One internal message of a reopen; its answer is read here, not relayed. */
  async function internal(message: JSONRPCMessage, opening = false): Promise<Outcome> {
    const relay = (answer: JSONRPCMessage): Promise<void> => {
      observe(answer, message);
      return Promise.resolve();
    };
    return postMessage({ endpoint: upstream.endpoint, headers: headers(opening), message, ownConnection: upstream.restartable, relay });
  }

  /**
   * The server forgot the session (a 404 for a request sent in session `seen`):
   * open a new one and tell it what the old one knew. Until that succeeds the old
   * id stays, so the next request meets the 404 again and tries again.
   */
  function reopen(seen: number): Promise<'reopened' | Outcome> {
    if (epoch !== seen) return Promise.resolve('reopened');
    reopening ??= (async (): Promise<'reopened' | Outcome> => {
      options.log('mcp: the server forgot this session (restarted?); opening a new one');
      stream?.abort();
      if (!initialize) return { kind: 'refused', status: 404, error: undefined, text: 'the session is gone and the client never sent initialize' };
      const opened = await internal({ ...initialize, id: `${INTERNAL}initialize` }, true);
      if (opened.kind !== 'answered') return opened;
      if (opened.sessionId === undefined) return { kind: 'refused', status: 200, error: undefined, text: 'initialize was answered without a session id' };
      session = opened.sessionId;
      epoch += 1;
      pinned = true;
      if (initialized) {
        await internal({ jsonrpc: '2.0', method: 'notifications/initialized' });
        listen();
      }
      let n = 0;
      for (const uri of subscriptions) await internal({ jsonrpc: '2.0', id: `${INTERNAL}subscribe-${++n}`, method: 'resources/subscribe', params: { uri } });
      if (logLevel !== undefined) await internal({ jsonrpc: '2.0', id: `${INTERNAL}log-level`, method: 'logging/setLevel', params: { level: logLevel } });
      return 'reopened';
    })().finally(() => {
      reopening = undefined;
    });
    return reopening;
  }

  /**
   * Keeps the session's GET stream open while the server knows the session. A
   * server that does not answer ends it: the next request brings the server
   * back, and the new session opens a new stream.
   */
  function listen(): void {
    stream?.abort();
    const abort = new AbortController();
    stream = abort;
    const own = session;
    void (async () => {
      for (let quick = 0; !abort.signal.aborted && session === own && own !== undefined && quick < 5; ) {
        let response: Response;
        try {
          response = await fetch(upstream.endpoint, { headers: { ...headers(), ...ownConnection(), accept: 'text/event-stream' }, signal: abort.signal });
        } catch {
          return;
        }
        // 404: the session is gone (the next request reopens it); 405 or 409: no stream to be had.
        if (!response.ok || !response.body) {
          await response.body?.cancel().catch(() => undefined);
          return;
        }
        const opened = Date.now();
        try {
          for await (const message of sseMessages(response.body)) await options.write(message as JSONRPCMessage);
        } catch {
          // broke off: try again below, while the server knows the session
        }
        quick = Date.now() - opened > 10_000 ? 0 : quick + 1;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 500 * quick);
          abort.signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
        });
      }
    })();
  }

  async function forward(message: JSONRPCMessage): Promise<void> {
    if (closed) return;
    note(message);
    const cancelled = 'method' in message && message.method === 'notifications/cancelled' ? (message.params as { requestId?: RequestId } | undefined)?.requestId : undefined;
    // A cancelled request's POST is closed (the server stops the call), so its empty answer is not taken for a lost one.
    if (cancelled !== undefined) inflight.get(cancelled)?.abort();
    let abort: AbortController | undefined;
    if (isRequest(message)) {
      if (inflight.has(message.id)) {
        await options.write({ jsonrpc: '2.0', id: message.id, error: { code: -32600, message: `Request id ${JSON.stringify(message.id)} is already in flight: wait for its answer, or use another id.` } });
        return;
      }
      abort = new AbortController();
      inflight.set(message.id, abort);
    }
    try {
      let sentIn = epoch;
      const outcome = await deliver(upstream, {
        attempt: (endpoint) => attempt(endpoint, message, abort?.signal, (e) => { sentIn = e; }),
        repeatable: rules.repeatable(message),
        reopen: (refused) => (refused.status === 404 && session !== undefined && message !== initialize ? reopen(sentIn) : Promise.resolve(undefined)),
      });
      if (outcome.kind === 'answered' && 'method' in message && message.method === 'notifications/initialized') listen();
      if (outcome.kind === 'answered' || outcome.kind === 'aborted') return;
      const text = failureMessage(outcome, upstream.endpoint.origin);
      options.log(`mcp: ${text}`);
      if (!isRequest(message)) return;
      const error = outcome.kind === 'refused' && outcome.error ? outcome.error : { code: -32000, message: text };
      await options.write({ jsonrpc: '2.0', id: message.id, error });
    } finally {
      if (isRequest(message)) inflight.delete(message.id);
    }
  }

  return {
    get initialized() {
      return initialized;
    },
    forward,
    async close() {
      closed = true;
      for (const abort of inflight.values()) abort.abort();
      stream?.abort();
      if (session === undefined) return;
      const ending = headers();
      session = undefined;
      await fetch(upstream.endpoint, { method: 'DELETE', headers: { ...ending, ...ownConnection() }, signal: AbortSignal.timeout(2_000) })
        .then((r) => r.body?.cancel())
        .catch(() => undefined);
    },
  };
}
