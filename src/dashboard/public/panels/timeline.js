// The timeline: the newest events first, filtered by type family and a search; scrolling back
// pauses it (new events wait above until you resume), so a row never moves under the reader.
// The list is virtual (fixed-height rows, only those in view are in the DOM), so 100 events/s
// cost a few dozen rows per render whatever the history kept.
import { Component, html, useMemo, useRef, useState } from '../vendor/preact-htm.js';
import { eventSummary } from '../lib/format.js';
import { Ago, Empty } from '../lib/ui.js';

const FAMILIES = ['agent', 'service', 'lease', 'task', 'state', 'custom', 'thread', 'intent', 'file'];
const ROW_H = 28;
const VIEW_H = 520;

/** One event row; events never change, so a row renders once (its relative time ticks by itself). */
class EventRow extends Component {
  shouldComponentUpdate(next) { return next.e !== this.props.e || next.top !== this.props.top; }
  render({ e, now }) {
    // top changes as newer events arrive above: shouldComponentUpdate compares it too.
    return html`<li data-event=${e.id} data-type=${e.type} style=${{ top: this.props.top + 'px' }}>
      <span class="mono muted">#${e.id}</span><span><${Ago} t=${Date.parse(e.at)} now=${now} /></span><span class="mono">${e.type}</span><span>${e.actor || html`<span class="muted">system</span>`}</span><span title=${JSON.stringify(e.data)}><span class="mono">${e.subject}</span> ${eventSummary(e)}</span>
    </li>`;
  }
}

export function Timeline({ model }) {
  const [families, setFamilies] = useState([]);
  const [query, setQuery] = useState('');
  const [frozen, setFrozen] = useState(null); // the last id shown when paused
  const ref = useRef(null);
  const [top, setTop] = useState(0);
  const matches = (e) => (families.length === 0 || families.includes(e.type.split('.')[0])) && (!query || `${e.type} ${e.actor || ''} ${e.subject} ${JSON.stringify(e.data)}`.toLowerCase().includes(query.toLowerCase()));
  const { rows, waiting } = useMemo(() => {
    const out = [];
    let waiting = 0;
    for (let i = model.events.length - 1; i >= 0; i--) {
      const e = model.events[i];
      if (!matches(e)) continue;
      if (frozen !== null && e.id > frozen) { waiting++; continue; }
      out.push(e);
    }
    return { rows: out, waiting };
  }, [model.v.events, families, query, frozen]);
  const onScroll = (e) => {
    setTop(e.target.scrollTop);
    const back = e.target.scrollTop > 8;
    if (back && frozen === null) setFrozen(rows.length ? rows[0].id : 0);
    if (!back && frozen !== null) setFrozen(null);
  };
  const resume = () => { if (ref.current) ref.current.scrollTop = 0; setTop(0); setFrozen(null); };
  const first = Math.max(0, Math.floor(top / ROW_H) - 5);
  const last = Math.min(rows.length, first + Math.ceil(VIEW_H / ROW_H) + 10);
  const toggle = (f) => setFamilies(families.includes(f) ? families.filter((x) => x !== f) : [...families, f]);
  return html`<section aria-labelledby="h-timeline"><h2 id="h-timeline">Timeline</h2>
    <div class="toolbar">
      <div class="chips" role="group" aria-label="Filter by type">${FAMILIES.map((f) => html`<button class="chip" aria-pressed=${families.includes(f)} onClick=${() => toggle(f)}>${f}</button>`)}</div>
      <label>Search <input type="search" value=${query} onInput=${(e) => setQuery(e.target.value)} placeholder="type, agent, subject, data" data-testid="timeline-search" /></label>
    </div>
    ${frozen !== null && html`<div class="notice" role="status" data-testid="paused">Paused while you read${waiting ? ` — ${waiting} new event${waiting === 1 ? '' : 's'}` : ''}. <button onClick=${resume}>Resume</button></div>`}
    ${model.events.length === 0 ? html`<${Empty} title="No events yet."><p>Every change (an agent joining, a lock taken, a task claimed, a custom event from <code>publish_event</code>) appears here the moment it commits.</p><//>` : html`
    <div class="panel vscroll" ref=${ref} onScroll=${onScroll} tabindex="0" aria-label="Events, newest first">
      <ol class="timeline" data-testid="timeline" style=${{ height: rows.length * ROW_H + 'px' }}>${rows.slice(first, last).map((e, k) => html`<${EventRow} key=${e.id} e=${e} top=${(first + k) * ROW_H} now=${model.now} />`)}</ol>
    </div>
    <p class="legend-note">${rows.length} matching of the last ${model.events.length} events kept in the page.</p>`}
  </section>`;
}
