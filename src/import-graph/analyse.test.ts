/**
 * @module The import map of real repositories, made in a temporary directory and
 * committed with git: the exact edges of a TypeScript monorepo (paths aliases,
 * ESM `.js` specifiers, index files, package.json exports/imports, nested and
 * referenced configs, a cycle) and of a Python project (src layout, relative
 * imports, multi-line imports, a cycle), which typescript is used, and each way
 * the analysis refuses a directory it cannot read, with its typed error.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PYTHON_FILES, PYTHON_MAP, TYPESCRIPT_FILES, TYPESCRIPT_IGNORED, TYPESCRIPT_MAP, writeRepository, type Files } from '../../test/support/repo-fixtures.js';
import { analyseRepository } from './analyse.js';
import { ImportGraphError } from './errors.js';
import { loadTypeScript } from './load-typescript.js';
import { pythonImports } from './python-scan.js';

const scratch = mkdtempSync(join(tmpdir(), 'baton-depmap-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

let count = 0;
const repository = (files: Files, options: { commit?: boolean } = {}): string => writeRepository(join(scratch, `repo-${++count}`), files, options);

const writeLoose = (root: string, files: Files): void => {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
};

function refusal(dir: string): ImportGraphError {
  try {
    analyseRepository(dir);
  } catch (error) {
    if (error instanceof ImportGraphError) return error;
    throw error;
  }
  throw new Error(`analysing ${dir} did not fail`);
}

describe('TypeScript and JavaScript: the compiler resolution', () => {
  const root = repository(TYPESCRIPT_FILES);
  writeLoose(root, TYPESCRIPT_IGNORED);
  const map = analyseRepository(root);

  it('gives the exact file-level edges: aliases, .js → .ts, index files, exports/imports self-references, nested and referenced configs', () => {
    expect(map.modules).toEqual(TYPESCRIPT_MAP);
  });

  it('leaves out node_modules, ignored files and declaration files, and counts relative imports that name nothing', () => {
    expect(Object.keys(map.modules).some((f) => f.startsWith('node_modules/') || f.startsWith('dist/') || f.endsWith('.d.ts'))).toBe(false);
    expect(map.summary.unresolved_examples).toEqual([{ file: 'src/broken.ts', specifier: './nope.js' }]);
  });

  it('summarises: files, edges, directory modules, the a ↔ b cycle, the most imported files', () => {
    expect(map.summary).toMatchObject({ files: 20, typescript_files: 20, python_files: 0, edges: 20, modules: 7, cycles: 1, cycle_examples: [{ size: 2, files: ['src/a.ts', 'src/b.ts'] }], unresolved: 1 });
    expect(map.summary.most_imported[0]).toEqual({ file: 'src/a.ts', imported_by: 3 });
    expect(map.groups['src']).toEqual({ files: 8, depends_on: ['src/feature', 'src/lib'] });
    expect(map.groups['packages/web/src']).toEqual({ files: 2, depends_on: ['packages/web/src/components', 'src/lib'] });
    expect(map.source).toMatch(/^baton depmap \(typescript \d+\.\d+/);
  });

  it("analyses the whole work tree from any directory inside it, with the repository's own typescript first", () => {
    const linked = repository({ 'a.ts': "import './b';\n", 'b.ts': '' });
    const baton = dirname(createRequire(import.meta.url).resolve('typescript/package.json'));
    mkdirSync(join(linked, 'node_modules'));
    symlinkSync(baton, join(linked, 'node_modules', 'typescript'));
    mkdirSync(join(linked, 'deep'));
    const result = analyseRepository(join(linked, 'deep'));
    expect(result.modules).toEqual({ 'a.ts': ['b.ts'], 'b.ts': [] });
    expect(result.summary.typescript?.from).toBe('repository');
  });

  it("falls back to Baton's typescript when the repository's is too old to resolve imports", () => {
    const old = repository({ 'a.ts': "import './b.js';\n", 'b.ts': '' });
    writeLoose(old, { 'node_modules/typescript/package.json': JSON.stringify({ name: 'typescript', version: '4.1.0', main: 'index.js' }), 'node_modules/typescript/index.js': "module.exports = { version: '4.1.0', resolveModuleName() {} };\n" });
    const result = analyseRepository(old);
    expect(result.summary.typescript?.from).toBe('baton');
    expect(result.modules).toEqual({ 'a.ts': ['b.ts'], 'b.ts': [] });
  });

  it('without a usable typescript in the repository or with Baton: TYPESCRIPT_MISSING, naming the install command', () => {
    const bare = repository({ 'a.js': '' });
    const nowhere = join(scratch, 'no-baton', 'index.js');
    expect(() => loadTypeScript(bare, nowhere)).toThrow(expect.objectContaining({ code: 'TYPESCRIPT_MISSING', hint: 'Install it in the repository: npm i -D typescript' }));
    writeLoose(bare, { 'node_modules/typescript/package.json': JSON.stringify({ name: 'typescript', version: '4.9.5', main: 'index.js' }), 'node_modules/typescript/index.js': "module.exports = { version: '4.9.5', resolveModuleName() {} };\n" });
    expect(() => loadTypeScript(bare, nowhere)).toThrow(expect.objectContaining({ code: 'TYPESCRIPT_MISSING', message: expect.stringContaining('typescript 4.9.5') }));
    expect(loadTypeScript(bare).from).toBe('baton');
  });

  it('follows a workspace package linked into node_modules to its source in the repository', () => {
    const mono = repository({ '.gitignore': 'node_modules\n', 'packages/b/package.json': JSON.stringify({ name: '@org/b', exports: { '.': './src/index.ts' } }), 'packages/b/src/index.ts': 'export const b = 1;\n', 'packages/a/src/main.ts': "import { b } from '@org/b';\nexport default b;\n" });
    mkdirSync(join(mono, 'node_modules', '@org'), { recursive: true });
    symlinkSync('../../packages/b', join(mono, 'node_modules', '@org', 'b'));
    expect(analyseRepository(mono).modules).toEqual({ 'packages/a/src/main.ts': ['packages/b/src/index.ts'], 'packages/b/src/index.ts': [] });
  });

  it('counts files git does not track yet unless .gitignore excludes them', () => {
    const fresh = repository({ '.gitignore': 'gen/\n', 'a.ts': "import './gen/x';\nimport './b';\n", 'b.ts': '', 'gen/x.ts': '' }, { commit: false });
    expect(analyseRepository(fresh).modules).toEqual({ 'a.ts': ['b.ts'], 'b.ts': [] });
  });
});

describe('Python: its imports', () => {
  it('gives the exact edges: src layout, relative imports of each depth, packages, submodules named in from-imports, script directories', () => {
    const map = analyseRepository(repository(PYTHON_FILES));
    expect(map.modules).toEqual(PYTHON_MAP);
    expect(map.summary).toMatchObject({ files: 9, python_files: 9, typescript_files: 0, edges: 16, cycles: 1, unresolved: 1, unresolved_examples: [{ file: 'src/mypkg/models/user.py', specifier: '.missing' }] });
    expect(map.summary.typescript).toBeUndefined();
    expect(map.source).toBe('baton depmap (python imports)');
  });

  it('a repository of both languages has both maps', () => {
    const both = repository({ 'app.ts': "import './lib';\n", 'lib.ts': '', 'tool/main.py': 'from tool import helpers\n', 'tool/__init__.py': '', 'tool/helpers.py': '' });
    expect(analyseRepository(both).modules).toEqual({ 'app.ts': ['lib.ts'], 'lib.ts': [], 'tool/__init__.py': [], 'tool/helpers.py': [], 'tool/main.py': ['tool/helpers.py'] });
  });

  it('the scanner reads statements, not text: strings, comments, brackets, continuations and semicolons', () => {
    const source = [
      'import a.b as c, d',
      'from ..pkg.sub import (x,',
      '    y as z,  # trailing comment',
      ')',
      "s = '''",
      'import inside_a_string',
      "'''",
      'r = r"\\" import escaped"',
      '# import commented',
      'from . import \\',
      '    e',
      'import f; from g import *',
      '    import indented',
      'if x: import ignored_after_colon',
    ].join('\r\n');
    expect(pythonImports(source)).toEqual([
      { level: 0, module: 'a.b' },
      { level: 0, module: 'd' },
      { level: 2, module: 'pkg.sub', names: ['x', 'y'] },
      { level: 1, module: '', names: ['e'] },
      { level: 0, module: 'f' },
      { level: 0, module: 'g', names: ['*'] },
      { level: 0, module: 'indented' },
    ]);
  });
});

describe('what the analysis refuses, with a typed error saying what to do', () => {
  it('a directory that does not exist, or is in no git repository', () => {
    expect(refusal(join(scratch, 'missing'))).toMatchObject({ code: 'NOT_A_REPOSITORY', message: expect.stringContaining('is not a directory') });
    const plain = join(scratch, 'plain');
    mkdirSync(plain);
    writeFileSync(join(plain, 'a.ts'), '');
    const error = refusal(plain);
    expect(error).toMatchObject({ code: 'NOT_A_REPOSITORY', message: `${plain} is in no git repository.` });
    expect(error.hint).toMatch(/git init/);
  });

  it('a repository with no TypeScript, JavaScript or Python file git lists', () => {
    const empty = repository({ 'README.md': 'hello\n', '.gitignore': 'ignored/\n', 'ignored/a.ts': '' });
    expect(refusal(empty)).toMatchObject({ code: 'NO_SOURCE_FILES', hint: expect.stringMatching(/git add/) });
  });

  it('a tsconfig.json that cannot be parsed, or extends one that does not exist', () => {
    const broken = repository({ 'tsconfig.json': '{ "compilerOptions": { "paths": ', 'a.ts': '' });
    const error = refusal(broken);
    expect(error.code).toBe('BAD_CONFIG');
    expect(error.message).toContain(join(broken, 'tsconfig.json'));
    expect(error.hint).toContain(`npx tsc --showConfig -p ${join(broken, 'tsconfig.json')}`);
    // An option this compiler does not know is no reason to refuse: it does not change resolution.
    const newer = repository({ 'tsconfig.json': JSON.stringify({ compilerOptions: { someFutureOption: true } }), 'a.ts': "import './b';\n", 'b.ts': '' });
    expect(analyseRepository(newer).modules).toEqual({ 'a.ts': ['b.ts'], 'b.ts': [] });
    const extending = repository({ 'tsconfig.json': JSON.stringify({ extends: './base.json' }), 'a.ts': '' });
    expect(refusal(extending)).toMatchObject({ code: 'BAD_CONFIG', message: expect.stringContaining('base.json') });
  });
});
