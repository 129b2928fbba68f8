/**
 * @module Real repositories for the import-map tests, written file by file into
 * a directory and committed with the git CLI: a TypeScript monorepo (paths
 * aliases, ESM `.js` specifiers, index files, package.json `exports` and
 * `imports`, a nested config, a solution config with references, a cycle, JS,
 * CJS and ignored files) and a Python project (a src layout, relative imports of
 * every depth, multi-line and continued imports, a cycle, a script directory).
 */
import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { git } from './git.js';

export type Files = Record<string, string>;

/** Writes `files` under `dir` (a new git repository), commits them, and answers the repository's real path. */
export function writeRepository(dir: string, files: Files, options: { commit?: boolean } = {}): string {
  mkdirSync(dir, { recursive: true });
  git(dir, 'init', '-q');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  if (options.commit !== false) {
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'fixture', '--allow-empty');
  }
  return realpathSync(dir);
}

export const TYPESCRIPT_FILES: Files = {
  '.gitignore': 'node_modules\ndist\n',
  'package.json': JSON.stringify({ name: 'fixture-app', type: 'module', exports: { './util': './src/lib/util.ts' }, imports: { '#conf': './src/config.ts' } }),
  'tsconfig.json': JSON.stringify({
    // Comments and trailing commas are fine in a tsconfig.
    compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, paths: { '@lib/*': ['./src/lib/*'] } },
    include: ['src', 'scripts'],
  }).replace('{"module"', '{ /* NodeNext: ESM with .js specifiers */ "module"'),
  'src/index.ts': [
    "import { a } from './a.js';",
    "import { helper } from '@lib/helper.js';",
    "export * from './feature/index.js';",
    "import type { Shape } from './types.js';",
    "import conf from '#conf';",
    "import { util } from 'fixture-app/util';",
    "import { readFileSync } from 'node:fs';",
    "import lodash from 'lodash';",
    "// import './commented-out.js';",
    "const text = \"import './in-a-string.js'\";",
    'export const all = [a, helper, conf, util, readFileSync, lodash, text] as unknown as Shape;',
  ].join('\n'),
  'src/a.ts': "import { b } from './b.js';\nexport const a = () => b;\n",
  'src/b.ts': "import { a } from './a.js';\nexport const b = () => a;\n",
  'src/feature/index.ts': "export const feature = () => import('./lazy.js');\n",
  'src/feature/lazy.ts': 'export const lazy = 1;\n',
  'src/lib/helper.ts': "export type { Shape } from '../types.js';\nexport const helper = 1;\n",
  'src/lib/util.ts': 'export const util = 1;\n',
  'src/config.ts': 'export default { debug: false };\n',
  'src/types.ts': 'export interface Shape { x: number }\n',
  'src/globals.d.ts': "declare module 'untyped';\n",
  'src/legacy.cts': "import fs = require('node:fs');\nconst helper = require('./lib/helper.js');\nexport = { fs, helper };\n",
  'src/broken.ts': "import './nope.js';\nimport '@lib/missing.js';\n",
  'src/data.json': '{"n": 1}\n',
  'src/uses-json.ts': "import data from './data.json' with { type: 'json' };\nexport default data;\n",
  'scripts/tool.mjs': "import { a } from '../src/a.js';\nimport { createRequire } from 'node:module';\nexport default a;\n",
  'scripts/old.cjs': "const { b } = require('../src/b.ts');\nmodule.exports = b;\n",
  // A nested package with its own config: bundler resolution, a baseUrl alias, extensionless imports and index files.
  'packages/web/tsconfig.json': JSON.stringify({ compilerOptions: { module: 'ESNext', moduleResolution: 'Bundler', jsx: 'react-jsx', baseUrl: '.', paths: { '@/*': ['src/*'] } } }),
  'packages/web/src/main.tsx': "import App from '@/App';\nimport { Button } from './components';\nimport { util } from 'fixture-app/util';\nexport default [App, Button, util];\n",
  'packages/web/src/App.tsx': "import { Button } from './components/index';\nexport default function App() { return Button; }\n",
  'packages/web/src/components/index.ts': "export { Button } from './Button';\n",
  'packages/web/src/components/Button.tsx': 'export const Button = 1;\n',
  // A solution config (no files of its own) whose reference holds the alias.
  'packages/site/tsconfig.json': JSON.stringify({ files: [], references: [{ path: './tsconfig.app.json' }] }),
  'packages/site/tsconfig.app.json': JSON.stringify({ compilerOptions: { composite: true, module: 'ESNext', moduleResolution: 'Bundler', paths: { '$app/*': ['./src/*'] } }, include: ['src'] }),
  'packages/site/src/main.ts': "import { page } from '$app/page';\nexport default page;\n",
  'packages/site/src/page.ts': 'export const page = 1;\n',
};

