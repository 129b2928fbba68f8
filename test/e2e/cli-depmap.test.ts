/**
 * @module `baton depmap` as a user runs it, built CLI against a real server: the
 * summary and the --json map of a real repository, --write loading it into the
 * repository's own project (the identity every client command resolves) so that
 * get_blast_radius over REST walks it, a second write replacing it, the exit
 * codes of directories it cannot analyse, and a map larger than the server's
 * default body limit accepted on its route.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveProject } from '../../src/project/identity.js';
import { baton } from '../support/cli-process.js';
import { PYTHON_FILES, TYPESCRIPT_FILES, TYPESCRIPT_MAP, writeRepository } from '../support/repo-fixtures.js';
import { cleanupAll, createClient, randomId, startServer, tempDir, type ServerProcess } from '../support/server.js';

let server: ServerProcess;
let scratch: string;

beforeAll(async () => {
  server = await startServer();
  scratch = tempDir('baton-depmap-e2e-');
});

afterAll(async () => {
  await cleanupAll();
});

describe('baton depmap', () => {
  it('prints the summary, and the map with --json, without needing a server', async () => {
    const root = writeRepository(join(scratch, 'app'), TYPESCRIPT_FILES);
    const human = await baton(['depmap', root], { BATON_URL: 'http://127.0.0.1:9' });
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain(`${root}: 20 files (20 TypeScript/JavaScript), 20 imports, 7 modules (directories), 1 cycle`);
    expect(human.stdout).toMatch(/src\/a\.ts\s+3\n/);
    expect(human.stdout).toContain('cycle of 2 files: src/a.ts, src/b.ts');
    expect(human.stdout).toContain("1 relative import names no file of the repository (first: src/broken.ts → './nope.js')");
    expect(human.stdout).toContain('Not loaded');
    const json = await baton(['depmap', root, '--json']);
    expect(json.code, json.stderr).toBe(0);
    const body = JSON.parse(json.stdout) as Record<string, unknown>;
    expect(body).toMatchObject({ root, modules: TYPESCRIPT_MAP, summary: { files: 20, edges: 20, cycles: 1 }, source: expect.stringMatching(/^baton depmap/) });
    expect(body['version']).toBeUndefined();
  });

  it("--write loads it into the repository's project; get_blast_radius over REST walks it; a second write replaces it", async () => {
    const root = writeRepository(join(scratch, 'shop'), { ...TYPESCRIPT_FILES, ...PYTHON_FILES, '.gitignore': 'node_modules\n__pycache__/\n' });
    const project = resolveProject({ cwd: root }).id;
    const env = { BATON_URL: server.url, BATON_AGENT: 'mapper' };
    const first = await baton(['depmap', '--write', '--json', join(root, 'src')], env);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ project, version: 1, summary: { files: 29 } });

    const rest = createClient(server.url, { project, agent: 'reader' });
    const radius = await rest.get('/depmap/radius', { file: 'src/types.ts', depth: 3 });
    expect(radius.status, JSON.stringify(radius.body)).toBe(200);
    expect(radius.body).toMatchObject({ version: 1, modules: 29, file: 'src/types.ts', depends_on: [], truncated: false, source: expect.stringMatching(/typescript .*python imports/) });
    expect(radius.body['dependents']).toEqual(['src/index.ts', 'src/lib/helper.ts']);
    const nodes = (radius.body['nodes'] as { node: string; depth: number; via: string }[]).map((n) => `${n.depth} ${n.node} via ${n.via}`).sort();
    expect(nodes).toEqual(['1 src/index.ts via src/types.ts', '1 src/lib/helper.ts via src/types.ts', '2 src/legacy.cts via src/lib/helper.ts']);
    const python = await rest.get('/depmap/radius', { file: 'src/mypkg/util.py', depth: 1 });
    expect(python.body['dependents']).toEqual(['src/mypkg/core.py', 'src/mypkg/models/base.py', 'src/mypkg/models/user.py', 'tests/test_core.py']);

    // The file changes; the next write replaces the map (no stale edge survives) under a new version.
    writeFileSync(join(root, 'src/lib/helper.ts'), 'export const helper = 1;\n');
    const second = await baton(['depmap', root, '--write'], env);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain(`Loaded into project ${project} as version 2.`);
    const after = await rest.get('/depmap/radius', { file: 'src/types.ts' });
    expect(after.body).toMatchObject({ version: 2, dependents: ['src/index.ts'] });
  });

  it('--write with --project and an unreachable server: the project flag wins; no server is exit 69', async () => {
    const root = writeRepository(join(scratch, 'flags'), { 'a.ts': "import './b';\n", 'b.ts': '' });
    const project = randomId('depmap');
    const ok = await baton(['depmap', root, '--write', '--project', project, '--json'], { BATON_URL: server.url });
    expect(JSON.parse(ok.stdout)).toMatchObject({ project, version: 1 });
    const down = await baton(['depmap', root, '--write', '--json'], { BATON_URL: 'http://127.0.0.1:9' });
    expect(down.code).toBe(69);
    expect(JSON.parse(down.stdout)).toMatchObject({ error: { code: 'UNREACHABLE' } });
  });

  it('a directory that is not a repository, one with no source files, an unreadable tsconfig: a typed error, non-zero exit, what to do', async () => {
    const plain = join(scratch, 'plain');
    mkdirSync(plain);
    const notRepo = await baton(['depmap', plain]);
    expect(notRepo.code).toBe(2);
    expect(notRepo.stderr).toContain(`baton: NOT_A_REPOSITORY: ${plain} is in no git repository.`);
    expect(notRepo.stderr).toContain('git init');

    const empty = writeRepository(join(scratch, 'docs-only'), { 'README.md': '# docs\n' });
    const none = await baton(['depmap', empty, '--json']);
    expect(none.code).toBe(2);
    expect(JSON.parse(none.stdout)).toMatchObject({ error: { code: 'NO_SOURCE_FILES', hint: expect.stringContaining('git add'), exit_code: 2 } });

    const broken = writeRepository(join(scratch, 'broken'), { 'tsconfig.json': '{ "compilerOptions": ', 'index.ts': '' });
    const bad = await baton(['depmap', broken, '--write'], { BATON_URL: server.url });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`baton: BAD_CONFIG: ${join(broken, 'tsconfig.json')}`);
    expect(bad.stderr).toContain('npx tsc --showConfig');
  });

  it("the depmap route takes a map above the server's 1 MB default body limit, up to the command's own limit", async () => {
    const rest = createClient(server.url, { project: randomId('big'), agent: 'mapper' });
    const modules: Record<string, string[]> = {};
    for (let i = 0; i < 12_000; i++) modules[`packages/some-long-package-name/src/components/widget-${i}.tsx`] = [`packages/some-long-package-name/src/lib/helper-${i % 100}.ts`];
    expect(JSON.stringify(modules).length).toBeGreaterThan(1024 * 1024);
    const res = await rest.put('/depmap', { modules, source: 'synthetic' });
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
    expect(res.body).toMatchObject({ version: 1, modules: 12_000 });
  });
});
