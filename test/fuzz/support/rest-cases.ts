/**
 * @module REST fuzz cases from the OpenAPI document: for each operation, path
 * parameters, query string, headers and body generated from its schemas (shaped
 * and hostile), bogus path segments and raw bodies no client library would send;
 * and the one way a case is sent, bounded in time.
 */
import fc from 'fast-check';
import { fuzzed, shaped, type JsonSchema } from './schema-arbitrary.js';
import { deepArrayText, headerValue, hostileString, LongString, POOLS, type Mode, type Pool } from './values.js';

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema: JsonSchema;
}

export interface Operation {
  method: string;
  /** The OpenAPI path, with {param} segments. */
  path: string;
  operationId: string;
  parameters: Parameter[];
  body: JsonSchema | undefined;
}

/** A body no client library would send, reported by its name (some are megabytes long). */
export class RawBody {
  readonly name: string;
  readonly text: string;
  constructor(name: string, text: string) {
    this.name = name;
    this.text = text;
  }
  [fc.toStringMethod](): string {
    return `RawBody(${this.name})`;
  }
}

export interface RestCase {
  operation: string;
  method: string;
  path: string;
  query: [string, string][];
  headers: Record<string, string>;
  /** A JSON value (serialised when sent, so a counterexample shows it short) or a raw body. */
  body: { json: unknown } | RawBody | undefined;
}

/** The body limit of the server (1 MiB): a larger body may be refused before it is read. */
const BODY_LIMIT = 1024 * 1024;

interface OpenApiDocument {
  paths: Record<string, Record<string, { operationId: string; parameters?: Parameter[]; requestBody?: { content: Record<string, { schema: JsonSchema }> } }>>;
}

export function operationsOf(document: unknown): Operation[] {
  const { paths } = document as OpenApiDocument;
  return Object.entries(paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      operationId: op.operationId,
      parameters: op.parameters ?? [],
      body: op.requestBody?.content['application/json']?.schema,
    })),
  );
}

/** encodeURIComponent refuses lone surrogates: send their replacement character instead. */
function encodeSegment(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return encodeURIComponent(value.replace(/[\ud800-\udfff]/g, '\ufffd'));
  }
}

/** Path segments that are wrong before they are even decoded. */
const BOGUS_SEGMENTS = ['%', '%zz', '%E0%A4%A', '..', '.', '%2e%2e', 'a%2Fb', '%00', 'x'.repeat(3_000), '%F0%9F%98%80'];

const NO_POOL: Pool = { good: ['x'], near: ['y'] };

function pathValue(name: string, mode: Mode): fc.Arbitrary<string> {
  const pool = POOLS[name] ?? NO_POOL;
  if (mode === 'plausible') return fc.constantFrom(...pool.good).map(encodeSegment);
  return fc.oneof(fc.constantFrom(...pool.near).map(encodeSegment), hostileString.filter((s) => s !== '').map(encodeSegment), fc.constantFrom(...BOGUS_SEGMENTS));
}

/** How a generated value travels in a query string (the REST layer coerces it back). */
function queryText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof LongString) return value.toJSON();
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(',');
  return JSON.stringify(value);
}

const RAW_BODIES = [
  new RawBody('empty', ''),
  new RawBody('null', 'null'),
  new RawBody('array', '[]'),
  new RawBody('string', '"text"'),
  new RawBody('number', '42'),
  new RawBody('unclosed', '{'),
  new RawBody('truncated', '{"a":'),
  new RawBody('prototype keys', '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}'),
  new RawBody('array nested 100,000 deep', deepArrayText(100_000)),
  new RawBody('fields nested 20,000 deep', `{"value":${deepArrayText(20_000)},"title":${deepArrayText(20_000)},"payload":${deepArrayText(20_000)}}`),
  new RawBody('2 MiB title', `{"title":"${'x'.repeat(2 * BODY_LIMIT)}"}`),
];

const EMPTY_SCHEMA: JsonSchema = { type: 'object' };

