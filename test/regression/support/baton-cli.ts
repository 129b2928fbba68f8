/**
 * @module Runs the built `baton` command to completion, bounded by a timeout so a
 * command that hangs fails its test instead of stalling the run.
 */
import { execFile } from 'node:child_process';
import { assertBuilt, childEnv, CLI } from '../../support/server.js';

export interface CliResult {
  /** The exit code; null when the command was killed (timeout or signal). */
  code: number | null;
  stdout: string;
  stderr: string;
  elapsedMs: number;
}

/** Runs `baton ...args` with this environment (BATON_* of this process dropped). */
export function runBaton(args: string[], options: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<CliResult> {
  assertBuilt();
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: childEnv(options.env), timeout: options.timeoutMs ?? 20_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ code, stdout, stderr, elapsedMs: Date.now() - started });
    });
  });
}
