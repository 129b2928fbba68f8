#!/usr/bin/env node
/**
 * @module The `baton` command line: parses argv, calls a command function, prints
 * its result. Commands live in ./commands and return data. Each action imports its
 * command module when it runs, so `--version` or a client command loads neither
 * the server nor the stores (start-up time is what a script or a hook pays); the
 * `import(...).then(({ name }) => …)` form is the one the unused-exports check follows.
 */
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { parsePort } from '../server/port.js';
import { StartupError } from '../server/startup-error.js';
import { VERSION } from '../server/version.js';
import { registerClientCommands } from './client-commands.js';

const port = (value: string): number => {
  const n = parsePort(value);
  if (n === undefined) throw new InvalidArgumentError('use a port from 0 to 65535 (0 picks a free one).');
  return n;
};

const program = new Command().name('baton').description('Coordination server for AI coding agents.').version(VERSION);
// Commander has printed what is wrong; a usage mistake exits 2 (client/exit-codes.ts), help and --version 0.
program.exitOverride();

program
  .command('start')
  .description('Start the server (foreground; the first line printed is its URL).')
  .option('--host <host>', 'interface to listen on (default 127.0.0.1)')
  .option('--port <port>', 'port (0 picks a free one; default 3100)', port)
  .option('--data-dir <dir>', 'where state lives (default ~/.baton)')
  .option('--store <kind>', 'sqlite (default), redis or postgres')
  .option('--store-url <url>', 'redis://host:6379 or postgres://user@host/db')
  .option('--daemon', 'run in the background and print the URL once it answers')
  .option('--mqtt-port <port>', 'run the embedded MQTT broker on this TCP port (also at /mqtt on the HTTP port)', port)
  .option('--mqtt-url <url>', 'bridge every event to this MQTT broker (mqtt://host:1883; BATON_MQTT_USERNAME/PASSWORD)')
  .option('--tls-cert <file>', 'serve HTTPS with this PEM certificate (chain); needs --tls-key')
  .option('--tls-key <file>', "the PEM private key of --tls-cert's certificate")
  .action(async (opts: { host?: string; port?: number; dataDir?: string; daemon?: boolean; store?: string; storeUrl?: string; mqttPort?: number; mqttUrl?: string; tlsCert?: string; tlsKey?: string }) => {
    const overrides = { host: opts.host, port: opts.port, dataDir: opts.dataDir, store: opts.store, storeUrl: opts.storeUrl, mqttPort: opts.mqttPort, mqttUrl: opts.mqttUrl, tlsCert: opts.tlsCert, tlsKey: opts.tlsKey };
    if (!opts.daemon) {
      await import('./commands/start.js').then(({ runForeground }) => runForeground(overrides));
      return;
    }
    const daemon = await import('./commands/daemon.js').then(({ startDaemon }) => startDaemon(overrides));
    if (daemon.alreadyRunning) process.stderr.write(`baton: a Baton server was already running for ${daemon.dataDir} (pid ${daemon.pid}, ${daemon.url}); not starting another\n`);
    process.stdout.write(`${daemon.url}\n`);
  });

program
  .command('restart')
  .description('Stop the server running for this data directory (if any) and start it again in the background.')
  .option('--host <host>', 'interface to listen on (default 127.0.0.1)')
  .option('--port <port>', 'port (0 picks a free one; default: the one it had, else 3100)', port)
  .option('--data-dir <dir>', 'where state lives (default ~/.baton)')
  .option('--store <kind>', 'sqlite (default), redis or postgres')
  .option('--store-url <url>', 'redis://host:6379 or postgres://user@host/db')
  .action(async (opts: { host?: string; port?: number; dataDir?: string; store?: string; storeUrl?: string }) => {
    const daemon = await import('./commands/restart.js').then(({ restartServer }) => restartServer(opts));
    process.stdout.write(`${daemon.url}\n`);
  });

program
  .command('status')
  .description('Does a Baton server answer (found as client commands find it), is it healthy, and how is the current directory\'s project? Exit 69 when none answers.')
  .option('--url <url>', 'server URL (default BATON_URL, else the server recorded in the data directory)')
  .option('--data-dir <dir>', 'data directory of the local server (default BATON_DATA_DIR, else ~/.baton)')
  .option('--project <id>', "project (default BATON_PROJECT, else .baton.json's, else this directory's git repository)")
  .option('--json', 'print JSON (with an "error" body when the server is not usable)')
  .action(async (opts: { url?: string; dataDir?: string; project?: string; json?: boolean }) => {
    await import('./commands/status.js').then(({ statusCommand }) => statusCommand(opts));
  });

