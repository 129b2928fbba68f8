/**
 * @module What computing a repository's import map can fail with: a typed code,
 * a message naming the file or directory, and what to do about it. The CLI prints
 * these like the server's own errors (cli/output.ts) and exits non-zero.
 */

const IMPORT_GRAPH_ERRORS = {
  /** The directory does not exist, or no git work tree contains it. */
  NOT_A_REPOSITORY: 'Run baton depmap inside a git repository (or pass its directory); `git init` makes one.',
  /** git listed no TypeScript, JavaScript or Python file. */
  NO_SOURCE_FILES: 'Add the source files to the repository (git add, or check .gitignore), or run baton depmap in another repository.',
  /** A tsconfig.json / jsconfig.json could not be read or parsed. */
  BAD_CONFIG: 'Fix the file named: `npx tsc --showConfig -p <file>` shows what TypeScript reads.',
  /** Neither the repository nor Baton has the typescript package. */
  TYPESCRIPT_MISSING: 'Install it in the repository: npm i -D typescript',
  /** git could not list the repository's files. */
  GIT_FAILED: 'Check that git is installed and `git ls-files` works in the repository.',
} as const;

export type ImportGraphErrorCode = keyof typeof IMPORT_GRAPH_ERRORS;

export class ImportGraphError extends Error {
  override readonly name = 'ImportGraphError';
  readonly code: ImportGraphErrorCode;
  readonly hint: string;

  constructor(code: ImportGraphErrorCode, message: string, options?: { cause?: unknown; hint?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options?.hint ?? IMPORT_GRAPH_ERRORS[code];
  }
}
