/**
 * @module The file-level imports of a repository's Python files, resolved as
 * Python's path finder would against the repository's own files: relative
 * imports from the importing file's package; absolute ones from the directory
 * above the file's top package (or the script's own directory), then the
 * repository's top, its `src/`, and every directory holding a pyproject.toml,
 * setup.py or setup.cfg (and its `src/`). A package (`x/__init__.py`) wins over
 * a module (`x.py`), as in Python; namespace packages (no `__init__.py`) resolve
 * to their modules. `from p import n` depends on the submodule `p/n.py` when
 * there is one, else on `p` itself. An import that resolves to no file of the
 * repository is a third-party or standard module, and no edge.
 */
import { readFileSync } from 'node:fs';
import { pythonImports, type PythonImport } from './python-scan.js';
import type { RepositoryFiles } from './repo-files.js';
import type { Imports } from './typescript-imports.js';

const PROJECT_FILES = new Set(['pyproject.toml', 'setup.py', 'setup.cfg']);

const join = (...parts: string[]): string => parts.filter((p) => p !== '').join('/');
const parentOf = (path: string): string => path.slice(0, Math.max(0, path.lastIndexOf('/')));

export function pythonEdges(repo: RepositoryFiles): Imports {
  const has = (path: string): boolean => repo.all.has(path);
  /** The file of a module at a directory path (`a/b` for a.b): the package's __init__.py, else the module file. */
  const moduleAt = (path: string): string | undefined => [join(path, '__init__.py'), `${path}.py`].find((p) => path !== '' && has(p));

  const projects = [...repo.all].filter((p) => PROJECT_FILES.has(p.slice(p.lastIndexOf('/') + 1))).map(parentOf);
  const searchRoots = [...new Set(['', ...projects].flatMap((dir) => [dir, join(dir, 'src')]))];

  /** Where `import top.x` starts for this file: the directory above its top package, or its own directory. */
  const ownRoot = (file: string): string => {
    let dir = parentOf(file);
    while (dir !== '' && has(join(dir, '__init__.py'))) dir = parentOf(dir);
    return dir;
  };

  /** The files one statement depends on, from the package directory `base`; [] when nothing there matches. */
  const fromBase = (base: string, statement: PythonImport): string[] => {
    const path = join(base, statement.module.replace(/\./g, '/'));
    if (statement.names === undefined) {
      const target = moduleAt(path);
      return target === undefined ? [] : [target];
    }
    // `from . import x` names the package itself (its __init__.py); `from .m import x` the module m.
    const itself = statement.module === '' ? (has(join(path, '__init__.py')) ? join(path, '__init__.py') : undefined) : moduleAt(path);
    const targets = statement.names.map((name) => (name === '*' ? undefined : moduleAt(join(path, name))) ?? itself);
    return targets.filter((t): t is string => t !== undefined);
  };

  const edges = new Map<string, Set<string>>();
  const unresolved: Imports['unresolved'] = [];
  for (const file of repo.python) {
    const deps = new Set<string>();
    edges.set(file, deps);
    let text: string;
    try {
      text = readFileSync(`${repo.root}/${file}`, 'utf8');
    } catch {
      continue; // Listed but unreadable: it imports nothing we can know.
    }
    const bases = [...new Set([ownRoot(file), ...searchRoots])];
    for (const statement of pythonImports(text)) {
      let targets: string[];
      if (statement.level > 0) {
        let base = parentOf(file);
        let escapes = false;
        for (let up = 1; up < statement.level; up++) {
          if (base === '') escapes = true;
          base = parentOf(base);
        }
        targets = escapes ? [] : fromBase(base, statement);
        if (targets.length === 0) unresolved.push({ file, specifier: `${'.'.repeat(statement.level)}${statement.module}` });
      } else {
        targets = [];
        for (const base of bases) {
          targets = fromBase(base, statement);
          if (targets.length > 0) break;
        }
      }
      for (const target of targets) if (target !== file) deps.add(target);
    }
  }
  return { edges, unresolved };
}
