/**
 * @module Which server a client command (and `baton status`) talks to: --url, else
 * the server recorded in --data-dir, else BATON_URL, else the server recorded in
 * BATON_DATA_DIR or ~/.baton by the one that runs there. A flag beats the
 * environment, so `--data-dir` names its own server even where BATON_URL is set.
 * Reads one small file; loads nothing of the server.
 */
import { defaultDataDir, processAlive, readServerRecord } from '../../server/server-record.js';
import { UnreachableError, UsageError } from './errors.js';

export interface LocateOptions {
  url?: string | undefined;
  dataDir?: string | undefined;
  env: Readonly<Record<string, string | undefined>>;
}

export interface ServerLocation {
  url: string;
  /** Where the URL came from, for messages. */
  source: 'flag' | 'env' | 'data-dir';
  dataDir?: string;
  /** The process the data directory's record names (source 'data-dir'). */
  pid?: number;
}

function parseUrl(text: string, from: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`${from} '${text}' is not a URL.`, 'Give the server address, e.g. http://127.0.0.1:3100.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`${from} '${text}' is not an http(s) URL.`, 'Give the server address, e.g. http://127.0.0.1:3100.');
  return url.href.replace(/\/$/, '');
}

export function locateServer(options: LocateOptions): ServerLocation {
  if (options.url) return { url: parseUrl(options.url, '--url'), source: 'flag' };
  const fromEnv = options.env['BATON_URL'];
  if (fromEnv && options.dataDir === undefined) return { url: parseUrl(fromEnv, 'BATON_URL'), source: 'env' };
  const dataDir = options.dataDir ?? (options.env['BATON_DATA_DIR'] || defaultDataDir());
  const record = readServerRecord(dataDir);
  if (!record || !processAlive(record.pid)) {
    throw new UnreachableError(`No Baton server is running for ${dataDir}.`, 'Start one with `baton start --daemon`, or name a server with --url or BATON_URL.');
  }
  return { url: record.url, source: 'data-dir', dataDir, pid: record.pid };
}
