/**
 * @module Suite `dashboard`: the dashboard in Debian's Chromium (playwright-core,
 * /usr/bin/chromium) against a server in this process holding 200 agents, 2,000
 * tasks (chains of ten), 40 locks with 40 waiters and 40 reservations, while the hub
 * commits about 100 events/s. Time to first render (navigation to the first render
 * with the project's data, the page's `baton-dashboard-ready` mark) of the busy
 * project against an empty one, and frame time (requestAnimationFrame intervals)
 * on four panels under that load against the same panels of an idle project, both
 * in the same run; the JS heap after the load is reported beside.
 */
import { performance } from 'node:perf_hooks';
import type { Page } from 'playwright-core';
import { loadServerConfig } from '../../src/server/config.js';
import { startServer } from '../../src/server/main.js';
import { hasChromium, launchChromium } from '../../test/support/browser.js';
import { createHistogram, toMeasurement } from '../lib/histogram.js';
import { check, ratioCheck } from '../lib/report.js';
import type { BenchContext, BenchSuite, Check, Measurement } from '../lib/types.js';

const AGENTS = 200;
const TASKS = 2000;
const EVENTS_PER_S = 100;
const PANELS = ['overview', 'agents', 'tasks', 'timeline'];
/** A frame under load may take this many times an idle one's p99 (both include the headless browser's own pacing). */
const FRAME_RATIO = 3;
/** And never more than this at p99 (20 frames per second). */
const FRAME_P99_MS = 50;
const FIRST_RENDER_MS = 3000;

const silent = { info: () => undefined, error: () => undefined };

async function seed(run: (name: string, input: Record<string, unknown>, agent?: string) => Promise<unknown>): Promise<string[]> {
  const agents = Array.from({ length: AGENTS }, (_, i) => `agent-${String(i).padStart(3, '0')}`);
  await Promise.all(agents.map((a, i) => run('register_agent', { name: `Agent ${i}`, metadata: { branch: `issue-${i}-work`, worktree: `/work/wt-${i}` } }, a)));
  for (let i = 0; i < TASKS; i += 500) {
    const tasks = Array.from({ length: 500 }, (_, j) => {
      const n = i + j;
      return { id: `t-${n}`, title: `Implement part ${n}`, labels: [n % 3 === 0 ? 'api' : 'ui'], ...(n % 10 === 0 ? {} : { dependencies: [`t-${n - 1}`] }) };
    });
    await run('add_task', { tasks }, agents[0]);
  }
  await Promise.all(agents.slice(0, 40).map((a, i) => run('acquire_lock', { name: `area:${i}`, ttl_seconds: 3600 }, a)));
  for (const [i, a] of agents.slice(40, 80).entries()) void run('acquire_lock', { name: `area:${i}`, wait_seconds: 3000 }, a).catch(() => undefined);
  await Promise.all(agents.slice(80, 120).map((a, i) => run('reserve_files', { paths: [`src/area-${i}/**`], ttl_seconds: 3600 }, a)));
  await Promise.all(agents.slice(120, 200).map((a) => run('claim_task', { ttl_seconds: 3600 }, a)));
  return agents;
}

/** Commits about `rate` events per second until stopped: custom events, lock pairs and task claim/complete cycles. */
function startLoad(run: (name: string, input: Record<string, unknown>, agent?: string) => Promise<unknown>, agents: string[], rate: number): () => void {
  let tick = 0;
  const started = performance.now();
  // Paced by elapsed time, not by timer ticks: a late timer on a busy machine catches up.
  const timer = setInterval(() => {
    const due = Math.floor(((performance.now() - started) / 1000) * rate * 0.85) - tick; // ~15% more comes from the lock pairs' second event
    for (let k = 0; k < Math.min(due, 50); k++) {
      tick++;
      const agent = agents[tick % agents.length]!;
      const kind = tick % 10;
      if (kind < 7) void run('publish_event', { topic: 'build.progress', payload: { step: tick } }, agent).catch(() => undefined);
      else if (kind < 8) void run('heartbeat', { activity: 'working', current_file: `src/file-${tick % 50}.ts` }, agent).then(() => run('publish_event', { topic: 'edit', payload: { n: tick } }, agent)).catch(() => undefined);
      else void run('acquire_lock', { name: `hot:${tick % 5}`, ttl_seconds: 60 }, agent).then((r) => ((r as { acquired?: boolean }).acquired ? run('release_lock', { name: `hot:${tick % 5}` }, agent) : undefined)).catch(() => undefined);
    }
  }, 10);
  return () => {
    clearInterval(timer);
  };
}

async function firstRender(page: Page, url: string): Promise<number> {
  await page.goto('about:blank'); // a new document each time (a hash change alone would not reload)
  await page.goto(url);
  await page.waitForFunction(() => performance.getEntriesByName('baton-dashboard-ready').length > 0, undefined, { timeout: 30_000 });
  return page.evaluate(() => performance.getEntriesByName('baton-dashboard-ready')[0]!.startTime);
}

/**
 * rAF intervals for `ms` on the current page. Written as page source, not a function: the
 * bench runs under tsx, whose transform would add helpers the page does not have.
 */
