/**
 * @module The client of the REST API the CLI's commands use: one method, `call`,
 * that sends a hub command to its route (routes.ts, the table the server serves
 * from), with the caller's project, agent and token as headers, and answers the
 * command's result or throws the server's typed error. Plain node:http on a
 * connection of its own per call: no keep-alive socket outlives a server restart,
 * and nothing else is loaded (start-up time is what a script pays per command).
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { ALIAS_ROUTES, API_PREFIX, ROUTES, type Route } from '../../transports/rest/routes.js';
import { ApiError, UnreachableError } from './errors.js';

export interface ClientIdentity {
  url: string;
  /** BATON_TOKEN: sent as a bearer token. */
  token?: string | undefined;
  project?: string | undefined;
  agent?: string | undefined;
}

export interface CallOptions {
  signal?: AbortSignal | undefined;
  /** How long the server may take to answer (long-polls add their wait to the default). */
  timeoutMs?: number | undefined;
}

export type Answer = Record<string, unknown>;

const DEFAULT_TIMEOUT_MS = 15_000;

function routeOf(command: string): Route {
  const route = ROUTES[command] ?? ALIAS_ROUTES.find((a) => a.name === command);
  if (!route) throw new Error(`no REST route for command '${command}'`);
  return route;
}

/** The request a command becomes: path parameters filled in, the rest as query (GET, DELETE) or JSON body. */
function requestFor(command: string, input: Answer): { method: string; path: string; body: string | undefined } {
  const route = routeOf(command);
  const params = new Set<string>();
  const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = input[name];
    params.add(name);
    if (typeof value !== 'string' && typeof value !== 'number') throw new Error(`command '${command}' needs '${name}'`);
    return encodeURIComponent(String(value));
  });
  const rest = Object.fromEntries(Object.entries(input).filter(([name]) => !params.has(name)));
  const hasBody = route.method === 'POST' || route.method === 'PUT';
  if (hasBody) return { method: route.method, path: `${API_PREFIX}${path}`, body: JSON.stringify(rest) };
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(rest)) {
    if (value === undefined) continue;
    query.set(name, queryValue(value));
  }
  const qs = query.toString();
  return { method: route.method, path: `${API_PREFIX}${path}${qs === '' ? '' : `?${qs}`}`, body: undefined };
}

/** A query-string value: arrays comma-separated (as the server's query coercion reads them). */
function queryValue(value: unknown): string {
  if (Array.isArray(value)) return value.map(queryValue).join(',');
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

const unreachableHint = 'Is the server running? Check with `baton status`, start it with `baton start --daemon`, or fix --url / BATON_URL.';

export class BatonClient {
  readonly identity: ClientIdentity;

  constructor(identity: ClientIdentity) {
    this.identity = identity;
  }

  /**
   * Runs a hub command through its REST route; the result, or the server's typed
   * error as an ApiError. A command that acts for an agent not yet registered in
   * the project registers it (named as itself) and runs once more: a shell user's
   * first `baton lock acquire` needs no separate join.
   */
  async call<T extends Answer = Answer>(command: string, input: Answer = {}, options: CallOptions = {}): Promise<T> {
    const { method, path, body } = requestFor(command, input);
    const waitMs = typeof input['wait_seconds'] === 'number' ? input['wait_seconds'] * 1000 : 0;
    const send = async (): Promise<T> => (await this.send(method, path, body, { ...options, timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS + waitMs })) as T;
    try {
      return await send();
    } catch (error) {
      if (!(error instanceof ApiError) || error.code !== 'AGENT_REQUIRED' || !this.identity.agent || command === 'register_agent') throw error;
      await this.call('register_agent', { name: this.identity.agent, metadata: { client: 'baton-cli', cwd: process.cwd() } }, { signal: options.signal });
      return send();
    }
  }

  /**
   * GET a path outside /api/v1 (such as /health): its HTTP status and JSON,
   * whatever the status (a 503 /health is an answer); UnreachableError when none comes.
   */
  async read(path: string, options: CallOptions = {}): Promise<{ status: number; body: Answer }> {
    return this.exchange('GET', path, undefined, options);
  }

  private headers(body: string | undefined): Record<string, string> {
    const { token, project, agent } = this.identity;
    return {
      accept: 'application/json',
      connection: 'close',
      ...(body === undefined ? {} : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }),
      ...(project ? { 'x-baton-project': project } : {}),
      ...(agent ? { 'x-baton-agent': agent } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    };
  }

  /** The answer of a 2xx, else the server's typed error. */
  private async send(method: string, path: string, body: string | undefined, options: CallOptions): Promise<Answer> {
    const answer = await this.exchange(method, path, body, options);
    if (answer.status >= 200 && answer.status < 300) return answer.body;
    throw apiError(answer.status, answer.body, this.identity.url);
  }

  private exchange(method: string, path: string, body: string | undefined, options: CallOptions): Promise<{ status: number; body: Answer }> {
    const url = new URL(path, `${this.identity.url}/`);
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send(url, { method, headers: this.headers(body), agent: false, signal: options.signal });
      req.setTimeout(timeoutMs, () => {
        req.destroy(new UnreachableError(`${this.identity.url} did not answer within ${Math.round(timeoutMs / 1000)} s.`, unreachableHint));
      });
      req.on('error', (error: Error) => {
        if (error instanceof UnreachableError || error.name === 'AbortError') reject(error);
        else reject(new UnreachableError(`Cannot reach the Baton server at ${this.identity.url} (${(error as NodeJS.ErrnoException).code ?? error.message}).`, unreachableHint, { cause: error }));
      });
      req.on('response', (res) => {
        readJson(res).then(
          (json) => {
            resolve({ status: res.statusCode ?? 0, body: json });
          },
          (error: unknown) => {
            reject(new UnreachableError(`The answer from ${this.identity.url} broke off: ${String(error)}.`, unreachableHint, { cause: error }));
          },
        );
      });
      req.end(body);
    });
  }
}

function readJson(res: IncomingMessage): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.on('error', reject);
    res.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        const json: unknown = text === '' ? {} : JSON.parse(text);
        resolve(typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as Answer) : { value: json });
      } catch {
        resolve({ text: text.slice(0, 500) });
      }
    });
  });
}

/** The typed error of a non-2xx answer; one that is not Baton's body (a proxy's page) is said to be so. */
function apiError(status: number, json: Answer, url: string): ApiError {
  const error = json['error'] as { code?: unknown; message?: unknown; hint?: unknown; details?: unknown } | undefined;
  if (error && typeof error.code === 'string' && typeof error.message === 'string') {
    const details = typeof error.details === 'object' && error.details !== null ? (error.details as Record<string, unknown>) : undefined;
    return new ApiError(error.code, error.message, typeof error.hint === 'string' ? error.hint : '', status, details);
  }
  return new ApiError('INTERNAL', `${url} answered HTTP ${status} without a Baton error body.`, 'Check that --url / BATON_URL names a Baton server.', status);
}
