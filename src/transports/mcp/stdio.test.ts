/**
 * @module The stdio proxy's choices when the server stops answering, against stub
 * HTTP servers that die on cue (the e2e suite crashes real ones): what is sent
 * again after a restart and what is answered with an error, one restart per
 * message at most, the 2025 session reopened with what it knew, and no restart
 * at all for a server the proxy cannot start.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { runStdioProxy } from './stdio.js';

interface Received {
  headers: IncomingMessage['headers'];
  body: { id?: unknown; method?: string; params?: Record<string, unknown> };
}

interface Stub {
  url: URL;
  received: Received[];
  close(): Promise<void>;
}

type Handler = (body: Received['body'], req: IncomingMessage, res: ServerResponse) => void;

const stubs: Stub[] = [];
afterEach(async () => {
  await Promise.all(stubs.splice(0).map((s) => s.close()));
});

/** A stub /mcp: records every POST and lets `handle` answer it (or die). */
async function stub(handle: Handler): Promise<Stub> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    req.on('end', () => {
      if (req.method !== 'POST') {
        res.writeHead(405).end();
        return;
      }
      const body = JSON.parse(text) as Received['body'];
      received.push({ headers: req.headers, body });
      handle(body, req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`);
  const s: Stub = {
    url,
    received,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
  stubs.push(s);
  return s;
}

const json = (res: ServerResponse, body: unknown, headers: Record<string, string> = {}): void => {
  res.writeHead(200, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
};
/** The server "dies" with the request read: the connection drops without an answer. */
const die = (_body: unknown, req: IncomingMessage): void => {
  req.socket.destroy();
};

const META = { 'io.modelcontextprotocol/protocolVersion': '2026-07-28' };
const TOOLS = [
  { name: 'add_task', annotations: { readOnlyHint: false, idempotentHint: false } },
  { name: 'heartbeat', annotations: { readOnlyHint: false, idempotentHint: true } },
  { name: 'list_locks', annotations: { readOnlyHint: true, idempotentHint: true } },
];

/** A healthy stub: answers tools/list with TOOLS and every other request with `{ok: <method or tool>}`. */
const healthy: Handler = (body, _req, res) => {
  if (body.id === undefined) {
    res.writeHead(202).end();
    return;
  }
  const result = body.method === 'tools/list' ? { tools: TOOLS } : { ok: body.params?.['name'] ?? body.method };
  json(res, { jsonrpc: '2.0', id: body.id, result });
};

interface Proxy {
  request(id: number, method: string, params?: Record<string, unknown>): Promise<{ result?: unknown; error?: { message: string } }>;
  notify(method: string, params?: Record<string, unknown>): void;
  log: string[];
  restarts: () => number;
  end(): Promise<void>;
}

/** Runs the proxy in this process on pipes; `next` are the endpoints successive restarts answer (none: cannot restart). */
function proxy(endpoint: URL, next?: URL[], more: { agentId?: string } = {}): Proxy {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const log: string[] = [];
  let restarts = 0;
  const waiting = new Map<unknown, (m: { result?: unknown; error?: { message: string } }) => void>();
  let buffer = '';
  stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
      const message = JSON.parse(buffer.slice(0, i)) as { id?: unknown; result?: unknown; error?: { message: string } };
      buffer = buffer.slice(i + 1);
      waiting.get(message.id)?.(message);
    }
  });
  const restart = next
    ? () => {
        restarts += 1;
        const url = next[Math.min(restarts, next.length) - 1];
        return url ? Promise.resolve(url) : Promise.reject(new Error('no server to start'));
      }
    : undefined;
  const done = runStdioProxy({ endpoint, restart, log: (m) => log.push(m), stdin, stdout, ...more });
  return {
    request: (id, method, params = {}) =>
      new Promise((resolve) => {
        waiting.set(id, resolve);
        stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
      }),
    notify: (method, params = {}) => {
      stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method, params })}\n`);
    },
    log,
    restarts: () => restarts,
    end: async () => {
      stdin.end();
      await done;
    },
  };
}

const tool = (name: string, args: Record<string, unknown> = {}): Record<string, unknown> => ({ name, arguments: args, _meta: META });

