/**
 * @module `baton run --lock NAME… [--reserve GLOB…] [--slot] -- CMD ARGS…`: take
 * the leases (client/lease-set.ts; waiting FIFO, with who holds them and, on a
 * terminal, a live wait line), start the command only once all are held, renew
 * them while it runs, forward SIGINT/SIGTERM/SIGHUP to it, and give everything
 * back however it ends. If a lease is lost the command gets SIGTERM, then SIGKILL
 * after the grace period. If `baton run` itself dies, its leases lapse after
 * --ttl. Exit codes: the command's own (128+N when killed by signal N), else
 * those of client/exit-codes.ts (75 busy, 69 unreachable, 76 lease lost).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants, hostname } from 'node:os';
import { connect, type ClientFlags } from '../client/connect.js';
import { UsageError } from '../client/errors.js';
import { EXIT } from '../client/exit-codes.js';
import type { BatonClient } from '../client/http-client.js';
import { LeaseSet, type HeldLease, type Waiting } from '../client/lease-set.js';
import { duration, painter, reportError, useColour } from '../output.js';

export interface RunFlags extends ClientFlags {
  lock?: string[] | undefined;
  reserve?: string[] | undefined;
  slot?: boolean | undefined;
  wait?: number | undefined;
  ttl?: number | undefined;
  grace?: number | undefined;
  json?: boolean | undefined;
}

const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
type Forwarded = (typeof FORWARDED)[number];

const log = (text: string): void => {
  process.stderr.write(`${painter(useColour(process.stderr))('dim', 'baton run:')} ${text}\n`);
};

const str = (value: unknown): string => (typeof value === 'string' || typeof value === 'number' ? String(value) : '');

/** `pytest` → BATON_LOCK_TOKEN_PYTEST, `wave:5c.1` → BATON_LOCK_TOKEN_WAVE_5C_1. */
const lockTokenVariable = (name: string): string => `BATON_LOCK_TOKEN_${name.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`;

/** What the command gets: the fencing tokens, and who and where it acts so nested `baton` calls act as this run. */
function childEnv(client: BatonClient, held: readonly HeldLease[]): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, BATON_URL: client.identity.url, BATON_AGENT: client.identity.agent, ...(client.identity.project ? { BATON_PROJECT: client.identity.project } : {}) };
  const locks = held.filter((l) => l.kind === 'lock');
  for (const lock of locks) env[lockTokenVariable(lock.name)] = String(lock.token);
  const files = held.find((l) => l.kind === 'files');
  const slot = held.find((l) => l.kind === 'slot');
  if (files) {
    env['BATON_RESERVATION_ID'] = files.name;
    env['BATON_RESERVATION_TOKEN'] = String(files.token);
  }
  if (slot) env['BATON_SLOT_TOKEN'] = String(slot.token);
  const first = locks[0] ?? files ?? slot;
  if (first) env['BATON_LOCK_TOKEN'] = String(first.token);
  return env;
}

/** The wait line: who holds it, for how long, the place in the queue, and how long this run has waited. */
function waitingLine(w: Waiting, waitedS: number): string {
  const a = w.answer;
  const holder = str(a['holder']);
  const parts = [`waiting for ${w.what}`];
  if (holder) parts.push(`held by ${holder}${typeof a['held_for_s'] === 'number' ? ` for ${duration(a['held_for_s'])}` : ''}`);
  if (typeof a['holder_expires_in_s'] === 'number') parts.push(`lapses in ${duration(a['holder_expires_in_s'])} unless renewed`);
  if (typeof a['queue_position'] === 'number') parts.push(`you are #${a['queue_position']}`);
  parts.push(`waited ${duration(waitedS)}`);
  return parts.join(', ');
}

/** Shows the wait: a line redrawn each second on a terminal, else one line per change of holder. */
function waitDisplay(): { update: (w: Waiting) => void; done: () => void } {
  const tty = process.stderr.isTTY;
  const started = Date.now();
  let last: Waiting | undefined;
  let said = '';
  const draw = (): void => {
    if (last) process.stderr.write(`\r\u001B[K${waitingLine(last, (Date.now() - started) / 1000)}`);
  };
  const timer = tty ? setInterval(draw, 1000) : undefined;
  return {
    update(w) {
      last = w;
      if (tty) draw();
      else {
        const key = `${w.what}|${str(w.answer['holder'])}`;
        if (key !== said) log(waitingLine(w, (Date.now() - started) / 1000));
        said = key;
      }
    },
    done() {
      if (timer) clearInterval(timer);
      if (tty && last) process.stderr.write('\r\u001B[K');
    },
  };
}

const signalExit = (signal: NodeJS.Signals): number => 128 + (constants.signals[signal] as number | undefined ?? 1);

