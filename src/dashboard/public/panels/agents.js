// Agents and services: status tier, activity, current file, branch and worktree, and what each holds and waits for.
import { Component, html, useMemo, useState } from '../vendor/preact-htm.js';
import { Ago, Empty, Status } from '../lib/ui.js';

const ORDER = { active: 0, idle: 1, stale: 2, unresponsive: 3, abandoned: 4, offline: 5 };

const meta = (a, key) => (a.metadata && typeof a.metadata[key] === 'string' ? a.metadata[key] : a[key]);
const same = (x, y) => x.length === y.length && x.every((v, i) => v === y[i]);

/** One agent's row: re-rendered only when the agent, or what it holds, waits for or claims, changed. */
class AgentRow extends Component {
  shouldComponentUpdate({ r }) {
    const o = this.props.r;
    return r.a !== o.a || !same(r.holds, o.holds) || !same(r.waits, o.waits) || !same(r.claims, o.claims);
  }
  render({ r: { a, holds, waits, claims }, now }) {
    return html`<tr data-agent=${a.id}>
        <td><strong>${a.name && a.name !== a.id ? a.name : a.id}</strong>${a.name && a.name !== a.id ? html`<br /><span class="muted mono">${a.id}</span>` : ''}${a.kind === 'service' ? html` <span class="badge">service</span>` : ''}</td>
        <td><${Status} status=${a.status} />${a.service && a.service.health ? html` <span class="muted">${a.service.health}</span>` : ''}</td>
        <td>${a.activity || 'idle'}</td>
        <td class="mono">${a.current_file || html`<span class="muted">—</span>`}</td>
        <td class="mono">${meta(a, 'branch') || ''}${meta(a, 'worktree') ? html`<br /><span class="muted">${meta(a, 'worktree')}</span>` : ''}</td>
        <td>${[...holds.map((l) => html`<div><code>${l.kind === 'files' ? l.paths.join(', ') : l.resource}</code> <span class="muted">${l.kind}</span></div>`), ...claims.map((t) => html`<div>task <code>${t.id}</code></div>`)]}</td>
        <td>${waits.map((w) => html`<div><code>${w.resource}</code> <span class="muted">#${w.ticket}</span></div>`)}</td>
        <td><${Ago} t=${a.lastHeartbeat} now=${now} /></td>
      </tr>`;
  }
}

export function Agents({ model }) {
  const [showEnded, setShowEnded] = useState(false);
  const [query, setQuery] = useState('');
  const rows = useMemo(() => {
    const holds = new Map();
    const waits = new Map();
    for (const l of model.leases.values()) (holds.get(l.holder) || holds.set(l.holder, []).get(l.holder)).push(l);
    for (const w of model.waiters.values()) (waits.get(w.holder) || waits.set(w.holder, []).get(w.holder)).push(w);
    const claims = new Map();
    for (const t of model.tasks.values()) if (t.status === 'claimed' && t.claimed_by) (claims.get(t.claimed_by) || claims.set(t.claimed_by, []).get(t.claimed_by)).push(t);
    return [...model.agents.values()]
      .filter((a) => showEnded || (a.status !== 'offline' && a.status !== 'abandoned'))
      .filter((a) => !query || JSON.stringify(a).toLowerCase().includes(query.toLowerCase()))
      .sort((a, b) => (ORDER[a.status] - ORDER[b.status]) || a.id.localeCompare(b.id))
      .map((a) => ({ a, holds: holds.get(a.id) || [], waits: waits.get(a.id) || [], claims: claims.get(a.id) || [] }));
  }, [model.v.agents, model.v.leases, model.v.tasks, showEnded, query]);
  return html`<section aria-labelledby="h-agents">
    <h2 id="h-agents">Agents and services</h2>
    <div class="toolbar">
      <label>Search <input type="search" value=${query} onInput=${(e) => setQuery(e.target.value)} placeholder="id, file, branch…" /></label>
      <label><input type="checkbox" checked=${showEnded} onChange=${(e) => setShowEnded(e.target.checked)} /> show signed off and abandoned</label>
    </div>
    ${rows.length === 0 ? html`<${Empty} title="No agents here.">
      <p>An agent appears when it calls <code>register_agent</code> or <code>start_session</code> (the MCP tools), <code>POST /api/v1/agents</code>, or when its editor hooks start a session.</p><//>` : html`
    <div class="panel scroll"><table data-testid="agents-table">
      <thead><tr><th>agent</th><th>status</th><th>activity</th><th>current file</th><th>branch / worktree</th><th>holds</th><th>waits for</th><th>last seen</th></tr></thead>
      <tbody>${rows.map((r) => html`<${AgentRow} key=${r.a.id} r=${r} now=${model.now} />`)}</tbody>
    </table></div>`}
  </section>`;
}
