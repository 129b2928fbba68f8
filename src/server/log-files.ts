/**
 * @module Where the daemon's structured log lives: <data-dir>/logs/server.log,
 * with rotated generations server.log.1 (newest) … server.log.N beside it.
 */
import { join } from 'node:path';

export const serverLogPath = (dataDir: string): string => join(dataDir, 'logs', 'server.log');
