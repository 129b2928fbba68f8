/**
 * @module Runs the built hook shim (dist/hooks/shim.js) as a process, with stdin, an
 * environment of its own (no BATON_* of the test's) and a working directory.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { childEnv, REPO_ROOT } from './server.js';

export const SHIM = join(REPO_ROOT, 'dist', 'hooks', 'shim.js');

export interface ShimRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runShim(args: string[], stdin: string, env: Record<string, string>, cwd?: string): Promise<ShimRun> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [SHIM, ...args], { env: childEnv(env), cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', fail);
    child.on('close', (code) => {
      done({ code, stdout, stderr });
    });
    child.stdin.end(stdin);
  });
}
