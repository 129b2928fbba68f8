/**
 * @module `baton status` and `baton stop`: find the running server from its
 * record in the data directory and ask it (health) or signal it (SIGTERM).
 */
import { rmSync } from 'node:fs';
import { defaultDataDir } from '../../server/config.js';
import { processAlive, readServerRecord, serverRecordPath } from '../../server/server-record.js';

export interface ServerStatus {
  running: boolean;
  url?: string;
  pid?: number;
  health?: unknown;
  message: string;
}

/** True when the server at `url` answers its liveness check. */
export async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(new URL('/health', url), { signal: AbortSignal.timeout(2000) });
    return res.ok;
  } catch {
    return false;
  }
}

/** The server recorded for this data directory, if its process lives and it answers. */
export async function runningServer(dataDir: string): Promise<{ url: string; pid: number } | null> {
  const record = readServerRecord(dataDir);
  if (!record || !processAlive(record.pid) || !(await answers(record.url))) return null;
  return { url: record.url, pid: record.pid };
}

export async function serverStatus(dataDir = defaultDataDir()): Promise<ServerStatus> {
  const record = readServerRecord(dataDir);
  if (!record || !processAlive(record.pid)) return { running: false, message: `No Baton server is running for ${dataDir}.` };
  try {
    const res = await fetch(`${record.url}/health`, { signal: AbortSignal.timeout(3000) });
    return { running: true, url: record.url, pid: record.pid, health: await res.json(), message: `Baton is running at ${record.url} (pid ${record.pid}).` };
  } catch (error) {
    return { running: false, url: record.url, pid: record.pid, message: `Process ${record.pid} exists but ${record.url} does not answer: ${String(error)}` };
  }
}

export async function stopServer(dataDir = defaultDataDir(), timeoutMs = 10_000): Promise<{ stopped: boolean; message: string }> {
  const record = readServerRecord(dataDir);
  if (!record || !processAlive(record.pid)) {
    rmSync(serverRecordPath(dataDir), { force: true });
    return { stopped: false, message: `No Baton server is running for ${dataDir}.` };
  }
  process.kill(record.pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!processAlive(record.pid)) return { stopped: true, message: `Stopped the server at ${record.url} (pid ${record.pid}).` };
    await new Promise((r) => setTimeout(r, 100));
  }
  return { stopped: false, message: `The server (pid ${record.pid}) did not stop within ${timeoutMs} ms.` };
}
