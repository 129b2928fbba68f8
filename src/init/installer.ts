/**
 * @module The one engine behind `baton init` and `baton uninstall`: given what
 * the manifest says init wrote before and the targets wanted now, it works out
 * each file's text without Baton (undoing the recorded edits byte for byte when
 * the file is as init left it; taking out only Baton's entries when someone
 * edited it since), applies the wanted targets to that, and compares with what
 * is on disk. So init twice equals init once, uninstall is init with nothing
 * wanted, and a file nobody touched comes back byte-identical. `planInstall`
 * writes nothing (--dry-run shows its plan); `applyPlan` writes it.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import type { ClientName, Scope } from './clients.js';
import { InitError } from './init-error.js';
import { mergeJson, parseJsonFile, unmergeJson, type JsonChange } from './json-merge.js';
import { manifestText, MANIFEST_VERSION, type FileKind, type InstallOptions, type Manifest, type ManifestFile } from './manifest.js';
import { putBlock, removeBlock } from './marked-block.js';
import { syntaxOfBlock, type Target } from './targets.js';
import { diffText, revertEdits, sha256, type TextEdit } from './text-edit.js';

export type FileAction = 'create' | 'update' | 'remove' | 'unchanged';

/** One line of the report: a file, what Baton has in it, and what happens to it. */
export interface FileReport {
  readonly path: string;
  readonly kind: FileKind | 'manifest';
  readonly client?: ClientName;
  readonly action: FileAction;
  readonly summary: string;
}

interface FileWrite {
  readonly path: string;
  /** null: delete the file. */
  readonly text: string | null;
  readonly mode?: number | undefined;
}

export interface InstallPlan {
  readonly root: string;
  readonly files: readonly FileReport[];
  readonly warnings: readonly string[];
  readonly manifest: Manifest | null;
  readonly writes: readonly FileWrite[];
  /** Directories to create before writing (relative), and to remove after (when empty). */
  readonly mkdirs: readonly string[];
  readonly rmdirs: readonly string[];
}

export interface PlanInput {
  /** The repository root (project) or the home directory (user). */
  readonly root: string;
  /** The manifest's path relative to root. */
  readonly manifestPath: string;
  readonly previous: Manifest | null;
  readonly targets: readonly Target[];
  readonly scope: Scope;
  readonly clients: readonly ClientName[];
  readonly options: InstallOptions;
}

const readText = (file: string): string | undefined => {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new InitError(`cannot read ${file}: ${(error as Error).message}`, 'check the file and its permissions; nothing was written');
  }
};

/** True when a text holds nothing of anyone's: whitespace, or an empty JSON object. */
function isEmptyContent(path: string, text: string): boolean {
  if (text.trim() === '') return true;
  if (!path.endsWith('.json')) return false;
  try {
    return Object.keys(parseJsonFile(text, path)).length === 0;
  } catch {
    return false;
  }
}

/** The text a file had before Baton's rows, and a warning when it had to be worked out from a file edited since. */
function withoutBaton(path: string, current: string | undefined, rows: readonly ManifestFile[]): { text: string | undefined; warning?: string } {
  const created = rows.some((row) => row.created);
  const wrote = rows.some((row) => row.edits.length > 0);
  if (current === undefined) return { text: undefined, ...(wrote && !created ? { warning: `${path} was deleted since baton init; left it deleted` } : {}) };
  const edits: TextEdit[] = rows.flatMap((row) => row.edits);
  if (rows.at(-1)?.sha256 === sha256(current)) {
    const exact = revertEdits(current, edits);
    if (exact !== undefined) return { text: created && wrote ? undefined : exact };
  }
  if (!wrote) return { text: current };
  let text = current;
  for (const row of [...rows].reverse()) {
    if (row.edits.length === 0) continue;
    if (row.json) text = unmergeJson(text, row.json, path);
    else if (row.block) text = removeBlock(text, syntaxOfBlock(row.block));
  }
  const warning = `${path} changed since baton init: took out Baton's entries only and kept the rest`;
  return { text: created && isEmptyContent(path, text) ? undefined : text, warning };
}

