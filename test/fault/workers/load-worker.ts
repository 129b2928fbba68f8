/**
 * @module A fault-test load process: N logical clients, each pinned to one
 * coordinator (failing over to the others while it is down), that until
 * `runUntil` take exclusive locks with waits and write to the fenced register
 * while holding them, and claim and complete tasks of a pre-loaded DAG; after
 * `runUntil` they stop locking and drain the task pool. Even-numbered clients send
 * a request_id with every mutation; odd ones send none (so the stores' single-
 * script fast paths run too) and resolve unknown outcomes themselves. Prints one
 * JSON line per observation (support/history.ts). It prints `{"kind":"ready"}` once
 * its clients are registered and starts when `{"runUntil", "drainUntil"}` arrives
 * on stdin, so every process (and the chaos driver) runs over the same window.
 *
 * Usage: node --import tsx load-worker.ts '<LoadParams as JSON>'
 */
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { FaultClient, type Answer } from '../support/fault-client.js';
import { writeRegister } from '../support/fenced-register.js';
import { clock, type ClientLine } from '../support/history.js';

export interface LoadParams {
  urls: string[];
  project: string;
  register: string;
  clients: number;
  /** Global index of this process's first client: client g lives on coordinator g % urls.length. */
  firstClient: number;
  locks: string[];
  lockTtlSeconds: number;
  claimTtlSeconds: number;
  waitSeconds: number;
}

/** The run's window, sent on stdin once every process is ready. */
export interface LoadGo {
  /** Epoch ms: lock rounds and new work stop here. */
  runUntil: number;
  /** Epoch ms: draining the task pool gives up here. */
  drainUntil: number;
}

const params = JSON.parse(process.argv[2] ?? '{}') as LoadParams;
let window: LoadGo = { runUntil: 0, drainUntil: 0 };
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const between = (low: number, high: number): number => low + Math.random() * (high - low);
const emit = (line: ClientLine): void => {
  process.stdout.write(`${JSON.stringify(line)}\n`);
};
/** A write or completion this close to the lease's end is skipped: its lapse would be legitimate. */
const SAFETY_MS = 2_000;

interface Client {
  name: string;
  agent: string;
  api: FaultClient;
  idempotent: boolean;
  counts: { grants: number; timeouts: number; claims: number; completions: number };
}

const requestId = (c: Client): Record<string, string> => (c.idempotent ? { request_id: randomUUID() } : {});

function unexpected(c: Client, call: string, answer: Answer): void {
  emit({ kind: 'anomaly', client: c.name, call, status: answer.status, code: answer.code, message: JSON.stringify(answer.body).slice(0, 500), at: clock() });
}

async function lockRound(c: Client): Promise<void> {
  const lock = params.locks[Math.floor(Math.random() * params.locks.length)] ?? 'fault-lock';
  const started = clock();
  const acquired = await c.api.call(
    'acquire_lock',
    { name: lock, wait_seconds: params.waitSeconds, ttl_seconds: params.lockTtlSeconds, ...requestId(c) },
    { timeoutMs: (params.waitSeconds + 15) * 1000 },
  );
  if (!acquired.ok) {
    unexpected(c, 'acquire_lock', acquired);
    return;
  }
  if (acquired.body['acquired'] !== true) {
    c.counts.timeouts++;
    emit({ kind: 'wait-timeout', client: c.name, lock, waitedMs: clock() - started, holders: [String(acquired.body['holder'])], waitersAhead: Number(acquired.body['queue_position'] ?? 0), at: clock() });
    return;
  }
  c.counts.grants++;
  const token = acquired.body['token'] as number;
  // Seconds, rounded by the server: a second less keeps the safety margin honest.
  const expiresAt = Date.now() + ((acquired.body['expires_in_s'] as number) - 1) * 1000;
  emit({ kind: 'grant', client: c.name, agent: c.agent, lock, token, renewed: acquired.body['renewed'] === true, expiresAt, at: clock(), waitedMs: clock() - started, node: acquired.node, retried: acquired.attempts > 1 });
  for (const phase of ['enter', 'exit'] as const) {
    if (Date.now() > expiresAt - SAFETY_MS) {
      emit({ kind: 'lapsed', client: c.name, lock, token, at: clock() });
      break;
    }
    await writeRegister(params.register, { lock, token, client: c.name, phase });
    if (phase === 'enter') await sleep(between(5, 25));
  }
  const released = await c.api.call('release_lock', { name: lock, token, ...requestId(c) });
  if (released.ok) {
    emit({ kind: 'release', client: c.name, lock, token, at: clock(), outcome: 'released' });
  } else if (released.ambiguous && ['LEASE_LOST', 'NOT_FOUND', 'NOT_HOLDER'].includes(released.code)) {
    emit({ kind: 'release', client: c.name, lock, token, at: clock(), outcome: 'gone-after-retry', code: released.code });
  } else {
    emit({ kind: 'release', client: c.name, lock, token, at: clock(), outcome: 'refused', code: released.code });
  }
}

