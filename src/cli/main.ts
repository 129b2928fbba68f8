#!/usr/bin/env node
/**
 * @module The `baton` command line: parses argv, calls a command function, prints
 * its result. Commands live in ./commands and return data. Each action imports its
 * command module when it runs, so `--version` or a client command loads neither
 * the server nor the stores (start-up time is what a script or a hook pays); the
 * `import(...).then(({ name }) => …)` form is the one the unused-exports check follows.
 */
import { Command, InvalidArgumentError } from 'commander';
import { parsePort } from '../server/port.js';
import { StartupError } from '../server/startup-error.js';
import { VERSION } from '../server/version.js';

const port = (value: string): number => {
  const n = parsePort(value);
  if (n === undefined) throw new InvalidArgumentError('use a port from 0 to 65535 (0 picks a free one).');
  return n;
};

const program = new Command().name('baton').description('Coordination server for AI coding agents.').version(VERSION);

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
  .action(async (opts: { host?: string; port?: number; dataDir?: string; daemon?: boolean; store?: string; storeUrl?: string; mqttPort?: number; mqttUrl?: string }) => {
    const overrides = { host: opts.host, port: opts.port, dataDir: opts.dataDir, store: opts.store, storeUrl: opts.storeUrl, mqttPort: opts.mqttPort, mqttUrl: opts.mqttUrl };
    if (!opts.daemon) {
      await import('./commands/start.js').then(({ runForeground }) => runForeground(overrides));
      return;
    }
    const daemon = await import('./commands/daemon.js').then(({ startDaemon }) => startDaemon(overrides));
    if (daemon.alreadyRunning) process.stderr.write(`baton: a Baton server was already running for ${daemon.dataDir} (pid ${daemon.pid}); not starting another\n`);
    process.stdout.write(`${daemon.url}\n`);
  });

program
  .command('status')
  .description('Is a server running for this data directory, and is it healthy? Also the project of the current directory.')
  .option('--data-dir <dir>', 'data directory (default ~/.baton)')
  .option('--json', 'print JSON')
  .action(async (opts: { dataDir?: string; json?: boolean }) => {
    const status = await import('./commands/server-control.js').then(({ serverStatus }) => serverStatus(opts.dataDir, { cwd: process.cwd(), env: process.env }));
    process.stdout.write(opts.json ? `${JSON.stringify(status, null, 2)}\n` : `${status.message}\n`);
    process.exitCode = status.running ? 0 : 1;
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
  .option('--toolsets <list>', 'comma-separated toolsets to offer (default BATON_MCP_TOOLSETS, else all the server offers)')
  .option('--data-dir <dir>', 'data directory of the local server (default ~/.baton)')
  .action(async (opts: { url?: string; agent?: string; project?: string; toolsets?: string; dataDir?: string }) => {
    await import('./commands/mcp.js').then(({ runMcpCommand }) => runMcpCommand(opts));
  });

program.parseAsync().catch((error: unknown) => {
  // A StartupError already says what is wrong and what to do, in one line.
  process.stderr.write(`baton: ${error instanceof StartupError ? error.message : explain(error)}\n`);
  process.exit(1);
});
