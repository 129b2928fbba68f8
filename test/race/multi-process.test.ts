/**
 * @module Races across OS processes. 32 clients in 4 processes contend for one
 * exclusive lock (writing to a shared O_APPEND file while they hold it), drain one
 * task pool, and compare-and-set increment one key, first against ONE server over
 * REST, then with the hub in-process on ONE shared SQLite file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHub, type Hub } from '../../src/hub/hub.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { allTasks, hubCaller, restCaller, type CallCommand } from '../support/callers.js';
import { cleanupAll, randomId, startServer, tempDir, REPO_ROOT } from '../support/server.js';
import { killWorkers, runWorker } from '../support/workers.js';
import type { WorkerLine, WorkerParams } from './workers/race-worker.js';

const PROCESSES = 4;
const CLIENTS_PER_PROCESS = 8;
const CLIENTS = PROCESSES * CLIENTS_PER_PROCESS;
const WORKER = join(REPO_ROOT, 'test/race/workers/race-worker.ts');

afterAll(async () => {
  killWorkers();
  await cleanupAll();
});

interface Scenario {
  transport: WorkerParams['transport'];
  rounds: number;
  tasks: number;
  increments: number;
}

interface Outcome {
  lines: WorkerLine[];
  lockFile: string;
  tasks: string[];
  /** Reads the final state after the workers exit. */
  call: CallCommand;
}

/** Where the race runs: a server (REST) or a SQLite file (in-process hub). */
interface Backend {
  /** Creates the shared target: a server URL or a database file. */
  create(): Promise<string>;
  /** A caller on the target, for setup and checks. */
  connect(target: string, project: string): { call: CallCommand; close(): Promise<void> };
}

/** A pool where the second half depends on the first, so tasks become ready while clients drain. */
function taskPool(count: number): { id: string; title: string; dependencies?: string[] }[] {
  const half = Math.floor(count / 2);
  return Array.from({ length: count }, (_, i) => ({ id: `t${i}`, title: `task ${i}`, ...(i >= half ? { dependencies: [`t${i - half}`] } : {}) }));
}

async function prepare(call: CallCommand, pool: ReturnType<typeof taskPool>): Promise<void> {
  await call('register_agent', { name: 'setup' });
  for (let i = 0; i < pool.length; i += 500) await call('add_task', { tasks: pool.slice(i, i + 500) });
  await call('store_data', { scope: 'race', key: 'counter', value: 0 });
}

async function runWorkers(scenario: Scenario, target: string, project: string, lockFile: string): Promise<WorkerLine[]> {
  const runs = Array.from({ length: PROCESSES }, (_, worker) => {
    const params: WorkerParams = {
      transport: scenario.transport,
      target,
      project,
      worker,
      clients: CLIENTS_PER_PROCESS,
      lock: { name: 'race:resource', rounds: scenario.rounds, file: lockFile },
      cas: { scope: 'race', key: 'counter', increments: scenario.increments },
    };
    return runWorker<WorkerLine>(WORKER, params, { timeoutMs: 90_000 });
  });
  return (await Promise.all(runs.map((r) => r.done))).flat();
}

const ofKind = <K extends WorkerLine['kind']>(lines: WorkerLine[], kind: K): Extract<WorkerLine, { kind: K }>[] =>
  lines.filter((l): l is Extract<WorkerLine, { kind: K }> => l.kind === kind);

