/**
 * @module A team of coordinator processes on one engine: each runs the built
 * `baton start` on its own fixed port and data directory with the shared store
 * namespace, so a coordinator can be SIGKILLed and started again at the same URL
 * (as behind a load balancer) while clients keep their address list.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { freePort, type Engine } from './engines.js';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(REPO_ROOT, 'dist', 'cli', 'main.js');
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Coordinator processes still running; killed if the test process exits without destroying its team. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** The environment for a child: this process's, without BATON_* settings that would leak in. */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('BATON_')) env[name] = value;
  return { ...env, ...extra };
}

export function assertBuilt(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does).`);
}

export interface Coordinator {
  readonly index: number;
  readonly url: string;
  /** Whether the process is running (false between a kill and the next start). */
  readonly up: boolean;
  /** How many times this coordinator was started. */
  readonly starts: number;
  start(): Promise<void>;
  /** SIGKILL, then waits for the exit. */
  kill(): Promise<void>;
  /** SIGSTOP (a stalled process: its sockets stay open, it runs nothing) or SIGCONT. */
  freeze(frozen: boolean): void;
  /** Everything its processes wrote to stderr (last 50 kB), for failure messages. */
  stderr(): string;
}

async function healthy(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) });
    return res.ok;
  } catch {
    return false;
  }
}

function createCoordinator(index: number, port: number, engine: Engine, namespace: string, dataDir: string): Coordinator {
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let errText = '';
  let starts = 0;

  const launch = async (): Promise<void> => {
    const proc = spawn(process.execPath, [CLI, 'start', '--port', String(port), '--data-dir', dataDir, '--store', engine.kind, '--store-url', engine.url], {
      env: childEnv({ BATON_STORE_NAMESPACE: namespace }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    running.add(proc);
    starts++;
    proc.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      errText = (errText + chunk).slice(-50_000);
    });
    exited = new Promise((resolve) => proc.once('exit', () => {
      running.delete(proc);
      resolve();
    }));
    const lines = createInterface({ input: proc.stdout });
    const first = await new Promise<string | null>((resolve) => {
      lines.once('line', resolve);
      void exited.then(() => {
        resolve(null);
      });
    });
    lines.on('line', () => undefined);
    if (first === null) throw new Error(`coordinator ${index} exited before printing its URL`);
    if (first.trim() !== url) throw new Error(`coordinator ${index} printed ${first}, expected ${url}`);
    const deadline = Date.now() + 15_000;
    while (!(await healthy(url))) {
      if (Date.now() > deadline) throw new Error(`coordinator ${index} is not healthy after 15 s`);
      await sleep(50);
    }
  };

  const coordinator: Coordinator = {
    index,
    url,
    get up() {
      return child !== undefined && child.exitCode === null && child.signalCode === null;
    },
    get starts() {
      return starts;
    },
    async start() {
      // The store may be down (engine restart) or the port not yet free: try again for a while.
      const deadline = Date.now() + 30_000;
      for (;;) {
        try {
          await launch();
          return;
        } catch (error) {
          await coordinator.kill();
          if (Date.now() > deadline) throw new Error(`${String(error)}\nstderr:\n${errText.slice(-4_000)}`);
          await sleep(300);
        }
      }
    },
    async kill() {
      if (coordinator.up) child?.kill('SIGKILL');
      await exited;
    },
    freeze(frozen) {
      if (coordinator.up) child?.kill(frozen ? 'SIGSTOP' : 'SIGCONT');
    },
    stderr: () => errText,
  };
  return coordinator;
}

export interface Team {
  readonly coordinators: Coordinator[];
  readonly urls: string[];
  /** Kills every coordinator and removes their data directories. */
  destroy(): Promise<void>;
}

/** Starts `size` coordinators sharing `namespace` on `engine`. */
export async function startTeam(engine: Engine, namespace: string, size = 3): Promise<Team> {
  assertBuilt();
  const root = mkdtempSync(join(tmpdir(), 'baton-fault-team-'));
  const coordinators: Coordinator[] = [];
  for (let i = 0; i < size; i++) coordinators.push(createCoordinator(i, await freePort(), engine, namespace, join(root, `c${i}`)));
  try {
    // One at a time: the first one migrates the schema.
    for (const c of coordinators) await c.start();
  } catch (error) {
    await Promise.all(coordinators.map((c) => c.kill()));
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
  return {
    coordinators,
    urls: coordinators.map((c) => c.url),
    async destroy() {
      await Promise.all(coordinators.map((c) => c.kill()));
      rmSync(root, { recursive: true, force: true });
    },
  };
}
