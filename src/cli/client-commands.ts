/**
 * @module The client commands of `baton` (lock, task, agent, state, events, run):
 * commander definitions only. Each action imports its command module when it
 * runs (the `import().then(({ name }) => …)` form the unused-exports check
 * follows), so `baton --version` and every client command load no server code.
 */
import { InvalidArgumentError, type Command } from 'commander';

/** Seconds from a flag: a number ≥ 0, or `forever`. */
const secondsFlag = (value: string): number => {
  if (value === 'forever' || value === 'inf') return Infinity;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError("give seconds (a number ≥ 0, or 'forever').");
  return n;
};

/** A whole number ≥ 1 from a flag. */
const countFlag = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('give a whole number ≥ 1.');
  return n;
};

/** The flags every client command takes: which server, project, agent, and --json. */
function clientOptions(command: Command): Command {
  return command
    .option('--url <url>', 'server URL (default BATON_URL, else the server recorded in the data directory)')
    .option('--data-dir <dir>', 'data directory of the local server (default BATON_DATA_DIR, else ~/.baton)')
    .option('--project <id>', "project (default BATON_PROJECT, else .baton.json's, else this directory's git repository)")
    .option('--agent <id>', 'act as this agent (default BATON_AGENT, else CLAUDE_CODE_SESSION_ID, else cli:<user>@<host>)')
    .option('--json', 'print the answer as JSON (stable shapes; errors as {"error":{…}})');
}

function registerLock(program: Command): void {
  const lock = program.command('lock').description('Named locks: acquire, release, list, check.');
  clientOptions(lock.command('acquire <name>').description('Take a lock (exit 75 when busy and not waiting).'))
    .option('--wait <seconds>', "wait in the FIFO queue this long ('forever' waits until granted; default 0)", secondsFlag)
    .option('--ttl <seconds>', 'lease length; acquire again to renew (default 900)', secondsFlag)
    .option('--shared', 'shared mode (several holders)')
    .option('--limit <n>', 'most shared holders', countFlag)
    .option('--force', 'break a stale holder')
    .option('--reason <text>', 'why you hold it (shown to waiters)')
    .action(async (name: string, opts: Record<string, unknown>) => {
      await import('./commands/lock.js').then(({ lockAcquire }) => lockAcquire(name, opts));
    });
  clientOptions(lock.command('release <name>').description('Release a lock you hold; the next waiter gets it.'))
    .option('--token <n>', 'the fencing token you got (refused as LEASE_LOST when stale)', countFlag)
    .action(async (name: string, opts: Record<string, unknown>) => {
      await import('./commands/lock.js').then(({ lockRelease }) => lockRelease(name, opts));
    });
  clientOptions(lock.command('list [name]').description('Held locks and waiters; with a name, that lock, related ones and its queue.'))
    .option('--limit <n>', 'rows per page', countFlag)
    .option('--cursor <cursor>', 'the next page (next_cursor of the last one)')
    .action(async (name: string | undefined, opts: Record<string, unknown>) => {
      await import('./commands/lock.js').then(({ lockList }) => lockList(name, opts));
    });
  clientOptions(lock.command('check <name>').description('Exit 0 when the lock is free, 75 when it is held.')).action(async (name: string, opts: Record<string, unknown>) => {
    await import('./commands/lock.js').then(({ lockCheck }) => lockCheck(name, opts));
  });
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

function registerRun(program: Command): void {
  clientOptions(
    program
      .command('run')
      .description('Run a command while holding locks, files or a worker slot: waits FIFO, renews, forwards signals, releases at the end.')
      .argument('<command...>', 'the command and its arguments (after --)'),
  )
    .option('--lock <name>', 'a lock to hold (repeat for several)', collect)
    .option('--reserve <glob>', 'file globs to reserve (repeat for several)', collect)
    .option('--slot', 'hold one of the project\'s worker slots')
    .option('--wait <seconds>', "how long to wait for all of them (default 'forever'; 0 = exit 75 at once when busy)", secondsFlag)
    .option('--ttl <seconds>', 'lease length, renewed every third of it; if baton run dies the leases lapse after this (default 60)', secondsFlag)
    .option('--grace <seconds>', 'after a lost lease, SIGTERM, then SIGKILL after this long (default 10)', secondsFlag)
    .passThroughOptions()
    .action(async (argv: string[], opts: Record<string, unknown>) => {
      await import('./commands/run.js').then(({ runCommand }) => runCommand(argv, opts));
    });
}

export function registerClientCommands(program: Command): void {
  program.enablePositionalOptions();
  registerLock(program);
  registerRun(program);
}
