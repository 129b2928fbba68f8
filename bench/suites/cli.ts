/**
 * @module Bench suite `cli`: what a shell script pays per `baton` call. Start-up
 * to exit of the built CLI for `--version` and `lock list` (a client command:
 * it must load no server code; the target is under 150 ms to first output),
 * and the overhead of `baton run --lock L -- true` over running `true` itself.
 * Baseline in the same run: `node -e ''` (what any Node CLI pays), so the
 * figures read as ratios on a loaded machine as well as in ms.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { spawnServer } from '../lib/child-server.js';
import { createHistogram, toMeasurement } from '../lib/histogram.js';
import { check } from '../lib/report.js';
import type { BenchContext, BenchSuite, Check, Measurement } from '../lib/types.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'dist', 'cli', 'main.js');

function time(ctx: BenchContext, name: string, argv: string[], env: NodeJS.ProcessEnv, runs: number): Measurement {
  const histogram = createHistogram();
  let errors = 0;
  let firstError: string | undefined;
  const started = performance.now();
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(argv[0]!, argv.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
    histogram.record(performance.now() - t0);
    if (r.status !== 0) {
      errors++;
      firstError ??= `${argv.join(' ')}: exit ${r.status ?? r.signal}: ${r.stderr.toString().slice(0, 200)}`;
    }
  }
  ctx.log(`${name}: ${runs} runs`);
  return toMeasurement(histogram, { name, unit: 'process', concurrency: 1, rate: null, durationMs: performance.now() - started, errors, firstError });
}

export const suite: BenchSuite = {
  name: 'cli',
  description: 'baton start-up to exit: --version, lock list (a client command), run --lock overhead; baseline node -e ""',
  async run(ctx) {
    const runs = ctx.quick ? 5 : 30;
    const server = await spawnServer({ args: [CLI, 'start', '--port', '0', '--data-dir', ctx.tempDir('cli-bench')], cwd: ROOT });
    ctx.defer(() => server.stop());
    const env = { ...process.env, BATON_URL: server.url, BATON_PROJECT: 'cli-bench', BATON_AGENT: 'bench' };
    const node = process.execPath;
    const baseline = time(ctx, 'node -e "" (baseline)', [node, '-e', ''], env, runs);
    const version = time(ctx, 'baton --version', [node, CLI, '--version'], env, runs);
    const list = time(ctx, 'baton lock list', [node, CLI, 'lock', 'list'], env, runs);
    const bare = time(ctx, 'true (baseline for run)', ['true'], env, runs);
    const run = time(ctx, 'baton run --lock bench -- true', [node, CLI, 'run', '--lock', 'bench', '--', 'true'], env, runs);
    const checks: Check[] = [
      check('lock list p50 start-up to exit', list.p50Ms, '<', 150, 'ms', `node itself: ${baseline.p50Ms.toFixed(0)} ms`),
      check('lock list over bare node, p50', list.p50Ms - baseline.p50Ms, '<', 100, 'ms', `${list.p50Ms.toFixed(0)} − ${baseline.p50Ms.toFixed(0)} ms`),
      check('--version over bare node, p50', version.p50Ms - baseline.p50Ms, '<', 60, 'ms', `${version.p50Ms.toFixed(0)} − ${baseline.p50Ms.toFixed(0)} ms`),
      check('run --lock overhead over the bare command, p50', run.p50Ms - bare.p50Ms, '<', 300, 'ms', `${run.p50Ms.toFixed(0)} − ${bare.p50Ms.toFixed(0)} ms (register, acquire, sign off)`),
    ];
    return { measurements: [baseline, version, list, bare, run], checks, notes: ['Start-up to exit includes printing; first output comes a little earlier.'] };
  },
};
