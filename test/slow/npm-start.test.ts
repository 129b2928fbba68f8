/**
 * @module `npm start` (scripts/start.js) on a stale build, in a copy of the
 * repository (its own src/ and dist/, node_modules linked), so the rebuild never
 * touches the dist/ other suites run: the build runs first (tsc, so this is in
 * `npm run test:slow`), the server then serves the new build, a SIGTERM to npm's
 * own pid stops the server and frees its port (nothing orphaned), and a second
 * `npm start` on the fresh build starts without building.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, readFileSync, realpathSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { alive, until } from '../support/cli-process.js';
import { assertBuilt, childEnv, cleanupAll, REPO_ROOT, tempDir } from '../support/server.js';

const started = new Set<ChildProcess>();

afterAll(async () => {
  for (const child of started) child.kill('SIGKILL');
  await cleanupAll();
});

/** A copy of what `npm start` and `npm run build` read, with the current build in it. */
function repositoryCopy(): string {
  assertBuilt();
  const root = tempDir('baton-npm-start-');
  for (const entry of ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'scripts', 'src', 'dist']) cpSync(join(REPO_ROOT, entry), join(root, entry), { recursive: true });
  symlinkSync(realpathSync(join(REPO_ROOT, 'node_modules')), join(root, 'node_modules'), 'dir');
  return root;
}

interface NpmStart {
  npm: ChildProcess;
  url: string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function npmStart(root: string, dataDir: string, timeoutMs: number): Promise<NpmStart> {
  const npm = spawn('npm', ['start', '--', '--port', '0', '--data-dir', dataDir], { cwd: root, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  started.add(npm);
  let stderr = '';
  npm.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => { resolve(code); }));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error(`npm start printed no URL within ${timeoutMs} ms: ${stderr}`)); }, timeoutMs);
    createInterface({ input: npm.stdout }).on('line', (line) => {
      if (!line.startsWith('http://')) return;
      clearTimeout(timer);
      resolve({ npm, url: line.trim(), stderr: () => stderr, exited });
    });
    void exited.then((code) => { reject(new Error(`npm start exited ${code}: ${stderr}`)); });
  });
}

/** True when something accepts connections on the port. */
const listening = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => { resolve(false); });
  });

/** SIGTERM to npm's own pid: the server (another pid) must stop and leave the port free. */
async function stopThroughNpm(run: NpmStart, dataDir: string): Promise<void> {
  const record = JSON.parse(readFileSync(join(dataDir, 'server.json'), 'utf8')) as { pid: number; url: string };
  expect(record.url).toBe(run.url);
  expect(record.pid).not.toBe(run.npm.pid);
  const port = Number(new URL(run.url).port);
  expect(await listening(port)).toBe(true);
  run.npm.kill('SIGTERM');
  await until(() => !alive(record.pid), 15_000, 'the server to stop after SIGTERM to npm');
  await run.exited;
  expect(await listening(port)).toBe(false);
  expect(existsSync(join(dataDir, 'server.json'))).toBe(false);
}

describe('npm start', () => {
  it('rebuilds a stale dist first, serves the new build, and SIGTERM to npm orphans nothing on its port', { timeout: 300_000 }, async () => {
    const root = repositoryCopy();
    const dataDir = tempDir();
    // Stale: a source file newer than the build, and a file the old build has but the new one will not.
    const anHourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(join(root, 'dist', 'cli', 'main.js'), anHourAgo, anHourAgo);
    writeFileSync(join(root, 'dist', 'left-over.js'), '// from an older build\n');
    writeFileSync(join(root, 'src', 'rebuilt-probe.ts'), "/** @module Written by the npm start test: its output proves the build ran over the current src/. */\nexport const REBUILT = true;\n");

    const first = await npmStart(root, dataDir, 240_000);
    expect(first.stderr()).toContain('[baton] src/ changed since the last build: npm run build');
    expect(existsSync(join(root, 'dist', 'rebuilt-probe.js'))).toBe(true);
    expect(existsSync(join(root, 'dist', 'left-over.js'))).toBe(false);
    expect(await (await fetch(`${first.url}/health`)).json()).toMatchObject({ status: 'ok' });
    await stopThroughNpm(first, dataDir);

    // Fresh now: no build, the server starts at once.
    const second = await npmStart(root, dataDir, 30_000);
    expect(second.stderr()).not.toContain('npm run build');
    await stopThroughNpm(second, dataDir);
  });
});
