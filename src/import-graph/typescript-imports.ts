/**
 * @module The file-level imports of a repository's TypeScript and JavaScript
 * files, resolved by the TypeScript compiler's own module resolution
 * (ts.resolveModuleName) with the compiler options of each file's tsconfig.json
 * or jsconfig.json: `paths` and `baseUrl`, `.js` specifiers naming `.ts` files,
 * index files, package.json `exports` and `imports`, as the repository's build
 * sees them. An import that resolves into node_modules, outside the repository
 * or to a file git does not list is no edge; a declaration file counts as the
 * JavaScript file beside it, when there is one.
 */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type TS from 'typescript';
import { ImportGraphError } from './errors.js';
import type { TypeScript } from './load-typescript.js';
import type { RepositoryFiles } from './repo-files.js';

/** What a file imports (repository paths), and the relative imports that named no file of the repository. */
export interface Imports {
  edges: Map<string, Set<string>>;
  unresolved: { file: string; specifier: string }[];
}

interface Project {
  options: TS.CompilerOptions;
  cache: TS.ModuleResolutionCache;
  /** The files the config includes (absolute, as the compiler normalises them). */
  files: ReadonlySet<string>;
  references: readonly string[];
}

/**
 * Diagnostics of a config that do not change module resolution: an empty `files` list or no inputs (a
 * config that only holds references), and an option this compiler does not know (one newer than it).
 */
const HARMLESS = new Set([18002, 18003, 5023, 5025]);

const DECLARATION_TO_SCRIPT: readonly [RegExp, string][] = [
  [/\.d\.ts$/, '.js'],
  [/\.d\.mts$/, '.mjs'],
  [/\.d\.cts$/, '.cjs'],
];

