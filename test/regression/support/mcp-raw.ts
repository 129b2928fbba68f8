/**
 * @module JSON-RPC over /mcp with plain fetch, for what the SDK client will not
 * send: ill-formed params, reused request ids, sessions opened and abandoned.
 */

export const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

export const INITIALIZE = { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } };

export interface RpcAnswer {
  status: number;
  session: string | null;
  /** The JSON body, or the messages of an event stream. */
  body: unknown;
}

/** Parses a JSON body, or the `data:` lines of an event-stream body. */
function parseBody(contentType: string, text: string): unknown {
  if (text === '') return undefined;
  if (!contentType.includes('text/event-stream')) return JSON.parse(text);
  return text
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => JSON.parse(line.slice(6)) as unknown);
}

/** POSTs one message (or a batch) to /mcp, in `session` when given. */
export async function rpc(url: string, message: unknown, session?: string, headers: Record<string, string> = {}): Promise<RpcAnswer> {
  const res = await fetch(`${url}/mcp`, {
    method: 'POST',
    headers: { ...MCP_HEADERS, ...(session ? { 'mcp-session-id': session } : {}), ...headers },
    body: JSON.stringify(message),
  });
  const text = await res.text();
  return { status: res.status, session: res.headers.get('mcp-session-id'), body: parseBody(res.headers.get('content-type') ?? '', text) };
}

/** Opens a session with a well-formed initialize and returns its id. */
export async function openSession(url: string, headers: Record<string, string> = {}): Promise<string> {
  const answer = await rpc(url, INITIALIZE, undefined, headers);
  if (answer.status !== 200 || !answer.session) throw new Error(`initialize failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.session;
}

/** Whether the server still knows `session` (a ping answers 200, a forgotten session 404). */
export async function sessionAlive(url: string, session: string): Promise<boolean> {
  const answer = await rpc(url, { jsonrpc: '2.0', id: 'alive', method: 'ping' }, session);
  if (answer.status !== 200 && answer.status !== 404) throw new Error(`ping answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.status === 200;
}

export const REVISION_2026 = '2026-07-28';

/** POSTs one 2026-07-28 request as the revision has clients send it: the envelope in _meta, MCP-Protocol-Version, Mcp-Method and Mcp-Name. */
export async function rpc2026(url: string, id: string | number, method: string, params: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<RpcAnswer> {
  const source = params['name'] ?? params['uri'];
  const name: Record<string, string> = typeof source === 'string' ? { 'mcp-name': source } : {};
  const _meta = { 'io.modelcontextprotocol/protocolVersion': REVISION_2026, 'io.modelcontextprotocol/clientCapabilities': {} };
  return rpc(url, { jsonrpc: '2.0', id, method, params: { ...params, _meta } }, undefined, { 'mcp-protocol-version': REVISION_2026, 'mcp-method': method, ...name, ...headers });
}
