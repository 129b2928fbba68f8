/**
 * @module Whether a hook command resolves to a program, the way the client's shell
 * will look it up: an absolute or relative path as is, a bare name through PATH
 * (with PATHEXT on Windows). A command hook that does not resolve exits 127, which
 * every client treats as a non-blocking error: the hook does nothing and --strict
 * fails open. init warns about it and doctor checks it, with this one lookup.
 *
 * PATH directories named `node_modules/.bin` are skipped: npx, `npm exec` and `npm run`
 * put them on PATH for their own command only (`npx -y baton-mcp init` finds its
 * temporary baton-hook there), and an editor started later never has them.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

/** The program a hook command runs: its first word, unquoted. */
export function programOf(command: string): string {
  const trimmed = command.trim();
  const quoted = /^(["'])(.*?)\1/.exec(trimmed);
  return quoted?.[2] ?? trimmed.split(/\s+/)[0] ?? '';
}

const NPM_BIN = /(^|[\\/])node_modules[\\/]\.bin[\\/]?$/;

function runnable(path: string, windows: boolean): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    if (!windows) accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The file `program` runs as, or undefined when the shell would answer "command not found". */
export function findOnPath(program: string, env: Readonly<Record<string, string | undefined>>, cwd = process.cwd(), platform: NodeJS.Platform = process.platform): string | undefined {
  const windows = platform === 'win32';
  if (program === '') return undefined;
  if (program.includes('/') || (windows && program.includes('\\'))) {
    const path = isAbsolute(program) ? program : resolve(cwd, program);
    return runnable(path, windows) ? path : undefined;
  }
  const dirs = (env['PATH'] ?? env['Path'] ?? '').split(delimiter).filter((dir) => dir !== '' && !NPM_BIN.test(dir));
  const extensions = windows ? ['', ...(env['PATHEXT'] ?? '.COM;.EXE;.BAT;.CMD').split(';').filter((ext) => ext !== '')] : [''];
  for (const dir of dirs) {
    for (const ext of extensions) {
      const path = join(dir, `${program}${ext}`);
      if (runnable(path, windows)) return path;
    }
  }
  return undefined;
}
