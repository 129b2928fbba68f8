import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { enterRequest } from '../transports/http/request-context.js';
import { createServerLogging } from './log.js';
import { prettyLine } from './log-format.js';

const dirs: string[] = [];
const temp = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'baton-log-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const linesOf = (file: string): Record<string, unknown>[] =>
  readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);

describe('server log', () => {
  it('writes one JSON line per entry with its component, the request id and an error with its cause', async () => {
    const file = join(temp(), 'logs', 'server.log');
    const logging = createServerLogging({ file, level: 'info' });
    logging.component('hub').info('started');
    await new Promise<void>((resolve) => {
      setImmediate(() => {
        enterRequest('req-42');
        logging.component('store').error('apply failed', new Error('outer', { cause: new Error('disk full') }));
        logging.request({ reqId: 'req-42', method: 'POST', path: '/api/v1/locks/x/acquire', status: 500, ms: 1.5 });
        resolve();
      });
    });
    logging.component('hub').error('plain', { code: 7 });
    logging.close();
    const [started, failed, access, plain] = linesOf(file);
    expect(started).toMatchObject({ level: 30, component: 'hub', msg: 'started' });
    expect(started).not.toHaveProperty('reqId');
    expect(failed).toMatchObject({ level: 50, component: 'store', reqId: 'req-42', msg: 'apply failed', err: { message: 'outer' } });
    expect((failed?.['err'] as { cause?: { message?: string } }).cause?.message).toBe('disk full');
    expect(access).toMatchObject({ component: 'http', reqId: 'req-42', method: 'POST', status: 500, msg: 'request' });
    expect(plain).toMatchObject({ detail: { code: 7 } });
  });

  it('honours the level and refuses an unknown one', () => {
    const file = join(temp(), 'server.log');
    const logging = createServerLogging({ file, level: 'error' });
    logging.component('hub').info('hidden');
    logging.component('hub').error('shown');
    logging.close();
    expect(linesOf(file).map((l) => l['msg'])).toEqual(['shown']);
    expect(() => createServerLogging({ level: 'loud' })).toThrow(/LOG_LEVEL 'loud'.*info/);
  });

  it('rotates by size, keeping the newest generations', () => {
    const dir = temp();
    const file = join(dir, 'server.log');
    const logging = createServerLogging({ file, maxBytes: 1_000, keep: 2 });
    for (let i = 0; i < 100; i++) logging.component('http').info(`line ${i} ${'x'.repeat(50)}`);
    logging.close();
    expect(readdirSync(dir).sort()).toEqual(['server.log', 'server.log.1', 'server.log.2']);
    for (const name of readdirSync(dir)) expect(readFileSync(join(dir, name)).length).toBeLessThanOrEqual(1_000);
    const last = linesOf(file).at(-1);
    expect(last?.['msg']).toMatch(/^line 99 /);
    expect(linesOf(join(dir, 'server.log.1')).at(-1)?.['msg']).toMatch(/^line \d+ /);
  });

  it('formats a line for people, and shows a line that is not JSON as it is', () => {
    const line = JSON.stringify({ level: 50, time: Date.UTC(2026, 0, 1, 12, 0, 0), pid: 1, component: 'hub', reqId: 'r1', msg: 'command x failed', err: { stack: 'Error: boom\n    at f', cause: { message: 'disk full' } }, extra: 'a b' });
    const pretty = prettyLine(line, false);
    expect(pretty).toBe('12:00:00.000 ERROR [hub] command x failed req=r1 extra="a b"\n    Error: boom\n        at f\n    caused by: disk full\n');
    expect(prettyLine('not json', false)).toBe('not json\n');
    expect(prettyLine('[1,2]', true)).toBe('[1,2]\n');
    expect(prettyLine(JSON.stringify({ level: 30, msg: 'hi' }), true)).toContain('\u001B[32m');
  });
});