// cli/main.ts imports this lazily (`await import`), which ts-unused-exports does not follow.
export async function runCommand(argv: readonly string[], flags: RunFlags): Promise<void> {
  process.exitCode = await runWithLeases(argv, flags).catch((error: unknown) => reportError(error, flags.json === true));
}

async function runWithLeases(argv: readonly string[], flags: RunFlags): Promise<number> {
  const [command, ...args] = argv;
  if (command === undefined) throw new UsageError('nothing to run', 'Give the command after --: baton run --lock NAME -- CMD ARGS…');
  const ttl = Math.max(2, Math.round(flags.ttl ?? 60));
  // A run is its own agent: two runs never share a lease, whatever BATON_AGENT the shell carries.
  const agent = flags.agent ?? `run-${hostname().replace(/[^A-Za-z0-9_\-.]/g, '-').slice(0, 40)}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const client = connect({ ...flags, agent });
  await client.call('register_agent', { name: `baton run ${[command, ...args].join(' ').slice(0, 200)}`, metadata: { client: 'baton-run', cwd: process.cwd() } });
  const leases = new LeaseSet(client, { locks: flags.lock ?? [], reserve: flags.reserve ?? [], slot: flags.slot === true, ttlSeconds: ttl, waitSeconds: flags.wait ?? Infinity });

  // Signals before the command starts: stop waiting, give back what is held, exit as signalled.
  const abort = new AbortController();
  let early: NodeJS.Signals | undefined;
  const beforeStart = (signal: NodeJS.Signals): void => {
    early = signal;
    abort.abort();
  };
  for (const s of FORWARDED) process.on(s, beforeStart);
  const display = waitDisplay();
  try {
    await leases.acquireAll(abort.signal, (flags.wait ?? Infinity) > 0 ? display.update : () => undefined);
  } catch (error) {
    display.done();
    for (const s of FORWARDED) process.off(s, beforeStart);
    await leases.releaseAll();
    if (early) return signalExit(early);
    throw error;
  }
  display.done();
  for (const s of FORWARDED) process.off(s, beforeStart);
  if (early) {
    await leases.releaseAll();
    return signalExit(early);
  }
  return supervise(client, leases, command, args, flags);
}

/** Runs the command while renewing; resolves with the exit code once it ended and everything was given back. */
async function supervise(client: BatonClient, leases: LeaseSet, command: string, args: readonly string[], flags: RunFlags): Promise<number> {
  const ttl = Math.max(2, Math.round(flags.ttl ?? 60));
  const graceMs = Math.max(0, (flags.grace ?? 10) * 1000);
  let child: ChildProcess;
  try {
    child = spawn(command, args, { stdio: 'inherit', env: childEnv(client, leases.held) });
  } catch (error) {
    await leases.releaseAll();
    throw error;
  }
  const forward = (signal: Forwarded): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  for (const s of FORWARDED) process.on(s, forward);

  let lostAt: number | undefined;
  let killTimer: NodeJS.Timeout | undefined;
  const loseLeases = (lost: { lease: HeldLease; reason: string }[]): void => {
    if (lostAt !== undefined) return;
    lostAt = Date.now();
    for (const { lease, reason } of lost) log(`lost ${lease.kind === 'files' ? `reservation ${lease.name}` : lease.kind === 'slot' ? 'the worker slot' : `lock '${lease.name}'`}: ${reason}`);
    log(`stopping the command (SIGTERM, then SIGKILL after ${graceMs / 1000} s)`);
    forward('SIGTERM');
    killTimer = setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }, graceMs);
  };

  // Renew at a third of the TTL, so two renewals may fail before a lease lapses.
  const everyMs = Math.max(500, (ttl * 1000) / 3);
  let renewing = false;
  const renewTimer = setInterval(() => {
    if (renewing || lostAt !== undefined) return;
    renewing = true;
    void leases.renewAll().then(
      (lost) => {
        renewing = false;
        if (lost.length > 0) loseLeases(lost);
      },
      (error: unknown) => {
        renewing = false;
        log(`renewal failed: ${error instanceof Error ? error.message : String(error)}`);
      },
    );
  }, everyMs);

  const ended = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>((resolve) => {
    child.once('error', (error) => { resolve({ code: null, signal: null, error }); });
    child.once('exit', (code, signal) => { resolve({ code, signal }); });
  });
  clearInterval(renewTimer);
  if (killTimer) clearTimeout(killTimer);
  for (const s of FORWARDED) process.off(s, forward);
  if (!(await leases.releaseAll())) log('could not reach the server to release; the leases lapse by themselves within --ttl');
  if (ended.error) {
    const missing = (ended.error as NodeJS.ErrnoException).code === 'ENOENT';
    log(missing ? `command not found: ${command}` : `cannot start ${command}: ${ended.error.message}`);
    return missing ? 127 : 126;
  }
  if (lostAt !== undefined) return EXIT.LEASE_LOST;
  if (ended.signal) return signalExit(ended.signal);
  return ended.code ?? EXIT.FAILED;
}
