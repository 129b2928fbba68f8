/**
 * @module `baton start` in the foreground: the URL on the first line of stdout,
 * graceful shutdown on SIGINT/SIGTERM. `--daemon` is ./daemon.ts.
 */
import { loadServerConfig, type ConfigOverrides } from '../../server/config.js';
import { createServerLogging } from '../../server/log.js';
import { startServer } from '../../server/main.js';

// cli/main.ts imports this lazily (`await import`), which ts-unused-exports does not follow.
export async function runForeground(overrides: ConfigOverrides): Promise<void> {
  const config = loadServerConfig(overrides);
  // LOG_LEVEL, BATON_LOG_FILE (the daemon's <data-dir>/logs/server.log): see server/log.ts.
  const logging = createServerLogging();
  const log = logging.component('server');
  let server;
  try {
    server = await startServer(config, logging);
  } catch (error) {
    logging.close();
    throw error;
  }
  const running = server;
  log.info(`listening at ${running.url} (store ${config.store.kind}, data directory ${config.dataDir})`);
  process.stdout.write(`${running.url}\n`);
  const stop = (signal: string): void => {
    log.info(`${signal}: shutting down`);
    running.close().then(
      () => {
        logging.close();
        process.exit(0);
      },
      (error: unknown) => {
        log.error('shutdown failed', error);
        logging.close();
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => { stop('SIGINT'); });
  process.once('SIGTERM', () => { stop('SIGTERM'); });
}
