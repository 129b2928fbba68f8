/**
 * @module `baton dashboard`: opens the dashboard of the server this machine uses
 * (--url, BATON_URL, else the local one from the data directory, started as a
 * daemon when none answers) on the project of the current directory, in the
 * system's browser ($BROWSER, else xdg-open / open / start). The URL carries the
 * project only, never a token: the page asks for one when the server needs it.
 */
import { spawn } from 'node:child_process';
import { resolveProject } from '../../project/identity.js';
import { defaultDataDir } from '../../server/config.js';

export interface DashboardOptions {
  url?: string | undefined;
  project?: string | undefined;
  dataDir?: string | undefined;
  /** False: print the URL only (for a remote shell, or to paste it elsewhere). */
  open?: boolean | undefined;
}

export interface DashboardOpened {
  url: string;
  opened: boolean;
  started: boolean;
  message: string;
}

function opener(env: NodeJS.ProcessEnv): [string, string[]] {
  if (env['BROWSER']) return [env['BROWSER'], []];
  if (process.platform === 'darwin') return ['open', []];
  if (process.platform === 'win32') return ['cmd', ['/c', 'start', '""']];
  return ['xdg-open', []];
}

/** Starts the system browser on `url`; resolves false when there is none (the URL is printed either way). */
function launch(url: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  const [command, args] = opener(env);
  return new Promise((resolve) => {
    try {
      const child = spawn(command, [...args, url], { detached: true, stdio: 'ignore' });
      child.once('error', () => { resolve(false); });
      child.once('spawn', () => {
        child.unref();
        resolve(true);
      });
    } catch {
      resolve(false);
    }
  });
}

export async function openDashboard(options: DashboardOptions, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Promise<DashboardOpened> {
  let base = options.url ?? (env['BATON_URL'] || undefined);
  let started = false;
  if (base === undefined) {
    const daemon = await import('./daemon.js').then(({ startDaemon }) => startDaemon({ dataDir: options.dataDir ?? defaultDataDir() }));
    base = daemon.url;
    started = !daemon.alreadyRunning;
  }
  let project: string | undefined;
  try {
    project = resolveProject({ cwd, env, explicit: options.project }).id;
  } catch {
    project = options.project;
  }
  const url = `${base.replace(/\/+$/, '')}/dashboard/#/overview${project ? `?project=${encodeURIComponent(project)}` : ''}`;
  const opened = options.open === false ? false : await launch(url, env);
  const how = opened ? 'Opened' : options.open === false ? 'Dashboard' : 'No browser to open; visit';
  return { url, opened, started, message: `${started ? `Started a Baton server at ${base}.\n` : ''}${how}: ${url}` };
}
