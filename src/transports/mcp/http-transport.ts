/**
 * @module One MCP session's Streamable HTTP transport (the SDK's Transport
 * interface) over Node's raw request/response. A POST is answered with one JSON
 * body, or with an SSE stream when the call may block or asked for progress; the
 * session's GET stream carries messages unrelated to a request. A client that
 * closes its POST cancels the call, and a cancelled call's stream ends at once.
 * Requests are screened before the SDK sees them: an id already in flight in the
 * session, or params that do not fit the method, are refused here. A session whose
 * initialize failed closes itself.
 *
 * Why not the SDK's StreamableHTTPServerTransport: it converts every Node request
 * to a web Request and streams every answer as SSE, which cost about five times
 * the server CPU of the same REST call here, and it does not cancel a call whose
 * HTTP request closed.
 */
import type { ServerResponse } from 'node:http';
import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, type CallToolResult, type JSONRPCMessage, type RequestId } from '@modelcontextprotocol/sdk/types.js';
import type { Caller } from '../../hub/context.js';
import { JSON_TYPE, KEEPALIVE_MS, rpcErrorOf, SSE_HEADERS, sseEvent } from './http-wire.js';
import { invalidParams } from './request-params.js';

/** Runs one plain tools/call without the SDK's dispatch (see BatonMcpServer.callTool). */
export type DirectToolCall = (name: string, args: Record<string, unknown> | undefined, caller: Caller) => Promise<CallToolResult>;

/** One POST: its HTTP response and the requests it still owes an answer to. */
interface Exchange {
  res: ServerResponse;
  sse: boolean;
  open: Set<RequestId>;
  answers: JSONRPCMessage[];
  caller: Caller;
  keepalive: NodeJS.Timeout | undefined;
}

const isRequest = (m: JSONRPCMessage): m is Extract<JSONRPCMessage, { method: string; id: RequestId }> => 'method' in m && 'id' in m;
const isResponse = (m: JSONRPCMessage): m is Extract<JSONRPCMessage, { id: RequestId }> => !('method' in m) && 'id' in m;
interface PlainToolCall {
  id: RequestId;
  params: { name: string; arguments?: Record<string, unknown> };
}

/** tools/call with a name and object arguments, and no _meta (no progress token, no task): nothing the SDK must mediate. */
function isPlainToolCall(m: JSONRPCMessage): m is JSONRPCMessage & PlainToolCall {
  if (!('method' in m) || m.method !== 'tools/call' || !('id' in m)) return false;
  const params = m.params;
  if (!params || typeof params['name'] !== 'string' || '_meta' in params || 'task' in params) return false;
  const args = params['arguments'];
  return args === undefined || (typeof args === 'object' && args !== null && !Array.isArray(args));
}

export class HttpSessionTransport implements Transport {
  readonly sessionId: string;
  onclose?: (() => void) | undefined;
  onerror?: ((error: Error) => void) | undefined;
  onmessage?: Transport['onmessage'];
  /** When the session last saw a request (epoch ms), for idle expiry. */
  lastSeen = Date.now();
  /** The Authorization header that opened the session: another token may not use it. */
  owner: string | undefined;
  /** Answers plain tool calls on the hot path; everything else goes through the SDK. */
  direct: DirectToolCall | undefined;
  private readonly pending = new Map<RequestId, Exchange>();
  /** Ids of plain tool calls being answered directly (they have no Exchange). */
  private readonly answering = new Set<RequestId>();
  /** The id of this session's initialize until it is answered. */
  private initializeId: RequestId | undefined;
  private standalone: ServerResponse | undefined;
  private closed = false;

  constructor(sessionId: string) {
    this.sessionId = sessionId;
  }

  start(): Promise<void> {
    return Promise.resolve();
  }

  /** The caller of a request in flight (headers, token, query of its POST). */
  callerOf(id: RequestId): Caller {
    return this.pending.get(id)?.caller ?? {};
  }

  get streaming(): boolean {
    return this.standalone !== undefined;
  }

  /** Whether a request of this session is still being answered. */
  get busy(): boolean {
    return this.pending.size > 0 || this.answering.size > 0;
  }

