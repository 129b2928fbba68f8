/**
 * @module What MCP answers over HTTP are made of, whichever protocol revision:
 * JSON-RPC bodies, SSE events and keep-alives, and the JSON-RPC error of a
 * thrown value.
 */
import type { ServerResponse } from 'node:http';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

/** A comment line this often keeps proxies and clients from cutting a quiet stream (clients cut at 60 s). */
export const KEEPALIVE_MS = 15_000;
export const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache, no-transform', 'x-accel-buffering': 'no' };
export const JSON_TYPE = 'application/json';

export const sseEvent = (m: JSONRPCMessage): string => `event: message\ndata: ${JSON.stringify(m)}\n\n`;

/** Starts an event stream on `res`, with keep-alives until it ends. */
export function openEventStream(res: ServerResponse, headers: Record<string, string> = {}): void {
  res.writeHead(200, { ...SSE_HEADERS, ...headers });
  const keepalive = setInterval(() => res.write(': keepalive\n\n'), KEEPALIVE_MS).unref();
  res.once('close', () => {
    clearInterval(keepalive);
  });
}

/** The JSON-RPC error object for a thrown value: an McpError keeps its code and data, anything else is an internal error. */
export function rpcErrorOf(error: unknown): { code: number; message: string; data?: unknown } {
  const { code, message, data } = error as { code?: unknown; message?: unknown; data?: unknown };
  return { code: Number.isSafeInteger(code) ? (code as number) : -32603, message: typeof message === 'string' ? message : 'Internal error', ...(data === undefined ? {} : { data }) };
}
