/**
 * @module One fault run on a team of coordinators: pre-loads a task DAG, starts
 * event consumers and load processes (≥ 32 clients spread over the coordinators),
 * SIGKILLs and restarts random coordinators and restarts the engine once while
 * they run, lets the clients drain the pool, then collects the history and the
 * store's final log for the checker.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { ConsumerParams } from '../workers/consumer-worker.js';
import type { LoadGo, LoadParams } from '../workers/load-worker.js';
import { childEnv, REPO_ROOT, type Team } from './coordinators.js';
import type { Engine } from './engines.js';
import { FaultClient } from './fault-client.js';
import { startFencedRegister } from './fenced-register.js';
import { clock, type ChaosAction, type ClientLine, type ConsumerRecord, type LogEvent, type RegisterWrite } from './history.js';

export interface RunOptions {
  seconds: number;
  clients: number;
  loadProcesses: number;
  locks: number;
  tasks: number;
  /** False runs the same load without faults (to tell a fault's effect from the load's). */
  chaos: boolean;
  /** Progress notes (phases and chaos actions), for the long runs. */
  note?: (message: string) => void;
}

export interface RunResult {
  project: string;
  locks: string[];
  taskIds: string[];
  lines: ClientLine[];
  writes: RegisterWrite[];
  consumers: ConsumerRecord[];
  chaos: ChaosAction[];
  log: LogEvent[];
  finalId: number;
  finalStatus: Map<string, string>;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const between = (low: number, high: number): number => low + Math.random() * (high - low);
const WORKERS = join(REPO_ROOT, 'test/fault/workers');

interface Worker<TLine> {
  child: ChildProcess;
  lines: TLine[];
  done: Promise<TLine[]>;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  killWorkers();
});

