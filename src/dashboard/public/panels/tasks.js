// The task graph: a DAG (status colours, claimed-by, the critical path) for graphs small enough
// to read, a virtualised list with filters for large ones, a task's detail, and the task actions.
import { html, useMemo, useRef, useState, useEffect } from '../vendor/preact-htm.js';
import { criticalPath, layout, NODE_H, NODE_W } from '../lib/dag.js';
import { api } from '../lib/api.js';
import { Empty, TaskStatus } from '../lib/ui.js';

const STATUSES = ['pending', 'ready', 'claimed', 'done', 'failed', 'cancelled'];
const DAG_LIMIT = 400;
const ROW_H = 30;

function DagView({ tasks, selected, onSelect }) {
  const { nodes, edges, width, height, crit } = useMemo(() => ({ ...layout(tasks), crit: criticalPath(tasks) }), [tasks]);
  return html`<div class="dag" data-testid="dag"><svg width=${width} height=${height} role="group" aria-label=${`Task graph, ${tasks.length} tasks; critical path ${crit.length} tasks`}>
    ${edges.map((e) => html`<path class=${'edge' + (crit.edges.has(`${e.from}>${e.to}`) ? ' crit' : '')} d=${e.d} />`)}
    ${nodes.map((n) => html`<g class=${'node' + (crit.nodes.has(n.id) ? ' crit' : '')} transform=${`translate(${n.x},${n.y})`} tabindex="0" role="button" data-task=${n.id}
        aria-label=${`${n.id}: ${n.task.title}, ${n.task.status}${n.task.claimed_by ? ', claimed by ' + n.task.claimed_by : ''}${crit.nodes.has(n.id) ? ', on the critical path' : ''}`}
        aria-pressed=${selected === n.id} onClick=${() => onSelect(n.id)} onKeyDown=${(e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); onSelect(n.id); } }}>
      <rect width=${NODE_W} height=${NODE_H} class=${'t-' + n.task.status} stroke="currentColor" />
      <text x="8" y="13">${n.task.id.length > 22 ? n.task.id.slice(0, 21) + '…' : n.task.id}</text>
      <text x="8" y="25" class="muted" font-size="10">${n.task.status}${n.task.claimed_by ? ' · ' + n.task.claimed_by : ''}</text>
      <title>${n.task.title}</title>
    </g>`)}
  </svg></div>
  <p class="legend-note">Critical path (red): the longest chain of unfinished tasks, ${crit.length} long.</p>`;
}

function ListView({ tasks, onSelect }) {
  const ref = useRef(null);
  const [top, setTop] = useState(0);
  const height = 520;
  const first = Math.max(0, Math.floor(top / ROW_H) - 5);
  const last = Math.min(tasks.length, first + Math.ceil(height / ROW_H) + 10);
  const move = (e, i) => {
    if (e.key === 'Enter') onSelect(tasks[i].id);
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = Math.max(0, Math.min(tasks.length - 1, i + (e.key === 'ArrowDown' ? 1 : -1)));
      const el = ref.current;
      if (next * ROW_H < el.scrollTop || (next + 1) * ROW_H > el.scrollTop + height) el.scrollTop = next * ROW_H - height / 2;
      requestAnimationFrame(() => { const row = el.querySelector(`[data-index="${next}"]`); if (row) row.focus(); });
    }
  };
  return html`<div class="vlist" ref=${ref} onScroll=${(e) => setTop(e.target.scrollTop)} role="listbox" aria-label="Tasks" data-testid="task-list">
    <div style=${{ height: tasks.length * ROW_H + 'px' }}></div>
    ${tasks.slice(first, last).map((t, k) => html`<div key=${t.id} class="row" role="option" tabindex="0" data-index=${first + k} data-task=${t.id} style=${{ top: (first + k) * ROW_H + 'px' }}
        onClick=${() => onSelect(t.id)} onKeyDown=${(e) => move(e, first + k)}>
      <span class="mono">${t.id}</span><span>${t.title}</span><span><${TaskStatus} status=${t.status} /></span><span>${t.claimed_by || ''}</span><span class="muted">${(t.labels || []).join(', ')}</span>
    </div>`)}
  </div>`;
}