/** Files a TypeScript repository has but git ignores (or that are not sources): never nodes, never targets. */
export const TYPESCRIPT_IGNORED: Files = {
  'node_modules/lodash/package.json': JSON.stringify({ name: 'lodash', main: 'index.js' }),
  'node_modules/lodash/index.js': 'module.exports = {};\n',
  'dist/index.js': "import './a.js';\n",
};

/** The exact map of TYPESCRIPT_FILES. */
export const TYPESCRIPT_MAP: Record<string, string[]> = {
  'packages/site/src/main.ts': ['packages/site/src/page.ts'],
  'packages/site/src/page.ts': [],
  'packages/web/src/App.tsx': ['packages/web/src/components/index.ts'],
  'packages/web/src/components/Button.tsx': [],
  'packages/web/src/components/index.ts': ['packages/web/src/components/Button.tsx'],
  'packages/web/src/main.tsx': ['packages/web/src/App.tsx', 'packages/web/src/components/index.ts', 'src/lib/util.ts'],
  'scripts/old.cjs': ['src/b.ts'],
  'scripts/tool.mjs': ['src/a.ts'],
  'src/a.ts': ['src/b.ts'],
  'src/b.ts': ['src/a.ts'],
  'src/broken.ts': [],
  'src/config.ts': [],
  'src/feature/index.ts': ['src/feature/lazy.ts'],
  'src/feature/lazy.ts': [],
  'src/index.ts': ['src/a.ts', 'src/config.ts', 'src/feature/index.ts', 'src/lib/helper.ts', 'src/lib/util.ts', 'src/types.ts'],
  'src/legacy.cts': ['src/lib/helper.ts'],
  'src/lib/helper.ts': ['src/types.ts'],
  'src/lib/util.ts': [],
  'src/types.ts': [],
  'src/uses-json.ts': ['src/data.json'],
};

export const PYTHON_FILES: Files = {
  '.gitignore': '__pycache__/\n.venv/\n',
  'pyproject.toml': '[project]\nname = "mypkg"\n',
  'src/mypkg/__init__.py': 'from .core import run\n__all__ = ["run"]\n',
  'src/mypkg/core.py': [
    '"""The core.',
    '',
    'import not_a_module',
    'from fake import thing',
    '"""',
    'from .util import (',
    '    helper,  # a comment with a quote\'s apostrophe',
    '    other as o,',
    ')',
    'import os, sys',
    'from . import models',
    "x = 'import notreal'",
    '',
    'def run():',
    '    from mypkg.models.base import \\',
    '        Base',
    '    return Base',
  ].join('\n'),
  'src/mypkg/util.py': 'import json; from mypkg.models import Model\n\ndef helper(): ...\nother = 1\n',
  'src/mypkg/models/__init__.py': 'from .base import Base as Model\n',
  'src/mypkg/models/base.py': 'from ..util import helper\nfrom typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from mypkg.models.user import User\nclass Base: ...\n',
  'src/mypkg/models/user.py': 'from .. import core, util\nfrom . import *\nfrom .missing import nothing\n',
  'tests/test_core.py': 'import pytest\nimport mypkg.core\nfrom mypkg import util\nfrom mypkg.models import base, user as u\n',
  'scripts/run.py': 'import helpers\nfrom helpers import go\n',
  'scripts/helpers.py': 'def go(): ...\n',
};

export const PYTHON_MAP: Record<string, string[]> = {
  'scripts/helpers.py': [],
  'scripts/run.py': ['scripts/helpers.py'],
  'src/mypkg/__init__.py': ['src/mypkg/core.py'],
  'src/mypkg/core.py': ['src/mypkg/models/__init__.py', 'src/mypkg/models/base.py', 'src/mypkg/util.py'],
  'src/mypkg/models/__init__.py': ['src/mypkg/models/base.py'],
  'src/mypkg/models/base.py': ['src/mypkg/models/user.py', 'src/mypkg/util.py'],
  'src/mypkg/models/user.py': ['src/mypkg/core.py', 'src/mypkg/models/__init__.py', 'src/mypkg/util.py'],
  'src/mypkg/util.py': ['src/mypkg/models/__init__.py'],
  'tests/test_core.py': ['src/mypkg/core.py', 'src/mypkg/models/base.py', 'src/mypkg/models/user.py', 'src/mypkg/util.py'],
};
