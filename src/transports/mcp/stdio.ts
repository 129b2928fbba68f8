/**
 * @module The stdio MCP entry: a thin proxy that forwards every JSON-RPC message
 * between stdin/stdout and the HTTP server's /mcp, so every agent on a machine
 * shares one state. The caller's identity (agent, project, token) travels as
 * headers on every request. Both protocol eras pass: a 2026-07-28 request goes
 * as its own POST (modern-forwarder.ts), 2025 traffic through one HTTP session
 * (session-forwarder.ts), reopened when the server forgets it. When the server
 * stops answering, the proxy starts it again if it can (the local server) and
 * resends what may be resent (upstream.ts), so a client sees a slower call
 * rather than an error.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';
import { createModernForwarder } from './modern-forwarder.js';
import { createSessionForwarder } from './session-forwarder.js';
import { createRetryRules, createUpstream } from './upstream.js';

export interface StdioProxyOptions {
  /** The server's MCP endpoint, e.g. http://127.0.0.1:3100/mcp?toolsets=locks. */
  endpoint: URL;
  /**
   * Gets a server answering again after this one stopped (for the local server:
   * starts it) and resolves with its MCP endpoint. Without it, messages are
   * answered with an error while the server is down.
   */
  restart?: (() => Promise<URL>) | undefined;
  /** Sent as X-Baton-Agent, X-Baton-Project and Authorization on every request. */
  agentId?: string | undefined;
  project?: string | undefined;
  token?: string | undefined;
  log(message: string): void;
  stdin?: NodeJS.ReadableStream;
  stdout?: NodeJS.WritableStream;
}

/** Runs until stdin ends; resolves after the HTTP session is closed. */
export async function runStdioProxy(options: StdioProxyOptions): Promise<void> {
  const headers: Record<string, string> = {};
  if (options.agentId) headers['x-baton-agent'] = options.agentId;
  if (options.project) headers['x-baton-project'] = options.project;
  if (options.token) headers['authorization'] = `Bearer ${options.token}`;
  const stdio = new StdioServerTransport(options.stdin as NodeJS.ReadStream | undefined, options.stdout as NodeJS.WriteStream | undefined);
  const log = (message: string): void => {
    options.log(message);
  };
  const upstream = createUpstream(options.endpoint, options.restart, log);
  const rules = createRetryRules();
  const write = (message: JSONRPCMessage): Promise<void> => {
    rules.learn(message);
    return stdio.send(message);
  };
  const modern = createModernForwarder({ upstream, headers, rules, write, log });
  const session = createSessionForwarder({ upstream, headers, rules, write, log });

  // The handshake goes one message at a time (the session id comes with the first answer);
  // after it, messages are forwarded at once so parallel tool calls run in parallel.
  const inflight = new Set<Promise<void>>();
  const track = (run: Promise<void>): void => {
    inflight.add(run);
    void run.finally(() => inflight.delete(run));
  };
  let handshake: Promise<void> = Promise.resolve();
  stdio.onmessage = (message) => {
    if (modern.owns(message)) {
      track(modern.forward(message));
      return;
    }
    const cancelled = 'method' in message && message.method === 'notifications/cancelled' ? (message.params as { requestId?: RequestId } | undefined)?.requestId : undefined;
    if (cancelled !== undefined && modern.cancel(cancelled)) return;
    track(session.initialized ? handshake.then(() => session.forward(message)) : (handshake = handshake.then(() => session.forward(message))));
  };
  const input = options.stdin ?? process.stdin;
  const ended = new Promise<void>((resolve) => {
    input.once('end', resolve);
    input.once('close', resolve);
  });
  await stdio.start();
  await ended;
  await Promise.all([modern.close(), session.close()]);
  await Promise.all(inflight);
  await stdio.close();
}