program
  .command('stop')
  .description('Stop the server running for this data directory.')
  .option('--data-dir <dir>', 'data directory (default ~/.baton)')
  .action(async (opts: { dataDir?: string }) => {
    const result = await import('./commands/server-control.js').then(({ stopServer }) => stopServer(opts.dataDir));
    process.stdout.write(`${result.message}\n`);
    process.exitCode = result.stopped ? 0 : 1;
  });

program
  .command('dashboard')
  .description('Open the live dashboard of the local server (started if none runs) on the current directory\'s project.')
  .option('--url <url>', 'server (default BATON_URL, else the local server)')
  .option('--project <id>', 'project to show (default: the current directory\'s)')
  .option('--data-dir <dir>', 'data directory of the local server (default ~/.baton)')
  .option('--no-open', 'print the URL without opening a browser')
  .action(async (opts: { url?: string; project?: string; dataDir?: string; open: boolean }) => {
    const result = await import('./commands/dashboard.js').then(({ openDashboard }) => openDashboard(opts));
    process.stdout.write(`${result.message}\n`);
  });

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
const print = (json: boolean | undefined, result: Record<string, unknown>, human: string): void => {
  process.stdout.write(json ? `${JSON.stringify(result, null, 2)}\n` : `${human}\n`);
};
const shown = (r: Record<string, unknown>): string => `${String(r['token'])}\n(id ${String(r['id'])}, ${String(r['role'])} for ${(r['projects'] as string[]).join(',')}; shown once: store it now)`;

const token = program.command('token').description('Manage bearer tokens (admin; BATON_TOKEN holds yours, or none to create the first admin on a loopback server).');
const target = (c: Command): Command => c.option('--url <url>', 'server (default BATON_URL, else the local server)').option('--data-dir <dir>', 'data directory of the local server').option('--json', 'print JSON');
target(token.command('create').description('Create a token; it is printed once.'))
  .requiredOption('--name <name>', 'who or what holds it')
  .requiredOption('--role <role>', 'agent, observer or admin')
  .option('--project <id>', 'a project it may act in (repeat; default all)', collect)
  .option('--agent <id>', 'the agent it acts as (agent tokens)')
  .option('--expires <duration>', 'lifetime, e.g. 12h or 30d (default never)')
  .action(async (opts: { name: string; role: string; project?: string[]; agent?: string; expires?: string; url?: string; dataDir?: string; json?: boolean }) => {
    const result = await import('./commands/admin.js').then(({ createToken }) => createToken(opts));
    print(opts.json, result, shown(result));
  });
target(token.command('list').description('List tokens (never their secrets).')).action(async (opts: { url?: string; dataDir?: string; json?: boolean }) => {
  const result = await import('./commands/admin.js').then(({ listTokens }) => listTokens(opts));
  print(opts.json, result, await import('./commands/admin.js').then(({ tokenTable }) => tokenTable(result)));
});
target(token.command('revoke').argument('<id>').description('Revoke a token: refused at once on every coordinator, open streams closed.')).action(async (id: string, opts: { url?: string; dataDir?: string; json?: boolean }) => {
  const result = await import('./commands/admin.js').then(({ revokeToken }) => revokeToken(id, opts));
  print(opts.json, result, `Revoked ${id} (${String(result['name'])}).`);
});
target(token.command('rotate').argument('<id>').description('A new secret for the same grant; the old one is refused at once.')).action(async (id: string, opts: { url?: string; dataDir?: string; json?: boolean }) => {
  const result = await import('./commands/admin.js').then(({ rotateToken }) => rotateToken(id, opts));
  print(opts.json, result, shown(result));
});

const audit = program.command('audit').description('The audit log of a team server (admin): every write and refused authentication, hash-chained.');
target(audit.command('tail').description('The latest entries.'))
  .option('-n, --lines <count>', 'how many (1 to 1000)', '20')
  .action(async (opts: { lines: string; url?: string; dataDir?: string; json?: boolean }) => {
    const count = Math.max(1, Math.min(1000, Number(opts.lines) || 20));
    const tail = await import('./commands/admin.js').then(({ tailAudit }) => tailAudit(count, opts));
    print(opts.json, tail, await import('./commands/admin.js').then(({ auditLines }) => auditLines(tail)));
  });
