/**
 * @module The npm package as a user gets it: `npm pack` ships the build, the
 * README and docs (no source maps, nothing of src/, test/, bench/ or scripts/),
 * under the name `baton-mcp`; installed from the tarball into a private prefix,
 * its `baton` command answers --version and serves `baton mcp`, starting its own
 * server. Installing runs npm (the registry, or its cache), so this file is kept
 * apart from the other CLI tests: about 10–20 s here, longer when better-sqlite3
 * must be compiled.
 */
import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, describe, expect, it } from 'vitest';
import { readServerRecord } from '../../src/server/server-record.js';
import { VERSION } from '../../src/server/version.js';
import { call } from '../support/mcp.js';
import { assertBuilt, childEnv, cleanupAll, REPO_ROOT, tempDir } from '../support/server.js';

const run = promisify(execFile);
const dataDirs: string[] = [];

afterAll(async () => {
  for (const dir of dataDirs) {
    const record = readServerRecord(dir);
    if (record) {
      try {
        process.kill(record.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  }
  await cleanupAll();
});

interface PackResult {
  name: string;
  version: string;
  filename: string;
  files: { path: string }[];
}

/** npm with a private cache-friendly setup: no audit, no fund, the local cache first. */
const npm = (args: string[], cwd: string, timeout = 120_000): Promise<{ stdout: string; stderr: string }> =>
  run('npm', [...args, '--no-audit', '--no-fund', '--prefer-offline'], { cwd, env: childEnv(), timeout, maxBuffer: 16 * 1024 * 1024 });

describe('the npm package', () => {
  it('packs as baton-mcp without source maps or sources, installs from the tarball, and its baton command serves MCP', { timeout: 240_000 }, async () => {
    assertBuilt();
    const work = tempDir('baton-pack-');
    // --ignore-scripts: dist/ is built already, and a rebuild would pull it from under the other tests.
    const packed = await npm(['pack', '--json', '--ignore-scripts', '--pack-destination', work], REPO_ROOT);
    const [pack] = JSON.parse(packed.stdout) as PackResult[];
    expect(pack).toMatchObject({ name: 'baton-mcp', version: VERSION, filename: `baton-mcp-${VERSION}.tgz` });
    const files = pack!.files.map((f) => f.path);
    expect(files).toContain('dist/cli/main.js');
    expect(files).toContain('dist/store/sqlite/migrations/0001_schema.sql');
    expect(files).toContain('README.md');
    expect(files.filter((f) => f.endsWith('.map') || f.endsWith('.ts'))).toEqual([]);
    expect(files.filter((f) => /^(src|test|bench|scripts|node_modules)\//.test(f))).toEqual([]);
    expect(files.filter((f) => !/^(dist|docs)\//.test(f)).sort()).toEqual(['README.md', 'package.json']);
    const shipped = readFileSync(join(REPO_ROOT, 'dist', 'cli', 'main.js'), 'utf8');
    expect(shipped).not.toContain('sourceMappingURL');

    // Install scripts are skipped, then better-sqlite3's addon comes from this checkout when the
    // versions agree (compiling it takes a minute), else from its own install script.
    const prefix = join(work, 'prefix');
    await npm(['install', '--global', '--prefix', prefix, '--ignore-scripts', join(work, pack!.filename)], work);
    const installed = join(prefix, 'lib', 'node_modules', 'baton-mcp');
    const sqlite = (root: string): string => join(root, 'node_modules', 'better-sqlite3');
    const versionOf = (dir: string): string => (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
    const ours = join(sqlite(REPO_ROOT), 'build', 'Release', 'better_sqlite3.node');
    if (existsSync(ours) && versionOf(sqlite(REPO_ROOT)) === versionOf(sqlite(installed))) {
      mkdirSync(join(sqlite(installed), 'build', 'Release'), { recursive: true });
      copyFileSync(ours, join(sqlite(installed), 'build', 'Release', 'better_sqlite3.node'));
    } else {
      await npm(['rebuild', 'better-sqlite3'], installed, 200_000);
    }

    const bin = join(prefix, 'bin', 'baton');
    expect(realpathSync(bin)).toBe(realpathSync(join(installed, 'dist', 'cli', 'main.js')));
    const version = await run(bin, ['--version'], { env: childEnv() });
    expect(version.stdout.trim()).toBe(VERSION);

    const dataDir = tempDir();
    dataDirs.push(dataDir);
    const transport = new StdioClientTransport({ command: bin, args: ['mcp'], cwd: work, env: childEnv({ BATON_DATA_DIR: dataDir, BATON_PORT: '0' }) as Record<string, string>, stderr: 'pipe' });
    let stderr = '';
    transport.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const client = new Client({ name: 'baton-package-test', version: '1.0.0' });
    await client.connect(transport);
    try {
      expect(await call(client, 'register_agent', { agent_id: 'packaged' })).toMatchObject({ agent_id: 'packaged' });
      expect(stderr).toContain('started a Baton server');
      // The server it started runs from the installed package, not from this checkout.
      const record = readServerRecord(dataDir);
      expect(record).not.toBeNull();
      const cmdline = readFileSync(`/proc/${record!.pid}/cmdline`, 'utf8').split('\0');
      expect(cmdline.some((arg) => arg.startsWith(installed))).toBe(true);
      // The hook shim is the package's second command; it finds that server through the data directory.
      const hook = join(prefix, 'bin', 'baton-hook');
      expect(realpathSync(hook)).toBe(realpathSync(join(installed, 'dist', 'hooks', 'shim.js')));
      const digest = execFileSync(hook, ['claude-code', 'session-start'], { input: JSON.stringify({ session_id: 'packaged-hook', cwd: work, source: 'startup' }), env: childEnv({ BATON_DATA_DIR: dataDir }), encoding: 'utf8' });
      expect(JSON.parse(digest)).toMatchObject({ hookSpecificOutput: { hookEventName: 'SessionStart', additionalContext: expect.stringContaining('you are agent packaged-hook') } });
    } finally {
      await client.close();
    }
  });
});
