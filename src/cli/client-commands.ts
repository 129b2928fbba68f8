/**
 * @module The client commands of `baton` (lock, task, agent, state, events, run, depmap):
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

/** A whole number (any sign) from a flag. */
const integerFlag = (value: string): number => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n)) throw new InvalidArgumentError('give a whole number.');
  return n;
};

/** A repeatable flag: each use adds one value (and `a,b` adds two). */
const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), ...value.split(',').filter((v) => v !== '')];

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

function registerTask(program: Command): void {
  const task = program.command('task').description('The task graph: add, list, ready, claim, done, fail, reset, show.');
  clientOptions(task.command('add [title]').description('Add a task, or a whole DAG with --file graph.json|graph.yaml.'))
    .option('--file <path>', 'a .json or .yaml file: a list of tasks, or {"tasks": [...]}, with add_task\'s fields')
    .option('--id <id>', 'task id (default: generated)')
    .option('--dep <id>', 'a task to finish first (repeat, or a,b)', collect)
    .option('--priority <n>', 'higher first (default 0)', integerFlag)
    .option('--label <label>', 'a label (repeat, or a,b)', collect)
    .option('--path <path>', 'a file it will touch (repeat)', collect)
    .option('--description <text>', 'what to do')
    .action(async (title: string | undefined, opts: Record<string, unknown>) => {
      await import('./commands/task.js').then(({ taskAdd }) => taskAdd(title, opts));
    });
  clientOptions(task.command('list').description('Tasks in insertion order, with status.'))
    .option('--status <status>', 'only these: pending, ready, claimed, done, failed, cancelled (repeat, or a,b)', collect)
    .option('--label <label>', 'only tasks with all these labels', collect)
    .option('--limit <n>', 'rows per page', countFlag)
    .option('--cursor <cursor>', 'the next page')
    .action(async (opts: Record<string, unknown>) => {
      await import('./commands/task.js').then(({ taskList }) => taskList(opts));
    });
  clientOptions(task.command('ready').description('Tasks ready to claim.'))
    .option('--label <label>', 'only tasks with all these labels', collect)
    .option('--limit <n>', 'rows per page', countFlag)
    .action(async (opts: Record<string, unknown>) => {
      await import('./commands/task.js').then(({ taskList }) => taskList(opts, true));
    });
  clientOptions(task.command('claim [id]').description('Claim a task by id, or the best ready one; prints the token done/fail need (exit 75 when none is ready).'))
    .option('--label <label>', 'only tasks with all these labels', collect)
    .option('--ttl <seconds>', 'claim length (default 1800)', secondsFlag)
    .action(async (id: string | undefined, opts: Record<string, unknown>) => {
      await import('./commands/task.js').then(({ taskClaim }) => taskClaim(id, opts));
    });
  for (const status of ['done', 'fail'] as const) {
    clientOptions(task.command(`${status} <id>`).description(status === 'done' ? 'Finish a task you claimed (prints what it unblocked).' : 'Mark a task you claimed as failed.'))
      .option('--token <n>', 'the claim token (default BATON_TASK_TOKEN)', countFlag)
      .option('--output <json>', 'the result (JSON, else text)')
      .option('--error <text>', 'what went wrong')
      .action(async (id: string, opts: Record<string, unknown>) => {
        await import('./commands/task.js').then(({ taskFinish }) => taskFinish(id, status === 'done' ? 'done' : 'failed', opts));
      });
  }
  clientOptions(task.command('reset <id>').description('Make a failed task claimable again.')).action(async (id: string, opts: Record<string, unknown>) => {
    await import('./commands/task.js').then(({ taskReset }) => taskReset(id, opts));
  });
  clientOptions(task.command('show <id>').description('One task in full.')).action(async (id: string, opts: Record<string, unknown>) => {
    await import('./commands/task.js').then(({ taskShow }) => taskShow(id, opts));
  });
}

