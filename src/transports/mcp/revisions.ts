/**
 * @module The MCP protocol revisions Baton serves and how a POST to /mcp says
 * which one it speaks. A 2026-07-28 request carries its revision in
 * params._meta (there is no initialize and no session); anything else is 2025
 * traffic, sessions opened by initialize. A 2026 request is checked against
 * its HTTP headers (MCP-Protocol-Version, Mcp-Method, Mcp-Name must repeat the
 * body, so a gateway routing on them cannot be told one thing while Baton does
 * another), and a revision Baton does not serve is answered with the list of
 * those it does, which is how a client picks one.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { SUPPORTED_PROTOCOL_VERSIONS, type JSONRPCMessage, type RequestId } from '@modelcontextprotocol/sdk/types.js';

export const MODERN_REVISION = '2026-07-28';
/** Every revision served, newest first: the 2026 one per request, the 2025 (and 2024) ones by initialize. */
export const SERVED_REVISIONS: readonly string[] = [MODERN_REVISION, ...SUPPORTED_PROTOCOL_VERSIONS];

export const META_PROTOCOL_VERSION = 'io.modelcontextprotocol/protocolVersion';
const META_CLIENT_CAPABILITIES = 'io.modelcontextprotocol/clientCapabilities';
export const META_SERVER_INFO = 'io.modelcontextprotocol/serverInfo';
export const META_SUBSCRIPTION_ID = 'io.modelcontextprotocol/subscriptionId';

const HEADER_MISMATCH = -32020;
const UNSUPPORTED_PROTOCOL_VERSION = -32022;
const INVALID_PARAMS = -32602;

/** A 2026-07-28 request, after its envelope and headers were checked. */
export interface ModernRequest {
  jsonrpc: '2.0';
  id: RequestId;
  method: string;
  params: Record<string, unknown> & { _meta: Record<string, unknown> };
}

export type Classified =
  | { era: 'legacy' }
  | { era: 'modern'; request: ModernRequest }
  /** A notification outside any session: the 2026 revision defines none over HTTP (closing a stream cancels), so it is accepted and dropped. */
  | { era: 'modern'; request: undefined }
  | { era: 'refused'; status: number; code: number; message: string; data?: unknown; id: RequestId | null };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const metaOf = (m: JSONRPCMessage): Record<string, unknown> | undefined => {
  const params = 'params' in m ? m.params : undefined;
  const meta = isObject(params) ? params['_meta'] : undefined;
  return isObject(meta) ? meta : undefined;
};

const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** The body field each method's Mcp-Name header repeats. */
const NAME_SOURCE: Readonly<Record<string, string>> = { 'tools/call': 'name', 'prompts/get': 'name', 'resources/read': 'uri' };

const SENTINEL = /^=\?base64\?(.*)\?=$/;
const PLAIN = /^[\x21-\x7E](?:[\x20-\x7E]*[\x21-\x7E])?$/;

/** An Mcp-Name value as the revision writes it: plain when it is visible ASCII, else base64 between `=?base64?` and `?=`. */
export function encodeHeaderValue(value: string): string {
  return PLAIN.test(value) && !SENTINEL.test(value) ? value : `=?base64?${Buffer.from(value, 'utf8').toString('base64')}?=`;
}

const decodeHeaderValue = (value: string): string => {
  const encoded = value.startsWith('=?base64?') ? SENTINEL.exec(value)?.[1] : undefined;
  return encoded === undefined ? value : Buffer.from(encoded, 'base64').toString('utf8');
};

/**
 * Which revision a POST speaks, by its body (a request's `_meta` claim) with the
 * headers as a cross-check, never the other way round: a 2025 client never sends
 * the claim, and a claim naming a 2025 revision is 2025 traffic.
 */
export function classify(messages: readonly JSONRPCMessage[], batch: boolean, headers: IncomingHttpHeaders): Classified {
  const claims = messages.map((m) => metaOf(m)?.[META_PROTOCOL_VERSION]);
  if (batch) {
    if (claims.every((c) => c === undefined)) return { era: 'legacy' };
    return { era: 'refused', status: 400, code: -32600, message: `Invalid Request: a ${MODERN_REVISION} request comes alone, not in a batch.`, id: null };
  }
  const [m] = messages;
  const [claim] = claims;
  const headerVersion = header(headers, 'mcp-protocol-version');
  const modernHeader = headerVersion !== undefined && !SUPPORTED_PROTOCOL_VERSIONS.includes(headerVersion);
  if (!m || !('method' in m)) return { era: 'legacy' };
  if (!('id' in m)) {
    const sessionless = header(headers, 'mcp-session-id') === undefined;
    return sessionless && (claim !== undefined || modernHeader || m.method === 'notifications/cancelled') ? { era: 'modern', request: undefined } : { era: 'legacy' };
  }
  const refuse = (status: number, code: number, message: string, data?: unknown): Classified => ({ era: 'refused', status, code, message, ...(data === undefined ? {} : { data }), id: m.id });
  if (claim === undefined) {
    if (!modernHeader) return { era: 'legacy' };
    if (headerVersion !== MODERN_REVISION) return refuse(400, UNSUPPORTED_PROTOCOL_VERSION, 'Unsupported protocol version', { supported: SERVED_REVISIONS, requested: headerVersion });
    return refuse(400, INVALID_PARAMS, `Invalid params: a ${MODERN_REVISION} request carries params._meta["${META_PROTOCOL_VERSION}"] and ["${META_CLIENT_CAPABILITIES}"] (for 2025 revisions, send initialize first).`);
  }
  if (typeof claim !== 'string') return refuse(400, INVALID_PARAMS, `Invalid params: _meta["${META_PROTOCOL_VERSION}"] must be a string.`);
  if (SUPPORTED_PROTOCOL_VERSIONS.includes(claim)) return { era: 'legacy' };
  if (claim !== MODERN_REVISION) return refuse(400, UNSUPPORTED_PROTOCOL_VERSION, 'Unsupported protocol version', { supported: SERVED_REVISIONS, requested: claim });
  const meta = metaOf(m) ?? {};
  if (!isObject(meta[META_CLIENT_CAPABILITIES])) return refuse(400, INVALID_PARAMS, `Invalid params: _meta["${META_CLIENT_CAPABILITIES}"] must be an object (the capabilities this request relies on, {} for none).`);
  const mismatch = (what: string): Classified => refuse(400, HEADER_MISMATCH, `Header mismatch: ${what}.`);
  if (headerVersion !== claim) return mismatch(headerVersion === undefined ? `MCP-Protocol-Version is required (${claim})` : `MCP-Protocol-Version '${headerVersion}' does not match the body's '${claim}'`);
  const method = header(headers, 'mcp-method');
  if (method !== m.method) return mismatch(method === undefined ? `Mcp-Method is required (${m.method})` : `Mcp-Method '${method}' does not match the body's '${m.method}'`);
  const source = NAME_SOURCE[m.method];
  const params = m.params as ModernRequest['params'];
  const expected = source === undefined ? undefined : params[source];
  if (typeof expected === 'string') {
    const name = header(headers, 'mcp-name');
    if (name === undefined) return mismatch(`Mcp-Name is required (params.${source ?? ''})`);
    if (decodeHeaderValue(name) !== expected) return mismatch(`Mcp-Name does not match params.${source ?? ''}`);
  }
  return { era: 'modern', request: { jsonrpc: '2.0', id: m.id, method: m.method, params } };
}
