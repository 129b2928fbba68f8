/**
 * @module The stdio proxy's path for 2026-07-28 requests (they carry their
 * revision in params._meta): each is its own POST to /mcp with the revision's
 * headers (MCP-Protocol-Version, Mcp-Method, Mcp-Name) and the caller's
 * identity headers, and every message of its answer, JSON or event stream,
 * goes to stdout as it comes. There is no session, so nothing to reopen after a
 * server restart. notifications/cancelled for such a request closes its POST,
 * which is how the revision cancels over HTTP. Requests sharing an id while in
 * flight are refused: their answers would share stdout.
 */
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';
import { encodeHeaderValue, META_PROTOCOL_VERSION } from './revisions.js';

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
  endpoint: URL;
  /** Identity headers sent with every request. */
  headers: Readonly<Record<string, string>>;
  write(message: JSONRPCMessage): Promise<void>;
  log(message: string): void;
}

const NAME_SOURCE: Readonly<Record<string, string>> = { 'tools/call': 'name', 'prompts/get': 'name', 'resources/read': 'uri' };

/** The JSON-RPC messages of an event stream, as they arrive. */
async function* sseMessages(body: ReadableStream<Uint8Array>): AsyncGenerator {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true }).replace(/\r\n?/g, '\n');
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const data = buffer.slice(0, end).split('\n').filter((line) => line.startsWith('data:')).map((line) => line.slice(5).trimStart());
      buffer = buffer.slice(end + 2);
      if (data.length > 0) yield JSON.parse(data.join('\n'));
      end = buffer.indexOf('\n\n');
    }
  }
}

const isAnswer = (m: unknown): boolean => typeof m === 'object' && m !== null && ('result' in m || 'error' in m);

export function createModernForwarder(options: ModernForwarderOptions): ModernForwarder {
  const inflight = new Map<RequestId, { abort: AbortController; done: Promise<void> }>();
  const origin = options.endpoint.origin;
  const fail = (id: RequestId, message: string): Promise<void> => options.write({ jsonrpc: '2.0', id, error: { code: -32000, message: `The Baton server at ${origin} ${message}` } });

  function headersOf(request: Request): Record<string, string> {
    const params = (request.params ?? {}) as Record<string, unknown>;
    const version = (params['_meta'] as Record<string, unknown>)[META_PROTOCOL_VERSION];
    const source = NAME_SOURCE[request.method];
    const name = source === undefined ? undefined : params[source];
    return {
      ...options.headers,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': String(version),
      'mcp-method': request.method,
      ...(typeof name === 'string' ? { 'mcp-name': encodeHeaderValue(name) } : {}),
    };
  }

  /** Sends one request and relays its answer; resolves once the answer (or its failure) is on stdout. */
  async function relay(request: Request, abort: AbortController): Promise<void> {
    let response: Response;
    try {
      response = await fetch(options.endpoint, { method: 'POST', headers: headersOf(request), body: JSON.stringify(request), signal: abort.signal });
    } catch (error) {
      if (abort.signal.aborted) return;
      const reason = error instanceof Error ? error.message : String(error);
      options.log(`mcp: the server at ${origin} did not answer: ${reason}`);
      return fail(request.id, `did not answer: ${reason}. Is it running? (baton status)`);
    }
    const type = response.headers.get('content-type') ?? '';
    let answered = false;
    try {
      if (type.startsWith('text/event-stream') && response.body) {
        for await (const message of sseMessages(response.body)) {
          answered ||= isAnswer(message);
          await options.write(message as JSONRPCMessage);
        }
      } else {
        const text = await response.text();
        const body = (text === '' ? undefined : JSON.parse(text)) as { error?: unknown } | undefined;
        // A refusal before the request was read may carry no id: it still answers this request.
        if (body && isAnswer(body)) {
          answered = true;
          await options.write((response.ok ? body : { jsonrpc: '2.0', id: request.id, error: body.error }) as JSONRPCMessage);
        }
      }
    } catch (error) {
      if (abort.signal.aborted) return;
      options.log(`mcp: the answer from ${origin} broke off: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!answered && !abort.signal.aborted) await fail(request.id, `ended the answer without a result (HTTP ${response.status}; restarted?): call again.`);
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