target(audit.command('verify').description('Recompute every hash chain; exit 1 when an entry was changed or removed.')).action(async (opts: { url?: string; dataDir?: string; json?: boolean }) => {
  const verdict = await import('./commands/admin.js').then(({ verifyAudit }) => verifyAudit(opts));
  const problems = verdict['problems'] as string[];
  print(opts.json, verdict, problems.length === 0 ? `Intact: ${String(verdict['entries'])} entries in ${String(verdict['chains'])} chains.` : problems.join('\n'));
  process.exitCode = problems.length === 0 ? 0 : 1;
});

// ---- baton init / uninstall (issue 10) ----------------------------------------

program
  .command('init')
  .description('Set up this repository for coordinated agents: the MCP entry, hooks and instructions of each client, and a git pre-commit guard.')
  .option('--client <name>', 'claude-code, codex, cursor or gemini (repeatable or comma-separated; default: the clients detected, else claude-code)', collect)
  .option('--user', "write the user's own config files (home directory) instead of the repository's")
  .option('--http <url>', 'point the MCP entries at a shared server instead of the stdio proxy (token from BATON_TOKEN, never written)')
  .option('--token-env <name>', 'the environment variable holding the bearer token for --http (default BATON_TOKEN)')
  .option('--strict', 'hooks fail closed: refuse edits while the server cannot answer')
  .option('--no-strict', 'hooks fail open again (the default)')
  .option('--no-http', 'back to the stdio proxy after an init with --http')
  .option('--no-git-guard', 'leave the git pre-commit hook alone')
  .option('--dry-run', 'show what would be written, write nothing')
  .option('--json', 'print JSON')
  .action(async (opts: { client?: string[]; user?: boolean; http?: string | false; tokenEnv?: string; strict?: boolean; gitGuard?: boolean; dryRun?: boolean; json?: boolean }) => {
    await import('./commands/init.js').then(({ runInitCommand }) => {
      runInitCommand(opts);
    });
  });

program
  .command('uninstall')
  .description('Take out exactly what baton init wrote (files come back byte-identical when untouched since).')
  .option('--client <name>', 'only this client (repeatable or comma-separated; default: all)', collect)
  .option('--user', "the user's own config files (what baton init --user wrote)")
  .option('--purge', 'also delete the data directory (all of Baton\'s state), after a confirmation')
  .option('--yes', 'confirm --purge without asking')
  .option('--data-dir <dir>', 'the data directory --purge deletes (default ~/.baton)')
  .option('--dry-run', 'show what would be removed, remove nothing')
  .option('--json', 'print JSON')
  .action(async (opts: { client?: string[]; user?: boolean; purge?: boolean; yes?: boolean; dataDir?: string; dryRun?: boolean; json?: boolean }) => {
    await import('./commands/init.js').then(({ runUninstallCommand }) => runUninstallCommand(opts));
  });
// ---- end baton init / uninstall ----------------------------------------------

/** The message of an error and of each error in its cause chain. */
function explain(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error; e !== undefined && parts.length < 5; e = e instanceof Error ? e.cause : undefined) {
    parts.push(e instanceof Error ? e.message : JSON.stringify(e));
  }
  return parts.join(': ');
}

program
  .command('mcp')
  .description('Stdio MCP server for an agent client: forwards to the HTTP server, starting the local one if none answers.')
  .option('--url <url>', 'server to forward to (default BATON_URL, else the local server)')
  .option('--agent <id>', 'act as this agent (default BATON_AGENT, else CLAUDE_CODE_SESSION_ID)')
  .option('--project <id>', "project (default BATON_PROJECT, else .baton.json's, else the current directory's git repository)")
  .option('--toolsets <list>', 'comma-separated toolsets to list, or all (default BATON_MCP_TOOLSETS, else presence, status, locks, files, tasks); presence and status are always listed')
  .option('--profile <name>', "a seed's tool names instead of Baton's: power-pack, task-coordinator, session-coordinator, coordination-hub (default BATON_MCP_PROFILE)")
  .option('--data-dir <dir>', 'data directory of the local server (default ~/.baton)')
  .action(async (opts: { url?: string; agent?: string; project?: string; toolsets?: string; profile?: string; dataDir?: string }) => {
    await import('./commands/mcp.js').then(({ runMcpCommand }) => runMcpCommand(opts));
  });

