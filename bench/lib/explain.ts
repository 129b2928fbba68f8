/**
 * @module Notes that say why a check missed its target, from what its runs
 * measured beside their figures: CPU per operation in each process, so what
 * bound the run (see boundBy), and the PostgreSQL probe's flush latency and WAL
 * syncs per commit. A reading of the figures, not a profile.
 */
import { cpus, loadavg } from 'node:os';
import type { Check, CpuPerOp, Measurement } from './types.js';

/** The share of a core (or of the machine's cores) that counts as saturated. */
const BUSY = 0.75;

const share = (cores: number): string => `${Math.round(100 * cores)}%`;

function cpuText(cpu: CpuPerOp): string {
  const parts = [`${cpu.here} µs here`];
  if (cpu.httpServer !== undefined) parts.push(`${cpu.httpServer} µs in the HTTP server`);
  if (cpu.server !== undefined) parts.push(`${cpu.server} µs in ${cpu.serverName ?? 'the server'}`);
  return parts.join(' + ');
}

/**
 * What bounds a run, from the cores each process kept busy over it: the machine,
 * one process whose work runs on one thread (a Node event loop, redis-server),
 * the processes taking turns (a project's batches are decided in Node and applied
 * by the engine one at a time, so only their sum saturates), or waiting.
 */
function boundBy(cpu: CpuPerOp): string {
  const cores = cpus().length;
  const busy = (usPerOp: number | undefined): number => ((usPerOp ?? 0) * cpu.ops) / (1000 * Math.max(cpu.wallMs, 1));
  const here = busy(cpu.here);
  const httpServer = busy(cpu.httpServer);
  const server = busy(cpu.server);
  const sum = here + httpServer + server;
  const machine = cpu.machineBusyCores ?? sum;
  if (machine >= BUSY * cores) return `CPU-bound: the machine's ${cores} cores are ${share(machine / cores)} busy (${share(sum / cores)} with this run)`;
  if (here >= BUSY) return `CPU-bound: this process keeps ${share(here)} of a core busy, and its JavaScript runs on one thread`;
  if (httpServer >= BUSY) return `CPU-bound: the HTTP server's process keeps ${share(httpServer)} of a core busy, and its JavaScript runs on one thread`;
  if (cpu.serverName === 'redis-server' && server >= BUSY) return `CPU-bound: redis-server's one thread is ${share(server)} busy`;
  if (sum >= BUSY) return `the processes take turns: ${share(sum)} of one core in all, none saturated alone (each batch is decided, then applied, one at a time)`;
  return `waiting: ${share(sum)} of one core busy in all (I/O, round trips, flushes)`;
}

/** How one run used the machine, and what it measured beside its figure. */
function reading(m: Measurement): string {
  const parts: string[] = [];
  if (m.cpu) parts.push(`${cpuText(m.cpu)} per ${m.unit}: ${boundBy(m.cpu)}`);
  if (m.detail) parts.push(m.detail);
  return `${m.name}: ${parts.length > 0 ? parts.join('; ') : 'nothing measured beside it'}`;
}

/** Why `figure` fell short, against `baseline` when the check is a ratio; undefined when the check passed. */
export function whyMissed(check: Check, figure: Measurement, baseline?: Measurement): string | undefined {
  if (check.pass) return undefined;
  const runs = baseline ? [reading(figure), reading(baseline)] : [reading(figure)];
  return `missed '${check.name}': ${runs.join(' — against ')} (load average ${(loadavg()[0] ?? 0).toFixed(1)})`;
}

/** Adds `check` to `checks` and, when it missed and its runs are known, why to `notes`. */
export function addCheck(checks: Check[], notes: string[], check: Check, figure?: Measurement, baseline?: Measurement): void {
  checks.push(check);
  const why = figure ? whyMissed(check, figure, baseline) : undefined;
  if (why) notes.push(why);
}
