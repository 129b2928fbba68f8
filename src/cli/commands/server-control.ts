/**
 * @module `baton status` and `baton stop`: find the running server from its
 * record in the data directory and ask it (health) or signal it (SIGTERM).
 */
import { defaultDataDir } from '../../server/config.js';
import { readServerRecord, serverRecordPath } from '../../server/main.js';
import { rmSync } from 'node:fs';

export interface ServerStatus {
  running: boolean;
  url?: string;
  pid?: number;
  health?: unknown;
  message: string;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

export async function serverStatus(dataDir = defaultDataDir()): Promise<ServerStatus> {
  const record = readServerRecord(dataDir);
  if (!record || !alive(record.pid)) return { running: false, message: `No Baton server is running for ${dataDir}.` };
  try {
    const res = await fetch(`${record.url}/health`, { signal: AbortSignal.timeout(3000) });
    return { running: true, url: record.url, pid: record.pid, health: await res.json(), message: `Baton is running at ${record.url} (pid ${record.pid}).` };
  } catch (error) {
    return { running: false, url: record.url, pid: record.pid, message: `Process ${record.pid} exists but ${record.url} does not answer: ${String(error)}` };
  }
}

export async function stopServer(dataDir = defaultDataDir(), timeoutMs = 10_000): Promise<{ stopped: boolean; message: string }> {
  const record = readServerRecord(dataDir);
  if (!record || !alive(record.pid)) {
    rmSync(serverRecordPath(dataDir), { force: true });
    return { stopped: false, message: `No Baton server is running for ${dataDir}.` };
  }
  process.kill(record.pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!alive(record.pid)) return { stopped: true, message: `Stopped the server at ${record.url} (pid ${record.pid}).` };
    await new Promise((r) => setTimeout(r, 100));
  }
  return { stopped: false, message: `The server (pid ${record.pid}) did not stop within ${timeoutMs} ms.` };
}
