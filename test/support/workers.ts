/**
 * @module Worker processes for race and crash tests: runs a TypeScript file with
 * `node --import tsx`, passes parameters as one JSON argument, and collects the
 * JSON lines it prints on stdout.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { childEnv, REPO_ROOT } from './server.js';

export interface WorkerRun<TLine> {
  readonly child: ChildProcess;
  /** Lines parsed so far. */
  readonly lines: TLine[];
  /** Resolves when the process exits, with every line it printed; rejects on a non-zero exit. */
  done: Promise<TLine[]>;
  kill(): void;
}

const live = new Set<ChildProcess>();

export function runWorker<TLine>(file: string, params: unknown, options: { timeoutMs?: number } = {}): WorkerRun<TLine> {
  const child = spawn(process.execPath, ['--import', 'tsx', file, JSON.stringify(params)], {
    cwd: REPO_ROOT,
    env: childEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  const lines: TLine[] = [];
  let errText = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    errText += chunk;
  });
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (line.trim() !== '') lines.push(JSON.parse(line) as TLine);
  });
  const timeoutMs = options.timeoutMs ?? 60_000;
  const done = new Promise<TLine[]>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`Worker ${file} ran past ${timeoutMs} ms. stderr:\n${errText}`));
    }, timeoutMs);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      live.delete(child);
      if (code === 0) resolve(lines);
      else reject(new Error(`Worker ${file} exited with ${code ?? signal}. stderr:\n${errText}`));
    });
  });
  return {
    child,
    lines,
    done,
    kill: () => {
      child.kill('SIGKILL');
    },
  };
}

/** Kills every worker still running (after a failed test). */
export function killWorkers(): void {
  for (const child of live) child.kill('SIGKILL');
  live.clear();
}
