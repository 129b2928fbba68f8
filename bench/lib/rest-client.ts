/**
 * @module A JSON client for the REST API over one undici Pool (keep-alive
 * connections, no pipelining): the load generator of the HTTP suites.
 */
import { Pool } from 'undici';

export interface RestCallOptions {
  /** Sent as x-baton-agent: REST calls act for a registered agent. */
  agent?: string | undefined;
  body?: unknown;
}

export interface RestClient {
  /** Sends one request; resolves the JSON body of a 2xx answer, rejects with the error code otherwise. */
  call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, options?: RestCallOptions): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

export function createRestClient(url: string, options: { connections: number; project?: string }): RestClient {
  const pool = new Pool(url, { connections: options.connections, pipelining: 1 });
  return {
    async call(method, path, call = {}) {
      const headers: Record<string, string> = {};
      if (options.project !== undefined) headers['x-baton-project'] = options.project;
      if (call.agent !== undefined) headers['x-baton-agent'] = call.agent;
      let body: string | undefined;
      if (call.body !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(call.body);
      }
      const response = await pool.request({ method, path, headers, body });
      const json = (await response.body.json()) as Record<string, unknown>;
      if (response.statusCode >= 300) {
        const error = json['error'] as { code?: string; message?: string } | undefined;
        throw new Error(`${method} ${path} → ${response.statusCode} ${error?.code ?? ''}: ${error?.message ?? JSON.stringify(json).slice(0, 200)}`);
      }
      return json;
    },
    close: () => pool.close(),
  };
}
