// Plots over time with uPlot: events per second, claims and completions, lock wait p50/p99 and
// agents acting, for the last 15 min to 6 h, from the log replayed at start and then live.
import { html, useEffect, useRef, useState } from '../vendor/preact-htm.js';
import { BUCKET_MS } from '../lib/series.js';
import { Empty } from '../lib/ui.js';

const SPANS = [['15 min', 15 * 60_000], ['1 h', 60 * 60_000], ['6 h', 6 * 60 * 60_000]];
const css = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

const CHARTS = [
  { id: 'events', title: 'Events per second', series: [['events', 'events/s', '--accent']] },
  { id: 'tasks', title: 'Claims and completions per 10 s', series: [['claims', 'claims', '--t-claimed'], ['completions', 'completions', '--t-done']] },
  { id: 'waits', title: 'Lock wait time (s): p50 and p99', series: [['p50', 'p50', '--accent'], ['p99', 'p99', '--bad']] },
  { id: 'agents', title: 'Agents acting (distinct actors over 1 min)', series: [['actors', 'agents', '--ok']] },
];

function Chart({ spec, columns }) {
  const ref = useRef(null);
  const plot = useRef(null);
  const [scheme, setScheme] = useState(0);
  useEffect(() => {
    const media = matchMedia('(prefers-color-scheme: dark)');
    const onChange = () => setScheme((n) => n + 1);
    media.addEventListener('change', onChange);
    return () => media.removeEventListener('change', onChange);
  }, []);
  useEffect(() => {
    if (!window.uPlot || !ref.current) return undefined;
    const axis = { stroke: css('--muted'), grid: { stroke: css('--line'), width: 1 }, ticks: { stroke: css('--line') } };
    const options = {
      width: Math.max(300, ref.current.clientWidth), height: 180,
      scales: { x: { time: true } },
      axes: [axis, { ...axis, size: 50 }],
      legend: { live: true },
      series: [{}, ...spec.series.map(([, label, color]) => ({ label, stroke: css(color), width: 2, spanGaps: spec.id === 'waits', points: { show: spec.id === 'waits' } }))],
    };
    plot.current = new window.uPlot(options, [columns.xs, ...spec.series.map(([key]) => columns[key])], ref.current);
    const resize = () => plot.current && plot.current.setSize({ width: Math.max(300, ref.current.clientWidth), height: 180 });
    addEventListener('resize', resize);
    return () => { removeEventListener('resize', resize); plot.current.destroy(); plot.current = null; };
  }, [scheme]);
  useEffect(() => { if (plot.current) plot.current.setData([columns.xs, ...spec.series.map(([key]) => columns[key])]); }, [columns]);
  return html`<div class="panel plot" data-testid=${'plot-' + spec.id}><h3>${spec.title}</h3><div ref=${ref}></div></div>`;
}

export function Plots({ model }) {
  const [span, setSpan] = useState(SPANS[0][1]);
  const [columns, setColumns] = useState(() => model.series.columns(span, model.now()));
  const last = useRef(0);
  // Redrawn at most every 2 s and when a bucket closes: the plots are trends, not the live view.
  useEffect(() => {
    const now = Date.now();
    if (now - last.current < 2000) return undefined;
    last.current = now;
    setColumns(model.series.columns(span, model.now()));
    return undefined;
  }, [model.v.events, span]);
  useEffect(() => {
    const timer = setInterval(() => setColumns(model.series.columns(span, model.now())), BUCKET_MS);
    return () => clearInterval(timer);
  }, [span]);
  const totals = model.series.totals();
  return html`<section aria-labelledby="h-plots"><h2 id="h-plots">Activity over time</h2>
    <div class="toolbar"><div class="chips" role="group" aria-label="Time span">${SPANS.map(([label, ms]) => html`<button class="chip" aria-pressed=${span === ms} onClick=${() => { setSpan(ms); setColumns(model.series.columns(ms, model.now())); }}>${label}</button>`)}</div>
      <span class="muted">${totals.events} events, ${totals.claims} claims, ${totals.completions} completions, ${totals.waits} lock waits in memory (10 s buckets; the page replays up to 5,000 events of the log at start).</span></div>
    ${!window.uPlot ? html`<${Empty} title="The plotting library did not load."><p>Reload the page; the file is served at /dashboard/vendor/uplot.js.</p><//>`
      : html`<div class="plots">${CHARTS.map((spec) => html`<${Chart} key=${spec.id} spec=${spec} columns=${columns} />`)}</div>`}
  </section>`;
}
