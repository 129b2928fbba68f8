import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findOnPath, programOf } from './shim-on-path.js';

function bin(files: Record<string, number>): string {
  const dir = mkdtempSync(join(tmpdir(), 'baton-path-'));
  for (const [name, mode] of Object.entries(files)) {
    writeFileSync(join(dir, name), '#!/bin/sh\n');
    chmodSync(join(dir, name), mode);
  }
  return dir;
}

describe('programOf', () => {
  it('is the first word of a hook command, unquoted', () => {
    expect(programOf('baton-hook claude-code pre-tool --strict')).toBe('baton-hook');
    expect(programOf('  "/opt/my tools/baton-hook" codex stop')).toBe('/opt/my tools/baton-hook');
    expect(programOf('')).toBe('');
  });
});

describe.skipIf(process.platform === 'win32')('findOnPath', () => {
  it('finds an executable in the first PATH directory that has one, and nothing that is not executable', () => {
    const plain = bin({ 'baton-hook': 0o644 });
    const runnable = bin({ 'baton-hook': 0o755 });
    expect(findOnPath('baton-hook', { PATH: [plain, runnable].join(delimiter) })).toBe(join(runnable, 'baton-hook'));
    expect(findOnPath('baton-hook', { PATH: plain })).toBeUndefined();
    expect(findOnPath('baton-hook', {})).toBeUndefined();
  });

  it('skips the node_modules/.bin directories npx and npm run put on PATH for their command only', () => {
    const cache = bin({});
    mkdirSync(join(cache, 'node_modules', '.bin'), { recursive: true });
    writeFileSync(join(cache, 'node_modules', '.bin', 'baton-hook'), '#!/bin/sh\n');
    chmodSync(join(cache, 'node_modules', '.bin', 'baton-hook'), 0o755);
    expect(findOnPath('baton-hook', { PATH: join(cache, 'node_modules', '.bin') })).toBeUndefined();
    const global = bin({ 'baton-hook': 0o755 });
    expect(findOnPath('baton-hook', { PATH: [join(cache, 'node_modules', '.bin/'), global].join(delimiter) })).toBe(join(global, 'baton-hook'));
  });

  it('takes a path as it is, relative to the directory given', () => {
    const dir = bin({ 'baton-hook': 0o755 });
    mkdirSync(join(dir, 'sub'));
    expect(findOnPath(join(dir, 'baton-hook'), { PATH: '' })).toBe(join(dir, 'baton-hook'));
    expect(findOnPath('../baton-hook', { PATH: '' }, join(dir, 'sub'))).toBe(join(dir, 'baton-hook'));
    expect(findOnPath(join(dir, 'missing'), { PATH: dir })).toBeUndefined();
  });

  it('tries PATHEXT on Windows', () => {
    const dir = bin({ 'baton-hook.CMD': 0o644 });
    expect(findOnPath('baton-hook', { Path: dir, PATHEXT: '.EXE;.CMD' }, dir, 'win32')).toBe(join(dir, 'baton-hook.CMD'));
  });
});