const FRAME_SAMPLER = `(duration) => new Promise((resolve) => {
  const deltas = [];
  let last = performance.now();
  const end = last + duration;
  const step = (t) => { deltas.push(t - last); last = t; if (t < end) requestAnimationFrame(step); else resolve(deltas.slice(1)); };
  requestAnimationFrame(step);
})`;

async function frames(page: Page, ms: number): Promise<number[]> {
  return page.evaluate(`(${FRAME_SAMPLER})(${ms})`);
}

const measurementOf = (name: string, unit: string, samples: number[], durationMs: number, detail?: string): Measurement => {
  const h = createHistogram();
  for (const s of samples) h.record(s);
  return { ...toMeasurement(h, { name, unit, concurrency: null, rate: null, durationMs }), ...(detail ? { detail } : {}) };
};

export const suite: BenchSuite = {
  name: 'dashboard',
  description: `Dashboard in Chromium: first render and frame time with ${AGENTS} agents, ${TASKS} tasks, ~${EVENTS_PER_S} events/s, against an empty/idle project in the same run`,
  async run(ctx: BenchContext) {
    if (!hasChromium()) return { measurements: [], checks: [], notes: ['Skipped: no Chromium at /usr/bin/chromium (apt-get install chromium).'] };
    const config = loadServerConfig({ dataDir: ctx.tempDir('dashboard'), port: 0, host: '127.0.0.1' });
    const server = await startServer({ ...config, store: { kind: 'sqlite', url: undefined, namespace: undefined } }, silent);
    ctx.defer(() => server.close());
    const run = (name: string, input: Record<string, unknown>, agent?: string, project = 'busy') => server.hub.execute(name, input, { project, agentId: agent });
    ctx.log('seeding 200 agents, 2,000 tasks, locks, waiters, reservations');
    const agents = await seed(run);
    await run('register_agent', {}, 'only', 'idle');
    const browser = await launchChromium();
    ctx.defer(() => browser.close());
    const page = await (await browser.newContext({ viewport: { width: 1360, height: 900 } })).newPage();
    const loads = ctx.quick ? 2 : 5;
    const frameMs = ctx.duration(8_000, 2_000);
    const measurements: Measurement[] = [];
    const checks: Check[] = [];

    ctx.log('first render: empty project, then busy');
    const emptyTimes: number[] = [];
    const busyTimes: number[] = [];
    for (let i = 0; i < loads; i++) emptyTimes.push(await firstRender(page, `${server.url}/dashboard/#/overview?project=idle`));
    const idleFrames = new Map<string, number[]>();
    for (const panel of PANELS) {
      await page.goto(`${server.url}/dashboard/#/${panel}?project=idle`);
      await page.waitForTimeout(500);
      idleFrames.set(panel, await frames(page, frameMs));
    }
    const stopLoad = startLoad(run, agents, EVENTS_PER_S);
    ctx.defer(stopLoad);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    for (let i = 0; i < loads; i++) busyTimes.push(await firstRender(page, `${server.url}/dashboard/#/overview?project=busy`));
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
    measurements.push(measurementOf('first render, empty project', 'load', emptyTimes, emptyTimes.reduce((a, b) => a + b, 0)));
    measurements.push(measurementOf(`first render, ${AGENTS} agents ${TASKS} tasks`, 'load', busyTimes, busyTimes.reduce((a, b) => a + b, 0)));
    checks.push(check('first render of the busy project (median)', median(busyTimes), '<=', FIRST_RENDER_MS, 'ms', `empty project ${Math.round(median(emptyTimes))} ms`));

    const before = (await run('coordinator_status', {})) as { last_event_id: number };
    const started = performance.now();
    for (const panel of PANELS) {
      ctx.log(`frames on ${panel} under load`);
      await page.goto('about:blank');
      await page.goto(`${server.url}/dashboard/#/${panel}?project=busy`);
      await page.waitForFunction(() => performance.getEntriesByName('baton-dashboard-ready').length > 0, undefined, { timeout: 30_000 });
      await page.waitForTimeout(1000);
      const busy = await frames(page, frameMs);
      const idle = idleFrames.get(panel)!;
      const idleM = measurementOf(`frame, ${panel}, idle project`, 'frame', idle, frameMs);
      const busyM = measurementOf(`frame, ${panel}, under load`, 'frame', busy, frameMs);
      measurements.push(idleM, busyM);
      checks.push(ratioCheck(`frame p99 under load / idle, ${panel}`, busyM.p99Ms, idleM.p99Ms, '<=', FRAME_RATIO, 'ms'));
      checks.push(check(`frame p99 under load, ${panel}`, busyM.p99Ms, '<=', FRAME_P99_MS, 'ms'));
    }
    const after = (await run('coordinator_status', {})) as { last_event_id: number };
    const rate = (after.last_event_id - before.last_event_id) / ((performance.now() - started) / 1000);
    const heap = await page.evaluate(() => (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0);
    stopLoad();
    return {
      measurements,
      checks,
      notes: [
        `Load: ${Math.round(rate)} events/s committed while the frames were measured.`,
        `JS heap after the load: ${(heap / 1024 / 1024).toFixed(1)} MiB (Chromium's performance.memory).`,
        'Frame times come from a headless Chromium without a GPU on a shared machine: read the ratio to the idle project, measured in the same run.',
      ],
    };
  },
};
