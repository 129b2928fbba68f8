/**
 * @module `npm run bench`: discovers the suites in bench/suites/*.ts (each exports
 * `suite: BenchSuite`), runs them one after another in a fixed order, and prints a
 * table and a JSON document on stdout (also written to bench/results/latest.json).
 *
 * Usage: npm run bench -- [--only name1,name2] [--quick] [--json] [--strict]
 *   --quick   short runs, for a CI smoke test (the figures are rough)
 *   --json    print only the JSON document
 *   --strict  exit 1 when a check fails (a suite that throws always exits 1)
 * Progress goes to stderr.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createSuiteContext } from './lib/context.js';
import { describeEnvironment, formatReport, roundCheck, roundMeasurement, type BenchReport, type SuiteReport } from './lib/report.js';
import type { BenchSuite } from './lib/types.js';

/** Suites named here run first, in this order; any other suite follows by name. */
const SUITE_ORDER = ['hub-sqlite', 'rest-sqlite', 'mcp', 'mcp-surface', 'mcp-consult', 'hooks', 'hub-redis', 'rest-redis', 'hub-postgres', 'rest-postgres', 'stores-redis', 'stores-postgres', 'scale', 'push', 'limits'];

const SUITES_DIR = fileURLToPath(new URL('./suites/', import.meta.url));
const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));

function isSuite(value: unknown): value is BenchSuite {
  const candidate = value as { name?: unknown; run?: unknown } | null | undefined;
  return typeof candidate?.name === 'string' && typeof candidate.run === 'function';
}

async function discoverSuites(): Promise<BenchSuite[]> {
  const files = readdirSync(SUITES_DIR).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'));
  const suites: BenchSuite[] = [];
  for (const file of files) {
    const module = (await import(pathToFileURL(`${SUITES_DIR}${file}`).href)) as { suite?: unknown };
    if (!isSuite(module.suite)) throw new Error(`bench/suites/${file} must export \`const suite: BenchSuite\`.`);
    if (suites.some((s) => s.name === (module.suite as BenchSuite).name)) throw new Error(`Two suites are named '${module.suite.name}'.`);
    suites.push(module.suite);
  }
  const rank = (s: BenchSuite): number => {
    const i = SUITE_ORDER.indexOf(s.name);
    return i < 0 ? SUITE_ORDER.length : i;
  };
  return suites.sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}

async function runSuite(suite: BenchSuite, quick: boolean): Promise<SuiteReport> {
  const { ctx, cleanup } = createSuiteContext(suite.name, quick);
  const started = performance.now();
  const base = { name: suite.name, description: suite.description };
  try {
    const result = await suite.run(ctx);
    return { ...base, ...result, measurements: result.measurements.map(roundMeasurement), checks: result.checks.map(roundCheck), wallMs: Math.round(performance.now() - started) };
  } catch (error) {
    ctx.log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return { ...base, measurements: [], checks: [], error: error instanceof Error ? error.message : String(error), wallMs: Math.round(performance.now() - started) };
  } finally {
    await cleanup();
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { only: { type: 'string' }, quick: { type: 'boolean', default: false }, json: { type: 'boolean', default: false }, strict: { type: 'boolean', default: false } },
    strict: true,
  });
  const all = await discoverSuites();
  const wanted = values.only?.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const unknown = wanted?.filter((name) => !all.some((s) => s.name === name)) ?? [];
  if (unknown.length > 0) {
    process.stderr.write(`Unknown suite(s): ${unknown.join(', ')}. Available: ${all.map((s) => s.name).join(', ')}.\n`);
    return 2;
  }
  const selected = wanted ? all.filter((s) => wanted.includes(s.name)) : all;
  const startedAt = new Date().toISOString();
  const environment = describeEnvironment();
  const suites: SuiteReport[] = [];
  for (const suite of selected) {
    process.stderr.write(`[bench] ${suite.name}${values.quick ? ' (quick)' : ''}\n`);
    suites.push(await runSuite(suite, values.quick));
  }
  const failedSuite = suites.some((s) => s.error !== undefined);
  const report: BenchReport = {
    schema: 'baton-bench/1',
    startedAt,
    finishedAt: new Date().toISOString(),
    quick: values.quick,
    environment,
    suites,
    pass: !failedSuite && suites.every((s) => s.checks.every((c) => c.pass)),
  };
  const json = JSON.stringify(report, null, 2);
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(`${RESULTS_DIR}latest.json`, `${json}\n`);
  process.stdout.write(values.json ? `${json}\n` : `${formatReport(report)}\n\n${json}\n`);
  process.stderr.write('[bench] results written to bench/results/latest.json\n');
  if (failedSuite) return 1;
  return values.strict && !report.pass ? 1 : 0;
}

process.exitCode = await main();