function bodyOf(schema: JsonSchema, mode: Mode): fc.Arbitrary<{ json: unknown } | RawBody> {
  const json = shaped(schema, mode).map((value) => ({ json: value }));
  if (mode === 'plausible') return json;
  return fc.oneof({ weight: 4, arbitrary: json }, { weight: 1, arbitrary: fc.constantFrom(...RAW_BODIES) });
}

/** Cases of one operation: plausible and hostile ones, half and half. */
export const caseOf = (op: Operation): fc.Arbitrary<RestCase> => fc.oneof(caseIn(op, 'plausible'), caseIn(op, 'hostile'));

function caseIn(op: Operation, mode: Mode): fc.Arbitrary<RestCase> {
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  const queryParams = op.parameters.filter((p) => p.in === 'query');
  const hasBody = op.method === 'POST' || op.method === 'PUT';
  const contentType = mode === 'plausible' ? fc.constant('application/json') : fc.constantFrom('application/json', 'application/json', 'text/plain', undefined);
  return fc
    .record({
      segments: fc.tuple(...pathParams.map((p) => pathValue(p.name, mode))),
      query: fc.tuple(...queryParams.map((p) => fc.option(fuzzed(p.schema, mode, p.name), { freq: 2, nil: undefined }))),
      project: headerValue(POOLS['project'] ?? NO_POOL, mode),
      agent: headerValue(POOLS['agent_id'] ?? NO_POOL, mode),
      contentType,
      body: hasBody ? bodyOf(op.body ?? EMPTY_SCHEMA, mode) : fc.constant(undefined),
    })
    .map(({ segments, query, project, agent, contentType, body }) => {
      let i = 0;
      const path = op.path.replace(/\{\w+\}/g, () => segments[i++] ?? 'x');
      const headers: Record<string, string> = {};
      if (project !== undefined) headers['x-baton-project'] = project;
      if (agent !== undefined) headers['x-baton-agent'] = agent;
      if (body !== undefined && contentType !== undefined) headers['content-type'] = contentType;
      const pairs = queryParams.flatMap((p, j): [string, string][] => (query[j] === undefined ? [] : [[p.name, queryText(query[j])]]));
      return { operation: op.operationId, method: op.method, path, query: pairs, headers, body };
    });
}

export interface RestAnswer {
  /** The HTTP status; 0 when the server closed the connection on an oversize body before answering it. */
  status: number;
  text: string;
}

const bodyText = (body: RestCase['body']): string | undefined => (body === undefined ? undefined : body instanceof RawBody ? body.text : JSON.stringify(body.json));

/**
 * Sends one case; rejects when no answer came within `timeoutMs` (a hang) or the
 * connection failed. The one exception: a body over the limit, which the server
 * may refuse (413) and cut before the client has finished sending it.
 */
export async function send(url: string, c: RestCase, timeoutMs: number): Promise<RestAnswer> {
  const target = new URL(c.path, url);
  for (const [name, value] of c.query) target.searchParams.append(name, value);
  const body = bodyText(c.body);
  try {
    const res = await fetch(target, { method: c.method, headers: c.headers, signal: AbortSignal.timeout(timeoutMs), ...(body === undefined ? {} : { body }) });
    return { status: res.status, text: await res.text() };
  } catch (error) {
    const oversize = body !== undefined && Buffer.byteLength(body) > BODY_LIMIT;
    if (oversize && !(error instanceof Error && error.name === 'TimeoutError')) return { status: 0, text: String(error) };
    throw error;
  }
}

/** A short, readable form of a case for failure messages (long bodies cut). */
export const describeCase = (c: RestCase): string => {
  const body = c.body instanceof RawBody ? `RawBody(${c.body.name})` : (bodyText(c.body) ?? '').slice(0, 300);
  return `${c.method} ${c.path.slice(0, 200)} ?${new URLSearchParams(c.query).toString().slice(0, 300)} ${JSON.stringify(c.headers)} body=${body}`;
};
