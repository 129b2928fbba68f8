/**
 * @module The stdio MCP entry: a thin proxy that forwards every JSON-RPC message
 * between stdin/stdout and the HTTP server's /mcp, so every agent on a machine
 * shares one state. The caller's identity (agent, project, token) travels as
 * headers on every request. Both protocol eras pass: a 2026-07-28 request goes
 * as its own POST (modern-forwarder.ts), 2025 traffic through one HTTP session;
 * when the server forgets that session (it restarted), the proxy opens a new one
 * with the client's own initialize and resends.
 */
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';
import { createModernForwarder } from './modern-forwarder.js';

export interface StdioProxyOptions {
  /** The server's MCP endpoint, e.g. http://127.0.0.1:3100/mcp?toolsets=locks. */
  endpoint: URL;
  /** Sent as X-Baton-Agent, X-Baton-Project and Authorization on every request. */
  agentId?: string | undefined;
  project?: string | undefined;
  token?: string | undefined;
  log(message: string): void;
  stdin?: NodeJS.ReadableStream;
  stdout?: NodeJS.WritableStream;
}

const REINIT_ID = 'baton-proxy-reinitialize';

const isRequest = (m: JSONRPCMessage): m is Extract<JSONRPCMessage, { method: string; id: RequestId }> => 'method' in m && 'id' in m;

/** Runs until stdin ends; resolves after the HTTP session is closed. */
export async function runStdioProxy(options: StdioProxyOptions): Promise<void> {
  const headers: Record<string, string> = {};
  if (options.agentId) headers['x-baton-agent'] = options.agentId;
  if (options.project) headers['x-baton-project'] = options.project;
  if (options.token) headers['authorization'] = `Bearer ${options.token}`;
  const stdio = new StdioServerTransport(options.stdin as NodeJS.ReadStream | undefined, options.stdout as NodeJS.WriteStream | undefined);
  let initialize: JSONRPCMessage | undefined;
  let initialized = false;
  let http = connect();
  const modern = createModernForwarder({
    endpoint: options.endpoint,
    headers,
    write: (message) => stdio.send(message),
    log: (message) => {
      options.log(message);
    },
  });

  function connect(): StreamableHTTPClientTransport {
    const transport = new StreamableHTTPClientTransport(options.endpoint, { requestInit: { headers } });
    transport.onmessage = (message) => {
      const answersInitialize = 'result' in message && (message.id === REINIT_ID || (initialize && 'id' in initialize && message.id === initialize.id));
      if (answersInitialize) {
        const version = (message.result as { protocolVersion?: unknown }).protocolVersion;
        if (typeof version === 'string') transport.setProtocolVersion(version);
      }
      if ('id' in message && message.id === REINIT_ID) return;
      void stdio.send(message);
    };
    transport.onerror = (error) => {
      if (!(error instanceof StreamableHTTPError)) options.log(`mcp: ${error.message}`);
    };
    void transport.start();
    return transport;
  }

  /** The server lost our session: open a new one with the client's initialize, then go on. */
  let reopening: Promise<void> | undefined;
  async function reopen(): Promise<void> {
    if (!initialize) return;
    options.log('mcp: the server forgot this session (restarted?); opening a new one');
    const lost = http;
    http = connect();
    void lost.close();
    await http.send({ ...initialize, id: REINIT_ID });
    if (initialized) await http.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  }

  async function forward(message: JSONRPCMessage): Promise<void> {
    if ('method' in message && message.method === 'initialize') initialize = message;
    if ('method' in message && message.method === 'notifications/initialized') initialized = true;
    const via = http;
    try {
      try {
        await via.send(message);
      } catch (error) {
        if (!(error instanceof StreamableHTTPError && error.code === 404 && message !== initialize)) throw error;
        if (via === http) {
          reopening = reopen().finally(() => {
            reopening = undefined;
          });
        }
        await reopening;
        await http.send(message);
      }
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const what = error instanceof StreamableHTTPError ? `refused the message: ${reason}` : `did not answer: ${reason}. Is it running? (baton status)`;
      options.log(`mcp: the server at ${options.endpoint.origin} ${what}`);
      if (isRequest(message)) await stdio.send({ jsonrpc: '2.0', id: message.id, error: { code: -32000, message: `The Baton server at ${options.endpoint.origin} ${what}` } });
    }
  }

  // The handshake goes one message at a time (the session id comes with the first answer);
  // after it, messages are forwarded at once so parallel tool calls run in parallel.
  const inflight = new Set<Promise<void>>();
  let handshake: Promise<void> = Promise.resolve();
  stdio.onmessage = (message) => {
    if (modern.owns(message)) {
      const run = modern.forward(message);
      inflight.add(run);
      void run.finally(() => inflight.delete(run));
      return;
    }
    const cancelled = 'method' in message && message.method === 'notifications/cancelled' ? (message.params as { requestId?: RequestId } | undefined)?.requestId : undefined;
    if (cancelled !== undefined && modern.cancel(cancelled)) return;
    const run = initialized ? handshake.then(() => forward(message)) : (handshake = handshake.then(() => forward(message)));
    inflight.add(run);
    void run.finally(() => inflight.delete(run));
  };
  const input = options.stdin ?? process.stdin;
  const ended = new Promise<void>((resolve) => {
    input.once('end', resolve);
    input.once('close', resolve);
  });
  await stdio.start();
  await ended;
  await modern.close();
  await Promise.all(inflight);
  await http.terminateSession().catch(() => undefined);
  await http.close();
  await stdio.close();
}
