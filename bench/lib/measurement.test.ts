import { describe, expect, it } from 'vitest';
import { runClosedLoop } from './closed-loop.js';
import { createHistogram } from './histogram.js';
import { runOpenLoop } from './open-loop.js';
import { check } from './report.js';

/** Blocks the event loop, as a slow synchronous server step would. */
function stall(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spin
  }
}

describe('histogram', () => {
  it('reports nearest-rank percentiles, max and mean of every sample', () => {
    const h = createHistogram(4);
    for (let i = 100; i >= 1; i--) h.record(i);
    expect(h.summary()).toEqual({ count: 100, p50Ms: 50, p99Ms: 99, maxMs: 100, meanMs: 50.5 });
  });

  it('reports no latency at all when nothing was recorded', () => {
    const summary = createHistogram().summary();
    expect(summary.count).toBe(0);
    expect(summary.p99Ms).toBeNaN();
  });
});

describe('check', () => {
  it('fails a target when the figure is missing rather than passing on zero', () => {
    expect(check('p99', Number.NaN, '<', 10, 'ms').pass).toBe(false);
    expect(check('ratio', 0.8, '>=', 0.8, 'x').pass).toBe(true);
    expect(check('ratio', 1, '>', 1, 'x').pass).toBe(false);
  });
});

describe('closed-loop runner', () => {
  it('keeps exactly the requested number of operations in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const m = await runClosedLoop({
      name: 't',
      unit: 'op',
      workers: 8,
      durationMs: 60,
      op: async () => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 2));
        inFlight--;
      },
    });
    expect(peak).toBe(8);
    expect(m.ops).toBeGreaterThan(8);
    expect(m.opsPerSec).toBeGreaterThan(0);
    expect(m.errors).toBe(0);
  });

  it('counts failed operations apart, with the first message, and goes on', async () => {
    const m = await runClosedLoop({
      name: 't',
      unit: 'op',
      workers: 1,
      durationMs: 20,
      op: async (_w, i) => {
        await Promise.resolve();
        if (i % 2 === 1) throw new Error(`boom ${i}`);
      },
    });
    expect(m.errors).toBeGreaterThan(0);
    expect(m.firstError).toBe('boom 1');
    expect(m.ops).toBeGreaterThan(0);
  });

  it('stops early when the work runs out', async () => {
    let left = 5;
    const started = performance.now();
    const m = await runClosedLoop({
      name: 't',
      unit: 'op',
      workers: 2,
      durationMs: 10_000,
      op: async () => {
        await Promise.resolve();
        if (left <= 0) return false;
        left--;
        return true;
      },
    });
    expect(m.ops).toBe(5);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('open-loop runner', () => {
  it('issues operations on schedule at the requested rate', async () => {
    const m = await runOpenLoop({ name: 't', unit: 'op', rate: 500, durationMs: 200, op: () => Promise.resolve() });
    expect(m.ops).toBe(100);
    expect(m.errors).toBe(0);
    expect(m.opsPerSec).toBeGreaterThan(200);
  });

  it('charges a stall to every operation scheduled during it (no coordinated omission)', async () => {
    // Each operation is instant, but one blocks the loop for 60 ms: the ~30 operations
    // due in that time go out late, and their latency counts from when they were due.
    const m = await runOpenLoop({
      name: 't',
      unit: 'op',
      rate: 500,
      durationMs: 300,
      op: (index) => {
        if (index === 50) stall(60);
        return Promise.resolve();
      },
    });
    expect(m.ops).toBe(150);
    expect(m.p99Ms).toBeGreaterThan(30);
    expect(m.sendLag.p99Ms).toBeGreaterThan(30);
  });

  it('drops operations past the in-flight bound and reports them as errors', async () => {
    const m = await runOpenLoop({ name: 't', unit: 'op', rate: 1000, durationMs: 50, maxInFlight: 5, drainTimeoutMs: 100, op: () => new Promise<void>((r) => setTimeout(r, 80)) });
    expect(m.dropped).toBeGreaterThan(0);
    expect(m.errors).toBeGreaterThanOrEqual(m.dropped);
    expect(m.firstError).toMatch(/dropped/);
  });
});
