/**
 * @module `baton status` and `baton stop`: find the running server from its
 * record in the data directory and ask it (health) or signal it (SIGTERM).
 */
import { rmSync } from 'node:fs';
import { describeProject, resolveProject, type ProjectIdentity } from '../../project/identity.js';
import { defaultDataDir, processAlive, readServerRecord, serverRecordPath } from '../../server/server-record.js';

export interface ServerStatus {
  running: boolean;
  url?: string;
  pid?: number;
  health?: unknown;
  /** The project of the directory asked about (what `baton mcp` started there would use). */
  project?: ProjectIdentity;
  /** Why no project could be named there (an invalid BATON_PROJECT or .baton.json). */
  project_error?: string;
  message: string;
}

/** Where `baton status` runs: its directory and environment name the project it shows. */
export interface StatusPlace {
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
}

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

/** The server recorded for the data directory and its health; with `here`, also the project of that directory. */
// cli/main.ts imports this lazily (`await import`), which ts-unused-exports does not follow.
export async function serverStatus(dataDir = defaultDataDir(), here?: StatusPlace): Promise<ServerStatus> {
  const status = await serverHealth(dataDir);
  return here ? withProject(status, here) : status;
}

async function serverHealth(dataDir: string): Promise<ServerStatus> {
  const record = readServerRecord(dataDir);
  if (!record || !processAlive(record.pid)) return { running: false, message: `No Baton server is running for ${dataDir}. Start one with baton start --daemon (an editor's baton mcp also starts it).` };
  try {
    const res = await fetch(`${record.url}/health`, { signal: AbortSignal.timeout(3000) });
    return { running: true, url: record.url, pid: record.pid, health: await res.json(), message: `Baton is running at ${record.url} (pid ${record.pid}).` };
  } catch (error) {
    return { running: false, url: record.url, pid: record.pid, message: `Process ${record.pid} exists but ${record.url} does not answer: ${String(error)}` };
  }
}

function withProject(status: ServerStatus, here: StatusPlace): ServerStatus {
  try {
    const project = resolveProject({ cwd: here.cwd, env: here.env });
    const branch = project.branch === undefined ? '' : `, branch ${project.branch}`;
    return { ...status, project, message: `${status.message}\nProject here: ${project.id} (${describeProject(project)}${branch}).` };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ...status, project_error: reason, message: `${status.message}\nProject here: none: ${reason}` };
  }
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
