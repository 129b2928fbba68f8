/**
 * @module `baton status` as a CI job uses it, built CLI against real servers: it
 * finds the server as every client command does (--url, BATON_URL, the data
 * directory's record; --data-dir beats BATON_URL), sends BATON_TOKEN for the
 * project summary, and exits 0 when a server answers healthy, 69 when none answers
 * (nothing listening, no record, a recorded process that does not serve, another
 * program on the port, or a server whose store is down), 2 for a bad URL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisEngine } from '../fault/support/engines.js';
import { baton } from '../support/cli-process.js';
import { cleanupAll, randomId, startServer, tempDir, type ServerProcess } from '../support/server.js';

let server: ServerProcess;
const project = randomId('status');

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await cleanupAll();
});

interface StatusJson {
  running: boolean;
  url?: string;
  source?: string;
  pid?: number;
  health?: { status: string };
  project?: { id: string };
  coordinator?: { project: string };
  coordinator_error?: string;
  error?: { code: string; message: string; hint: string; exit_code: number };
}

async function status(args: string[], env: Record<string, string> = {}, code = 0): Promise<StatusJson> {
  const r = await baton(['status', ...args, '--json'], { BATON_PROJECT: project, ...env });
  expect(r.code, `${args.join(' ')}: ${r.stderr}${r.stdout}`).toBe(code);
  return JSON.parse(r.stdout) as StatusJson;
}

describe('baton status finds the server as client commands do', () => {
  it('by --url, by BATON_URL and by the data directory, with the project at a glance', async () => {
    const byFlag = await status(['--url', server.url]);
    expect(byFlag).toMatchObject({ running: true, url: server.url, source: 'flag', health: { status: 'ok' }, project: { id: project }, coordinator: { project } });
    expect(byFlag).not.toHaveProperty('error');
    expect(byFlag).not.toHaveProperty('pid');
    expect(await status([], { BATON_URL: server.url })).toMatchObject({ running: true, url: server.url, source: 'env' });
    expect(await status(['--data-dir', server.dataDir])).toMatchObject({ running: true, url: server.url, source: 'data-dir', pid: server.child.pid });
    const human = await baton(['status', '--url', server.url], { BATON_PROJECT: project, NO_COLOR: '1' });
    expect(human.code).toBe(0);
    expect(human.stdout).toContain(`Baton is running at ${server.url}.`);
    expect(human.stdout).toContain(`Project here: ${project} (chosen with BATON_PROJECT`);
    expect(human.stdout).toMatch(/^Tasks: /m);
  });

  it('an explicit --data-dir beats BATON_URL (a flag beats the environment), for status as for lock list', async () => {
    const elsewhere = { BATON_URL: 'http://127.0.0.1:9' };
    expect(await status(['--data-dir', server.dataDir], elsewhere)).toMatchObject({ running: true, url: server.url, source: 'data-dir' });
    expect((await baton(['lock', 'list', '--data-dir', server.dataDir], { ...elsewhere, BATON_PROJECT: project })).code).toBe(0);
  });

  it('sends BATON_TOKEN: without it a guarded server still answers /health, and the summary says why it is missing', async () => {
    const token = 'a-status-token-of-enough-length';
    const guarded = await startServer({ env: { BATON_TOKENS: JSON.stringify([{ token, role: 'agent' }]) } });
    const anonymous = await status(['--url', guarded.url]);
    expect(anonymous).toMatchObject({ running: true, coordinator_error: expect.stringMatching(/token|auth/i) as string });
    expect(await status(['--url', guarded.url], { BATON_TOKEN: token })).toMatchObject({ running: true, coordinator: { project } });
  });
});

describe('baton status exits 69 when no server can be used', () => {
  it('nothing listens at the URL', async () => {
    const down = await status(['--url', 'http://127.0.0.1:9'], {}, 69);
    expect(down).toMatchObject({ running: false, url: 'http://127.0.0.1:9', project: { id: project }, error: { code: 'UNREACHABLE', exit_code: 69, hint: expect.stringContaining('baton start --daemon') as string } });
    const human = await baton(['status'], { BATON_URL: 'http://127.0.0.1:9', BATON_PROJECT: project });
    expect(human.code).toBe(69);
    expect(human.stdout).toMatch(/Cannot reach the Baton server at http:\/\/127\.0\.0\.1:9/);
    expect(human.stdout).toContain(`Project here: ${project}`);
  });

  it('no server is recorded for the data directory, or the recorded process does not serve', async () => {
    const empty = tempDir();
    expect(await status(['--data-dir', empty], {}, 69)).toMatchObject({ running: false, error: { code: 'UNREACHABLE', message: `No Baton server is running for ${empty}.` } });
    // A live process that is not serving: the record names it, nothing answers on its port.
    const stuck: ChildProcess = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      const dataDir = tempDir();
      writeFileSync(join(dataDir, 'server.json'), JSON.stringify({ pid: stuck.pid, url: 'http://127.0.0.1:9', startedAt: new Date().toISOString(), dataDir }));
      const hung = await status(['--data-dir', dataDir], {}, 69);
      expect(hung).toMatchObject({ running: false, pid: stuck.pid, source: 'data-dir', error: { code: 'UNREACHABLE' } });
      expect(hung.error?.message).toContain(`Process ${stuck.pid}`);
    } finally {
      stuck.kill('SIGKILL');
    }
  });

  it('another program answers on the port', async () => {
    const other: Server = createServer((_req, res) => {
      res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>not here</h1>');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
      expect(await status(['--url', url], {}, 69)).toMatchObject({ running: false, error: { code: 'UNREACHABLE', message: expect.stringContaining('not as a Baton server does') as string } });
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
  });

  it('the server answers but its store is down (STORE_UNAVAILABLE)', async () => {
    const redis = await startRedisEngine({ persistent: false });
    try {
      const onRedis = await startServer({ env: { BATON_STORE: 'redis', BATON_STORE_URL: redis.url, BATON_STORE_NAMESPACE: randomId('status') } });
      expect(await status(['--url', onRedis.url])).toMatchObject({ running: true, health: { status: 'ok' } });
      await redis.crash();
      let last: { code: number | null; body: StatusJson } | undefined;
      for (const deadline = Date.now() + 20_000; last?.body.error?.code !== 'STORE_UNAVAILABLE' && Date.now() < deadline; ) {
        const r = await baton(['status', '--url', onRedis.url, '--json'], { BATON_PROJECT: project });
        last = { code: r.code, body: JSON.parse(r.stdout) as StatusJson };
      }
      expect(last?.code).toBe(69);
      expect(last?.body).toMatchObject({ running: true, url: onRedis.url, health: { status: 'unavailable' }, error: { code: 'STORE_UNAVAILABLE', exit_code: 69 } });
    } finally {
      await redis.destroy();
    }
  });

  it('a URL that is not one is a usage mistake (2)', async () => {
    expect(await status(['--url', 'not a url'], {}, 2)).toMatchObject({ error: { code: 'USAGE' } });
  });
});
