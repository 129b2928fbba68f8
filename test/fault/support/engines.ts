/**
 * @module Private storage engines for fault tests: a `redis-server` (by default
 * AOF with fsync on every write, no RDB; or without persistence, or with extra
 * settings such as maxmemory) and a PostgreSQL cluster made with `initdb`, each
 * in a temporary directory on a free port, so a test can restart (or crash) its
 * own engine without disturbing anything else on the machine.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type EngineKind = 'redis' | 'postgres';

export interface Engine {
  readonly kind: EngineKind;
  /** The URL coordinators connect to (`--store-url`). */
  readonly url: string;
  /** Stops the engine hard (SIGKILL for Redis, `pg_ctl stop -m immediate` for PostgreSQL). */
  crash(): Promise<void>;
  /** Starts it again on the same data directory and port; resolves once it answers. */
  start(): Promise<void>;
  /** Stops it and removes its directory. */
  destroy(): Promise<void>;
}

const PG_BIN = '/usr/lib/postgresql/15/bin';

/** Synchronous stops for every engine still running, run if the test process exits without destroying them. */
const leftovers = new Map<string, () => void>();
process.once('exit', () => {
  for (const stop of leftovers.values()) stop();
});
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Why this machine cannot run the engine, or null when it can. */
export function engineUnavailable(kind: EngineKind): string | null {
  if (kind === 'redis') return spawnSync('redis-server', ['--version']).status === 0 ? null : 'redis-server is not on PATH';
  if (!existsSync(join(PG_BIN, 'initdb'))) return `${PG_BIN}/initdb is missing`;
  if (process.getuid?.() === 0 && spawnSync('id', ['-u', 'postgres']).status !== 0) return 'running as root without a postgres user for initdb';
  return null;
}

/** A TCP port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

/** Sends one inline command over a raw socket and resolves with the first reply line. */
function redisCommand(port: number, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.setTimeout(1_000, () => socket.destroy(new Error('timeout')));
    socket.on('connect', () => socket.write(`${command}\r\n`));
    socket.on('data', (chunk) => {
      text += chunk.toString('utf8');
      if (text.includes('\r\n')) {
        socket.end();
        resolve(text.split('\r\n')[0] ?? '');
      }
    });
    socket.on('error', reject);
  });
}

async function until(what: string, timeoutMs: number, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    await sleep(50);
  }
  throw new Error(`${what} did not come up within ${timeoutMs} ms`);
}

export interface RedisEngineOptions {
  /** Keep data across restarts (AOF, fsync always). Default true; false keeps nothing on disk. */
  persistent?: boolean;
  /** More `redis-server` arguments, e.g. ['--maxmemory', '2mb']. */
  args?: string[];
}

export async function startRedisEngine(options: RedisEngineOptions = {}): Promise<Engine> {
  const dir = mkdtempSync(join(tmpdir(), 'baton-fault-redis-'));
  const port = await freePort();
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let log = '';

  const start = async (): Promise<void> => {
    const persistence = options.persistent === false ? ['--appendonly', 'no'] : ['--appendonly', 'yes', '--appendfsync', 'always'];
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, ...persistence, '--save', '', '--daemonize', 'no', '--protected-mode', 'no', ...(options.args ?? [])];
    const proc = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    proc.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      log = (log + chunk).slice(-20_000);
    });
    proc.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      log = (log + chunk).slice(-20_000);
    });
    exited = new Promise((resolve) => proc.once('exit', () => {
      resolve();
    }));
    // LOADING while the AOF is replayed: wait for a real PONG.
    await until(`redis-server on ${port} (log: ${log})`, 20_000, async () => (await redisCommand(port, 'PING')) === '+PONG');
  };
  const crash = async (): Promise<void> => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  await start();
  leftovers.set(dir, () => {
    child?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    kind: 'redis',
    url: `redis://127.0.0.1:${port}`,
    crash,
    start,
    async destroy() {
      leftovers.delete(dir);
      await crash();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs a PostgreSQL tool as the `postgres` user when we are root (initdb refuses root); never blocks the event loop. */
function pgTool(tool: string, args: string[]): Promise<{ ok: boolean; output: string }> {
  const asRoot = process.getuid?.() === 0;
  const command = asRoot ? 'runuser' : join(PG_BIN, tool);
  const argv = asRoot ? ['-u', 'postgres', '--', join(PG_BIN, tool), ...args] : args;
  return new Promise((resolve) => {
    execFile(command, argv, { encoding: 'utf8', timeout: 90_000 }, (error, stdout, stderr) => {
      resolve({ ok: error === null, output: `${stdout}${stderr}` });
    });
  });
}

export async function startPostgresEngine(): Promise<Engine> {
  const dir = mkdtempSync(join(tmpdir(), 'baton-fault-pg-'));
  const data = join(dir, 'data');
  const sockets = join(dir, 'sock');
  mkdirSync(sockets);
  if (process.getuid?.() === 0) {
    const pgUser = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const pgGroup = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    chownSync(dir, Number(pgUser.stdout.trim()), Number(pgGroup.stdout.trim()));
    chownSync(sockets, Number(pgUser.stdout.trim()), Number(pgGroup.stdout.trim()));
  }
  const port = await freePort();
  const init = await pgTool('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  if (!init.ok) throw new Error(`initdb failed: ${init.output}`);
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -k ${sockets} -c max_connections=200 -c fsync=on`;

  const start = async (): Promise<void> => {
    const started = await pgTool('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-o', options, '-w', '-t', '60', 'start']);
    if (!started.ok) throw new Error(`pg_ctl start failed: ${started.output}`);
    await until(`postgres on ${port}`, 20_000, async () => (await pgTool('pg_isready', ['-h', '127.0.0.1', '-p', String(port)])).ok);
  };
  const stop = async (mode: 'immediate' | 'fast'): Promise<void> => {
    await pgTool('pg_ctl', ['-D', data, '-m', mode, '-w', 'stop']);
  };
  await start();
  leftovers.set(dir, () => {
    const asRoot = process.getuid?.() === 0;
    const args = ['-D', data, '-m', 'immediate', '-w', 'stop'];
    spawnSync(asRoot ? 'runuser' : join(PG_BIN, 'pg_ctl'), asRoot ? ['-u', 'postgres', '--', join(PG_BIN, 'pg_ctl'), ...args] : args, { timeout: 30_000 });
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    kind: 'postgres',
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    crash: () => stop('immediate'),
    start,
    async destroy() {
      leftovers.delete(dir);
      await stop('immediate');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const startEngine = (kind: EngineKind): Promise<Engine> => (kind === 'redis' ? startRedisEngine() : startPostgresEngine());