function registerAgent(program: Command): void {
  const agent = program.command('agent').description("The project's agents: list, show.");
  clientOptions(agent.command('list').description('Live agents with status and activity.'))
    .option('--all', 'also abandoned and offline ones')
    .option('--status <status>', 'only these statuses (repeat, or a,b)', collect)
    .option('--limit <n>', 'rows per page', countFlag)
    .option('--cursor <cursor>', 'the next page')
    .action(async (opts: Record<string, unknown>) => {
      await import('./commands/agent.js').then(({ agentList }) => agentList(opts));
    });
  clientOptions(agent.command('show <id>').description("One agent's full record.")).action(async (id: string, opts: Record<string, unknown>) => {
    await import('./commands/agent.js').then(({ agentShow }) => agentShow(id, opts));
  });
}

function registerState(program: Command): void {
  const state = program.command('state').description('Shared key-value state: get, set, list, delete.');
  clientOptions(state.command('get <scope> <key>').description('Print a value (--json: with its version).')).action(async (scope: string, key: string, opts: Record<string, unknown>) => {
    await import('./commands/state.js').then(({ stateGet }) => stateGet(scope, key, opts));
  });
  clientOptions(state.command('set <scope> <key> <value>').description('Store a value: JSON when it parses, else the string.'))
    .option('--if-version <n>', 'compare-and-set: only if the version is this (0 = must not exist; exit 5 otherwise)', integerFlag)
    .option('--ttl <seconds>', 'expire after this long', secondsFlag)
    .action(async (scope: string, key: string, value: string, opts: Record<string, unknown>) => {
      await import('./commands/state.js').then(({ stateSet }) => stateSet(scope, key, value, opts));
    });
  clientOptions(state.command('list [scope]').description('Scopes with their key counts; with a scope, its keys.'))
    .option('--prefix <text>', 'keys starting with this')
    .option('--limit <n>', 'rows per page', countFlag)
    .option('--cursor <cursor>', 'the next page')
    .action(async (scope: string | undefined, opts: Record<string, unknown>) => {
      await import('./commands/state.js').then(({ stateList }) => stateList(scope, opts));
    });
  clientOptions(state.command('delete <scope> [key]').description('Delete a key, or a whole scope.')).action(async (scope: string, key: string | undefined, opts: Record<string, unknown>) => {
    await import('./commands/state.js').then(({ stateDelete }) => stateDelete(scope, key, opts));
  });
}

function registerEvents(program: Command): void {
  const events = program.command('events').description("The project's ordered event log.");
  clientOptions(events.command('tail').description('The last events; --follow keeps printing new ones (--json: one event per line).'))
    .option('-f, --follow', 'keep waiting for new events until interrupted')
    .option('--types <list>', 'only these event types, comma-separated (e.g. lease.acquired,task.done)')
    .option('--after <id>', 'every event after this id instead of the last ones', integerFlag)
    .option('-n, --lines <n>', 'how many of the last events (default 20)', countFlag)
    .action(async (opts: Record<string, unknown>) => {
      await import('./commands/events.js').then(({ eventsTail }) => eventsTail(opts));
    });
}

function registerDepmap(program: Command): void {
  clientOptions(
    program
      .command('depmap')
      .description("Compute the repository's file-level import map (TypeScript/JavaScript via the compiler's module resolution, Python via its imports); --write loads it into the server.")
      .argument('[dir]', 'a directory of the repository (default: the current one); the whole work tree is analysed'),
  )
    .option('--write', "replace the project's dependency map on the server (get_blast_radius reads it)")
    .action(async (dir: string | undefined, opts: Record<string, unknown>) => {
      await import('./commands/depmap.js').then(({ depmapCommand }) => depmapCommand(dir, opts));
    });
}

export function registerClientCommands(program: Command): void {
  program.enablePositionalOptions();
  registerLock(program);
  registerRun(program);
  registerTask(program);
  registerAgent(program);
  registerState(program);
  registerEvents(program);
  registerDepmap(program);
}