describe('the stdio proxy when the server stops answering', () => {
  it('sends a call that found no server to the restarted one, whatever it does', async () => {
    const gone = await stub(healthy);
    await gone.close();
    const back = await stub(healthy);
    const p = proxy(gone.url, [back.url]);
    expect(await p.request(1, 'tools/call', tool('add_task', { title: 'x' }))).toMatchObject({ result: { ok: 'add_task' } });
    expect(p.restarts()).toBe(1);
    expect(back.received.map((r) => r.body.params?.['name'])).toEqual(['add_task']);
    await p.end();
  });

  it('answers a mutating call the server may have run with an error, once a new server is up; a repeatable one is sent again', async () => {
    const dying = await stub((body, req, res) => {
      if (body.method === 'tools/list') healthy(body, req, res);
      else die(body, req);
    });
    const back = await stub(healthy);
    const p = proxy(dying.url, [back.url]);
    await p.request(1, 'tools/list', { _meta: META });

    const lost = await p.request(2, 'tools/call', tool('add_task', { title: 'maybe' }));
    expect(lost.error?.message).toMatch(/may or may not have been applied; a new server answers now/);
    expect(lost.error?.message).toContain('request_id');
    expect(p.restarts()).toBe(1);
    // The next calls go to the new server: a read-only or idempotent tool, and a call with request_id.
    expect(await p.request(3, 'tools/call', tool('add_task', { title: 'again' }))).toMatchObject({ result: { ok: 'add_task' } });
    expect(back.received.map((r) => r.body.id)).toEqual([3]);
    await p.end();

    for (const [name, args] of [['list_locks', {}], ['heartbeat', {}], ['add_task', { title: 'keyed', request_id: 'r-1' }]] as const) {
      const dies = await stub((body, req, res) => {
        if (body.method === 'tools/list') healthy(body, req, res);
        else die(body, req);
      });
      const fresh = await stub(healthy);
      const q = proxy(dies.url, [fresh.url]);
      await q.request(1, 'tools/list', { _meta: META });
      expect(await q.request(2, 'tools/call', tool(name, args)), name).toMatchObject({ result: { ok: name } });
      expect(q.restarts(), name).toBe(1);
      await q.end();
    }
  });

  it('treats a tool no tools/list described as one that may change anything', async () => {
    const dying = await stub(die);
    const back = await stub(healthy);
    const p = proxy(dying.url, [back.url]);
    expect((await p.request(1, 'tools/call', tool('list_locks'))).error?.message).toMatch(/may or may not have been applied/);
    await p.end();
  });

  it('restarts once for a message that kills every server it reaches, then answers with an error', async () => {
    const first = await stub(die);
    const second = await stub(die);
    const p = proxy(first.url, [second.url, second.url]);
    const answer = await p.request(1, 'resources/read', { uri: 'baton://locks', _meta: META });
    expect(answer.error?.message).toMatch(/stopped before answering/);
    expect(p.restarts()).toBe(1);
    expect(second.received).toHaveLength(1);
    await p.end();
  });

  it('says why when no server can be started, and tries again on the next call', async () => {
    const gone = await stub(healthy);
    await gone.close();
    const p = proxy(gone.url, []);
    const answer = await p.request(1, 'tools/call', tool('list_locks'));
    expect(answer.error?.message).toMatch(/did not answer: .*ECONNREFUSED.*starting a server again failed: no server to start/);
    await p.request(2, 'tools/call', tool('list_locks'));
    expect(p.restarts()).toBe(2);
    await p.end();
  });

  it('starts nothing for a server it cannot start (--url): errors while it is down', async () => {
    const dying = await stub(die);
    const p = proxy(dying.url);
    expect((await p.request(1, 'tools/call', tool('list_locks'))).error?.message).toMatch(/stopped before answering/);
    await dying.close();
    expect((await p.request(2, 'tools/call', tool('list_locks'))).error?.message).toMatch(/did not answer: .*ECONNREFUSED.*Is it running\? \(baton status\)$/);
    expect(p.log.join('\n')).not.toContain('getting one running again');
    await p.end();
  });
});

describe('the 2025 session through a restart', () => {
  /** A stub that speaks 2025 sessions: initialize opens one (id `prefix-n`), others need a session it opened. */
  async function sessions(prefix: string): Promise<Stub> {
    let opened = 0;
    const mine = new Set<string>();
    return stub((body, req, res) => {
      if (body.method === 'initialize') {
        const id = `${prefix}-${++opened}`;
        mine.add(id);
        json(res, { jsonrpc: '2.0', id: body.id, result: { protocolVersion: '2025-06-18', capabilities: {}, serverInfo: { name: 'stub', version: '0' } } }, { 'mcp-session-id': id });
        return;
      }
      const session = req.headers['mcp-session-id'];
      if (typeof session !== 'string' || !mine.has(session)) {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32001, message: 'Session not found' } }));
        return;
      }
      if (body.method === 'tools/call' && body.params?.['name'] === 'register_agent') {
        json(res, { jsonrpc: '2.0', id: body.id, result: { content: [], structuredContent: { agent_id: 'minted-7' } } });
        return;
      }
      healthy(body, req, res);
    });
  }

  it('opens a new session on the restarted server with what the old one knew, then resends', async () => {
    const first = await sessions('a');
    const second = await sessions('b');
    const p = proxy(first.url, [second.url]);
    await p.request(1, 'initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } });
    p.notify('notifications/initialized');
    await p.request(2, 'resources/subscribe', { uri: 'baton://locks' });
    await p.request(3, 'logging/setLevel', { level: 'warning' });
    await p.request(4, 'tools/call', { name: 'register_agent', arguments: {} });
    expect(first.received.at(-1)?.headers['mcp-session-id']).toBe('a-1');
    expect(first.received.at(-1)?.headers['x-baton-agent']).toBeUndefined();
    await first.close();

    expect(await p.request(5, 'tools/call', { name: 'heartbeat', arguments: {} })).toMatchObject({ result: { ok: 'heartbeat' } });
    expect(p.restarts()).toBe(1);
    expect(second.received.map((r) => r.body.method)).toEqual(['tools/call', 'initialize', 'notifications/initialized', 'resources/subscribe', 'logging/setLevel', 'tools/call']);
    const resent = second.received.at(-1);
    expect(resent?.headers).toMatchObject({ 'mcp-session-id': 'b-1', 'mcp-protocol-version': '2025-06-18', 'x-baton-agent': 'minted-7' });
    expect(second.received[3]?.body.params).toEqual({ uri: 'baton://locks' });
    expect(p.log.join('\n')).toContain('opening a new one');
    await p.end();
  });

  it('keeps an agent of its own rather than the one the session registered as', async () => {
    const first = await sessions('a');
    const second = await sessions('b');
    const p = proxy(first.url, [second.url], { agentId: 'configured' });
    await p.request(1, 'initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } });
    p.notify('notifications/initialized');
    await p.request(2, 'tools/call', { name: 'register_agent', arguments: {} });
    await first.close();
    await p.request(3, 'tools/call', { name: 'heartbeat', arguments: {} });
    expect(second.received.at(-1)?.headers['x-baton-agent']).toBe('configured');
    await p.end();
  });
});
