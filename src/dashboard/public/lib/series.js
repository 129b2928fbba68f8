// Activity over time, kept in memory for the last hours: 10-second buckets filled from the
// event log (the backlog the stream replays at start) and then from live events.
export const BUCKET_MS = 10_000;
const KEEP_MS = 6 * 60 * 60_000;
const WINDOW_BUCKETS = 6; // "agents acting" counts distinct actors over the last minute

export function createSeries() {
  const buckets = new Map(); // bucket start (ms) → { events, claims, completions, failures, waits: number[], actors: Set }
  const queuedAt = new Map(); // holder|resource → when it queued
  let newest = 0;
  let version = 0;

  const bucketOf = (at) => {
    const t = Math.floor(at / BUCKET_MS) * BUCKET_MS;
    let b = buckets.get(t);
    if (!b) {
      b = { events: 0, claims: 0, completions: 0, failures: 0, waits: [], actors: new Set() };
      buckets.set(t, b);
      if (t > newest) {
        newest = t;
        for (const key of buckets.keys()) if (key < newest - KEEP_MS) buckets.delete(key);
      }
    }
    return b;
  };

  return {
    get version() { return version; },
    add(e) {
      const at = Date.parse(e.at);
      if (!Number.isFinite(at)) return;
      const b = bucketOf(at);
      b.events++;
      if (e.actor) b.actors.add(e.actor);
      const d = e.data || {};
      if (e.type === 'task.claimed') b.claims++;
      else if (e.type === 'task.completed') b.completions++;
      else if (e.type === 'task.failed') b.failures++;
      else if (e.type === 'lease.queued') queuedAt.set(`${d.holder}|${d.resource}`, at);
      else if (e.type === 'lease.acquired' && d.from_queue) {
        const key = `${d.holder}|${d.resource}`;
        const since = queuedAt.get(key);
        if (since !== undefined) { b.waits.push(at - since); queuedAt.delete(key); }
      } else if (e.type === 'lease.wait_ended') queuedAt.delete(`${d.holder}|${d.resource}`);
      version++;
    },
    /** Columns for uPlot over the last `spanMs`: x in seconds, then one array per series, gaps filled with 0 (or null for waits). */
    columns(spanMs, now) {
      const end = Math.floor(now / BUCKET_MS) * BUCKET_MS;
      const start = end - spanMs;
      const xs = [], events = [], claims = [], completions = [], p50 = [], p99 = [], actors = [];
      const window = [];
      for (let t = start - (WINDOW_BUCKETS - 1) * BUCKET_MS; t <= end; t += BUCKET_MS) {
        const b = buckets.get(t);
        window.push(b ? b.actors : null);
        if (window.length > WINDOW_BUCKETS) window.shift();
        if (t < start) continue;
        xs.push(t / 1000);
        events.push(b ? b.events / (BUCKET_MS / 1000) : 0);
        claims.push(b ? b.claims : 0);
        completions.push(b ? b.completions : 0);
        const waits = b ? [...b.waits].sort((x, y) => x - y) : [];
        p50.push(waits.length ? waits[Math.floor((waits.length - 1) * 0.5)] / 1000 : null);
        p99.push(waits.length ? waits[Math.floor((waits.length - 1) * 0.99)] / 1000 : null);
        const union = new Set();
        for (const set of window) if (set) for (const a of set) union.add(a);
        actors.push(union.size);
      }
      return { xs, events, claims, completions, p50, p99, actors };
    },
    totals() {
      let events = 0, claims = 0, completions = 0, waits = 0;
      for (const b of buckets.values()) { events += b.events; claims += b.claims; completions += b.completions; waits += b.waits.length; }
      return { events, claims, completions, waits };
    },
  };
}
