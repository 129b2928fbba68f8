// The dashboard's only door to Baton: the REST API under /api/v1 on this origin, with the
// token from session storage (never from or into a URL) and the project as a header.
const TOKEN_KEY = 'baton.dashboard.token';
const ACTOR_KEY = 'baton.dashboard.actor';

export class ApiError extends Error {
  constructor(status, body) {
    const error = (body && body.error) || {};
    super(error.message || `HTTP ${status}`);
    this.status = status;
    this.code = error.code || 'HTTP_' + status;
    this.hint = error.hint || '';
  }
}

export const auth = {
  get token() { return sessionStorage.getItem(TOKEN_KEY) || ''; },
  set token(value) { if (value) sessionStorage.setItem(TOKEN_KEY, value); else sessionStorage.removeItem(TOKEN_KEY); },
  /** Who the dashboard acts as when the token is not bound to an agent: shown on the timeline as the actor. */
  get actor() { return sessionStorage.getItem(ACTOR_KEY) || 'dashboard'; },
  set actor(value) { sessionStorage.setItem(ACTOR_KEY, value); },
};

export function headers(project, extra = {}) {
  const h = { accept: 'application/json', ...extra };
  if (auth.token) h.authorization = `Bearer ${auth.token}`;
  if (project) h['x-baton-project'] = project;
  return h;
}

async function request(method, url, project, body, extraHeaders) {
  const init = { method, headers: headers(project, extraHeaders), credentials: 'omit', cache: 'no-store' };
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(url, init);
  const text = await response.text();
  let parsed = null;
  try { parsed = text ? JSON.parse(text) : null; } catch { parsed = null; }
  if (!response.ok) throw new ApiError(response.status, parsed);
  return parsed;
}

const query = (params) => {
  const entries = Object.entries(params || {}).filter(([, v]) => v !== undefined && v !== null && v !== '');
  return entries.length ? '?' + new URLSearchParams(entries.map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v)])).toString() : '';
};

export const api = {
  session: () => request('GET', '/dashboard/api/session'),
  get: (project, path, params) => request('GET', `/api/v1${path}${query(params)}`, project),
  post: (project, path, body, actor) => request('POST', `/api/v1${path}`, project, body, actor ? { 'x-baton-agent': actor } : {}),
  /** Every page of a list (follows next_cursor); `key` names the array in the answer. */
  async all(project, path, key, params = {}) {
    const rows = [];
    let cursor;
    for (let i = 0; i < 200; i++) {
      const page = await request('GET', `/api/v1${path}${query({ ...params, cursor })}`, project);
      rows.push(...(page[key] || []));
      if (!page.next_cursor) return { rows, page };
      cursor = page.next_cursor;
    }
    return { rows, page: null };
  },
  /** A list that may not exist on this server yet (the consultation layer): null on 404. */
  async optional(project, path, params) {
    try { return await request('GET', `/api/v1${path}${query(params)}`, project); } catch (error) {
      if (error instanceof ApiError && error.status === 404 && error.code === 'NOT_FOUND' && /No route/.test(error.message)) return null;
      throw error;
    }
  },
};
