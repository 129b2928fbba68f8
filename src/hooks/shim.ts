#!/usr/bin/env node
/**
 * @module `baton-hook <client> <event> [--strict]`: the command a client runs as a hook.
 * It loads nothing of Baton (node:* only; start-up is the budget, measured by the
 * hooks bench suite): it finds the server (BATON_URL, else the record in the data
 * directory), forwards the hook JSON from stdin to `POST /hooks/<client>/<event>`, and
 * prints the decision with its exit code. When no server answers it fails open (exit
 * 0, nothing printed) unless --strict, where a pre-tool hook exits 2 (the edit is
 * refused) and says why.
 *
 * session-start alone waits, at most BATON_HOOK_START_WAIT_MS (2 s), for a server that is
 * not there yet: on a cold start the client runs it while the MCP proxy (`baton mcp`) is
 * still starting the server, and the digest would be lost. Tool hooks never wait.
 *
 * `baton-hook git pre-commit` is the commit guard: it sends the staged paths; a refusal
 * exits 1. BATON_GUARD_BYPASS=1 commits anyway and logs it (server event, and a line in
 * <git common dir>/baton-guard.log).
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { homedir, hostname, userInfo } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

const args = process.argv.slice(2);
const strict = args.includes('--strict');
const [client = '', event = ''] = args.filter((a) => !a.startsWith('--'));
const env = process.env;
const timeoutMs = Number(env['BATON_HOOK_TIMEOUT_MS'] ?? '') || 5_000;
const startWaitMs = Number(env['BATON_HOOK_START_WAIT_MS'] ?? '') || 2_000;

function serverUrl(): string | undefined {
  if (env['BATON_URL']) return env['BATON_URL'];
  const dataDir = env['BATON_DATA_DIR'] ?? join(homedir(), '.baton');
  try {
    const record = JSON.parse(readFileSync(join(dataDir, 'server.json'), 'utf8')) as { url?: unknown };
    return typeof record.url === 'string' ? record.url : undefined;
  } catch {
    return undefined;
  }
}

function readStdin(): Promise<string> {
  return new Promise((done) => {
    if (process.stdin.isTTY) {
      done('');
      return;
    }
    const chunks: Buffer[] = [];
    process.stdin.on('data', (c: Buffer) => chunks.push(c));
    process.stdin.on('end', () => {
      done(Buffer.concat(chunks).toString('utf8'));
    });
    process.stdin.on('error', () => {
      done('');
    });
  });
}

/** One POST; resolves the status and body, or an error message when nothing answered. */
type Answer = { status: number; text: string } | { failed: string; refused?: boolean };

function post(url: string, path: string, body: string): Promise<Answer> {
  return new Promise((done) => {
    let target: URL;
    try {
      target = new URL(path, url);
    } catch {
      done({ failed: `the server URL '${url}' is not valid` });
      return;
    }
    const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
    if (env['BATON_TOKEN']) headers['authorization'] = `Bearer ${env['BATON_TOKEN']}`;
    if (env['BATON_PROJECT']) headers['x-baton-project'] = env['BATON_PROJECT'];
    const req = request(target, { method: 'POST', headers, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        done({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', () => {
        done({ failed: 'the answer was cut off' });
      });
    });
    req.on('timeout', () => {
      req.destroy();
      done({ failed: `no answer within ${timeoutMs} ms` });
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      done(error.code === 'ECONNREFUSED' ? { failed: `nothing listens at ${url}`, refused: true } : { failed: error.message });
    });
    req.end(body);
  });
}

const errorOf = (text: string): string => {
  try {
    const parsed = JSON.parse(text) as { error?: { message?: string } };
    return parsed.error?.message ?? text.slice(0, 200);
  } catch {
    return text.slice(0, 200);
  }
};

function exit(code: number, stdout?: string, stderr?: string): void {
  if (stdout) process.stdout.write(stdout);
  if (stderr) process.stderr.write(stderr.endsWith('\n') ? stderr : `${stderr}\n`);
  process.exitCode = code;
}

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/**
 * Forwards the hook; for session-start, while no server is recorded or the recorded one
 * refuses the connection (the proxy is starting it), tries again every 100 ms until
 * startWaitMs has passed. undefined: no server record at all.
 */
async function forward(path: string, body: string): Promise<{ url: string; answer: Answer } | undefined> {
  const deadline = Date.now() + (event === 'session-start' ? startWaitMs : 0);
  for (;;) {
    const url = serverUrl();
    const answer = url === undefined ? undefined : await post(url, path, body);
    const retry = answer === undefined || ('failed' in answer && answer.refused === true);
    if (!retry || Date.now() + 100 > deadline) return url === undefined || answer === undefined ? undefined : { url, answer };
    await sleep(100);
  }
}

