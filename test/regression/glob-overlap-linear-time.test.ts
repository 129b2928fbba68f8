/**
 * @module Issue 7, item 7: one glob froze the server for good. A `*` became a
 * backtracking RegExp (`*a*a*…*c` against a long literal) and brace groups were
 * expanded before their cap applied (`{a,b}` forty times). Overlap must take time
 * bounded by the globs' lengths, and too many brace groups answer INVALID_INPUT.
 * The core checks run in a child process with a timeout, so a hang fails the test.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { assertBuilt, cleanupAll, createClient, REPO_ROOT, registerAgent, startServer } from '../support/server.js';

afterAll(cleanupAll);

const STARS = '*a*a*a*a*a*a*a*a*a*a*a*a*c';
const BRACES = '{a,b}'.repeat(40);

/** Runs `script` (an ES module body that may import `glob`) in a child node; fails after `timeoutMs`. */
function runBounded(script: string, timeoutMs: number): Promise<{ killed: boolean; stdout: string; stderr: string }> {
  assertBuilt();
  const glob = pathToFileURL(join(REPO_ROOT, 'dist', 'core', 'leases', 'glob-overlap.js')).href;
  const source = `import * as glob from ${JSON.stringify(glob)};\n${script}`;
  return new Promise((resolve) => {
    execFile(process.execPath, ['--input-type=module', '-e', source], { timeout: timeoutMs }, (error, stdout, stderr) => {
      resolve({ killed: error?.killed ?? false, stdout, stderr });
    });
  });
}

describe('glob overlap takes bounded time', () => {
  it('decides adversarial globs against long literals and each other within a few seconds in all', async () => {
    const script = `
      const long = 'a'.repeat(60);
      const cases = [
        [${JSON.stringify(STARS)}, long],
        [${JSON.stringify(STARS)}, 'src/' + long],
        [${JSON.stringify(BRACES)}, long],
        [${JSON.stringify(BRACES)}, ${JSON.stringify(BRACES)}],
        ['*a'.repeat(240) + 'c', 'a'.repeat(499)],
        ['{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}' + '*a'.repeat(200) + 'c', '{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}' + 'a'.repeat(400)],
        ['**/'.repeat(160) + 'x', 'a/'.repeat(240) + 'y'],
      ];
      process.stdout.write(JSON.stringify(cases.map(([a, b]) => glob.globsOverlap(a, b))));
    `;
    const result = await runBounded(script, 10_000);
    expect(result.killed, 'globsOverlap did not finish within 10 s').toBe(false);
    expect(result.stderr).toBe('');
    // No path of 'a's ends in 'c', and no path ends in both 'x' and 'y'; too many brace groups answer "overlap" (conservative).
    expect(JSON.parse(result.stdout)).toEqual([false, false, true, true, false, false, false]);
  });

  it('refuses too many brace groups with INVALID_INPUT naming the limit, without expanding them', async () => {
    const script = `
      try {
        glob.normalizeGlob(${JSON.stringify(BRACES)});
        process.stdout.write('accepted');
      } catch (error) {
        process.stdout.write(JSON.stringify({ code: error.code, message: error.message }));
      }
    `;
    const result = await runBounded(script, 10_000);
    expect(result.killed).toBe(false);
    const answer = JSON.parse(result.stdout) as { code: string; message: string };
    expect(answer.code).toBe('INVALID_INPUT');
    expect(answer.message).toMatch(/at most \d+ brace groups/);
  });

  it('keeps the server answering when a reservation is asked with such globs beside another agent’s', async () => {
    const server = await startServer();
    const client = createClient(server.url, { project: 'globs' });
    const other = client.with({ agent: await registerAgent(client, 'other') });
    const me = client.with({ agent: await registerAgent(client, 'me') });
    expect((await other.post('/reservations', { paths: ['a'.repeat(60), 'src/**'] })).body).toMatchObject({ reserved: true });

    const bounded = (paths: string[]): Promise<Response> =>
      fetch(`${server.url}/api/v1/reservations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-baton-project': 'globs', 'x-baton-agent': 'me' },
        body: JSON.stringify({ paths }),
        signal: AbortSignal.timeout(5_000),
      });
    const stars = await bounded([STARS]);
    expect(await stars.json()).toMatchObject({ reserved: true });
    const braces = await bounded([BRACES]);
    expect(braces.status).toBe(400);
    expect(await braces.json()).toMatchObject({ error: { code: 'INVALID_INPUT', message: expect.stringMatching(/brace groups/) as unknown } });
    // The cost of a check is the product of both sides' lengths: one call's paths are bounded in total.
    const many = await bounded(Array.from({ length: 100 }, (_, i) => `${'*a'.repeat(240)}${i}`));
    expect(many.status).toBe(400);
    expect(await many.json()).toMatchObject({ error: { code: 'INVALID_INPUT', message: expect.stringMatching(/characters of paths/) as unknown } });
    expect((await me.get('/health')).status).toBe(200);
  });
});
