/**
 * @module `baton mcp`: the stdio MCP server an agent's client launches. It finds
 * the HTTP server (--url, BATON_URL, or the local one from the data directory),
 * starts the local one as a daemon when none answers, and forwards everything to
 * it with the caller's identity: CLAUDE_CODE_SESSION_ID (or --agent) as the agent,
 * and as the project the one of the directory it runs in (project/identity.ts:
 * --project, BATON_PROJECT, .baton.json, else the repository, the same for all
 * its worktrees). Forwarding to the local server, it starts that server again
 * when it stops answering (a crash, `baton stop`): the next call that finds it
 * gone does, and concurrent proxies start one server between them (startDaemon
 * takes turns). Forwarding to --url / BATON_URL it cannot start anything.
 */
import { describeProject, resolveProject } from '../../project/identity.js';
import { defaultDataDir } from '../../server/config.js';
import { processAlive, readServerRecord } from '../../server/server-record.js';
import { runStdioProxy } from '../../transports/mcp/stdio.js';
import { startDaemon } from './daemon.js';
import { answers } from './server-control.js';

export interface McpCommandOptions {
  url?: string | undefined;
  agent?: string | undefined;
  project?: string | undefined;
  toolsets?: string | undefined;
  profile?: string | undefined;
  dataDir?: string | undefined;
}

/** What the endpoint serves: Baton's toolsets, or a seed's compatibility profile. */
interface Selection {
  toolsets: string | undefined;
  profile: string | undefined;
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

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits (at most `ms`) while the recorded server's process lives without
 * answering: one shutting down (`baton stop`) holds the data directory until it
 * exits, and a server started meanwhile would be refused it.
 */
async function departure(dataDir: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const record = readServerRecord(dataDir);
    if (!record || !processAlive(record.pid) || Date.now() > deadline || (await answers(record.url))) return;
    await sleep(100);
  }
}

/** Gets the local server answering again after it stopped, and answers its MCP endpoint. */
async function restartLocalServer(dataDir: string, selection: Selection): Promise<URL> {
  await departure(dataDir, 10_000);
  const daemon = await startDaemon({ dataDir }, { onSpawn: () => { log(`no Baton server answers for ${dataDir}; starting a new one in the background`); } });
  log(daemon.alreadyRunning ? `a Baton server answers at ${daemon.url} again; carrying on there` : `started a Baton server at ${daemon.url} (stop it with: baton stop)`);
  return mcpEndpoint(daemon.url, selection);
}

/** The /mcp endpoint to forward to, with the chosen toolsets or profile. */
function mcpEndpoint(base: string, selection: Selection): URL {
  const url = new URL(base);
  if (!url.pathname.endsWith('/mcp')) url.pathname = `${url.pathname.replace(/\/$/, '')}/mcp`;
  if (selection.toolsets) url.searchParams.set('toolsets', selection.toolsets);
  if (selection.profile) url.searchParams.set('profile', selection.profile);
  return url;
}

// cli/main.ts imports this lazily (`await import`), which ts-unused-exports does not follow.
export async function runMcpCommand(options: McpCommandOptions): Promise<void> {
  const env = process.env;
  const project = resolveProject({ cwd: process.cwd(), explicit: options.project, env });
  const checkout = project.root === undefined ? '' : ` (work tree ${project.root}${project.branch === undefined ? '' : `, branch ${project.branch}`})`;
  log(`project ${project.id}: ${describeProject(project)}${checkout}`);
  const profile = options.profile ?? (env['BATON_MCP_PROFILE'] || undefined);
  // Seed 001's client found its server through TASK_COORDINATOR_URL; its configs keep working under its profile.
  const seedUrl = profile === 'task-coordinator' ? env['TASK_COORDINATOR_URL'] || undefined : undefined;
  const explicit = options.url ?? (env['BATON_URL'] || seedUrl);
  const dataDir = options.dataDir ?? defaultDataDir();
  const base = explicit ?? (await localServerUrl(dataDir));
  const selection: Selection = { toolsets: options.toolsets ?? env['BATON_MCP_TOOLSETS'], profile };
  const agentId = options.agent ?? env['BATON_AGENT'] ?? env['CLAUDE_CODE_SESSION_ID'];
  await runStdioProxy({
    endpoint: mcpEndpoint(base, selection),
    restart: explicit === undefined ? () => restartLocalServer(dataDir, selection) : undefined,
    agentId: agentId === '' ? undefined : agentId,
    project: project.id,
    token: env['BATON_TOKEN'],
    log,
  });
}
