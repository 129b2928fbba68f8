/**
 * @module The stdio proxy's path for 2026-07-28 requests (they carry their
 * revision in params._meta): each is its own POST to /mcp with the revision's
 * headers (MCP-Protocol-Version, Mcp-Method, Mcp-Name) and the caller's
 * identity headers, and every message of its answer, JSON or event stream,
 * goes to stdout as it comes (http-relay.ts). There is no session, so nothing to
 * reopen after a server restart; whether a failed request is sent again, and a
 * stopped server started again, is upstream.ts's decision. notifications/cancelled
 * for such a request closes its POST, which is how the revision cancels over
 * HTTP. Requests sharing an id while in flight are refused: their answers would
 * share stdout.
 */
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';
import { postMessage } from './http-relay.js';
import { encodeHeaderValue, META_PROTOCOL_VERSION } from './revisions.js';
import { deliver, failureMessage, type RetryRules, type Upstream } from './upstream.js';

type Request = Extract<JSONRPCMessage, { method: string; id: RequestId }>;

export interface ModernForwarder {
  /** Whether a message is a 2026-07-28 request (this path's to forward). */
  owns(message: JSONRPCMessage): message is Request;
  forward(request: Request): Promise<void>;
  /** Cancels a request in flight here; false when it is not one of this path's. */
  cancel(id: RequestId): boolean;
  /** Cancels everything in flight and waits for it to settle (stdin ended: nobody reads the answers). */
  close(): Promise<void>;
}

export interface ModernForwarderOptions {
  upstream: Upstream;
  /** Identity headers sent with every request. */
  headers: Readonly<Record<string, string>>;
  rules: RetryRules;
  write(message: JSONRPCMessage): Promise<void>;
  log(message: string): void;
}

const NAME_SOURCE: Readonly<Record<string, string>> = { 'tools/call': 'name', 'prompts/get': 'name', 'resources/read': 'uri' };

export function createModernForwarder(options: ModernForwarderOptions): ModernForwarder {
  const inflight = new Map<RequestId, { abort: AbortController; done: Promise<void> }>();
  const { upstream } = options;

  function headersOf(request: Request): Record<string, string> {
    const params = (request.params ?? {}) as Record<string, unknown>;
    const version = (params['_meta'] as Record<string, unknown>)[META_PROTOCOL_VERSION];
    const source = NAME_SOURCE[request.method];
    const name = source === undefined ? undefined : params[source];
    return {
      ...options.headers,
      'mcp-protocol-version': String(version),
      'mcp-method': request.method,
      ...(typeof name === 'string' ? { 'mcp-name': encodeHeaderValue(name) } : {}),
    };
  }

  /** Sends one request and relays its answer; resolves once the answer (or its failure) is on stdout. */
  async function relay(request: Request, abort: AbortController): Promise<void> {
    const headers = headersOf(request);
    const outcome = await deliver(upstream, {
      attempt: (endpoint) => postMessage({ endpoint, headers, message: request, signal: abort.signal, ownConnection: upstream.restartable, relay: (m) => options.write(m) }),
      repeatable: options.rules.repeatable(request),
    });
    if (outcome.kind === 'answered' || outcome.kind === 'aborted') return;
    // A refusal before the request was read may carry no id: it still answers this request.
    if (outcome.kind === 'refused' && outcome.error) {
      await options.write({ jsonrpc: '2.0', id: request.id, error: outcome.error });
      return;
    }
    const text = failureMessage(outcome, upstream.endpoint.origin);
    options.log(`mcp: ${text}`);
    await options.write({ jsonrpc: '2.0', id: request.id, error: { code: -32000, message: text } });
  }

  return {
    owns(message): message is Request {
      if (!('method' in message) || !('id' in message)) return false;
      const meta = (message.params as { _meta?: Record<string, unknown> } | undefined)?._meta;
      return meta !== undefined && META_PROTOCOL_VERSION in meta;
    },
    async forward(request) {
      if (inflight.has(request.id)) {
        await options.write({ jsonrpc: '2.0', id: request.id, error: { code: -32600, message: `Request id ${JSON.stringify(request.id)} is already in flight: wait for its answer, or use another id.` } });
        return;
      }
      const abort = new AbortController();
      const done = relay(request, abort).finally(() => inflight.delete(request.id));
      inflight.set(request.id, { abort, done });
      await done;
    },
    cancel(id) {
      const entry = inflight.get(id);
      entry?.abort.abort();
      return entry !== undefined;
    },
    async close() {
      const entries = [...inflight.values()];
      for (const entry of entries) entry.abort.abort();
      await Promise.all(entries.map((e) => e.done));
    },
  };
}
