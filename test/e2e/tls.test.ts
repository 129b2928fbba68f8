/**
 * @module Built-in TLS: `baton start --tls-cert --tls-key` (and BATON_TLS_CERT /
 * BATON_TLS_KEY) serves HTTPS on its port, with a certificate generated here by
 * openssl. Real HTTPS requests and the MCP SDK client trust its CA through an
 * undici Agent; a client that does not trust it, or speaks plain HTTP, is refused.
 * Tokens on a non-loopback address over plain HTTP still start with the warning;
 * over TLS without it. A missing file or a key of another certificate stops the start.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../src/hub/context.js';
import { loadServerConfig } from '../../src/server/config.js';
import { startServer, type RunningServer } from '../../src/server/main.js';
import { assertBuilt, childEnv, cleanupAll, CLI, tempDir } from '../support/server.js';

const TOKEN = 'tls-admin-token-0123456789abcdef';
let dir: string;
let cert: string;
let key: string;
let trusted: Agent;

/** A self-signed certificate for localhost and 127.0.0.1, valid for a day. */
function selfSigned(at: string, name: string): { cert: string; key: string } {
  const certFile = join(at, `${name}.pem`);
  const keyFile = join(at, `${name}-key.pem`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', keyFile, '-out', certFile], { stdio: 'ignore' });
  return { cert: certFile, key: keyFile };
}

beforeAll(() => {
  assertBuilt();
  dir = tempDir('baton-tls-');
  ({ cert, key } = selfSigned(dir, 'server'));
  trusted = new Agent({ connect: { ca: readFileSync(cert) } });
});
afterAll(async () => {
  await trusted.close();
  await cleanupAll();
});

/** fetch through the Agent that trusts the test CA, answered as a standard Response (as the MCP SDK expects). */
async function fetchTrusted(url: string | URL, init: RequestInit = {}): Promise<Response> {
  const answer = await undiciFetch(url, { ...(init as Parameters<typeof undiciFetch>[1]), dispatcher: trusted });
  return new Response(answer.body as ReadableStream<Uint8Array> | null, { status: answer.status, statusText: answer.statusText, headers: [...answer.headers] });
}

interface Captured extends Logger {
  lines: string[];
}
const capture = (): Captured => {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(m), error: (m) => lines.push(m) };
};

async function inProcess(env: { host: string; tls: boolean }, log: Logger): Promise<RunningServer> {
  const config = loadServerConfig({ dataDir: tempDir(), port: 0, host: env.host, ...(env.tls ? { tlsCert: cert, tlsKey: key } : {}) });
  return startServer({ ...config, tokens: [{ token: TOKEN, role: 'admin', projects: ['*'] }], allowedHosts: ['localhost'] }, log);
}

describe('baton start --tls-cert --tls-key', () => {
  it('serves HTTPS from the flags: its URL says https, a trusting client is answered, others are refused', async () => {
    const child = spawn(process.execPath, [CLI, 'start', '--port', '0', '--data-dir', tempDir(), '--tls-cert', cert, '--tls-key', key], { env: childEnv({ BATON_TOKENS: JSON.stringify([{ token: TOKEN, role: 'admin' }]) }), stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).once('line', resolve);
        child.once('exit', (code) => { reject(new Error(`exited ${code}`)); });
      });
      expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const health = await fetchTrusted(`${url}/health`);
      expect(health.status).toBe(200);
      const agents = await fetchTrusted(`${url}/api/v1/agents`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(agents.status).toBe(200);
      expect((await fetchTrusted(`${url}/api/v1/agents`)).status).toBe(401);
      // Node's own fetch does not trust a self-signed certificate; plain HTTP to the port gets no answer.
      await expect(fetch(`${url}/health`)).rejects.toThrow();
      await expect(fetch(`${url.replace('https:', 'http:')}/health`, { signal: AbortSignal.timeout(3_000) })).rejects.toThrow();
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('serves the MCP SDK client over HTTPS', async () => {
    const server = await inProcess({ host: '127.0.0.1', tls: true }, capture());
    try {
      expect(server.url.startsWith('https://')).toBe(true);
      const client = new Client({ name: 'tls-e2e', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${TOKEN}` } }, fetch: fetchTrusted }));
      expect((await client.listTools()).tools.map((t) => t.name)).toContain('acquire_lock');
      const result = await client.callTool({ name: 'register_agent', arguments: { agent_id: 'tls-agent' } });
      expect(result.isError).toBeFalsy();
      await client.close();
    } finally {
      await server.close();
    }
  });
});

describe('exposure beyond loopback with tokens', () => {
  it('warns over plain HTTP and not over TLS', async () => {
    const plainLog = capture();
    const plain = await inProcess({ host: '0.0.0.0', tls: false }, plainLog);
    await plain.close();
    expect(plainLog.lines.some((l) => l.includes('WARNING') && l.includes('plain HTTP') && l.includes('--tls-cert'))).toBe(true);
    const tlsLog = capture();
    const secure = await inProcess({ host: '0.0.0.0', tls: true }, tlsLog);
    await secure.close();
    expect(tlsLog.lines.some((l) => l.includes('WARNING'))).toBe(false);
  });
});

describe('bad TLS settings stop the start with what to fix', () => {
  it('refuses a certificate without its key, a missing file, and a key of another certificate', () => {
    expect(() => loadServerConfig({ dataDir: tempDir(), tlsCert: cert })).toThrow(/both a certificate and its key/);
    const other = selfSigned(dir, 'other');
    const cases: [Record<string, string>, RegExp][] = [
      [{ tlsCert: join(dir, 'absent.pem'), tlsKey: key }, /cannot read the TLS certificate .*absent\.pem \(ENOENT\)/],
      [{ tlsCert: cert, tlsKey: other.key }, /do not make a pair/],
    ];
    writeFileSync(join(dir, 'not-pem.pem'), 'hello');
    cases.push([{ tlsCert: join(dir, 'not-pem.pem'), tlsKey: key }, /do not make a pair/]);
    return Promise.all(cases.map(async ([files, message]) => {
      const config = loadServerConfig({ dataDir: tempDir(), port: 0, host: '127.0.0.1', ...files });
      await expect(startServer(config, capture())).rejects.toThrow(message);
    }));
  });
});
