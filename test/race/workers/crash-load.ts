/**
 * @module Load for the crash test: several loops that lock, release, add a task,
 * store an increasing value and publish an event against a server, appending a
 * line to a log file for every operation only after its HTTP 200 (so the log holds
 * exactly what was acknowledged). A loop stops at its first failed call, which is
 * how it notices the server was killed. Prints one JSON summary line.
 *
 * Usage: node --import tsx crash-load.ts '<CrashLoadParams as JSON>'
 */
import { appendFileSync } from 'node:fs';
import { CallError, restCaller } from '../../support/callers.js';

export interface CrashLoadParams {
  url: string;
  project: string;
  log: string;
  loops: number;
  /** Tags ids and names so several runs on one data directory never collide. */
  run: string;
}

export type AckedOp =
  | { op: 'lock' | 'release'; name: string; token: number }
  | { op: 'task'; id: string }
  | { op: 'state'; key: string; value: number; version: number }
  | { op: 'event'; id: number; topic: string; n: number };

const params = JSON.parse(process.argv[2] ?? '{}') as CrashLoadParams;
const ack = (op: AckedOp): void => {
  appendFileSync(params.log, `${JSON.stringify(op)}\n`);
};

/** How a loop ended: rounds completed, and whether it stopped on a refusal (a bug) or a lost connection (the crash). */
export interface LoopEnd {
  rounds: number;
  /** 'connection' when the server vanished; otherwise the refusal that stopped it. */
  stop: string;
}

async function loop(index: number): Promise<LoopEnd> {
  const agent = `crash-${params.run}-${index}`;
  const call = restCaller(params.url, params.project, agent);
  let n = 0;
  try {
    await call('register_agent', {});
    const name = `crash:${params.run}.${index}`;
    const key = `k-${params.run}-${index}`;
    const topic = `crash.${params.run}.${index}`;
    for (;; n++) {
      const lock = await call('acquire_lock', { name, ttl_seconds: 600 });
      if (lock['acquired'] !== true) throw new CallError('NOT_ACQUIRED', `lock ${name}: ${JSON.stringify(lock)}`);
      ack({ op: 'lock', name, token: lock['token'] as number });
      await call('release_lock', { name, token: lock['token'] as number });
      ack({ op: 'release', name, token: lock['token'] as number });
      const id = `task-${params.run}-${index}-${n}`;
      await call('add_task', { id, title: `crash load ${n}` });
      ack({ op: 'task', id });
      const stored = await call('store_data', { scope: 'crash', key, value: n });
      ack({ op: 'state', key, value: n, version: stored['version'] as number });
      const published = await call('publish_event', { topic, payload: { n } });
      ack({ op: 'event', id: (published['event'] as { id: number }).id, topic, n });
    }
  } catch (error) {
    // The server is gone: everything acknowledged so far is in the log.
    if (error instanceof CallError) return { rounds: n, stop: error.message };
    return { rounds: n, stop: 'connection' };
  }
}

const loops = await Promise.all(Array.from({ length: params.loops }, (_, i) => loop(i)));
process.stdout.write(`${JSON.stringify({ loops })}\n`);
