/**
 * @module Checks a client request's params against the SDK's own schema for its
 * method before the SDK dispatches it. The SDK reports a mismatch as -32603 with
 * the raw validation dump; this answers -32602 (invalid params) in a sentence.
 */
import { ClientRequestSchema, ErrorCode } from '@modelcontextprotocol/sdk/types.js';

type RequestSchema = (typeof ClientRequestSchema.options)[number];

const SCHEMAS = new Map<string, RequestSchema>(ClientRequestSchema.options.map((schema) => [schema.shape.method.value, schema]));

/** "'params.arguments'" → "'arguments'": every path starts at the request, the reader thinks in params. */
const where = (path: readonly PropertyKey[]): string => {
  const inParams = path[0] === 'params' && path.length > 1 ? path.slice(1) : path;
  return inParams.length === 0 ? 'the request' : `'${inParams.map(String).join('.')}'`;
};

const readable = (message: string): string =>
  message
    .replace(/^Invalid input: /, '')
    .replace(/\brecord\b/g, 'an object')
    .slice(0, 100);

/** The JSON-RPC error for a request whose params its method's schema refuses; undefined when they fit or the method is not a client request. */
export function invalidParams(request: { method: string; params?: unknown }): { code: number; message: string } | undefined {
  const schema = SCHEMAS.get(request.method);
  if (!schema) return undefined;
  const parsed = schema.safeParse(request);
  if (parsed.success) return undefined;
  const issues = parsed.error.issues.slice(0, 3).map((issue) => `${where(issue.path)} ${readable(issue.message)}`);
  return { code: ErrorCode.InvalidParams, message: `Invalid params for ${request.method}: ${issues.join('; ')}.` };
}
