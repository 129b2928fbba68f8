/**
 * @module `baton mcp`: the stdio MCP server an agent's client launches. It finds
 * the HTTP server (--url, BATON_URL, or the local one from the data directory),
 * starts the local one as a daemon when none answers, and forwards everything to
 * it with the caller's identity: CLAUDE_CODE_SESSION_ID (or --agent) as the agent.
 */
import { defaultDataDir } from '../../server/config.js';
import { runStdioProxy } from '../../transports/mcp/stdio.js';
import { startDaemon } from './daemon.js';

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
async function localServerUrl(dataDir: string): Promise<string> {
  const daemon = await startDaemon({ dataDir }, { onSpawn: () => { log(`no Baton server answers for ${dataDir}; starting one in the background`); } });
  if (!daemon.alreadyRunning) log(`started a Baton server at ${daemon.url} (stop it with: baton stop)`);
  return daemon.url;
}

/** The /mcp endpoint to forward to, with the chosen toolsets. */
function mcpEndpoint(base: string, toolsets: string | undefined): URL {
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
