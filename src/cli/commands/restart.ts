/**
 * @module `baton restart`: stop the server recorded for the data directory (as
 * `baton stop`), then start one in the background (as `baton start --daemon`),
 * on the port the old one had unless --port names another.
 */
import { type ConfigOverrides } from '../../server/config.js';
import { defaultDataDir, readServerRecord } from '../../server/server-record.js';
import { StartupError } from '../../server/startup-error.js';
import { startDaemon, type DaemonStart } from './daemon.js';
import { stopServer } from './server-control.js';

// cli/main.ts imports this lazily (`await import`), which ts-unused-exports does not follow.
export async function restartServer(overrides: ConfigOverrides): Promise<DaemonStart> {
  const dataDir = overrides.dataDir ?? defaultDataDir();
  const record = readServerRecord(dataDir);
  const previousPort = record ? Number(new URL(record.url).port) : undefined;
  const stopped = await stopServer(dataDir);
  if (!stopped.stopped && record && stopped.message.includes('did not stop')) throw new StartupError(`${stopped.message} Stop it by hand (kill ${record.pid}), then run baton start --daemon`);
  if (stopped.stopped) process.stderr.write(`[baton] ${stopped.message}\n`);
  return startDaemon({ ...overrides, dataDir, port: overrides.port ?? previousPort });
}
