/**
 * @module CPU time per operation over a run: this process (process.cpuUsage)
 * and, on Linux, an HTTP server in another process (by pid) and every process of
 * a database server (by name, so all its clients count), from /proc in 10 ms
 * ticks; and how many of the machine's cores were busy meanwhile, whoever used them.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { CpuPerOp } from './types.js';

/** utime + stime (ms) from a /proc/<pid>/stat line. */
function statCpuMs(stat: string): number {
  // After "pid (comm) ": state is field 3, utime 14 and stime 15 (proc(5)); USER_HZ is 100 on Linux.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** CPU time (ms) of each process named `command`, by pid; undefined off Linux. */
function processCpuMs(command: string): Map<string, number> | undefined {
  if (!existsSync('/proc/self/stat')) return undefined;
  const byPid = new Map<string, number>();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) === command) byPid.set(pid, statCpuMs(stat));
    } catch {
      // The process exited while we looked.
    }
  }
  return byPid;
}

/** CPU used between two readings by the processes alive at the second (one that exited meanwhile is lost, never negative). */
function usedSince(before: Map<string, number>, after: Map<string, number>): number {
  let ms = 0;
  for (const [pid, now] of after) ms += now - (before.get(pid) ?? 0);
  return ms;
}

/** CPU time (ms) of one process, from /proc; undefined off Linux or once it exited. */
function pidCpuMs(pid: number): number | undefined {
  try {
    return statCpuMs(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Busy and total jiffies of all cores together (the `cpu` line of /proc/stat); undefined off Linux. */
function machineJiffies(): { busy: number; total: number; cores: number } | undefined {
  try {
    const stat = readFileSync('/proc/stat', 'utf8');
    const [, ...values] = (stat.split('\n')[0] ?? '').trim().split(/\s+/);
    const n = values.map(Number);
    // user nice system idle iowait irq softirq steal (guest time is already in user).
    const idle = (n[3] ?? 0) + (n[4] ?? 0);
    const total = n.slice(0, 8).reduce((a, b) => a + b, 0);
    return { busy: total - idle, total, cores: stat.split('\n').filter((l) => /^cpu\d/.test(l)).length };
  } catch {
    return undefined;
  }
}

export interface CpuMeter {
  /** CPU per operation since the meter started; undefined for no operation. */
  perOp(ops: number): CpuPerOp | undefined;
}

/** What else to count besides this process: a database server by process name, an HTTP server (Baton's, or the trivial one) by pid. */
export interface CpuTargets {
  serverProcess?: string | undefined;
  httpServerPid?: number | undefined;
}

/** Starts counting CPU here and in `targets`. */
export function startCpuMeter(targets: CpuTargets = {}): CpuMeter {
  const { serverProcess, httpServerPid } = targets;
  const self = process.cpuUsage();
  const server = serverProcess === undefined ? undefined : processCpuMs(serverProcess);
  const httpServer = httpServerPid === undefined ? undefined : pidCpuMs(httpServerPid);
  const machine = machineJiffies();
  const started = performance.now();
  return {
    perOp(ops) {
      if (ops <= 0) return undefined;
      const perOp = (ms: number): number => Math.round((ms * 1000) / ops);
      const used = process.cpuUsage(self);
      const cpu: CpuPerOp = { here: Math.round((used.user + used.system) / ops), ops, wallMs: Math.round(performance.now() - started) };
      const httpServerNow = httpServerPid === undefined ? undefined : pidCpuMs(httpServerPid);
      if (httpServer !== undefined && httpServerNow !== undefined) cpu.httpServer = perOp(httpServerNow - httpServer);
      const serverNow = serverProcess === undefined ? undefined : processCpuMs(serverProcess);
      if (server !== undefined && serverNow !== undefined) {
        cpu.server = perOp(usedSince(server, serverNow));
        cpu.serverName = serverProcess;
      }
      const machineNow = machineJiffies();
      if (machine && machineNow && machineNow.total > machine.total) {
        cpu.machineBusyCores = Math.round((100 * machineNow.cores * (machineNow.busy - machine.busy)) / (machineNow.total - machine.total)) / 100;
      }
      return cpu;
    },
  };
}
