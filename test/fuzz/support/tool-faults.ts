/**
 * @module What counts as a server fault for one fuzzed MCP tool call: an internal
 * error or a timeout (JSON-RPC), a raw validation dump, or a tool error INTERNAL
 * or STORE_UNAVAILABLE (or without a code). Anything else — a typed tool error, a
 * protocol refusal, an HTTP 4xx — is the server doing its job.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';

/** Waits are capped at 1 s on the fuzz server: a call slower than this is a hang. */
const CALL_TIMEOUT_MS = 15_000;
/** The server's body limit (1 MiB): a larger request may be cut before the server answers it. */
const BODY_LIMIT = 1024 * 1024;
/** JSON-RPC codes that mean the server failed, not the input: internal error, and the client's timeout. */
const FAULT_CODES: readonly number[] = [ErrorCode.InternalError, ErrorCode.RequestTimeout];

/** Throws, naming the call as `label`, when it failed the way a server fault would. */
export async function expectNoToolFault(client: Client, name: string, args: unknown, label: string): Promise<void> {
  // Non-object arguments are part of the point: the SDK's types forbid them, the wire does not.
  const params = { name, arguments: args as Record<string, unknown> };
  let result: CallToolResult;
  try {
    result = (await client.callTool(params, undefined, { timeout: CALL_TIMEOUT_MS })) as CallToolResult;
  } catch (error) {
    // Refused at the HTTP level (a body over the limit: 413 with the typed JSON-RPC error), or cut before it was all sent.
    if (error instanceof StreamableHTTPError && error.code !== undefined && error.code >= 400 && error.code < 500) return;
    if (error instanceof TypeError && JSON.stringify(args).length > BODY_LIMIT) return;
    if (!(error instanceof McpError)) throw new Error(`${label}: ${String(error)}`);
    if (FAULT_CODES.includes(error.code)) throw new Error(`${label}: JSON-RPC ${error.code} ${error.message}`);
    if (/"code":\s*"invalid_type"|^\s*\[/.test(error.message.replace(/^MCP error -?\d+: /, ''))) throw new Error(`${label}: a raw validation dump: ${error.message}`);
    return;
  }
  if (!result.isError) return;
  const first = result.content[0];
  const code = first?.type === 'text' ? (JSON.parse(first.text) as { error?: { code?: string } }).error?.code : undefined;
  if (code === undefined || code === 'INTERNAL' || code === 'STORE_UNAVAILABLE') throw new Error(`${label}: tool error ${code ?? 'without a code'}: ${JSON.stringify(result.content).slice(0, 300)}`);
}
