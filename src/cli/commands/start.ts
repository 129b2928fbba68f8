/**
 * @module `baton start` in the foreground: the URL on the first line of stdout,
 * graceful shutdown on SIGINT/SIGTERM. `--daemon` is ./daemon.ts.
 */
import { loadServerConfig, type ConfigOverrides } from '../../server/config.js';
import { startServer } from '../../server/main.js';

// cli/main.ts imports this lazily (`await import`), which ts-unused-exports does not follow.
export async function runForeground(overrides: ConfigOverrides): Promise<void> {
  const server = await startServer(loadServerConfig(overrides));
  process.stdout.write(`${server.url}\n`);
  const stop = (signal: string): void => {
    process.stderr.write(`[baton] ${signal}: shutting down\n`);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`[baton] shutdown failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => { stop('SIGINT'); });
  process.once('SIGTERM', () => { stop('SIGTERM'); });
}