  /** Delivers one POST's messages; requests are answered on `res` (JSON, or SSE when `sse`). */
  post(messages: JSONRPCMessage[], res: ServerResponse, sse: boolean, caller: Caller, headers: Record<string, string | string[] | undefined>): void {
    this.lastSeen = Date.now();
    const initialize = messages.find((m) => isRequest(m) && m.method === 'initialize');
    if (initialize && 'id' in initialize) this.initializeId = initialize.id;
    const { accepted, refusals } = this.screen(messages);
    const only = accepted.length === 1 && refusals.length === 0 ? accepted[0] : undefined;
    if (!sse && only && this.direct && isPlainToolCall(only)) {
      this.answerDirectly(this.direct, only, res, caller);
      return;
    }
    const requests = accepted.filter(isRequest);
    const extra = { requestInfo: { headers } };
    if (requests.length === 0) {
      if (refusals.length === 0) res.writeHead(202, { 'mcp-session-id': this.sessionId }).end();
      else res.writeHead(200, { 'content-type': JSON_TYPE, 'mcp-session-id': this.sessionId }).end(JSON.stringify(refusals.length === 1 ? refusals[0] : refusals));
    } else {
      const exchange: Exchange = { res, sse, open: new Set(requests.map((r) => r.id)), answers: [...refusals], caller, keepalive: undefined };
      for (const r of requests) this.pending.set(r.id, exchange);
      if (sse) {
        res.writeHead(200, { ...SSE_HEADERS, 'mcp-session-id': this.sessionId });
        for (const refusal of refusals) res.write(sseEvent(refusal));
        exchange.keepalive = setInterval(() => res.write(': keepalive\n\n'), KEEPALIVE_MS).unref();
      }
      res.on('close', () => {
        // The client went away before its answers: cancel what is still running.
        for (const id of exchange.open) {
          this.finish(id);
          this.onmessage?.({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: id, reason: 'The HTTP request was closed.' } });
        }
      });
    }
    for (const refusal of refusals) this.answered(refusal);
    for (const m of accepted) {
      this.onmessage?.(m, extra);
      if ('method' in m && m.method === 'notifications/cancelled' && !('id' in m)) {
        const requestId = (m.params as { requestId?: RequestId } | undefined)?.requestId;
        if (requestId !== undefined) this.finish(requestId);
      }
    }
  }

  /** Opens the session's stream for messages unrelated to a request; false when one is open. */
  openStream(res: ServerResponse): boolean {
    if (this.standalone) return false;
    this.lastSeen = Date.now();
    this.standalone = res;
    res.writeHead(200, { ...SSE_HEADERS, 'mcp-session-id': this.sessionId });
    res.write(': stream open\n\n');
    const keepalive = setInterval(() => res.write(': keepalive\n\n'), KEEPALIVE_MS).unref();
    res.on('close', () => {
      clearInterval(keepalive);
      if (this.standalone === res) this.standalone = undefined;
      this.lastSeen = Date.now();
    });
    return true;
  }

  send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    if (isResponse(message)) {
      const exchange = this.pending.get(message.id);
      if (exchange) {
        if (exchange.sse) exchange.res.write(sseEvent(message));
        else exchange.answers.push(message);
        this.finish(message.id);
        this.answered(message);
      }
    } else if (options?.relatedRequestId !== undefined) {
      const exchange = this.pending.get(options.relatedRequestId);
      // A JSON answer has no room for notifications before it; they are dropped.
      if (exchange?.sse) exchange.res.write(sseEvent(message));
    } else {
      this.standalone?.write(sseEvent(message));
    }
    return Promise.resolve();
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    for (const id of [...this.pending.keys()]) this.finish(id);
    this.standalone?.end();
    this.onclose?.();
    return Promise.resolve();
  }

  /**
   * Splits a POST's messages into those the SDK may see and the refusals to answer
   * at once: a request whose id is already in flight in this session (the SDK keys
   * answers by id, so one of the two would be lost), and params that do not fit.
   */
  private screen(messages: JSONRPCMessage[]): { accepted: JSONRPCMessage[]; refusals: JSONRPCMessage[] } {
    const accepted: JSONRPCMessage[] = [];
    const refusals: JSONRPCMessage[] = [];
    const seen = new Set<RequestId>();
    for (const m of messages) {
      if (!isRequest(m)) {
        accepted.push(m);
        continue;
      }
      const error = this.pending.has(m.id) || this.answering.has(m.id) || seen.has(m.id)
        ? { code: ErrorCode.InvalidRequest, message: `Request id ${JSON.stringify(m.id)} already in flight in this session: wait for its answer, or use another id.` }
        : invalidParams(m);
      if (error) refusals.push({ jsonrpc: '2.0', id: m.id, error });
      else {
        seen.add(m.id);
        accepted.push(m);
      }
    }
    return { accepted, refusals };
  }

  /** Bookkeeping after a response left: a session whose initialize failed is not kept. */
  private answered(message: JSONRPCMessage): void {
    this.lastSeen = Date.now();
    if (this.initializeId === undefined || !isResponse(message) || message.id !== this.initializeId) return;
    this.initializeId = undefined;
    if ('error' in message) void this.close();
  }

  private answerDirectly(direct: DirectToolCall, call: PlainToolCall, res: ServerResponse, caller: Caller): void {
    const headers = { 'content-type': JSON_TYPE, 'mcp-session-id': this.sessionId };
    this.answering.add(call.id);
    direct(call.params.name, call.params.arguments, caller)
      .then(
        (result) => res.writeHead(200, headers).end(JSON.stringify({ jsonrpc: '2.0', id: call.id, result })),
        (error: unknown) => res.writeHead(200, headers).end(JSON.stringify({ jsonrpc: '2.0', id: call.id, error: rpcErrorOf(error) })),
      )
      .finally(() => {
        this.answering.delete(call.id);
        this.lastSeen = Date.now();
      });
  }

  /** Marks a request answered (or abandoned) and ends its HTTP response once nothing is owed. */
  private finish(id: RequestId): void {
    const exchange = this.pending.get(id);
    if (!exchange) return;
    this.pending.delete(id);
    exchange.open.delete(id);
    if (exchange.open.size > 0) return;
    clearInterval(exchange.keepalive);
    const { res, answers } = exchange;
    if (res.writableEnded || res.destroyed) return;
    if (exchange.sse) {
      res.end();
    } else if (answers.length === 0) {
      // Cancelled before an answer: an empty event stream tells the client nothing is coming.
      res.writeHead(200, { ...SSE_HEADERS, 'mcp-session-id': this.sessionId }).end();
    } else {
      const body = JSON.stringify(answers.length === 1 ? answers[0] : answers);
      res.writeHead(200, { 'content-type': JSON_TYPE, 'mcp-session-id': this.sessionId }).end(body);
    }
  }
}