/** A target applied to a text: the new text (undefined: the file is not wanted) and, for JSON, the changes made. */
function applyTarget(target: Target, text: string | undefined, file: string, originalOf: (path: string) => string | undefined): { text: string | undefined; json?: JsonChange[] } {
  if (target.format === 'whole') return { text: target.from === undefined ? target.text : originalOf(target.from) };
  if (target.format === 'json') {
    const merged = mergeJson(text, target.writes, file);
    return { text: merged.text, json: merged.changes };
  }
  if (text !== undefined && target.unlessPresent?.test(text)) return { text };
  const next = putBlock(text, target.syntax, target.body);
  if (target.validate === 'toml') {
    try {
      parseToml(next);
    } catch (error) {
      throw new InitError(`${file} would not be valid TOML with Baton's ${target.block} table (${(error as Error).message.split('\n')[0] ?? ''})`, `a table Baton writes may be defined in ${file} already (e.g. [mcp_servers.baton]): remove it, then run the command again; nothing was written`);
    }
  }
  return { text: next };
}

const modeOf = (file: string): number | undefined => {
  try {
    return statSync(file).mode & 0o7777;
  } catch {
    return undefined;
  }
};

const parentsOf = (path: string): string[] => {
  const parents: string[] = [];
  for (let dir = dirname(path); dir !== '.' && dir !== sep && dir !== dirname(dir); dir = dirname(dir)) parents.push(dir);
  return parents;
};

