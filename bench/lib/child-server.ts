/**
 * @module Servers under test in their own process, so the load generator and the
 * server do not share one event loop (and, on two cores, get one core each). The
 * child prints its URL as the first line of stdout, as `baton start` does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

export interface ChildServer {
  url: string;
  pid: number;
  /** SIGTERM, then SIGKILL if the child has not exited within the grace period. */
  stop(graceMs?: number): Promise<void>;
}

export interface SpawnServerOptions {
  /** Arguments to node (script first). */
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  startTimeoutMs?: number;
}

async function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return true;
  let timer: NodeJS.Timeout | undefined;
  const exited = await Promise.race([
    once(child, 'exit').then(() => true),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => { resolve(false); }, ms))),
  ]);
  clearTimeout(timer);
  return exited;
}

export async function spawnServer(options: SpawnServerOptions): Promise<ChildServer> {
  const child = spawn(process.execPath, options.args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  child.stdout.setEncoding('utf8');
  const stop = async (graceMs = 5000): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    if (!(await waitExit(child, graceMs))) {
      child.kill('SIGKILL');
      await waitExit(child, graceMs);
    }
  };

  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    let settled = false;
    const timer = setTimeout(() => {
      fail(new Error(`server did not print its URL within ${options.startTimeoutMs ?? 15_000} ms`));
    }, options.startTimeoutMs ?? 15_000);
    function fail(error: Error): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void stop(1000);
      reject(new Error(`${error.message}: node ${options.args.join(' ')}\n${stderr}`));
    }
    child.stdout.on('data', (chunk: string) => {
      if (settled) return;
      stdout += chunk;
      const newline = stdout.indexOf('\n');
      if (newline < 0) return;
      const first = stdout.slice(0, newline).trim();
      if (!/^https?:\/\//.test(first)) {
        fail(new Error(`unexpected first line '${first}'`));
        return;
      }
      settled = true;
      clearTimeout(timer);
      resolve(first);
    });
    child.once('exit', (code, signal) => {
      fail(new Error(`server exited early (${signal ?? `code ${code}`})`));
    });
  });
  // Keep draining stdout so a chatty child never blocks on a full pipe.
  child.stdout.resume();
  return { url, pid: child.pid ?? -1, stop };
}
