/**
 * @module MCP test support: a Baton server in this process (so tests can shorten
 * its waits and progress interval), real SDK clients of both lines over Streamable
 * HTTP and over the built `baton mcp` stdio proxy (the 1.x client speaks the 2025
 * revisions, the 2.x one negotiates 2026-07-28), and helpers that read a tool's answer.
 */
import { tmpdir } from 'node:os';
import { Client as ModernClient, StreamableHTTPClientTransport as ModernHttpTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport as ModernStdioTransport } from '@modelcontextprotocol/client/stdio';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { HubConfig } from '../../src/hub/config.js';
import { loadServerConfig, type ServerConfig } from '../../src/server/config.js';
import { startServer, type RunningServer } from '../../src/server/main.js';
import { assertBuilt, childEnv, CLI, tempDir } from '../support/server.js';

const silent = { info: () => undefined, error: () => undefined };

/** A server on a fresh data directory, in this process, with hub settings overridden. */
export async function startInProcess(hub: Partial<HubConfig> = {}, more: Partial<ServerConfig> = {}): Promise<RunningServer> {
  const config = loadServerConfig({ dataDir: tempDir(), port: 0, host: '127.0.0.1' });
  return startServer({ ...config, ...more, store: { kind: 'sqlite', url: undefined, namespace: undefined }, hub: { ...config.hub, ...hub } }, silent);
}

export interface HttpClientOptions {
  query?: Record<string, string>;
  headers?: Record<string, string>;
}

/** An SDK client connected to `url`/mcp over Streamable HTTP. */
export async function httpClient(url: string, options: HttpClientOptions = {}): Promise<Client> {
  const endpoint = new URL('/mcp', url);
  for (const [k, v] of Object.entries(options.query ?? {})) endpoint.searchParams.set(k, v);
  const client = new Client({ name: 'baton-e2e', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(endpoint, { requestInit: { headers: options.headers ?? {} } }));
  return client;
}

/** A 2.x SDK client that negotiates the protocol revision (2026-07-28 against Baton), over Streamable HTTP. */
export async function modernHttpClient(url: string, options: HttpClientOptions = {}): Promise<ModernClient> {
  const endpoint = new URL('/mcp', url);
  for (const [k, v] of Object.entries(options.query ?? {})) endpoint.searchParams.set(k, v);
  const client = new ModernClient({ name: 'baton-e2e-modern', version: '1.0.0' }, { versionNegotiation: { mode: 'auto' } });
  await client.connect(new ModernHttpTransport(endpoint, { requestInit: { headers: options.headers ?? {} } }));
  return client;
}

export interface StdioClient<C = Client> {
  client: C;
  /** What the proxy wrote to stderr so far. */
  stderr(): string;
  close(): Promise<void>;
}

export interface StdioClientOptions {
  /**
   * The directory `baton mcp` runs in, which names its project. By default the
   * system's temporary directory, outside any repository: project `default`, as
   * a test expects that names none, wherever the checkout is.
   */
  cwd?: string;
}

/** An SDK client that launches the built `baton mcp` with this environment (BATON_* of this process dropped). */
export async function stdioClient(env: Record<string, string>, args: string[] = [], options: StdioClientOptions = {}): Promise<StdioClient> {
  assertBuilt();
  const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, 'mcp', ...args], env: childEnv(env) as Record<string, string>, stderr: 'pipe', cwd: options.cwd ?? tmpdir() });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const client = new Client({ name: 'baton-e2e-stdio', version: '1.0.0' });
  await client.connect(transport);
  return { client, stderr: () => stderr, close: () => client.close() };
}

/** The same for a 2.x SDK client that negotiates the revision; its probe runs on a sibling `baton mcp`, as Claude Code's does. */
export async function modernStdioClient(env: Record<string, string>, options: StdioClientOptions = {}, args: string[] = []): Promise<StdioClient<ModernClient>> {
  assertBuilt();
  const transport = new ModernStdioTransport({ command: process.execPath, args: [CLI, 'mcp', ...args], env: childEnv(env) as Record<string, string>, stderr: 'pipe', cwd: options.cwd ?? tmpdir() });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const client = new ModernClient({ name: 'baton-e2e-modern-stdio', version: '1.0.0' }, { versionNegotiation: { mode: 'auto' } });
  await client.connect(transport);
  return { client, stderr: () => stderr, close: () => client.close() };
}

/** What the helpers below need of a client: the Client of either SDK line. */
export interface ToolCaller {
  callTool(params: { name: string; arguments?: Record<string, unknown> }): Promise<unknown>;
}

/** The structured answer of a tool call that must succeed. */
export async function call(client: ToolCaller, name: string, args: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  if (result.isError) throw new Error(`${name} failed: ${JSON.stringify(result.content)}`);
  return result.structuredContent ?? {};
}

export interface ToolErrorBody {
  code: string;
  message: string;
  hint: string;
  details?: Record<string, unknown>;
  /** The text block a model reads. */
  text: string;
}

/** The error of a tool call that must fail as a tool error (isError), never a protocol error. */
export async function callError(client: ToolCaller, name: string, args: Record<string, unknown> = {}): Promise<ToolErrorBody> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  if (!result.isError) throw new Error(`${name} succeeded: ${JSON.stringify(result.structuredContent)}`);
  const first = result.content[0];
  const text = first?.type === 'text' ? first.text : '';
  const body = (JSON.parse(text) as { error: Omit<ToolErrorBody, 'text'> }).error;
  return { ...body, text };
}

/** Polls `check` until it holds (for effects another client causes). */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
