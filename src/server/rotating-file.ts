/**
 * @module A log file rotated by size: appends each line synchronously (a crash
 * loses nothing written before it), and when the file passes `maxBytes` renames
 * it to <file>.1 (shifting older ones up to <file>.<keep>) and starts a new one.
 */
import { closeSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export interface RotatingFile {
  write(line: string): void;
  close(): void;
}

export function createRotatingFile(path: string, options: { maxBytes: number; keep: number }): RotatingFile {
  mkdirSync(dirname(path), { recursive: true });
  let fd = openSync(path, 'a');
  let size = fstatSync(fd).size;
  const rotate = (): void => {
    closeSync(fd);
    rmSync(`${path}.${options.keep}`, { force: true });
    for (let i = options.keep - 1; i >= 1; i--) {
      try {
        renameSync(`${path}.${i}`, `${path}.${i + 1}`);
      } catch {
        // That generation does not exist yet.
      }
    }
    renameSync(path, `${path}.1`);
    fd = openSync(path, 'a');
    size = 0;
  };
  return {
    write(line) {
      const bytes = Buffer.byteLength(line);
      if (size > 0 && size + bytes > options.maxBytes) rotate();
      writeSync(fd, line);
      size += bytes;
    },
    close() {
      closeSync(fd);
    },
  };
}
