/**
 * @module The built `baton` client commands as a script runs them: to completion
 * (`baton(args)`), or as a live process to signal (`spawnBaton`), against one
 * server named by BATON_URL and one project.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { assertBuilt, childEnv, CLI } from './server.js';

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  elapsedMs: number;
}

export interface LiveBaton {
  child: ChildProcess;
  done: Promise<CliRun>;
  /** What it wrote to stdout and stderr so far. */
  stdout: () => string;
  stderr: () => string;
}

export function spawnBaton(args: readonly string[], env: Record<string, string> = {}, timeoutMs = 60_000): LiveBaton {
  assertBuilt();
  const started = Date.now();
  const child = spawn(process.execPath, [CLI, ...args], { env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const done = new Promise<CliRun>((resolve) => {
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, elapsedMs: Date.now() - started });
    });
  });
  return { child, done, stdout: () => stdout, stderr: () => stderr };
}

export const baton = (args: readonly string[], env: Record<string, string> = {}, timeoutMs = 30_000): Promise<CliRun> => spawnBaton(args, env, timeoutMs).done;

/** Resolves once `predicate` holds, polling every 50 ms; throws after `timeoutMs`. */
export async function until(predicate: () => boolean, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** True while the process runs; a zombie (exited, not yet reaped: a container's init may never reap) is not. */
export const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
};
