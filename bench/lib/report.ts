/**
 * @module The benchmark report: one JSON document for machines (stdout and
 * bench/results/latest.json) and fixed-width tables for people.
 */
import { arch, cpus, loadavg, platform, release } from 'node:os';
import type { Check, CpuPerOp, Measurement, SuiteResult } from './types.js';

export interface SuiteReport extends SuiteResult {
  name: string;
  description: string | undefined;
  /** Wall time of the whole suite, set-up included (ms). */
  wallMs: number;
  /** Set when the suite threw: its measurements are then partial or empty. */
  error?: string;
}

export interface BenchReport {
  schema: 'baton-bench/1';
  startedAt: string;
  finishedAt: string;
  quick: boolean;
  environment: { node: string; platform: string; arch: string; cpus: number; cpuModel: string; loadAvgAtStart: number[] };
  suites: SuiteReport[];
  /** Every check passed and no suite failed. */
  pass: boolean;
}

export function describeEnvironment(): BenchReport['environment'] {
  const cores = cpus();
  return {
    node: process.version,
    platform: `${platform()} ${release()}`,
    arch: arch(),
    cpus: cores.length,
    cpuModel: cores[0]?.model ?? 'unknown',
    loadAvgAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

const rounded = (n: number, digits: number): number => Math.round(n * 10 ** digits) / 10 ** digits;

/** Rounds figures so the JSON stays readable; precision beyond this is noise here. */
export function roundMeasurement(m: Measurement): Measurement {
  return { ...m, durationMs: Math.round(m.durationMs), opsPerSec: rounded(m.opsPerSec, 1), p50Ms: rounded(m.p50Ms, 3), p99Ms: rounded(m.p99Ms, 3), maxMs: rounded(m.maxMs, 3), meanMs: rounded(m.meanMs, 3) };
}

export function roundCheck(c: Check): Check {
  return { ...c, value: rounded(c.value, 3) };
}

const fmt = (n: number, digits = 0): string => (Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '-');

/** A check whose pass flag is computed from its comparison. */
export function check(name: string, value: number, op: Check['op'], target: number, unit: string, detail?: string): Check {
  const pass = Number.isFinite(value) && (op === '>=' ? value >= target : op === '>' ? value > target : op === '<=' ? value <= target : value < target);
  return { name, value, op, target, unit, pass, ...(detail === undefined ? {} : { detail }) };
}

/** figure/baseline against a target ratio; the detail keeps both figures, so the ratio can be read back. */
export function ratioCheck(name: string, figure: number, baseline: number, op: Check['op'], target: number, unit = 'ops/s'): Check {
  return check(name, figure / baseline, op, target, 'x', `${fmt(figure)} / ${fmt(baseline)} ${unit}`);
}

/** Lays rows out in columns; numeric-looking cells are right-aligned. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = /^[-+]?[\d,.]+\s*[a-z%/x]*$/i;
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => (numeric.test(cell) && i > 0 ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** CPU per operation as a cell: this process, then the HTTP server's process and the database server where measured. */
function cpuCell(cpu: CpuPerOp | undefined): string {
  if (!cpu) return '';
  return [String(cpu.here), ...(cpu.httpServer === undefined ? [] : [`${cpu.httpServer} http`]), ...(cpu.server === undefined ? [] : [`${cpu.server} ${cpu.serverName ?? 'server'}`])].join(' + ');
}

export function formatSuite(suite: SuiteReport): string {
  const title = `${suite.name}${suite.description ? ` — ${suite.description}` : ''} (${fmt(suite.wallMs / 1000, 1)} s)`;
  const parts = [title];
  if (suite.measurements.length > 0) {
    const details = suite.measurements.some((m) => m.detail !== undefined);
    const cpu = suite.measurements.some((m) => m.cpu !== undefined);
    parts.push(
      formatTable(
        ['measurement', 'load', 'ops/s', 'p50 ms', 'p99 ms', 'max ms', 'ops', 'errors', ...(cpu ? ['CPU µs/op'] : []), ...(details ? ['in the same run'] : [])],
        suite.measurements.map((m) => [
          `${m.name} [${m.unit}]`,
          m.rate === null ? `${m.concurrency ?? 1} conc` : `${fmt(m.rate)}/s`,
          fmt(m.opsPerSec),
          fmt(m.p50Ms, 3),
          fmt(m.p99Ms, 3),
          fmt(m.maxMs, 1),
          fmt(m.ops),
          String(m.errors),
          ...(cpu ? [cpuCell(m.cpu)] : []),
          ...(details ? [m.detail ?? ''] : []),
        ]),
      ),
    );
  }
  if (suite.checks.length > 0) {
    const details = suite.checks.some((c) => c.detail !== undefined);
    parts.push(
      formatTable(
        ['check', 'value', 'target', 'result', ...(details ? ['figures'] : [])],
        suite.checks.map((c) => [c.name, `${fmt(c.value, Number.isInteger(c.value) ? 0 : 3)} ${c.unit}`, `${c.op} ${c.target} ${c.unit}`, c.pass ? 'pass' : 'FAIL', ...(details ? [c.detail ?? ''] : [])]),
      ),
    );
  }
  const errors = suite.measurements.filter((m) => m.firstError !== undefined).map((m) => `error in '${m.name}': ${m.firstError ?? ''}`);
  for (const note of [...(suite.notes ?? []), ...errors, ...(suite.error ? [`suite failed: ${suite.error}`] : [])]) parts.push(`note: ${note}`);
  return parts.join('\n\n');
}

export function formatReport(report: BenchReport): string {
  const env = report.environment;
  const head = `baton bench${report.quick ? ' (quick)' : ''}: node ${env.node}, ${env.cpus} × ${env.cpuModel}, load ${env.loadAvgAtStart.join(' ')} at start`;
  const verdict = report.pass ? 'all checks passed' : 'SOME CHECKS FAILED (figures on a busy machine are noisy: compare ratios, rerun quiet)';
  return [head, ...report.suites.map(formatSuite), verdict].join('\n\n');
}
