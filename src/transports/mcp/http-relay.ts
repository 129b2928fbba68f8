/**
 * @module One JSON-RPC message POSTed to the server's /mcp, its answer relayed as
 * it comes (a JSON body, or every message of an event stream), for both paths of
 * the stdio proxy. The outcome tells a retry what it may assume: a message that
 * found no server (`unreachable`: the connection was refused) cannot have run; one
 * whose answer broke off or never came (`lost`) may have.
 */
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';

/** The error member of a JSON-RPC error answer. */
export interface RpcError {
  code: number;
  message: string;
  data?: unknown;
}

export type Outcome =
  /** The answer went to the client (for a notification or a response: the server took it). */
  | { kind: 'answered'; sessionId: string | undefined }
  /** An HTTP error before any answer, nothing relayed; `error` when the body was a JSON-RPC error. */
  | { kind: 'refused'; status: number; error: RpcError | undefined; text: string }
  /** No connection: the message reached no server. */
  | { kind: 'unreachable'; reason: string }
  /** Sent, but the answer broke off or never came: the message may have run. `restarted`: a new server answers now. */
  | { kind: 'lost'; reason: string; restarted?: boolean }
  /** Cancelled here (the client cancelled, or went away). */
  | { kind: 'aborted' };

export interface PostOptions {
  endpoint: URL;
  headers: Readonly<Record<string, string>>;
  message: JSONRPCMessage;
  signal?: AbortSignal | undefined;
  /**
   * On a connection of its own (no keep-alive). A kept-alive socket the server
   * closed (it died) fails a request as one that broke off, though the server
   * never read it; a new connection is refused instead, which proves it. Cheap on
   * loopback, where the proxy starts servers again.
   */
  ownConnection?: boolean | undefined;
  /** Receives every message of the answer, the answer itself included, in order. */
  relay(message: JSONRPCMessage): Promise<void>;
}

/** Connection errors raised before a byte of the request left: such a request cannot have run. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

interface Coded {
  code?: unknown;
  errors?: unknown;
  message?: unknown;
  cause?: unknown;
}

/** The error codes of a fetch failure: its cause's, or those of each attempt of an AggregateError. */
function codesOf(error: unknown): unknown[] {
  const cause = (error as Coded | undefined)?.cause as Coded | undefined;
  if (!cause) return [];
  const nested = Array.isArray(cause.errors) ? (cause.errors as Coded[]).map((e) => e.code) : [];
  return [cause.code, ...nested].filter((c) => c !== undefined);
}

/** What went wrong, with the cause a fetch failure hides behind "fetch failed". */
function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const cause = (error as Coded | undefined)?.cause as Coded | undefined;
  const detail = typeof cause?.message === 'string' && cause.message !== '' ? cause.message : typeof cause?.code === 'string' ? cause.code : undefined;
  return detail === undefined || message.includes(detail) ? message : `${message}: ${detail}`;
}

const notSent = (error: unknown): boolean => {
  const codes = codesOf(error);
  return codes.length > 0 && codes.every((c) => typeof c === 'string' && NOT_SENT.has(c));
};

const isAnswer = (m: unknown): boolean => typeof m === 'object' && m !== null && ('result' in m || 'error' in m);

/** The JSON-RPC messages of an event stream, as they arrive. */
export async function* sseMessages(body: ReadableStream<Uint8Array>): AsyncGenerator {
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

const parse = (text: string): unknown => {
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
};

/** POSTs one message and relays its answer; resolves once the answer (or why there is none) is known. */
export async function postMessage(options: PostOptions): Promise<Outcome> {
  const { message, signal } = options;
  const id: RequestId | undefined = 'method' in message && 'id' in message ? message.id : undefined;
  let response: Response;
  try {
    response = await fetch(options.endpoint, {
      method: 'POST',
      headers: { ...options.headers, 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...(options.ownConnection ? { connection: 'close' } : {}) },
      body: JSON.stringify(message),
      signal,
    });
  } catch (error) {
    if (signal?.aborted) return { kind: 'aborted' };
    return notSent(error) ? { kind: 'unreachable', reason: reasonOf(error) } : { kind: 'lost', reason: reasonOf(error) };
  }
  const sessionId = response.headers.get('mcp-session-id') ?? undefined;
  const type = response.headers.get('content-type') ?? '';
  try {
    if (!response.ok) {
      const text = await response.text();
      const body = parse(text) as { error?: RpcError } | undefined;
      const error = body && typeof body.error === 'object' ? body.error : undefined;
      return { kind: 'refused', status: response.status, error, text };
    }
    if (id === undefined) {
      // A notification or a response to the server: taken (202), nothing to relay.
      await response.body?.cancel();
      return { kind: 'answered', sessionId };
    }
    let answered = false;
    if (type.startsWith('text/event-stream') && response.body) {
      for await (const m of sseMessages(response.body)) {
        answered ||= isAnswer(m);
        await options.relay(m as JSONRPCMessage);
      }
    } else {
      const body = parse(await response.text());
      if (isAnswer(body)) {
        answered = true;
        await options.relay(body as JSONRPCMessage);
      }
    }
    if (signal?.aborted) return { kind: 'aborted' };
    return answered ? { kind: 'answered', sessionId } : { kind: 'lost', reason: `the answer ended without a result (HTTP ${response.status})` };
  } catch (error) {
    if (signal?.aborted) return { kind: 'aborted' };
    return { kind: 'lost', reason: `the answer broke off: ${reasonOf(error)}` };
  }
}