/** The string literals naming a module: import/export … from, import = require, require(), import(), import('x') types. */
function moduleSpecifiers(ts: TypeScript, file: TS.SourceFile): TS.StringLiteralLike[] {
  const found: TS.StringLiteralLike[] = [];
  const visit = (node: TS.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) found.push(node.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) found.push(node.moduleReference.expression);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) found.push(node.argument.literal);
    else if (ts.isCallExpression(node)) {
      const [first] = node.arguments;
      const callee = node.expression;
      const loads = callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require');
      if (loads && first !== undefined && ts.isStringLiteralLike(first)) found.push(first);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

const isRelative = (specifier: string): boolean => specifier === '.' || specifier === '..' || specifier.startsWith('./') || specifier.startsWith('../');

export function scriptImports(ts: TypeScript, repo: RepositoryFiles): Imports {
  const root = repo.root.replace(/\\/g, '/');
  const host: TS.ModuleResolutionHost & TS.ParseConfigFileHost = {
    fileExists: (p) => ts.sys.fileExists(p),
    readFile: (p) => ts.sys.readFile(p),
    directoryExists: (p) => ts.sys.directoryExists(p),
    getDirectories: (p) => ts.sys.getDirectories(p),
    realpath: (p) => (ts.sys.realpath ? ts.sys.realpath(p) : p),
    readDirectory: (...args) => ts.sys.readDirectory(...args),
    getCurrentDirectory: () => root,
    useCaseSensitiveFileNames: ts.sys.useCaseSensitiveFileNames,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new ImportGraphError('BAD_CONFIG', ts.flattenDiagnosticMessageText(d.messageText, ' '));
    },
  };
  const canonical = (p: string): string => (ts.sys.useCaseSensitiveFileNames ? p : p.toLowerCase());
  // JavaScript files and JSON modules are part of the map whatever the config compiles.
  const withOurs = (options: TS.CompilerOptions): TS.CompilerOptions => ({ ...options, allowJs: true, resolveJsonModule: true });

  const projects = new Map<string, Project>();
  const projectAt = (configPath: string): Project => {
    const known = projects.get(configPath);
    if (known) return known;
    let parsed: TS.ParsedCommandLine | undefined;
    try {
      parsed = ts.getParsedCommandLineOfConfigFile(configPath, undefined, host);
    } catch (error) {
      if (error instanceof ImportGraphError) throw new ImportGraphError('BAD_CONFIG', `${configPath}: ${error.message}`, { hint: error.hint.replace('<file>', configPath) });
      throw error;
    }
    const problem = parsed?.errors.find((d) => d.category === ts.DiagnosticCategory.Error && !HARMLESS.has(d.code));
    if (!parsed || problem) {
      const why = problem ? ts.flattenDiagnosticMessageText(problem.messageText, ' ') : 'it could not be read';
      throw new ImportGraphError('BAD_CONFIG', `${configPath}: ${why}`, { hint: `Fix it: \`npx tsc --showConfig -p ${configPath}\` shows what TypeScript reads.` });
    }
    const options = withOurs(parsed.options);
    const project: Project = {
      options,
      cache: ts.createModuleResolutionCache(root, canonical, options),
      files: new Set(parsed.fileNames.map(canonical)),
      references: (parsed.projectReferences ?? []).map((r) => ts.resolveProjectReferencePath(r)),
    };
    projects.set(configPath, project);
    return project;
  };

  // A file under no config: what a bundler resolves (extensionless and .js specifiers, index files, exports and imports).
  const loose = withOurs({ module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler });
  const fallback: Project = { options: loose, cache: ts.createModuleResolutionCache(root, canonical, loose), files: new Set(), references: [] };

  /** The nearest tsconfig.json (else jsconfig.json) above a directory, up to the repository's top. */
  const nearest = new Map<string, string | undefined>();
  const configAbove = (dir: string): string | undefined => {
    if (nearest.has(dir)) return nearest.get(dir);
    const here = ['tsconfig.json', 'jsconfig.json'].map((name) => `${dir}/${name}`).find((p) => ts.sys.fileExists(p));
    const found = here ?? (dir === root || !dir.startsWith(`${root}/`) ? undefined : configAbove(dirname(dir)));
    nearest.set(dir, found);
    return found;
  };

  /** The project a file belongs to: its nearest config, or the first config that config references (transitively) that includes it. */
  const projectOf = (file: string): Project => {
    const configPath = configAbove(dirname(file));
    if (configPath === undefined) return fallback;
    const first = projectAt(configPath);
    const seen = new Set([configPath]);
    const queue = [first];
    for (let project = queue.shift(); project; project = queue.shift()) {
      if (project.files.has(canonical(file))) return project;
      for (const ref of project.references) {
        if (seen.has(ref) || !ts.sys.fileExists(ref)) continue;
        seen.add(ref);
        queue.push(projectAt(ref));
      }
    }
    return first;
  };

  /** A resolved file as a repository path, when it is one of the repository's own files. */
  const inRepository = (resolved: string): string | undefined => {
    const path = resolved.replace(/\\/g, '/');
    if (!path.startsWith(`${root}/`)) return undefined;
    let rel = path.slice(root.length + 1);
    if (rel.split('/').includes('node_modules')) return undefined;
    const declaration = DECLARATION_TO_SCRIPT.find(([pattern]) => pattern.test(rel));
    if (declaration) rel = rel.replace(declaration[0], declaration[1]);
    return repo.all.has(rel) ? rel : undefined;
  };

  const edges = new Map<string, Set<string>>();
  const unresolved: Imports['unresolved'] = [];
  for (const rel of repo.scripts) {
    const file = `${root}/${rel}`;
    const deps = new Set<string>();
    edges.set(rel, deps);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue; // Listed but unreadable (permissions, a broken link): it imports nothing we can know.
    }
    const project = projectOf(file);
    const format = ts.getImpliedNodeFormatForFile(file, project.cache.getPackageJsonInfoCache(), host, project.options);
    const source = ts.createSourceFile(file, text, { languageVersion: ts.ScriptTarget.Latest, impliedNodeFormat: format }, true);
    for (const literal of moduleSpecifiers(ts, source)) {
      const specifier = literal.text;
      const mode = ts.getModeForUsageLocation(source, literal, project.options);
      const resolved = ts.resolveModuleName(specifier, file, project.options, host, project.cache, undefined, mode).resolvedModule;
      const target = resolved ? inRepository(resolved.resolvedFileName) : undefined;
      if (target !== undefined && target !== rel) deps.add(target);
      else if (target === undefined && !resolved && isRelative(specifier)) unresolved.push({ file: rel, specifier });
    }
  }
  return { edges, unresolved };
}