function describeRaces(title: string, scenario: Scenario, backend: Backend): void {
  describe(title, () => {
    let outcome: Outcome;
    let closeChecker: (() => Promise<void>) | undefined;

    beforeAll(async () => {
      const project = randomId('race');
      const target = await backend.create();
      const pool = taskPool(scenario.tasks);
      const setup = backend.connect(target, project);
      await prepare(setup.call, pool);
      await setup.close();
      const lockFile = join(tempDir('baton-race-'), 'protected-resource.log');
      const lines = await runWorkers(scenario, target, project, lockFile);
      const checker = backend.connect(target, project);
      closeChecker = () => checker.close();
      outcome = { lines, lockFile, tasks: pool.map((t) => t.id), call: checker.call };
    }, 120_000);

    afterAll(async () => {
      await closeChecker?.();
    });

    it('never lets two holders of the exclusive lock overlap, and tokens grow in grant order', () => {
      const log = readFileSync(outcome.lockFile, 'utf8').trim().split('\n');
      expect(log).toHaveLength(2 * CLIENTS * scenario.rounds);
      let lastToken = 0;
      for (let i = 0; i < log.length; i += 2) {
        const [enter, token, holder] = log[i]!.split(' ');
        const [exit, exitToken, exitHolder] = log[i + 1]!.split(' ');
        expect(`${enter} ${exit}`, `lines ${i}-${i + 1}: ${log[i]} / ${log[i + 1]}`).toBe('enter exit');
        expect(exitToken).toBe(token);
        expect(exitHolder).toBe(holder);
        expect(Number(token), `grant ${i / 2} after token ${lastToken}`).toBeGreaterThan(lastToken);
        lastToken = Number(token);
      }
      const reports = ofKind(outcome.lines, 'lock');
      expect(reports).toHaveLength(CLIENTS);
      for (const r of reports) expect(r.tokens).toHaveLength(scenario.rounds);
    });

    it('completes every task exactly once: none claimed twice, none lost', async () => {
      const done = ofKind(outcome.lines, 'tasks').flatMap((r) => r.done);
      const ids = done.map((d) => d.id);
      expect(new Set(ids).size, 'a task was completed by two clients').toBe(ids.length);
      expect([...ids].sort()).toEqual([...outcome.tasks].sort());
      expect(new Set(done.map((d) => d.token)).size).toBe(done.length);
      const tasks = (await allTasks(outcome.call, true)) as unknown as { id: string; status: string; attempts: number; output: { by: string } }[];
      expect(tasks).toHaveLength(scenario.tasks);
      for (const task of tasks) {
        expect(task.status, task.id).toBe('done');
        expect(task.attempts, task.id).toBe(1);
      }
      const byReport = new Map(ofKind(outcome.lines, 'tasks').flatMap((r) => r.done.map((d) => [d.id, r.client] as const)));
      for (const task of tasks) expect(task.output.by).toBe(byReport.get(task.id));
    });

    it('loses no compare-and-set increment', async () => {
      const reports = ofKind(outcome.lines, 'cas');
      const writes = reports.flatMap((r) => r.writes);
      expect(writes).toHaveLength(CLIENTS * scenario.increments);
      const values = writes.map((w) => w.value).sort((a, b) => a - b);
      expect(values).toEqual(Array.from({ length: writes.length }, (_, i) => i + 1));
      const final = await outcome.call('retrieve_data', { scope: 'race', key: 'counter' });
      expect(final['value']).toBe(writes.length);
      expect(final['version']).toBe(writes.length + 1);
    });
  });
}

const restBackend: Backend = {
  create: async () => (await startServer()).url,
  connect: (url, project) => ({ call: restCaller(url, project, 'setup-agent'), close: () => Promise.resolve() }),
};

const sqliteFileBackend: Backend = {
  // Opened (and so migrated) here first: four processes creating one fresh file at once race in migrate().
  create: async () => {
    const path = join(tempDir('baton-race-db-'), 'baton.db');
    await createSqliteStore({ path }).close();
    return path;
  },
  connect: (path, project) => {
    const store: Store = createSqliteStore({ path });
    const hub: Hub = createHub({ store });
    return {
      call: hubCaller(hub, project, 'setup-agent'),
      close: async () => {
        await hub.close();
        await store.close();
      },
    };
  },
};

describeRaces('32 clients in 4 processes against one server (REST)', { transport: 'rest', rounds: 3, tasks: 160, increments: 2 }, restBackend);
describeRaces('32 clients in 4 processes sharing one SQLite file (in-process hub)', { transport: 'hub', rounds: 3, tasks: 160, increments: 2 }, sqliteFileBackend);
