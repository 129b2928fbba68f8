/**
 * @module `baton doctor`: runs the checks of server/doctor and prints one line per
 * check (a mark, the check, what it found, the hint below), or --json; exits 1
 * when any check fails, 0 otherwise (warnings included).
 */
import type { Check } from '../../server/doctor/check.js';
import { runDoctor } from '../../server/doctor/doctor.js';
import { painter, printJson, useColour, type Style } from '../output.js';

export interface DoctorFlags {
  dataDir?: string;
  store?: string;
  storeUrl?: string;
  url?: string;
  json?: boolean;
}

const MARKS: Record<Check['status'], [string, Style]> = { ok: ['ok  ', 'green'], warn: ['warn', 'yellow'], fail: ['FAIL', 'red'], skip: ['skip', 'dim'] };

export async function runDoctorCommand(flags: DoctorFlags): Promise<void> {
  const report = await runDoctor({
    overrides: { dataDir: flags.dataDir, store: flags.store, storeUrl: flags.storeUrl },
    url: flags.url ?? (process.env['BATON_URL'] || undefined),
    token: process.env['BATON_TOKEN'] || undefined,
    cwd: process.cwd(),
  });
  process.exitCode = report.ok ? 0 : 1;
  if (flags.json === true) {
    printJson(report);
    return;
  }
  const paint = painter(useColour(process.stdout));
  const width = Math.max(...report.checks.map((c) => c.id.length));
  for (const c of report.checks) {
    const [mark, style] = MARKS[c.status];
    process.stdout.write(`${paint(style, mark)}  ${c.id.padEnd(width)}  ${c.message}\n`);
    if (c.hint && (c.status === 'fail' || c.status === 'warn')) process.stdout.write(`${' '.repeat(width + 8)}${paint('dim', `→ ${c.hint}`)}\n`);
  }
  const summary = report.ok ? `No failures${report.warnings > 0 ? `, ${report.warnings} warning${report.warnings === 1 ? '' : 's'}` : ''}.` : `${report.failures} check${report.failures === 1 ? '' : 's'} failed.`;
  process.stdout.write(`${paint(report.ok ? 'green' : 'red', summary)}\n`);
}
