/**
 * @module Issue 7, item 11 over built-in TLS (`--tls-cert/--tls-key`), found by
 * the audit: Fastify hands its `http` options only to http.createServer, so an
 * HTTPS server kept Node's defaults: headers due within 60 s instead of 10 s, and
 * the timeouts checked only every 30 s, so a trickling request held its
 * connection for up to a minute past the limit. Over TLS the limits now hold as
 * over plain HTTP: slow headers and slow bodies are cut at the request timeout.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, type TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/server.js';
import { startApp, type TestApp } from './support/app.js';

const TIMEOUT_MS = 1_500;
let tls: { cert: Buffer; key: Buffer };
let server: TestApp;

/** A self-signed certificate for 127.0.0.1, valid for a day (as test/e2e/tls.test.ts makes them). */
function selfSigned(): { cert: Buffer; key: Buffer } {
  const dir = tempDir('baton-tls-timeouts-');
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', keyFile, '-out', certFile], { stdio: 'ignore' });
  return { cert: readFileSync(certFile), key: readFileSync(keyFile) };
}

beforeAll(async () => {
  tls = selfSigned();
  server = await startApp({ https: tls, requestTimeoutMs: TIMEOUT_MS });
});
afterAll(() => server.close());

interface Answer {
  text: string;
  closed: boolean;
  elapsedMs: number;
}

/** Connects over TLS (trusting the test certificate), lets `write` send at any pace, and resolves at the server's close or the deadline. */
function tlsExchange(write: (socket: TLSSocket) => void, deadlineMs: number): Promise<Answer> {
  return new Promise((resolve) => {
    const started = Date.now();
    let text = '';
    let settled = false;
    const socket = connect({ host: '127.0.0.1', port: server.port, ca: tls.cert, servername: 'localhost' }, () => {
      write(socket);
    });
    const settle = (closed: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ text, closed, elapsedMs: Date.now() - started });
    };
    const timer = setTimeout(() => {
      settle(false);
    }, deadlineMs);
    socket.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    socket.on('close', () => {
      settle(true);
    });
    socket.on('error', () => {
      settle(true);
    });
  });
}

/** Writes `head`, then one more byte of `drip` every 200 ms until the server closes. */
const trickle = (head: string, drip: string) => (socket: TLSSocket) => {
  socket.write(head);
  const timer = setInterval(() => {
    if (socket.destroyed) clearInterval(timer);
    else socket.write(drip);
  }, 200);
  socket.on('close', () => {
    clearInterval(timer);
  });
};

describe('slow requests over built-in TLS', () => {
  it('get the same limits as plain HTTP: headers within 10 s, requests within 30 s by default', async () => {
    const defaults = await startApp({ https: tls });
    try {
      expect(defaults.app.server.requestTimeout).toBe(30_000);
      expect(defaults.app.server.headersTimeout).toBeLessThanOrEqual(10_000);
    } finally {
      await defaults.close();
    }
  });

  it('cut headers that never end at the request timeout', async () => {
    const answer = await tlsExchange(trickle(`GET /health HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nX-Slow: `, 'a'), TIMEOUT_MS + 8_000);
    expect(answer.closed).toBe(true);
    expect(answer.elapsedMs).toBeLessThan(TIMEOUT_MS + 3_000);
  });

  it('cut a slow body with 408 and the typed error body', async () => {
    const head = `POST /api/v1/agents HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n`;
    const answer = await tlsExchange(trickle(head, ' '.repeat(10)), TIMEOUT_MS + 8_000);
    expect(answer.closed).toBe(true);
    expect(answer.elapsedMs).toBeLessThan(TIMEOUT_MS + 3_000);
    expect(answer.text).toMatch(/^HTTP\/1\.1 408/);
    expect(answer.text).toContain('"code":"REQUEST_TIMEOUT"');
  });
});
