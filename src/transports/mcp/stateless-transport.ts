/**
 * @module The transport of an MCP server shared by every 2026-07-28 client of
 * one toolset selection (the revision has no session, so nothing ties a server
 * to one client). Each request gets a transport-unique id on the way in and its
 * own back on the way out, so clients whose ids collide never meet; one whose
 * caller gives up is cancelled. Answers are JSON: what goes through here (lists,
 * reads, prompts, discovery) sends no notifications before its answer.
 */
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';
import type { Caller } from '../../hub/context.js';

interface Pending {
  id: RequestId;
  caller: Caller;
  resolve: (answer: JSONRPCMessage | undefined) => void;
}

export class StatelessTransport implements Transport {
  onclose?: (() => void) | undefined;
  onerror?: ((error: Error) => void) | undefined;
  onmessage?: Transport['onmessage'];
  private next = 0;
  private readonly pending = new Map<number, Pending>();

  start(): Promise<void> {
    return Promise.resolve();
  }

  /** The caller of a request in flight, by the id the server sees. */
  callerOf(id: RequestId): Caller {
    return (typeof id === 'number' ? this.pending.get(id)?.caller : undefined) ?? {};
  }

  /** Dispatches one request; resolves with its answer under the client's id, or undefined once `signal` gave up on it. */
  request(message: { id: RequestId; method: string; params?: Record<string, unknown> }, caller: Caller, headers: Record<string, string | string[] | undefined>, signal?: AbortSignal): Promise<JSONRPCMessage | undefined> {
    const id = ++this.next;
    return new Promise((resolve) => {
      this.pending.set(id, { id: message.id, caller, resolve });
      signal?.addEventListener('abort', () => {
        if (!this.pending.delete(id)) return;
        resolve(undefined);
        this.onmessage?.({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: id, reason: 'The HTTP request was closed.' } });
      });
      this.onmessage?.({ jsonrpc: '2.0', id, method: message.method, ...(message.params ? { params: message.params } : {}) }, { requestInfo: { headers } });
    });
  }

  send(message: JSONRPCMessage): Promise<void> {
    if (!('method' in message) && 'id' in message && typeof message.id === 'number') {
      const pending = this.pending.get(message.id);
      if (pending) {
        this.pending.delete(message.id);
        pending.resolve({ ...message, id: pending.id });
      }
    }
    return Promise.resolve();
  }

  close(): Promise<void> {
    for (const pending of this.pending.values()) pending.resolve(undefined);
    this.pending.clear();
    this.onclose?.();
    return Promise.resolve();
  }
}
