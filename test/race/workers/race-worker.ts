/**
 * @module A race-test worker process: N clients that each, at once, (a) take one
 * exclusive lock for a number of rounds and write enter/exit lines to a shared
 * O_APPEND file while holding it, (b) claim and complete tasks until none is ready,
 * (c) compare-and-set increment one key. Talks REST to a server, or runs the hub
 * in-process on a shared SQLite file. Prints one JSON line per client and scenario.
 *
 * Usage: node --import tsx race-worker.ts '<WorkerParams as JSON>'
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { createHub } from '../../../src/hub/hub.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { errorCode, hubCaller, restCaller, type CallCommand } from '../../support/callers.js';

export interface WorkerParams {
  transport: 'rest' | 'hub';
  /** Server URL (rest) or SQLite file (hub). */
  target: string;
  project: string;
  worker: number;
  clients: number;
  lock: { name: string; rounds: number; file: string };
  cas: { scope: string; key: string; increments: number };
}

/** Each line also carries `elapsedMs` since the worker started, for diagnosing slow runs. */
export type WorkerLine =
  | { kind: 'lock'; client: string; tokens: number[]; attempts: number }
  | { kind: 'tasks'; client: string; done: { id: string; token: number }[] }
  | { kind: 'cas'; client: string; writes: { value: number; version: number }[]; conflicts: number }
  | { kind: 'stats'; busyRetries: number };

const params = JSON.parse(process.argv[2] ?? '{}') as WorkerParams;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const started = Date.now();
const emit = (line: WorkerLine): void => {
  process.stdout.write(`${JSON.stringify({ ...line, elapsedMs: Date.now() - started })}\n`);
};

async function lockRounds(call: CallCommand, client: string, fd: number): Promise<void> {
  const tokens: number[] = [];
  let attempts = 0;
  const { name, rounds } = params.lock;
  while (tokens.length < rounds) {
    attempts++;
    // Waits are woken in-process only, so the shared-file clients poll instead.
    const input = params.transport === 'rest' ? { name, wait_seconds: 20, ttl_seconds: 120 } : { name, ttl_seconds: 120 };
    const res = await call('acquire_lock', input);
    if (res['acquired'] !== true) {
      if (params.transport === 'hub') await sleep(1 + Math.random() * 6);
      continue;
    }
    const token = res['token'] as number;
    tokens.push(token);
    writeSync(fd, `enter ${token} ${client}\n`);
    await sleep(Math.random() * 2);
    writeSync(fd, `exit ${token} ${client}\n`);
    await call('release_lock', { name, token });
  }
  emit({ kind: 'lock', client, tokens, attempts });
}

async function drainTasks(call: CallCommand, client: string): Promise<void> {
  const done: { id: string; token: number }[] = [];
  for (;;) {
    const res = await call('claim_task', { ttl_seconds: 600 });
    if (res['claimed'] !== true) {
      if (res['reason'] !== 'none_ready') throw new Error(`claim_task refused: ${JSON.stringify(res)}`);
      break;
    }
    const task = res['task'] as { id: string };
    const token = res['token'] as number;
    await call('update_task', { task_id: task.id, token, status: 'done', output: { by: client } });
    done.push({ id: task.id, token });
  }
  emit({ kind: 'tasks', client, done });
}

async function casIncrements(call: CallCommand, client: string): Promise<void> {
  const { scope, key, increments } = params.cas;
  const writes: { value: number; version: number }[] = [];
  let conflicts = 0;
  while (writes.length < increments) {
    if (conflicts > 20_000) throw new Error(`${client}: gave up after ${conflicts} conflicts`);
    const current = await call('retrieve_data', { scope, key });
    const value = (current['value'] as number) + 1;
    try {
      const stored = await call('store_data', { scope, key, value, if_version: current['version'] as number });
      writes.push({ value, version: stored['version'] as number });
    } catch (error) {
      if (errorCode(error) !== 'VERSION_CONFLICT') throw error;
      conflicts++;
    }
  }
  emit({ kind: 'cas', client, writes, conflicts });
}

let busyRetries = 0;

/**
 * STORE_UNAVAILABLE means SQLite's write lock stayed busy past busy_timeout: the call
 * was not applied, and the catalog says to retry. Counted, so a run that needed it shows.
 */
function retryingBusy(call: CallCommand): CallCommand {
  return async (name, input) => {
    for (;;) {
      try {
        return await call(name, input);
      } catch (error) {
        if (errorCode(error) !== 'STORE_UNAVAILABLE' || busyRetries >= 50) throw error;
        busyRetries++;
      }
    }
  };
}

async function main(): Promise<void> {
  const fd = openSync(params.lock.file, 'a');
  const store = params.transport === 'hub' ? createSqliteStore({ path: params.target }) : undefined;
  const hub = store ? createHub({ store }) : undefined;
  const callerFor = (agent?: string): CallCommand => (hub ? retryingBusy(hubCaller(hub, params.project, agent)) : restCaller(params.target, params.project, agent));
  try {
    await Promise.all(
      Array.from({ length: params.clients }, async (_, i) => {
        const client = `${process.pid}:${i}`;
        const agent = `w${params.worker}-c${i}`;
        await callerFor(agent)('register_agent', { name: client });
        const call = callerFor(agent);
        await Promise.all([lockRounds(call, client, fd), drainTasks(call, client), casIncrements(call, client)]);
      }),
    );
    emit({ kind: 'stats', busyRetries });
  } finally {
    closeSync(fd);
    await hub?.close();
    await store?.close();
  }
}

await main();
