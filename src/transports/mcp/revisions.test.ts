/**
 * @module How a POST to /mcp is told apart: 2025 traffic (no _meta claim, or a
 * claim naming a 2025 revision), a 2026-07-28 request whose headers repeat its
 * body, and the refusals of the 2026 wire.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { classify, encodeHeaderValue } from './revisions.js';

const ENVELOPE = { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {} };
const call = (name: string, meta: Record<string, unknown> = ENVELOPE): JSONRPCMessage => ({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: {}, _meta: meta } });
const headersFor = (name: string): IncomingHttpHeaders => ({ 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': encodeHeaderValue(name) });

describe('classify', () => {
  it('leaves 2025 traffic to the sessions: no claim, a claim naming a 2025 revision, a response, a notification in a session', () => {
    expect(classify([{ jsonrpc: '2.0', id: 1, method: 'tools/list' }], false, { 'mcp-session-id': 's', 'mcp-protocol-version': '2025-06-18' })).toEqual({ era: 'legacy' });
    expect(classify([call('x', { 'io.modelcontextprotocol/protocolVersion': '2025-11-25' })], false, {})).toEqual({ era: 'legacy' });
    expect(classify([{ jsonrpc: '2.0', id: 1, result: {} }], false, {})).toEqual({ era: 'legacy' });
    expect(classify([{ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 1 } }], false, { 'mcp-session-id': 's' })).toEqual({ era: 'legacy' });
    expect(classify([{ jsonrpc: '2.0', id: 1, method: 'ping' }, { jsonrpc: '2.0', id: 2, method: 'ping' }], true, { 'mcp-session-id': 's' })).toEqual({ era: 'legacy' });
  });

  it('takes a 2026-07-28 request whose headers repeat its body, names that are not plain ASCII included', () => {
    for (const name of ['acquire_lock', 'verrou café', ' padded ', '=?base64?literal?=']) {
      expect(classify([call(name)], false, headersFor(name)), name).toMatchObject({ era: 'modern', request: { id: 1, method: 'tools/call', params: { name } } });
    }
    expect(encodeHeaderValue('verrou café')).toMatch(/^=\?base64\?.+\?=$/);
  });

  it('accepts and drops a notification outside any session', () => {
    expect(classify([{ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 1 } }], false, {})).toEqual({ era: 'modern', request: undefined });
  });

  it("refuses with the revision's codes what its wire forbids", () => {
    const refused = (messages: JSONRPCMessage[], headers: IncomingHttpHeaders, batch = false): unknown => classify(messages, batch, headers);
    expect(refused([call('x', { ...ENVELOPE, 'io.modelcontextprotocol/protocolVersion': '2099-01-01' })], headersFor('x'))).toMatchObject({ era: 'refused', status: 400, code: -32022, id: 1, data: { requested: '2099-01-01' } });
    expect(refused([{ jsonrpc: '2.0', id: 1, method: 'tools/list' }], { 'mcp-protocol-version': '2026-07-28' })).toMatchObject({ status: 400, code: -32602 });
    expect(refused([call('x', { 'io.modelcontextprotocol/protocolVersion': '2026-07-28' })], headersFor('x'))).toMatchObject({ status: 400, code: -32602 });
    expect(refused([call('x')], { ...headersFor('x'), 'mcp-protocol-version': undefined })).toMatchObject({ status: 400, code: -32020 });
    expect(refused([call('x')], { ...headersFor('x'), 'mcp-method': 'tools/list' })).toMatchObject({ status: 400, code: -32020 });
    expect(refused([call('x')], { ...headersFor('x'), 'mcp-name': 'y' })).toMatchObject({ status: 400, code: -32020 });
    expect(refused([call('x'), call('y')], headersFor('x'), true)).toMatchObject({ status: 400, code: -32600, id: null });
  });
});
