/**
 * @module Issue 7, item 18: the start-up errors a newcomer meets were raw or wrong
 * (a bare EADDRINUSE or EEXIST, a zod dump for BATON_TOKENS, an unvalidated
 * BATON_PORT, a config.json error that did not name the file, and a failed
 * `--daemon` that reported a 15 s timeout after 2 s). Each is now one line that
 * says what is wrong and what to do, and a failed daemon reports its own error
 * at once.
 */
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupAll, tempDir } from '../support/server.js';
import { runBaton, type CliResult } from './support/baton-cli.js';

let blocker: Server;
let busyPort = 0;

beforeAll(async () => {
  blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const address = blocker.address();
  busyPort = typeof address === 'object' && address ? address.port : 0;
});

afterAll(async () => {
  await new Promise((resolve) => blocker.close(resolve));
  await cleanupAll();
});

/** The single line a failed start printed; fails unless it printed exactly one and exited 1. */
function oneLine(result: CliResult): string {
  expect(result.code, result.stderr).toBe(1);
  const lines = result.stderr.trim().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^baton: /);
  return lines[0] ?? '';
}

function dataDirWith(config: string): string {
  const dir = tempDir();
  writeFileSync(join(dir, 'config.json'), config);
  return dir;
}

describe('start-up errors are one clear line', () => {
  it('says a busy port is in use, by whom to ask, and how to pick another', async () => {
    const line = oneLine(await runBaton(['start', '--port', String(busyPort), '--data-dir', tempDir()]));
    expect(line).toBe(`baton: port ${busyPort} is in use (by another Baton? run: baton status); pick another with --port`);
  });

  it('reports the daemon’s own failure at once instead of a start-up timeout', async () => {
    const result = await runBaton(['start', '--daemon', '--port', String(busyPort), '--data-dir', tempDir()]);
    const line = oneLine(result);
    expect(line).toContain(`port ${busyPort} is in use`);
    expect(line).not.toMatch(/did not start within/);
    expect(result.elapsedMs).toBeLessThan(10_000);
  });

  it('says a data directory that is a file is not a directory', async () => {
    const file = join(tempDir(), 'not-a-dir');
    writeFileSync(file, '');
    const line = oneLine(await runBaton(['start', '--port', '0', '--data-dir', file]));
    expect(line).toContain(file);
    expect(line).toMatch(/not a directory/);
    expect(line).toMatch(/--data-dir/);
    expect(line).not.toMatch(/EEXIST/);
  });

  it('names BATON_TOKENS and the 16-character minimum for a short token, without a schema dump', async () => {
    const line = oneLine(await runBaton(['start', '--port', '0', '--data-dir', tempDir()], { env: { BATON_TOKENS: '[{"token":"short","role":"agent"}]' } }));
    expect(line).toMatch(/BATON_TOKENS/);
    expect(line).toMatch(/16 characters/);
  });

  it('names BATON_TOKENS when it is not JSON', async () => {
    const line = oneLine(await runBaton(['start', '--port', '0', '--data-dir', tempDir()], { env: { BATON_TOKENS: 'secret-token' } }));
    expect(line).toMatch(/BATON_TOKENS.*JSON/);
  });

  it('validates BATON_PORT like --port', async () => {
    const line = oneLine(await runBaton(['start', '--data-dir', tempDir()], { env: { BATON_PORT: 'abc' } }));
    expect(line).toMatch(/BATON_PORT/);
    expect(line).toMatch(/0 to 65535/);
  });

  it('names config.json when it is not valid JSON', async () => {
    const dir = dataDirWith('{ "port": 3100,');
    const line = oneLine(await runBaton(['start', '--port', '0', '--data-dir', dir]));
    expect(line).toContain(join(dir, 'config.json'));
    expect(line).toMatch(/not valid JSON/);
  });

  it('names config.json and each wrong field, unknown settings included', async () => {
    const dir = dataDirWith('{ "port": "3100", "prot": 1 }');
    const line = oneLine(await runBaton(['start', '--port', '0', '--data-dir', dir]));
    expect(line).toContain(join(dir, 'config.json'));
    expect(line).toMatch(/port: /);
    expect(line).toMatch(/unknown setting "prot"/);
  });
});
