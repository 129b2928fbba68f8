/**
 * @module `baton mcp`: the stdio MCP server an agent's client launches. It finds
 * the HTTP server (--url, BATON_URL, or the local one from the data directory),
 * starts the local one as a daemon when none answers, and forwards everything to
 * it with the caller's identity: CLAUDE_CODE_SESSION_ID (or --agent) as the agent.
 */
import { closeSync, openSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { defaultDataDir } from '../../server/config.js';
import { ensureDataDir } from '../../server/data-dir.js';
import { runStdioProxy } from '../../transports/mcp/stdio.js';
import { runningServer } from './server-control.js';
import { startDaemon } from './start.js';

export interface McpCommandOptions {
  url?: string | undefined;
  agent?: string | undefined;
  project?: string | undefined;
  toolsets?: string | undefined;
  dataDir?: string | undefined;
}

const log = (message: string): void => {
  process.stderr.write(`[baton] ${message}\n`);
};

/** The local server's URL, starting it in the background when none answers. */
export async function localServerUrl(dataDir: string): Promise<string> {
  const running = await runningServer(dataDir);
  if (running) return running.url;
  // Several agents' clients may launch `baton mcp` at once: one starts the server, the others wait for it.
  ensureDataDir(dataDir);
  const lock = join(dataDir, 'starting.lock');
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx'));
      break;
    } catch {
      const record = await runningServer(dataDir);
      if (record) return record.url;
      // A lock older than any start is left over from a crash.
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 30_000) rmSync(lock, { force: true });
      if (Date.now() > deadline) throw new Error(`Another process has been starting the server for 20 s; see ${join(dataDir, 'baton.log')}.`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    // Another proxy may have started the server and released the lock just before we took it.
    const started = await runningServer(dataDir);
    if (started) return started.url;
    log(`no Baton server answers for ${dataDir}; starting one in the background`);
    const daemon = await startDaemon({ dataDir });
    log(daemon.alreadyRunning ? `another start won: using the Baton server at ${daemon.url}` : `started a Baton server at ${daemon.url} (stop it with: baton stop)`);
    return daemon.url;
  } finally {
    rmSync(lock, { force: true });
  }
}

/** The /mcp endpoint to forward to, with the chosen toolsets. */
export function mcpEndpoint(base: string, toolsets: string | undefined): URL {
  const url = new URL(base);
  if (!url.pathname.endsWith('/mcp')) url.pathname = `${url.pathname.replace(/\/$/, '')}/mcp`;
  if (toolsets) url.searchParams.set('toolsets', toolsets);
  return url;
}

export async function runMcpCommand(options: McpCommandOptions): Promise<void> {
  const env = process.env;
  const explicit = options.url ?? (env['BATON_URL'] || undefined);
  const base = explicit ?? (await localServerUrl(options.dataDir ?? defaultDataDir()));
  const agentId = options.agent ?? env['BATON_AGENT'] ?? env['CLAUDE_CODE_SESSION_ID'];
  await runStdioProxy({
    endpoint: mcpEndpoint(base, options.toolsets ?? env['BATON_MCP_TOOLSETS']),
    agentId: agentId === '' ? undefined : agentId,
    project: options.project ?? env['BATON_PROJECT'],
    token: env['BATON_TOKEN'],
    log,
  });
}
