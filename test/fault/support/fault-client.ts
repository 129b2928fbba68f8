/**
 * @module A REST client for a team of coordinators that keeps going through
 * faults: it starts each call on its home coordinator, fails over to the next one
 * on connection errors, retries 503 STORE_UNAVAILABLE,
 * and reports whether an attempt's outcome was unknown (a mutation that may have
 * been applied), so the caller can resolve it (request_id replays, or a check).
 */
import { API_PREFIX, ROUTES } from '../../../src/transports/rest/routes.js';

export interface Answer {
  /** 2xx: the result; otherwise the typed refusal. */
  ok: boolean;
  status: number;
  code: string;
  body: Record<string, unknown>;
  /** An earlier attempt of this call may have been applied without us seeing the answer. */
  ambiguous: boolean;
  /** Which coordinator answered. */
  node: number;
  attempts: number;
}

export interface ClientStats {
  retries: number;
  failovers: number;
  /** Why attempts were retried: `connection` or the code and the gist of the message. */
  causes: Record<string, number>;
}

export interface CallOptions {
  /** Per-attempt timeout (a blocking call needs its wait on top). */
  timeoutMs?: number;
  /** Give up after this long (default 90 s): a call that cannot get through by then is a failure of the run. */
  deadlineMs?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Answers that say the store or coordinator could not decide: try again. */
const RETRYABLE = new Set(['STORE_UNAVAILABLE']);

export class FaultClient {
  readonly stats: ClientStats = { retries: 0, failovers: 0, causes: {} };
  private readonly urls: readonly string[];
  private readonly home: number;
  private readonly project: string;
  private readonly agent: string | undefined;
  /** Called for answers no correct server gives (5xx other than 503). */
  private readonly onAnomaly: (call: string, status: number, code: string, message: string) => void;

  constructor(options: { urls: readonly string[]; home: number; project: string; agent?: string; onAnomaly?: (call: string, status: number, code: string, message: string) => void }) {
    this.urls = options.urls;
    this.home = options.home;
    this.project = options.project;
    this.agent = options.agent;
    this.onAnomaly = options.onAnomaly ?? (() => undefined);
  }

  /** Runs one command until some coordinator gives a definite answer. */
  async call(name: string, input: Record<string, unknown> = {}, options: CallOptions = {}): Promise<Answer> {
    const route = ROUTES[name];
    if (!route) throw new Error(`No REST route for ${name}`);
    const rest: Record<string, unknown> = { ...input };
    const path = route.path.replace(/\{(\w+)\}/g, (_m, param: string) => {
      const value = rest[param];
      Reflect.deleteProperty(rest, param);
      return encodeURIComponent(String(value));
    });
    const headers: Record<string, string> = { 'x-baton-project': this.project, ...(this.agent ? { 'x-baton-agent': this.agent } : {}) };
    const isRead = route.method === 'GET';
    let query = '';
    let body: string | undefined;
    if (isRead || route.method === 'DELETE') {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(rest)) params.set(key, Array.isArray(value) ? value.join(',') : String(value));
      query = params.size > 0 ? `?${params.toString()}` : '';
    } else {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(rest);
    }
    const deadline = Date.now() + (options.deadlineMs ?? 90_000);
    let node = this.home;
    let ambiguous = false;
    for (let attempt = 1; ; attempt++) {
      if (attempt > 1) this.stats.retries++;
      let status = 0;
      let parsed: Record<string, unknown> | undefined;
      let failure = '';
      try {
        const res = await fetch(`${this.urls[node]}${API_PREFIX}${path}${query}`, {
          method: route.method,
          headers,
          ...(body === undefined ? {} : { body }),
          signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
        });
        status = res.status;
        const text = await res.text();
        parsed = JSON.parse(text) as Record<string, unknown>;
      } catch (error) {
        failure = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      }
      if (parsed !== undefined) {
        const error = parsed['error'] as { code?: string; message?: string } | undefined;
        const code = error?.code ?? (status >= 200 && status < 300 ? 'OK' : `HTTP_${status}`);
        if (status >= 200 && status < 300) return { ok: true, status, code, body: parsed, ambiguous, node, attempts: attempt };
        if (!RETRYABLE.has(code) && status < 500) return { ok: false, status, code, body: parsed, ambiguous, node, attempts: attempt };
        if (!RETRYABLE.has(code)) this.onAnomaly(name, status, code, error?.message ?? '');
        failure = `${status} ${code}`;
        // The gist without names and numbers, so causes add up across projects and steps.
        const gist = (error?.message ?? '').replace(/'[^']*'/g, "'…'").replace(/\d+/g, 'N').slice(0, 60);
        this.stats.causes[`${code}: ${gist}`] = (this.stats.causes[`${code}: ${gist}`] ?? 0) + 1;
      } else {
        this.stats.causes['connection'] = (this.stats.causes['connection'] ?? 0) + 1;
      }
      // The attempt may have been applied (the connection dropped after the commit, or the store lost the reply).
      if (!isRead) ambiguous = true;
      if (Date.now() > deadline) throw new Error(`${name} got no definite answer for ${options.deadlineMs ?? 90_000} ms; last: ${failure}`);
      if (status === 0) {
        // Connection refused or reset: this coordinator is down, try the next one.
        node = (node + 1) % this.urls.length;
        this.stats.failovers++;
        await sleep(20 + Math.random() * 80);
      } else {
        await sleep(100 + Math.random() * 200);
      }
    }
  }
}