async function hook(): Promise<void> {
  const input = await readStdin();
  const failed = (why: string): void => {
    if (strict && event === 'pre-tool') {
      exit(2, undefined, `Baton cannot check file reservations (${why}), and this hook is strict: the edit is refused. Start the server (baton start --daemon) or remove --strict.`);
    } else {
      exit(0, undefined, `baton: hook skipped (${why}); the edit was not checked`);
    }
  };
  const forwarded = await forward(`/hooks/${encodeURIComponent(client)}/${encodeURIComponent(event)}?shim=1`, input === '' ? '{}' : input);
  if (forwarded === undefined) {
    failed('no Baton server is running: no server record, and BATON_URL is not set');
    return;
  }
  const { answer } = forwarded;
  if ('failed' in answer) {
    failed(answer.failed);
    return;
  }
  if (answer.status < 200 || answer.status >= 300) {
    failed(`the server answered ${answer.status}: ${errorOf(answer.text)}`);
    return;
  }
  try {
    const reply = JSON.parse(answer.text) as { body?: Record<string, unknown>; exit_code?: number; stderr?: string };
    const body = reply.body && Object.keys(reply.body).length > 0 ? JSON.stringify(reply.body) : undefined;
    exit(reply.exit_code === 2 ? 2 : 0, body, reply.stderr);
  } catch {
    failed('the server answered something that is not JSON');
  }
}

/** node:child_process is loaded only by the guard: an editor's hooks never pay for it. */
const { spawnSync } = client === 'git' ? await import('node:child_process') : { spawnSync: undefined };

function git(gitArgs: string[]): string | undefined {
  const run = spawnSync?.('git', gitArgs, { encoding: 'utf8' });
  return run?.status === 0 ? run.stdout : undefined;
}

async function guard(): Promise<void> {
  const top = git(['rev-parse', '--show-toplevel'])?.trim() ?? process.cwd();
  const staged = git(['diff', '--cached', '--name-only', '--no-renames', '-z']);
  const files = (staged ?? '').split('\0').filter((f) => f !== '');
  if (files.length === 0) return;
  const bypass = ['1', 'true', 'yes'].includes((env['BATON_GUARD_BYPASS'] ?? '').toLowerCase());
  const by = `${safeUser()}@${hostname()}`;
  const agent = env['BATON_AGENT'] ?? env['CLAUDE_CODE_SESSION_ID'];
  if (bypass) logBypass(top, by, agent, files);
  const url = serverUrl();
  const body = JSON.stringify({ cwd: top, files, ...(agent ? { agent } : {}), ...(bypass ? { bypass_by: by } : {}) });
  const answer = url === undefined ? { failed: 'no Baton server is running' } : await post(url, '/hooks/git/pre-commit', body);
  const unchecked = (why: string): void => {
    exit(strict ? 1 : 0, undefined, `baton: commit not checked against file reservations (${why})${strict ? '; refused (--strict)' : ''}`);
  };
  if ('failed' in answer) {
    unchecked(answer.failed);
    return;
  }
  if (answer.status < 200 || answer.status >= 300) {
    unchecked(`the server answered ${answer.status}: ${errorOf(answer.text)}`);
    return;
  }
  try {
    const verdict = JSON.parse(answer.text) as { allowed?: boolean; bypassed?: boolean; message?: string };
    if (verdict.allowed === false) exit(1, undefined, verdict.message ?? 'baton: commit refused');
    else if (verdict.bypassed) exit(0, undefined, verdict.message);
  } catch {
    unchecked('the server answered something that is not JSON');
  }
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return env['USER'] ?? 'unknown';
  }
}

/** The bypass is logged where every worktree of the repository shares it, even when no server answers. */
function logBypass(top: string, by: string, agent: string | undefined, files: string[]): void {
  const common = git(['rev-parse', '--git-common-dir'])?.trim();
  if (common === undefined) return;
  const dir = isAbsolute(common) ? common : resolve(top, common);
  const line = `${new Date().toISOString()} bypass by ${by}${agent ? ` (agent ${agent})` : ''} in ${top}: ${files.length} file(s): ${files.slice(0, 20).join(' ')}\n`;
  try {
    appendFileSync(join(dir, 'baton-guard.log'), line);
  } catch {
    // A read-only git directory: the server event still records it.
  }
}

if (client === 'git' && event === 'pre-commit') await guard();
else if (client === '' || event === '') exit(64, undefined, 'usage: baton-hook <claude-code|codex|cursor|gemini> <session-start|pre-tool|post-tool|stop|session-end> [--strict] | baton-hook git pre-commit');
else await hook();