async function lockLoop(c: Client): Promise<void> {
  while (Date.now() < window.runUntil) {
    await lockRound(c);
    await sleep(between(10, 80));
  }
}

/** True when no task is left unfinished. */
async function poolDrained(c: Client): Promise<boolean> {
  const open = await c.api.call('get_all_tasks', { status: ['pending', 'ready', 'claimed'], limit: 1 });
  return open.ok && (open.body['tasks'] as unknown[]).length === 0;
}

async function completeTask(c: Client, task: string, token: number): Promise<void> {
  await sleep(between(5, 40));
  const done = await c.api.call('update_task', { task_id: task, token, status: 'done', output: { by: c.name, token }, ...requestId(c) });
  if (done.ok) {
    c.counts.completions++;
    emit({ kind: 'complete', client: c.name, agent: c.agent, task, token, at: clock(), via: 'ack' });
    return;
  }
  if (done.ambiguous) {
    // Without a request_id, a retry of an applied completion is refused: look at the task.
    const seen = await c.api.call('get_task', { task_id: task });
    const view = seen.body['task'] as { status: string; output: { by?: string; token?: number } | null } | undefined;
    if (view?.status === 'done' && view.output?.by === c.name && view.output.token === token) {
      c.counts.completions++;
      emit({ kind: 'complete', client: c.name, agent: c.agent, task, token, at: clock(), via: 'verified' });
      return;
    }
  }
  emit({ kind: 'complete-refused', client: c.name, agent: c.agent, task, token, at: clock(), code: done.code });
}

/** Claims and completes tasks until the pool is drained (or the drain deadline passes). */
async function taskLoop(c: Client): Promise<boolean> {
  while (Date.now() < window.drainUntil) {
    const claimed = await c.api.call('claim_task', { ttl_seconds: params.claimTtlSeconds, ...requestId(c) });
    if (!claimed.ok) {
      unexpected(c, 'claim_task', claimed);
      await sleep(200);
      continue;
    }
    if (claimed.body['claimed'] === true) {
      c.counts.claims++;
      const task = claimed.body['task'] as { id: string; claim_expires_in_s: number };
      const token = claimed.body['token'] as number;
      emit({ kind: 'claim', client: c.name, agent: c.agent, task: task.id, token, at: clock(), expiresAt: Date.now() + (task.claim_expires_in_s - 1) * 1000, retried: claimed.attempts > 1 });
      await completeTask(c, task.id, token);
      await sleep(between(10, 100));
      continue;
    }
    if (Date.now() >= window.runUntil && (await poolDrained(c))) return true;
    await sleep(between(150, 400));
  }
  return false;
}

function createClient(index: number): Client {
  const global = params.firstClient + index;
  const agent = `client-${global}`;
  const name = `${agent}@${process.pid}`;
  const home = global % params.urls.length;
  const c: Client = { name, agent, idempotent: global % 2 === 0, counts: { grants: 0, timeouts: 0, claims: 0, completions: 0 }, api: undefined as unknown as FaultClient };
  c.api = new FaultClient({
    urls: params.urls,
    home,
    project: params.project,
    agent,
    onAnomaly: (call, status, code, message) => {
      emit({ kind: 'anomaly', client: name, call, status, code, message, at: clock() });
    },
  });
  return c;
}

async function runClient(c: Client): Promise<void> {
  const [, drained] = await Promise.all([lockLoop(c), taskLoop(c)]);
  emit({ kind: 'client-end', client: c.name, agent: c.agent, ...c.counts, retries: c.api.stats.retries, failovers: c.api.stats.failovers, causes: c.api.stats.causes, drained });
}

const clients = Array.from({ length: params.clients }, (_, i) => createClient(i));
await Promise.all(
  clients.map(async (c) => {
    const registered = await c.api.call('register_agent', { agent_id: c.agent, name: c.name, request_id: randomUUID() });
    if (!registered.ok) unexpected(c, 'register_agent', registered);
  }),
);
let started = false;
const go = new Promise<LoadGo>((resolve) => {
  const input = createInterface({ input: process.stdin });
  input.once('line', (line) => {
    started = true;
    resolve(JSON.parse(line) as LoadGo);
  });
  // The test process is gone before the start: nothing to do.
  input.on('close', () => {
    if (!started) process.exit(2);
  });
});
process.stdout.write('{"kind":"ready"}\n');
window = await go;
await Promise.all(clients.map(runClient));
process.stdout.write('', () => process.exit(0));
