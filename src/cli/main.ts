#!/usr/bin/env node
/**
 * @module The `baton` command line: parses argv, calls a command function, prints
 * its result. Commands live in ./commands and return data.
 */
import { Command, InvalidArgumentError } from 'commander';
import { VERSION } from '../server/main.js';
import { runForeground, startDaemon } from './commands/start.js';
import { serverStatus, stopServer } from './commands/server-control.js';

const port = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new InvalidArgumentError('a port from 0 to 65535');
  return n;
};

const program = new Command().name('baton').description('Coordination server for AI coding agents.').version(VERSION);

program
  .command('start')
  .description('Start the server (foreground; the first line printed is its URL).')
  .option('--host <host>', 'interface to listen on (default 127.0.0.1)')
  .option('--port <port>', 'port (0 picks a free one; default 3100)', port)
  .option('--data-dir <dir>', 'where state lives (default ~/.baton)')
  .option('--daemon', 'run in the background and print the URL once it answers')
  .action(async (opts: { host?: string; port?: number; dataDir?: string; daemon?: boolean }) => {
    const overrides = { host: opts.host, port: opts.port, dataDir: opts.dataDir };
    if (opts.daemon) process.stdout.write(`${await startDaemon(overrides)}\n`);
    else await runForeground(overrides);
  });

program
  .command('status')
  .description('Is a server running for this data directory, and is it healthy?')
  .option('--data-dir <dir>', 'data directory (default ~/.baton)')
  .option('--json', 'print JSON')
  .action(async (opts: { dataDir?: string; json?: boolean }) => {
    const status = await serverStatus(opts.dataDir);
    process.stdout.write(opts.json ? `${JSON.stringify(status, null, 2)}\n` : `${status.message}\n`);
    process.exitCode = status.running ? 0 : 1;
  });

program
  .command('stop')
  .description('Stop the server running for this data directory.')
  .option('--data-dir <dir>', 'data directory (default ~/.baton)')
  .action(async (opts: { dataDir?: string }) => {
    const result = await stopServer(opts.dataDir);
    process.stdout.write(`${result.message}\n`);
    process.exitCode = result.stopped ? 0 : 1;
  });

program.parseAsync().catch((error: unknown) => {
  process.stderr.write(`baton: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