// ---- operators (issue 11, ops): backup, restore, doctor, logs --------------

const storeOptions = (command: Command): Command =>
  command
    .option('--data-dir <dir>', 'data directory (default ~/.baton)')
    .option('--store <kind>', 'sqlite (default), redis or postgres')
    .option('--store-url <url>', 'redis://host:6379 or postgres://user@host/db')
    .option('--json', 'print JSON');

storeOptions(
  program
    .command('backup')
    .description('Back up the store: a consistent SQLite copy (online backup API), or a JSON export of every project (or one) for any engine.')
    .option('--out <file>', 'where to write (default <data-dir>/backups/baton-<time>.db|json)')
    .option('--format <kind>', 'sqlite (SQLite stores; the default there) or json (any engine)')
    .option('--project <id>', 'export only this project (JSON)'),
).action(async (opts: { out?: string; format?: string; project?: string; dataDir?: string; store?: string; storeUrl?: string; json?: boolean }) => {
  await import('./commands/backup.js').then(({ runBackup }) => runBackup(opts));
});

storeOptions(
  program
    .command('restore')
    .argument('<file>', 'a backup written by baton backup (SQLite copy or JSON export, from any engine)')
    .description('Restore a backup into an empty store (any engine); fencing tokens and counters never go backwards.')
    .option('--force', 'restore into a store that already holds projects (merges into those the backup names)')
    .option('--project <id>', 'restore only this project of the backup'),
).action(async (file: string, opts: { force?: boolean; project?: string; dataDir?: string; store?: string; storeUrl?: string; json?: boolean }) => {
  await import('./commands/backup.js').then(({ runRestore }) => runRestore(file, opts));
});

storeOptions(
  program
    .command('doctor')
    .description('Check the setup: config, data directory and its lock, server, /health, MCP, store and durability, clock skew, client configs and hooks. Exit 1 on any failure.')
    .option('--url <url>', 'check this server instead of the one recorded in the data directory (default BATON_URL)'),
).action(async (opts: { url?: string; dataDir?: string; store?: string; storeUrl?: string; json?: boolean }) => {
  await import('./commands/doctor.js').then(({ runDoctorCommand }) => runDoctorCommand(opts));
});

program
  .command('logs')
  .description("Show the server's structured log (<data-dir>/logs/server.log, written by baton start --daemon).")
  .option('--data-dir <dir>', 'data directory (default ~/.baton)')
  .option('-n, --lines <n>', 'how many of the last lines (default 50)', (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('use a whole number of lines (0 or more).');
    return n;
  })
  .option('-f, --follow', 'keep printing new lines (across rotations) until interrupted')
  .option('--json', 'print the raw JSON lines even on a terminal')
  .action(async (opts: { dataDir?: string; lines?: number; follow?: boolean; json?: boolean }) => {
    await import('./commands/logs.js').then(({ runLogs }) => runLogs(opts));
  });

// ---- end of the operators' commands ----------------------------------------

// ---- client commands (issue 11, helper cli): lock, task, agent, state, events, run
registerClientCommands(program);

program
  .command('import')
  .description("Import a seed's saved state into the running server: seed 001's task-coordinator.db, or seed 002's .claude/session-state directory.")
  .argument('<path>', 'the SQLite database (task-coordinator) or the state directory (session-coordinator)')
  .requiredOption('--from <seed>', 'task-coordinator | session-coordinator')
  .option('--url <url>', 'server (default BATON_URL, else the local server, started if none answers)')
  .option('--project <id>', "project (default BATON_PROJECT, else .baton.json's, else the current directory's git repository)")
  .option('--data-dir <dir>', 'data directory of the local server (default ~/.baton)')
  .option('--json', 'print the summary as JSON')
  .action(async (path: string, opts: { from: string; url?: string; project?: string; dataDir?: string; json?: boolean }) => {
    await import('./commands/import.js').then(({ runImportCommand }) => runImportCommand({ ...opts, path }));
  });

program.parseAsync().catch((error: unknown) => {
  if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : 2);
  // A StartupError already says what is wrong and what to do, in one line.
  process.stderr.write(`baton: ${error instanceof StartupError || (error instanceof Error && error.name === 'TokenCommandError') ? error.message : explain(error)}\n`);
  process.exit(1);
});
