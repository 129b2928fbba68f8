/**
 * @module `baton logs [-n N] [-f]`: the last lines of the daemon's structured log
 * (<data-dir>/logs/server.log), readable on a terminal and raw JSON lines when
 * piped or with --json; -f follows it across rotations until interrupted.
 */
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { defaultDataDir } from '../../server/server-record.js';
import { serverLogPath } from '../../server/log-files.js';
import { prettyLine } from '../../server/log-format.js';

export interface LogsOptions {
  dataDir?: string;
  lines?: number;
  follow?: boolean;
  json?: boolean;
}

/** Reads `length` bytes of `path` from `from` (fewer when the file is shorter). */
function readRange(path: string, from: number, length: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const read = readSync(fd, buffer, 0, length, from);
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/** The last `n` complete lines of the file and the offset after them. */
function tail(path: string, n: number): { lines: string[]; end: number } {
  const size = statSync(path).size;
  // Read backwards in chunks until n line breaks are in hand (a rotated log is at most a few MiB).
  let start = size;
  let text = '';
  while (start > 0 && text.split('\n').length <= n + 1) {
    const from = Math.max(0, start - 64 * 1024);
    text = readRange(path, from, start - from).toString('utf8') + text;
    start = from;
  }
  const complete = text.slice(0, text.lastIndexOf('\n') + 1);
  const lines = complete.split('\n').slice(0, -1);
  return { lines: n === 0 ? [] : lines.slice(-n), end: start + Buffer.byteLength(complete) };
}

export async function runLogs(options: LogsOptions): Promise<void> {
  const path = serverLogPath(options.dataDir ?? defaultDataDir());
  const human = options.json !== true && process.stdout.isTTY;
  const colour = human && !process.env['NO_COLOR'];
  const print = (line: string): void => {
    process.stdout.write(human ? prettyLine(line, colour) : `${line}\n`);
  };
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat && options.follow !== true) {
    process.stderr.write(`baton: no server log at ${path}; the daemon writes it (baton start --daemon), a foreground server logs to its terminal\n`);
    process.exitCode = 1;
    return;
  }
  let offset = 0;
  if (stat) {
    const last = tail(path, Math.max(0, options.lines ?? 50));
    for (const line of last.lines) print(line);
    offset = last.end;
  }
  if (options.follow !== true) return;
  await follow(path, offset, stat !== undefined, print);
}

/**
 * Prints what is appended to the log. The open descriptor keeps reading the file it
 * opened after a rotation renames it, so its last lines are printed before the new
 * file is opened from its start (a log rotated twice within one poll skips the middle one).
 */
async function follow(path: string, from: number, exists: boolean, print: (line: string) => void): Promise<never> {
  let fd: number | undefined = exists ? openSync(path, 'r') : undefined;
  let offset = from;
  let partial = '';
  const drain = (): void => {
    if (fd === undefined) return;
    const size = fstatSync(fd).size;
    if (size < offset) offset = 0;
    if (size === offset) return;
    const buffer = Buffer.alloc(size - offset);
    const read = readSync(fd, buffer, 0, buffer.length, offset);
    offset += read;
    const lines = (partial + buffer.subarray(0, read).toString('utf8')).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) print(line);
  };
  for (;;) {
    drain();
    const now = statSync(path, { throwIfNoEntry: false });
    if (now && (fd === undefined || now.ino !== fstatSync(fd).ino)) {
      drain();
      if (fd !== undefined) closeSync(fd);
      fd = openSync(path, 'r');
      offset = 0;
      partial = '';
      continue;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
