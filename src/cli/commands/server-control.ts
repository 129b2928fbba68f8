/**
 * @module The local server of a data directory: whether it answers (for
 * `baton mcp`, `start --daemon`, `init`) and `baton stop`, which signals it
 * (SIGTERM). `baton status` is a client command (status.ts).
 */
import { rmSync } from 'node:fs';
import { defaultDataDir, processAlive, readServerRecord, serverRecordPath } from '../../server/server-record.js';

/**
 * True when the server at `url` answers its liveness check. On a connection of its
 * own: `baton mcp` asks this and then forwards, and an idle kept-alive socket to a
 * server that died would fail a forwarded call as if the server had read it.
 */
export async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(new URL('/health', url), { headers: { connection: 'close' }, signal: AbortSignal.timeout(2000) });
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

// cli/main.ts imports this lazily (`await import`), which ts-unused-exports does not follow.
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
