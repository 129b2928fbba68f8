/**
 * @module `baton import --from task-coordinator|session-coordinator PATH`: moves
 * what a seed kept on disk into a running Baton through its REST API (the hub's
 * rules apply: dependencies checked, cycles refused, values limited), as agent
 * `baton-import`. Seed 001's tasks are added in one batch; those the seed had
 * finished are claimed and completed (or failed) with their output, in
 * dependency order, so the graph unblocks as it did; tasks being worked on come
 * back ready (their claims do not survive: workers claim again). Seed 002's
 * scopes become shared state, key by key. Tasks and keys already in Baton are
 * left as they are, so a second run adds nothing.
 */
import { resolveProject } from '../../project/identity.js';
import { defaultDataDir } from '../../server/config.js';
import { readSeed001, readSeed002, type SeedTask } from '../import/seed-files.js';
import { startDaemon } from './daemon.js';

export interface ImportOptions {
  from: string;
  path: string;
  url?: string | undefined;
  project?: string | undefined;
  dataDir?: string | undefined;
  json?: boolean | undefined;
}

export interface ImportSummary {
  from: string;
  project: string;
  added: number;
  existing: number;
  completed: number;
  failed: number;
  stored: number;
  skipped: { what: string; why: string }[];
}

const AGENT = 'baton-import';

class Api {
  private readonly base: string;
  private readonly headers: Record<string, string>;

  constructor(base: string, headers: Record<string, string>) {
    this.base = base;
    this.headers = headers;
  }

  async call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(new URL(`/api/v1${path}`, this.base), { method, headers: { ...this.headers, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  async ok(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
    const answer = await this.call(method, path, body);
    if (answer.status >= 400) {
      const error = answer.body['error'] as { code?: string; message?: string; hint?: string } | undefined;
      throw new Error(`${method} ${path}: ${error?.code ?? answer.status} ${error?.message ?? ''} ${error?.hint ?? ''}`.trim());
    }
    return answer.body;
  }
}

async function existingTaskIds(api: Api): Promise<Set<string>> {
  const ids = new Set<string>();
  let cursor: string | undefined;
  do {
    const page = await api.ok('GET', `/tasks?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    for (const t of page['tasks'] as { id: string }[]) ids.add(t.id);
    cursor = typeof page['next_cursor'] === 'string' ? page['next_cursor'] : undefined;
  } while (cursor);
  return ids;
}

/** Finished tasks in an order where each comes after the finished tasks it depends on. */
function finishOrder(tasks: SeedTask[]): SeedTask[] {
  const finished = new Map(tasks.filter((t) => t.status === 'done' || t.status === 'failed').map((t) => [t.id, t]));
  const order: SeedTask[] = [];
  const seen = new Set<string>();
  const visit = (t: SeedTask, depth: number): void => {
    if (seen.has(t.id) || depth > 10_000) return;
    seen.add(t.id);
    for (const d of t.dependencies) {
      const dep = finished.get(d);
      if (dep) visit(dep, depth + 1);
    }
    order.push(t);
  };
  for (const t of finished.values()) visit(t, 0);
  return order;
}

async function importTasks(api: Api, path: string, summary: ImportSummary): Promise<void> {
  const tasks = readSeed001(path);
  const existing = await existingTaskIds(api);
  const fresh = tasks.filter((t) => !existing.has(t.id));
  summary.existing = tasks.length - fresh.length;
  for (let i = 0; i < fresh.length; i += 500) {
    const batch = fresh.slice(i, i + 500).map((t) => ({ id: t.id, title: (t.description.split('\n')[0] ?? t.id).slice(0, 200) || t.id, description: t.description, dependencies: t.dependencies }));
    await api.ok('POST', '/tasks', { tasks: batch });
    summary.added += batch.length;
  }
  const freshIds = new Set(fresh.map((t) => t.id));
  for (const t of finishOrder(fresh).filter((t) => freshIds.has(t.id))) {
    const claim = await api.ok('POST', '/tasks/claim', { task_id: t.id });
    if (claim['claimed'] !== true) {
      summary.skipped.push({ what: `task ${t.id} (${t.status})`, why: `could not be finished: ${typeof claim['message'] === 'string' ? claim['message'] : 'not claimable'}` });
      continue;
    }
    await api.ok('POST', `/tasks/${encodeURIComponent(t.id)}/update`, { token: claim['token'], status: t.status, ...(t.output === null ? {} : { output: t.output }), ...(t.error === null ? {} : { error: t.error }) });
    if (t.status === 'done') summary.completed += 1;
    else summary.failed += 1;
  }
}

async function importScopes(api: Api, path: string, summary: ImportSummary): Promise<void> {
  for (const { scope, data } of readSeed002(path)) {
    for (const [key, value] of Object.entries(data)) {
      const where = `/state/${encodeURIComponent(scope)}/${encodeURIComponent(key)}`;
      const answer = await api.call('PUT', where, { value, if_version: 0 });
      const code = (answer.body['error'] as { code?: string } | undefined)?.code;
      if (answer.status < 400) summary.stored += 1;
      else if (code === 'VERSION_CONFLICT') summary.existing += 1;
      else summary.skipped.push({ what: `${scope}/${key}`, why: `${code ?? answer.status}: ${(answer.body['error'] as { message?: string } | undefined)?.message ?? ''}` });
    }
  }
}

/** Imports the seed's files named by `options` and says what it did. */
export async function runImport(options: ImportOptions): Promise<ImportSummary> {
  if (options.from !== 'task-coordinator' && options.from !== 'session-coordinator') throw new Error(`--from must be task-coordinator (seed 001's SQLite database) or session-coordinator (seed 002's JSON directory), not '${options.from}'.`);
  const env = process.env;
  const project = resolveProject({ cwd: process.cwd(), explicit: options.project, env }).id;
  const base = options.url ?? (env['BATON_URL'] || (await startDaemon({ dataDir: options.dataDir ?? defaultDataDir() })).url);
  const headers: Record<string, string> = { 'x-baton-project': project, 'x-baton-agent': AGENT, ...(env['BATON_TOKEN'] ? { authorization: `Bearer ${env['BATON_TOKEN']}` } : {}) };
  const api = new Api(base, headers);
  const summary: ImportSummary = { from: options.from, project, added: 0, existing: 0, completed: 0, failed: 0, stored: 0, skipped: [] };
  if (options.from === 'task-coordinator') {
    await api.ok('POST', '/agents', { agent_id: AGENT, name: 'baton import' });
    await importTasks(api, options.path, summary);
  } else {
    await importScopes(api, options.path, summary);
  }
  return summary;
}

/** `baton import`: imports, then prints the summary (JSON, or one line per figure). */
export async function runImportCommand(options: ImportOptions): Promise<void> {
  printImport(await runImport(options), options.json);
}

function printImport(summary: ImportSummary, json: boolean | undefined): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return;
  }
  const lines = [
    `imported from ${summary.from} into project ${summary.project}:`,
    ...(summary.from === 'task-coordinator' ? [`  tasks added ${summary.added} (done ${summary.completed}, failed ${summary.failed}), already present ${summary.existing}`] : [`  keys stored ${summary.stored}, already present ${summary.existing}`]),
    ...summary.skipped.map((s) => `  skipped ${s.what}: ${s.why}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
