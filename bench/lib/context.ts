/**
 * @module The context one suite runs in: quick or full durations, temporary
 * directories and deferred cleanup that always runs, even when the suite throws.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchContext } from './types.js';

export interface SuiteContext {
  ctx: BenchContext;
  /** Runs the deferred cleanups, last first; failures are logged, not thrown. */
  cleanup: () => Promise<void>;
}

export function createSuiteContext(suite: string, quick: boolean): SuiteContext {
  const cleanups: (() => unknown)[] = [];
  const log = (message: string): void => {
    process.stderr.write(`[bench ${suite}] ${message}\n`);
  };
  const ctx: BenchContext = {
    quick,
    duration: (fullMs, quickMs) => (quick ? quickMs : fullMs),
    tempDir(label) {
      const dir = mkdtempSync(join(tmpdir(), `baton-bench-${label}-`));
      cleanups.push(() => {
        rmSync(dir, { recursive: true, force: true });
      });
      return dir;
    },
    defer(cleanup) {
      cleanups.push(cleanup);
    },
    log,
  };
  return {
    ctx,
    async cleanup() {
      for (const cleanup of cleanups.reverse()) {
        try {
          await cleanup();
        } catch (error) {
          log(`cleanup failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      cleanups.length = 0;
    },
  };
}