/** Works out every file's new text, the report and the manifest; writes nothing. */
export function planInstall(input: PlanInput): InstallPlan {
  const abs = (path: string): string => (isAbsolute(path) ? path : join(input.root, path));
  const previousRows = input.previous?.files ?? [];
  const paths = [...new Set([...previousRows.map((row) => row.path), ...input.targets.map((target) => target.path)])];
  const current = new Map(paths.map((path) => [path, readText(abs(path))]));
  const warnings: string[] = [];

  const original = new Map<string, string | undefined>();
  for (const path of paths) {
    const rows = previousRows.filter((row) => row.path === path);
    if (rows.length === 0) {
      original.set(path, current.get(path));
      continue;
    }
    const { text, warning } = withoutBaton(path, current.get(path), rows);
    if (warning) warnings.push(warning);
    original.set(path, text);
  }

  const rows: ManifestFile[] = [];
  const skipped = new Set<Target>();
  const wanted = new Map<string, string | undefined>(original);
  const modes = new Map<string, number>();
  for (const path of paths) {
    const targets = input.targets.filter((target) => target.path === path);
    if (targets.length === 0) continue;
    const before = original.get(path);
    let text = before;
    const pathRows: Omit<ManifestFile, 'sha256'>[] = [];
    for (const target of targets) {
      const applied = applyTarget(target, text, path, (from) => original.get(from));
      if (applied.text === undefined) {
        skipped.add(target);
        continue;
      }
      const edit = diffText(text ?? '', applied.text);
      pathRows.push({
        path,
        kind: target.kind,
        ...(target.client ? { client: target.client } : {}),
        created: before === undefined,
        edits: edit ? [edit] : [],
        ...(applied.json ? { json: applied.json } : {}),
        ...(target.format === 'block' ? { block: target.block } : {}),
      });
      text = applied.text;
      if (before === undefined && target.format === 'whole') {
        const mode = target.from !== undefined ? modeOf(abs(target.from)) : target.mode;
        if (mode !== undefined) modes.set(path, mode);
      }
    }
    if (text === undefined || pathRows.length === 0) continue;
    const final = text;
    for (const row of pathRows) rows.push({ ...row, sha256: sha256(final) });
    wanted.set(path, final);
  }

  const writes: FileWrite[] = [];
  const reports: FileReport[] = [];
  const actionOf = (path: string): FileAction => {
    const now = current.get(path);
    const next = wanted.get(path);
    if (now === next) return 'unchanged';
    if (now === undefined) return 'create';
    return next === undefined ? 'remove' : 'update';
  };
  for (const path of paths) {
    const action = actionOf(path);
    if (action !== 'unchanged') writes.push({ path, text: wanted.get(path) ?? null, ...(modes.has(path) ? { mode: modes.get(path) } : {}) });
  }
  for (const target of input.targets) {
    if (skipped.has(target)) continue;
    reports.push({ path: target.path, kind: target.kind, ...(target.client ? { client: target.client } : {}), action: actionOf(target.path), summary: target.summary });
  }
  for (const row of previousRows) {
    if (input.targets.some((target) => target.path === row.path && target.kind === row.kind)) continue;
    if (reports.some((report) => report.path === row.path && report.kind === row.kind)) continue;
    const action = actionOf(row.path);
    reports.push({ path: row.path, kind: row.kind, ...(row.client ? { client: row.client } : {}), action: action === 'unchanged' ? 'unchanged' : action === 'remove' ? 'remove' : 'update', summary: `Baton's ${row.kind} taken out` });
  }

  // Directories: create the missing parents of new files; remove the ones init created that nothing needs any more.
  const keep = new Set<string>();
  const manifest: Manifest | null = rows.length === 0
    ? null
    : {
        version: MANIFEST_VERSION,
        scope: input.scope,
        clients: input.clients,
        ...(input.options.http ? { serverUrl: input.options.http } : {}),
        options: input.options,
        files: rows,
        createdDirs: [],
      };
  const finalFiles = [...paths.filter((path) => wanted.get(path) !== undefined), ...(manifest ? [input.manifestPath] : [])];
  for (const file of finalFiles) if (!isAbsolute(file)) for (const dir of parentsOf(file)) keep.add(dir);
  const previousDirs = input.previous?.createdDirs ?? [];
  const mkdirs = [...keep].filter((dir) => !existsSync(abs(dir))).sort();
  const createdDirs = [...new Set([...previousDirs.filter((dir) => keep.has(dir)), ...mkdirs])].sort();
  const rmdirs = previousDirs.filter((dir) => !keep.has(dir)).sort((a, b) => b.length - a.length);

  const manifestNow = readText(abs(input.manifestPath));
  const manifestFinal = manifest ? manifestText({ ...manifest, createdDirs }) : undefined;
  if (manifestNow !== manifestFinal) {
    writes.push({ path: input.manifestPath, text: manifestFinal ?? null });
    reports.push({ path: input.manifestPath, kind: 'manifest', action: manifestNow === undefined ? 'create' : manifestFinal === undefined ? 'remove' : 'update', summary: 'what baton init wrote (baton uninstall reads it)' });
  }
  return { root: input.root, files: reports, warnings, manifest: manifest ? { ...manifest, createdDirs } : null, writes, mkdirs, rmdirs };
}

/** Writes a plan: directories, files (deletions too), then removes the directories init made that are now empty. */
export function applyPlan(plan: InstallPlan): void {
  const abs = (path: string): string => (isAbsolute(path) ? path : join(plan.root, path));
  for (const dir of plan.mkdirs) mkdirSync(abs(dir), { recursive: true });
  for (const write of plan.writes) {
    if (write.text === null) {
      rmSync(abs(write.path), { force: true });
      continue;
    }
    mkdirSync(dirname(abs(write.path)), { recursive: true });
    writeFileSync(abs(write.path), write.text);
    if (write.mode !== undefined) chmodSync(abs(write.path), write.mode);
  }
  for (const dir of plan.rmdirs) {
    const path = abs(dir);
    if (existsSync(path) && readdirSync(path).length === 0) rmdirSync(path);
  }
}

/** A path as the report shows it: relative to the root when inside it. */
export function displayPath(root: string, path: string): string {
  if (!isAbsolute(path)) return path;
  const rel = relative(root, path);
  return rel.startsWith('..') ? path : rel;
}
