/**
 * @module The manifest, `<repo>/.baton/installed.json` (`~/.baton/installed.json`
 * for --user): what `baton init` wrote, so that `baton uninstall` removes exactly
 * that and `baton doctor` can check it is still in place. Per file row: the
 * contract fields (path, kind, client, created) and what undoes it: the text
 * edits in the order they were made and the sha256 of the file as init left it
 * (byte-exact undo while the file is unchanged), plus the structural changes
 * (JSON paths, marked blocks) for a file edited since.
 */
import { readFileSync } from 'node:fs';
import type { ClientName, Scope } from './clients.js';
import { InitError } from './init-error.js';
import type { JsonChange } from './json-merge.js';
import type { TextEdit } from './text-edit.js';

export const MANIFEST_VERSION = 1;
export const MANIFEST_PATH = '.baton/installed.json';

export type FileKind = 'mcp-entry' | 'hooks' | 'instructions' | 'git-hook';

export interface ManifestFile {
  /** Relative to the repository root (project) or the home directory (user); absolute when outside it (a shared git hooks directory). */
  readonly path: string;
  readonly kind: FileKind;
  readonly client?: ClientName;
  /** True when the file did not exist before `baton init`. */
  readonly created: boolean;
  /** sha256 of the whole file as init left it (the same on every row of one path). */
  readonly sha256: string;
  /** The edits this row made, applied after those of earlier rows of the same path. */
  readonly edits: readonly TextEdit[];
  /** JSON files: the values set and elements appended. */
  readonly json?: readonly JsonChange[];
  /** Marked-block files: the block's name (marked-block.ts). */
  readonly block?: string;
}

/** What init was asked for, so a later init or a partial uninstall can redo it. */
export interface InstallOptions {
  /** --http: the shared server's URL. */
  readonly http?: string;
  /** The environment variable holding the bearer token for --http. */
  readonly tokenEnv?: string;
  /** Hooks fail closed when the server is down. */
  readonly strict?: boolean;
  /** Also install the git pre-commit guard (default true for the project scope). */
  readonly gitGuard?: boolean;
}

export interface Manifest {
  readonly version: typeof MANIFEST_VERSION;
  readonly scope: Scope;
  readonly clients: readonly ClientName[];
  /** The server the MCP entries point at, when init was given --http. */
  readonly serverUrl?: string;
  readonly options: InstallOptions;
  readonly files: readonly ManifestFile[];
  /** Directories init created (relative like `path`), removed by uninstall when empty. */
  readonly createdDirs: readonly string[];
}

/** The manifest at `file`, null when there is none; an InitError when it is not one we can read. */
export function readManifest(file: string): Manifest | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  let value: Partial<Manifest>;
  try {
    value = JSON.parse(text) as Partial<Manifest>;
  } catch {
    throw new InitError(`${file} is not valid JSON`, `restore it from git (it records what baton init wrote), or delete it and remove Baton's entries by hand`);
  }
  if (value.version !== MANIFEST_VERSION || !Array.isArray(value.files) || !Array.isArray(value.clients)) {
    throw new InitError(`${file} is not a version ${MANIFEST_VERSION} Baton manifest`, 'use the Baton version that wrote it, or restore it from git');
  }
  return { ...value, options: value.options ?? {}, createdDirs: value.createdDirs ?? [] } as Manifest;
}

export const manifestText = (manifest: Manifest): string => `${JSON.stringify(manifest, null, 2)}\n`;
