/**
 * @module `baton depmap`'s analysis: a repository's file-level import map, in
 * the shape set_dependency_map takes (`{file: [files it imports]}`, paths
 * relative to the work tree's top), with its modules (directories), cycles and
 * most-imported files. TypeScript and JavaScript through the compiler's module
 * resolution (typescript-imports.ts), Python through its imports
 * (python-imports.ts); the files are those git lists (repo-files.ts).
 */
import { loadTypeScript } from './load-typescript.js';
import { importCycles, moduleGroups, mostImported, type ModuleGroup } from './map-summary.js';
import { pythonEdges } from './python-imports.js';
import { repositoryFiles } from './repo-files.js';
import { scriptImports, type Imports } from './typescript-imports.js';

export interface RepositoryMap {
  root: string;
  /** Shown with the map on the server (set_dependency_map's `source`). */
  source: string;
  /** set_dependency_map's `modules`: every analysed file, with the repository files it imports (sorted). */
  modules: Record<string, string[]>;
  /** The directories, each with its file count and the directories it imports. */
  groups: Record<string, ModuleGroup>;
  summary: {
    files: number;
    typescript_files: number;
    python_files: number;
    edges: number;
    modules: number;
    cycles: number;
    /** The largest cycles, at most five: each one's size and its first 20 files. */
    cycle_examples: { size: number; files: string[] }[];
    most_imported: { file: string; imported_by: number }[];
    /** Relative imports that name no file of the repository (a typo, a missing file, or an alias the config lacks). */
    unresolved: number;
    unresolved_examples: { file: string; specifier: string }[];
    typescript?: { version: string; from: 'repository' | 'baton' };
  };
}

export function analyseRepository(dir: string): RepositoryMap {
  const repo = repositoryFiles(dir);
  const compiler = repo.scripts.length > 0 ? loadTypeScript(repo.root) : undefined;
  const parts: Imports[] = [...(compiler ? [scriptImports(compiler.ts, repo)] : []), pythonEdges(repo)];
  const modules: Record<string, string[]> = {};
  const keys = parts.flatMap((p) => [...p.edges.keys()]).sort();
  let edges = 0;
  for (const file of keys) {
    const deps = [...new Set(parts.flatMap((p) => [...(p.edges.get(file) ?? [])]))].sort();
    modules[file] = deps;
    edges += deps.length;
  }
  const cycles = importCycles(modules);
  const groups = moduleGroups(modules);
  const unresolved = parts.flatMap((p) => p.unresolved);
  const languages = [compiler ? `typescript ${compiler.ts.version}` : undefined, repo.python.length > 0 ? 'python imports' : undefined].filter(Boolean).join(', ');
  return {
    root: repo.root,
    source: `baton depmap (${languages})`,
    modules,
    groups,
    summary: {
      files: keys.length,
      typescript_files: repo.scripts.length,
      python_files: repo.python.length,
      edges,
      modules: Object.keys(groups).length,
      cycles: cycles.length,
      cycle_examples: cycles.slice(0, 5).map((c) => ({ size: c.length, files: c.slice(0, 20) })),
      most_imported: mostImported(modules, 10),
      unresolved: unresolved.length,
      unresolved_examples: unresolved.slice(0, 10),
      ...(compiler ? { typescript: { version: compiler.ts.version, from: compiler.from } } : {}),
    },
  };
}
