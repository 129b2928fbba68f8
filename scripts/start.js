#!/usr/bin/env node
/**
 * `npm start [-- flags]`: build when dist/ is missing or older than src/, then run
 * `baton start` in this very process, so npm's signals reach the server itself
 * (SIGINT/SIGTERM shut it down gracefully). npm runs this through a shell; if
 * that shell dies without passing the signal on (SIGTERM to npm's pid), this
 * process notices it was orphaned and shuts down too, instead of keeping the
 * port. Flags after `--` go to `baton start`.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist', 'cli', 'main.js');

/** The newest modification time of the sources under a directory (tests are not built). */
function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(path));
    else if (!entry.name.endsWith('.test.ts')) latest = Math.max(latest, statSync(path).mtimeMs);
  }
  return latest;
}

// Taken first: a shell that dies while this builds leaves this process orphaned before the watch below starts.
const parent = process.ppid;

const built = statSync(cli, { throwIfNoEntry: false })?.mtimeMs ?? 0;
if (built < Math.max(newest(join(root, 'src')), statSync(join(root, 'package.json')).mtimeMs)) {
  process.stderr.write(built === 0 ? '[baton] no build yet: npm run build\n' : '[baton] src/ changed since the last build: npm run build\n');
  const result = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

// Orphaned (the shell npm started us through is gone): shut down as on SIGTERM.
setInterval(() => {
  if (process.ppid !== parent) process.kill(process.pid, 'SIGTERM');
}, 500).unref();

process.argv = [process.argv[0], cli, 'start', ...process.argv.slice(2)];
await import(pathToFileURL(cli).href);