function runWorker<TLine>(file: string, params: unknown, timeoutMs: number): Worker<TLine> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(WORKERS, file), JSON.stringify(params)], { cwd: REPO_ROOT, env: childEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
  live.add(child);
  const lines: TLine[] = [];
  let errText = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    errText = (errText + chunk).slice(-20_000);
  });
  let garbled = '';
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (line.trim() === '') return;
    try {
      lines.push(JSON.parse(line) as TLine);
    } catch {
      garbled ||= line.slice(0, 200);
    }
  });
  const done = new Promise<TLine[]>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${file} ran past ${timeoutMs} ms. stderr:\n${errText}`));
    }, timeoutMs);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      live.delete(child);
      if (code === 0 && garbled === '') resolve(lines);
      else if (code === 0) reject(new Error(`${file} printed a line that is not JSON: ${garbled}`));
      else reject(new Error(`${file} exited with ${code ?? signal}. stderr:\n${errText}`));
    });
  });
  // Awaited later; marked handled now so an early failure is not reported as unhandled meanwhile.
  done.catch(() => undefined);
  return { child, lines, done };
}

/** Kills every worker still running (after a failed run). */
export function killWorkers(): void {
  for (const child of live) child.kill('SIGKILL');
  live.clear();
}

/** A DAG: the first tasks are free, later ones depend on one or two tasks at least 20 earlier. */
export function taskDag(count: number): { id: string; title: string; dependencies: string[] }[] {
  return Array.from({ length: count }, (_, i) => {
    const deps = new Set<string>();
    if (i >= 40) for (let d = 0; d < 1 + (i % 2); d++) deps.add(`t${Math.floor(between(Math.max(0, i - 60), i - 20))}`);
    return { id: `t${i}`, title: `task ${i}`, dependencies: [...deps] };
  });
}

async function readLog(api: FaultClient): Promise<LogEvent[]> {
  const log: LogEvent[] = [];
  for (;;) {
    const page = await api.call('get_events', { after: log.at(-1)?.id ?? 0, limit: 1000 });
    if (!page.ok) throw new Error(`get_events: ${page.code}`);
    const events = page.body['events'] as LogEvent[];
    log.push(...events);
    if (events.length < 1000) return log;
  }
}

async function lastId(api: FaultClient): Promise<number> {
  const page = await api.call('get_events', { after: 0, limit: 1 });
  return page.body['last_id'] as number;
}

/**
 * Kills a random coordinator every few seconds and restarts it shortly after
 * (restarts overlap the next kills, but one coordinator always stays up), and
 * restarts the engine once, mid-run, whatever the coordinators are doing.
 */
async function chaos(team: Team, engine: Engine, startAt: number, until: number, record: (action: ChaosAction) => void): Promise<void> {
  const engineRestart = (async () => {
    await sleep(startAt + (until - startAt) * 0.45 - Date.now());
    record({ at: clock(), action: 'engine-crash' });
    await engine.crash();
    await sleep(between(500, 1_500));
    await engine.start();
    record({ at: clock(), action: 'engine-start' });
  })();
  const restarting = new Set<number>();
  const restarts: Promise<void>[] = [];
  while (Date.now() < until - 1_500) {
    await sleep(between(1_000, 3_000));
    const candidates = team.coordinators.filter((c) => c.up && !restarting.has(c.index));
    if (candidates.length < 2) continue;
    const victim = candidates[Math.floor(Math.random() * candidates.length)]!;
    restarting.add(victim.index);
    record({ at: clock(), action: 'kill', coordinator: victim.index });
    await victim.kill();
    restarts.push(
      (async () => {
        await sleep(between(200, 1_500));
        await victim.start();
        record({ at: clock(), action: 'start', coordinator: victim.index });
        restarting.delete(victim.index);
      })(),
    );
  }
  await Promise.all([engineRestart, ...restarts]);
}

export async function faultRun(engine: Engine, team: Team, options: RunOptions): Promise<RunResult> {
  const project = `fault-${engine.kind}-${Math.random().toString(36).slice(2, 8)}`;
  const locks = Array.from({ length: options.locks }, (_, i) => `fault-lock-${i}`);
  const setup = new FaultClient({ urls: team.urls, home: 0, project, agent: 'fault-setup' });
  await setup.call('register_agent', { agent_id: 'fault-setup', name: 'setup' });
  const dag = taskDag(options.tasks);
  for (let i = 0; i < dag.length; i += 500) {
    const added = await setup.call('add_task', { tasks: dag.slice(i, i + 500) });
    if (!added.ok) throw new Error(`add_task: ${JSON.stringify(added.body)}`);
  }
  const register = await startFencedRegister();
  try {
    const head = await lastId(setup);
    const consumerParams: ConsumerParams = {
      urls: team.urls,
      project,
      graceMs: 20_000,
      consumers: team.urls.flatMap((_, home) => [
        { name: `sse-${home}`, mode: 'sse' as const, home, start: home % 2 === 0 ? 0 : head },
        { name: `poll-${home}`, mode: 'poll' as const, home, start: home % 2 === 0 ? head : 0 },
      ]),
    };
    const drainMs = 60_000;
    const consumers = runWorker<ConsumerRecord>('consumer-worker.ts', consumerParams, (options.seconds + drainMs / 1000 + 240) * 1000);
    const perProcess = Math.ceil(options.clients / options.loadProcesses);
    const loads = Array.from({ length: options.loadProcesses }, (_, p) => {
      const params: LoadParams = {
        urls: team.urls,
        project,
        register: register.url,
        clients: Math.min(perProcess, options.clients - p * perProcess),
        firstClient: p * perProcess,
        locks,
        lockTtlSeconds: 15,
        claimTtlSeconds: 8,
        waitSeconds: 15,
      };
      return runWorker<ClientLine>('load-worker.ts', params, (options.seconds + drainMs / 1000 + 90) * 1000);
    });
    // Starting tsx processes on a busy machine takes seconds: the window opens once all are ready.
    const readyBy = Date.now() + 60_000;
    while (loads.some((l) => !l.lines.some((line) => line.kind === 'ready'))) {
      if (Date.now() > readyBy) throw new Error('the load processes did not get ready within 60 s');
      await sleep(50);
    }
    const startAt = Date.now();
    const runUntil = startAt + options.seconds * 1000;
    const go: LoadGo = { runUntil, drainUntil: runUntil + drainMs };
    for (const l of loads) l.child.stdin?.end(`${JSON.stringify(go)}\n`);
    const actions: ChaosAction[] = [];
    const note = options.note ?? (() => undefined);
    const record = (action: ChaosAction): void => {
      actions.push(action);
      note(`${action.action}${action.coordinator === undefined ? '' : ` coordinator ${action.coordinator}`}`);
    };
    note(`window open for ${options.seconds} s`);
    const chaosDone = options.chaos ? chaos(team, engine, startAt, runUntil, record) : Promise.resolve();
    await chaosDone;
    note('chaos over; clients drain the task pool');
    const lines = (await Promise.all(loads.map((l) => l.done))).flat().filter((l) => l.kind !== 'ready');
    note('load processes done');
    for (const c of team.coordinators) if (!c.up) await c.start();

    const finalId = await lastId(setup);
    consumers.child.stdin?.end(`${JSON.stringify({ drainTo: finalId })}\n`);
    note(`consumers drain to id ${finalId}`);
    const records = await consumers.done;
    note('consumers done');
    const log = await readLog(setup);
    const finalStatus = new Map<string, string>();
    for (let cursor: string | undefined, first = true; first || cursor; first = false) {
      const page = await setup.call('get_all_tasks', { limit: 200, ...(cursor ? { cursor } : {}) });
      for (const t of page.body['tasks'] as { id: string; status: string }[]) finalStatus.set(t.id, t.status);
      cursor = page.body['next_cursor'] as string | undefined;
    }
    return { project, locks, taskIds: dag.map((t) => t.id), lines, writes: register.writes, consumers: records, chaos: actions, log, finalId, finalStatus };
  } finally {
    await register.close();
  }
}
