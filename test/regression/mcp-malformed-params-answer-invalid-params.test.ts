/**
 * @module Issue 7, item 15: a tools/call whose arguments are not an object, and an
 * ill-formed initialize, answer JSON-RPC -32602 (invalid params) with a message a
 * person can read, not -32603 with a raw validation dump.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from './support/app.js';
import { INITIALIZE, openSession, rpc } from './support/mcp-raw.js';

let server: TestApp;
let session: string;
beforeAll(async () => {
  server = await startApp();
  session = await openSession(server.url);
});
afterAll(() => server.close());

interface RpcError {
  id: unknown;
  error: { code: number; message: string };
}

function expectReadableInvalidParams(body: unknown, mentions: string): void {
  const { error } = body as RpcError;
  expect(error.code).toBe(-32602);
  expect(error.message).toContain(mentions);
  expect(error.message.length).toBeLessThan(300);
  // A raw zod dump is a pretty-printed JSON array of issues.
  expect(error.message).not.toMatch(/^\s*\[|"code":|invalid_type/);
}

describe('tools/call with arguments that are not an object', () => {
  it.each([
    ['a string', 'abc'],
    ['an array', [1, 2]],
    ['a number', 42],
    ['null', null],
  ])('answers -32602 naming the arguments when they are %s', async (_what, args) => {
    const answer = await rpc(server.url, { jsonrpc: '2.0', id: 'a', method: 'tools/call', params: { name: 'list_locks', arguments: args } }, session);
    expect(answer.status).toBe(200);
    expect((answer.body as RpcError).id).toBe('a');
    expectReadableInvalidParams(answer.body, 'arguments');
  });

  it('answers -32602 when params are missing or the tool name is not a string', async () => {
    expectReadableInvalidParams((await rpc(server.url, { jsonrpc: '2.0', id: 'b', method: 'tools/call' }, session)).body, 'params');
    expectReadableInvalidParams((await rpc(server.url, { jsonrpc: '2.0', id: 'c', method: 'tools/call', params: { name: 7 } }, session)).body, 'name');
  });

  it('keeps the session serving', async () => {
    const pong = await rpc(server.url, { jsonrpc: '2.0', id: 'd', method: 'ping' }, session);
    expect(pong.body).toEqual({ jsonrpc: '2.0', id: 'd', result: {} });
  });
});

describe('an ill-formed initialize', () => {
  it('answers -32602 naming the bad field', async () => {
    const answer = await rpc(server.url, { ...INITIALIZE, params: { ...INITIALIZE.params, protocolVersion: 5 } });
    expectReadableInvalidParams(answer.body, 'protocolVersion');
    const empty = await rpc(server.url, { jsonrpc: '2.0', id: 1, method: 'initialize' });
    expectReadableInvalidParams(empty.body, 'params');
  });
});
