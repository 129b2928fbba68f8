/**
 * @module `baton import` from files a script here writes in the seeds'
 * documented formats: seed 001's SQLite database (tasks done, failed, being
 * worked on and waiting, with dependencies and outputs) and seed 002's local
 * adapter directory (one JSON file per machine:owner/repo:scope). The result is
 * read back through the profiles' own tools; a second import adds nothing.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runImport } from '../../src/cli/commands/import.js';
import type { RunningServer } from '../../src/server/main.js';
import { call, httpClient, startInProcess } from '../support/mcp.js';
import { randomId, tempDir } from '../support/server.js';

let server: RunningServer;
beforeAll(async () => {
  server = await startInProcess();
});
afterAll(async () => {
  await server.close();
});

/** Seed 001's task-coordinator.db, as its database.ts keeps it. */
function writeSeed001(path: string): void {
  const db = new Database(path);
  db.exec(`CREATE TABLE tasks (id TEXT PRIMARY KEY, description TEXT NOT NULL, status TEXT NOT NULL, worker_id TEXT, dependencies TEXT, output TEXT, error TEXT, started_at TEXT, completed_at TEXT);
           CREATE TABLE worker_slots (slot INTEGER PRIMARY KEY, worker_id TEXT, active INTEGER, task_id TEXT);`);
  const insert = db.prepare('INSERT INTO tasks (id, description, status, worker_id, dependencies, output, error) VALUES (@id, @description, @status, @worker, @deps, @output, @error)');
  insert.run({ id: 'setup-project', description: 'Initialize Next.js project', status: 'done', worker: 'worker-1', deps: '[]', output: 'Completed successfully', error: null });
  insert.run({ id: 'setup-db', description: 'Set up Prisma with SQLite', status: 'failed', worker: 'worker-2', deps: '[]', output: null, error: 'prisma missing' });
  insert.run({ id: 'auth-ui', description: 'Create login pages', status: 'working', worker: 'worker-3', deps: '["setup-project"]', output: null, error: null });
  insert.run({ id: 'auth-api', description: 'Implement auth API routes', status: 'available', worker: null, deps: '["setup-project","setup-db"]', output: null, error: null });
  db.prepare('INSERT INTO worker_slots VALUES (1, NULL, 0, NULL)').run();
  db.close();
}

/** Seed 002's .claude/session-state, as its local adapter writes it. */
function writeSeed002(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const file = (scope: string, data: Record<string, unknown>) => {
    const meta = Object.fromEntries(Object.keys(data).map((k) => [k, { created_at: '2025-01-01T00:00:00', updated_at: '2025-01-02T00:00:00' }]));
    writeFileSync(join(dir, `${`laptop:BANCS-Norway/my-repo:${scope}`.replace(/[:/]/g, '__')}.json`), JSON.stringify({ data, metadata: meta }, null, 2));
  };
  file('session:claude_1', { current_issue: 15, todos: [{ task: 'tests', status: 'pending' }] });
  file('issue:15', { status: 'in_progress', next_steps: ['review'], branch: 'issue-15' });
  file('instances', { registry: { claude_1: 'taken', claude_2: 'available' } });
}

describe('baton import', () => {
  it("imports seed 001's database: tasks, dependencies, what was done and failed", async () => {
    const project = randomId('imp');
    const db = join(tempDir(), 'task-coordinator.db');
    writeSeed001(db);
    const summary = await runImport({ from: 'task-coordinator', path: db, url: server.url, project });
    expect(summary).toMatchObject({ added: 4, completed: 1, failed: 1, existing: 0, skipped: [] });
    const client = await httpClient(server.url, { query: { profile: 'task-coordinator', project } });
    const tasks = (await call(client, 'get_all_tasks'))['tasks'] as { id: string; status: string; output?: unknown; error?: string }[];
    expect(tasks.map((t) => [t.id, t.status])).toEqual([
      ['setup-project', 'done'],
      ['setup-db', 'failed'],
      ['auth-ui', 'available'],
      ['auth-api', 'available'],
    ]);
    expect(tasks[0]).toMatchObject({ output: 'Completed successfully' });
    expect(tasks[1]).toMatchObject({ error: 'prisma missing' });
    // auth-ui is ready (its dependency is done); auth-api waits for the failed setup-db.
    expect(((await call(client, 'get_available_tasks'))['tasks'] as { id: string }[]).map((t) => t.id)).toEqual(['auth-ui']);
    expect(await runImport({ from: 'task-coordinator', path: db, url: server.url, project })).toMatchObject({ added: 0, existing: 4 });
    await client.close();
  });

  it("imports seed 002's JSON files as scoped state, without the instance registry", async () => {
    const project = randomId('imp');
    const dir = join(tempDir(), 'session-state');
    writeSeed002(dir);
    expect(await runImport({ from: 'session-coordinator', path: dir, url: server.url, project })).toMatchObject({ stored: 5, existing: 0, skipped: [] });
    const client = await httpClient(server.url, { query: { profile: 'session-coordinator', project } });
    expect((await call(client, 'list_scopes'))['scopes']).toEqual(['issue:15', 'session:claude_1']);
    expect(await call(client, 'retrieve_data', { scope: 'issue:15', key: 'next_steps' })).toMatchObject({ value: ['review'] });
    expect(await call(client, 'sign_on')).toMatchObject({ session_id: 'claude_1' });
    expect(await runImport({ from: 'session-coordinator', path: dir, url: server.url, project })).toMatchObject({ stored: 0, existing: 5 });
    await client.close();
  });

  it('says what is wrong with a file that is not the seed format', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'x.json'), '{"nope": 1}');
    await expect(runImport({ from: 'session-coordinator', path: dir, url: server.url, project: 'p' })).rejects.toThrow(/local adapter format/);
    const notDb = join(dir, 'empty.db');
    new Database(notDb).close();
    await expect(runImport({ from: 'task-coordinator', path: notDb, url: server.url, project: 'p' })).rejects.toThrow(/no 'tasks' table/);
    await expect(runImport({ from: 'mcp-coordinator', path: dir, url: server.url, project: 'p' })).rejects.toThrow(/--from must be/);
  });
});