function Detail({ task: row, model, canAct, onAction }) {
  // The list rows are summaries: the full record (description, error, files, attempts) is read when one is opened or changes.
  const [full, setFull] = useState(null);
  useEffect(() => {
    setFull(null);
    if (!row) return undefined;
    let live = true;
    api.get(model.project, `/tasks/${encodeURIComponent(row.id)}`).then(({ task }) => { if (live) setFull(task); }, () => undefined);
    return () => { live = false; };
  }, [row && row.id, row && row.status]);
  const task = row && full && full.id === row.id ? { ...full, status: row.status, claimed_by: row.claimed_by } : row;
  if (!task) return html`<p class="muted">Select a task (click, or Enter on a focused one) to see it and act on it.</p>`;
  const deps = (task.dependencies || []).map((d) => model.tasks.get(d)).filter(Boolean);
  return html`<div class="panel detail" data-testid="task-detail">
    <h3>${task.title} <${TaskStatus} status=${task.status} /></h3>
    <dl>
      <dt>id</dt><dd class="mono">${task.id}</dd>
      <dt>claimed by</dt><dd>${task.claimed_by || '—'}</dd>
      <dt>depends on</dt><dd>${deps.length ? deps.map((d) => html`<span class="mono">${d.id}</span> (${d.status}) `) : '—'}</dd>
      ${task.priority ? html`<dt>priority</dt><dd>${task.priority}</dd>` : ''}
      ${task.labels && task.labels.length ? html`<dt>labels</dt><dd>${task.labels.join(', ')}</dd>` : ''}
      ${task.progress ? html`<dt>progress</dt><dd>${task.progress}</dd>` : ''}
      ${task.description ? html`<dt>description</dt><dd>${task.description}</dd>` : ''}
      ${task.files && task.files.length ? html`<dt>files</dt><dd class="mono">${task.files.join(', ')}</dd>` : ''}
      ${task.attempts !== undefined ? html`<dt>attempts</dt><dd>${task.attempts}</dd>` : ''}
      ${task.error ? html`<dt>error</dt><dd class="error">${task.error}</dd>` : ''}
    </dl>
    ${canAct && html`<div class="toolbar detail">
      ${task.status === 'failed' && html`<button onClick=${() => onAction('reset', task)} data-testid="reset">Reset…</button>`}
      ${task.status !== 'done' && task.status !== 'cancelled' && html`<button class="danger" onClick=${() => onAction('cancel', task)} data-testid="cancel">Cancel task…</button>`}
    </div>`}
  </div>`;
}

export function Tasks({ model, canAct, onAction, initialFilter }) {
  const [statuses, setStatuses] = useState(initialFilter ? [initialFilter] : []);
  const [query, setQuery] = useState('');
  const [label, setLabel] = useState('');
  const [view, setView] = useState('auto');
  const [selected, setSelected] = useState(null);
  useEffect(() => { if (initialFilter) setStatuses([initialFilter]); }, [initialFilter]);
  const all = useMemo(() => [...model.tasks.values()], [model.v.tasks]);
  const labels = useMemo(() => [...new Set(all.flatMap((t) => t.labels || []))].sort(), [all]);
  const shown = useMemo(() => {
    const q = query.toLowerCase();
    return all.filter((t) => (statuses.length === 0 || statuses.includes(t.status)) && (!label || (t.labels || []).includes(label)) && (!q || t.id.toLowerCase().includes(q) || t.title.toLowerCase().includes(q) || (t.claimed_by || '').toLowerCase().includes(q)));
  }, [all, statuses, query, label]);
  const counts = useMemo(() => Object.fromEntries(STATUSES.map((s) => [s, all.filter((t) => t.status === s).length])), [all]);
  const mode = view === 'auto' ? (shown.length <= DAG_LIMIT ? 'graph' : 'list') : view;
  const toggle = (s) => setStatuses(statuses.includes(s) ? statuses.filter((x) => x !== s) : [...statuses, s]);
  return html`<section aria-labelledby="h-tasks">
    <h2 id="h-tasks">Tasks</h2>
    <div class="toolbar">
      <div class="chips" role="group" aria-label="Filter by status">${STATUSES.map((s) => html`<button class="chip" aria-pressed=${statuses.includes(s)} onClick=${() => toggle(s)} data-status=${s}>${s} ${counts[s]}</button>`)}</div>
      <label>Search <input type="search" value=${query} onInput=${(e) => setQuery(e.target.value)} placeholder="id, title, agent" /></label>
      ${labels.length > 0 && html`<label>Label <select value=${label} onChange=${(e) => setLabel(e.target.value)}><option value="">any</option>${labels.map((l) => html`<option>${l}</option>`)}</select></label>`}
      <div class="chips" role="group" aria-label="View">
        ${['graph', 'list'].map((v) => html`<button class="chip" aria-pressed=${mode === v} onClick=${() => setView(v)} disabled=${v === 'graph' && shown.length > DAG_LIMIT}>${v}</button>`)}
      </div>
      ${canAct && html`<button class="primary" onClick=${() => onAction('add')} data-testid="add-task">Add task…</button>
        <button onClick=${() => onAction('paste')} data-testid="paste-dag">Paste a DAG…</button>`}
    </div>
    ${all.length === 0 ? html`<${Empty} title="No tasks yet."><p>Add one with the button above, load a graph with <code>add_task</code> and a <code>tasks</code> batch, or <code>POST /api/v1/tasks</code>. Agents then claim them with <code>claim_task</code>.</p><//>`
      : html`<p class="muted">${shown.length} of ${all.length} tasks${shown.length > DAG_LIMIT ? ` — the graph draws up to ${DAG_LIMIT}; filter to see it` : ''}.</p>
        ${mode === 'graph' ? html`<${DagView} tasks=${shown} selected=${selected} onSelect=${setSelected} />` : html`<${ListView} tasks=${shown} onSelect=${setSelected} />`}
        <${Detail} task=${selected ? model.tasks.get(selected) : null} model=${model} canAct=${canAct} onAction=${onAction} />`}
  </section>`;
}
