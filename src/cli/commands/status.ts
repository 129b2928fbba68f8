/**
 * @module `baton status`: does a Baton server answer, is it healthy, and how is
 * this directory's project? The server is found as every client command finds it
 * (client/locate.ts: --url, --data-dir's record, BATON_URL, else the default data
 * directory's record), BATON_TOKEN goes with the project summary. Exit 0 when the
 * server answers healthy or degraded, 69 (client/exit-codes.ts) when nothing
 * answers or its store is unavailable, so a CI job can check a remote server
 * before it starts; 2 for a URL that is not one. Loads no server code.
 */
import { describeProject, resolveProject, type ProjectIdentity } from '../../project/identity.js';
import type { ClientPlace } from '../client/connect.js';
import { UnreachableError } from '../client/errors.js';
import { EXIT, type ExitCode } from '../client/exit-codes.js';
import { BatonClient } from '../client/http-client.js';
import { locateServer, type ServerLocation } from '../client/locate.js';
import { printJson, reportError } from '../output.js';
import { projectSummary, type ProjectSummary } from './status-summary.js';

export interface StatusFlags {
  url?: string | undefined;
  dataDir?: string | undefined;
  project?: string | undefined;
  json?: boolean | undefined;
}

/** The project the current directory names (what `baton mcp` started there would use), or why none. */
interface ProjectHere {
  project?: ProjectIdentity;
  project_error?: string;
  line: string;
}

/** Why the server is not usable: the error body scripts read, as other client commands print it. */
interface Problem {
  code: 'UNREACHABLE' | 'STORE_UNAVAILABLE';
  message: string;
  hint: string;
  exit_code: ExitCode;
}

interface Finding {
  running: boolean;
  url?: string;
  /** Where the URL came from: --url, BATON_URL, or the data directory's record. */
  source?: ServerLocation['source'];
  pid?: number;
  health?: unknown;
  message: string;
  problem?: Problem;
}

const TIMEOUT_MS = 3000;

function projectHere(flags: StatusFlags, place: ClientPlace): ProjectHere {
  try {
    const project = resolveProject({ cwd: place.cwd, explicit: flags.project, env: place.env });
    const branch = project.branch === undefined ? '' : `, branch ${project.branch}`;
    return { project, line: `Project here: ${project.id} (${describeProject(project)}${branch}).` };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { project_error: reason, line: `Project here: none: ${reason}` };
  }
}

const unreachable = (message: string, hint: string): Problem => ({ code: 'UNREACHABLE', message, hint, exit_code: EXIT.UNREACHABLE });

/** Asks the located server's /health; anything but Baton's answer there means no Baton server answers. */
async function askHealth(client: BatonClient, location: ServerLocation): Promise<Finding> {
  const at = { url: location.url, source: location.source, ...(location.pid === undefined ? {} : { pid: location.pid }) };
  let answer: { status: number; body: Record<string, unknown> };
  try {
    answer = await client.read('/health', { timeoutMs: TIMEOUT_MS });
  } catch (error) {
    if (!(error instanceof UnreachableError)) throw error;
    const message = location.pid === undefined ? error.message : `Process ${location.pid}, recorded in ${location.dataDir ?? 'the data directory'}, runs but does not answer: ${error.message}`;
    return { running: false, ...at, message, problem: unreachable(message, 'Start it with `baton start --daemon` (see baton logs if it runs but hangs), or fix --url / BATON_URL.') };
  }
  const health = answer.body;
  const store = health['store'] as { reason?: unknown } | undefined;
  const reason = typeof store?.reason === 'string' ? `: ${store.reason}` : '';
  const where = `${location.url}${location.pid === undefined ? '' : ` (pid ${location.pid})`}`;
  switch (health['status']) {
    case 'ok':
      return { running: true, ...at, health, message: `Baton is running at ${where}.` };
    case 'degraded':
      return { running: true, ...at, health, message: `Baton is running at ${where}; its store is degraded${reason}.` };
    case 'unavailable': {
      const message = `Baton answers at ${where} but cannot reach its store${reason}.`;
      return { running: true, ...at, health, message, problem: { code: 'STORE_UNAVAILABLE', message, hint: 'Bring the store back (baton doctor says what is wrong), then check again; baton logs has the cause.', exit_code: EXIT.UNREACHABLE } };
    }
    default: {
      const message = `${location.url} answered /health with HTTP ${answer.status}, not as a Baton server does.`;
      return { running: false, ...at, message, problem: unreachable(message, 'Check that --url / BATON_URL names a Baton server.') };
    }
  }
}

function render(finding: Finding, here: ProjectHere, summary: ProjectSummary | undefined): string {
  const hint = finding.problem ? `  ${finding.problem.hint}\n` : '';
  return `${finding.message}\n${hint}${here.line}\n${summary?.text ?? ''}`;
}

/** The server, located as client commands locate it, and what its /health says. */
async function findServer(flags: StatusFlags, place: ClientPlace, here: ProjectHere): Promise<{ finding: Finding; client?: BatonClient }> {
  let location: ServerLocation;
  try {
    location = locateServer({ url: flags.url, dataDir: flags.dataDir, env: place.env });
  } catch (error) {
    if (!(error instanceof UnreachableError)) throw error;
    return { finding: { running: false, message: error.message, problem: unreachable(error.message, error.hint) } };
  }
  const client = new BatonClient({ url: location.url, token: place.env['BATON_TOKEN'] || undefined, project: here.project?.id });
  return { finding: await askHealth(client, location), client };
}

// cli/main.ts imports this lazily (`await import`), which ts-unused-exports does not follow.
export async function statusCommand(flags: StatusFlags, place: ClientPlace = { cwd: process.cwd(), env: process.env }): Promise<void> {
  const here = projectHere(flags, place);
  let found: Awaited<ReturnType<typeof findServer>>;
  try {
    found = await findServer(flags, place, here);
  } catch (error) {
    // A URL that is not one (exit 2): nothing was asked.
    process.exitCode = reportError(error, flags.json === true);
    return;
  }
  const { finding, client } = found;
  const summary = client && here.project && finding.running && !finding.problem ? await projectSummary(client) : undefined;
  const { problem, ...server } = finding;
  if (flags.json) printJson({ ...server, project: here.project, project_error: here.project_error, ...summary?.json, ...(problem ? { error: problem } : {}) });
  else process.stdout.write(render(finding, here, summary));
  process.exitCode = problem?.exit_code ?? EXIT.OK;
}
