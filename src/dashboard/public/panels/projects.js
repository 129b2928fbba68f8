// Every project this token may see, side by side (a team server's overview): read when opened and
// on request. The live stream follows one project at a time, the one selected.
import { html, useEffect, useState } from '../vendor/preact-htm.js';
import { api } from '../lib/api.js';
import { Ago, Empty } from '../lib/ui.js';

export function Projects({ session, current, onPick }) {
  const [rows, setRows] = useState(null);
  const [at, setAt] = useState(0);
  const load = async () => {
    const projects = session.projects.length ? session.projects : [current];
    const answers = await Promise.all(projects.map((p) => api.get(p, '/status').then((s) => ({ project: p, s }), (error) => ({ project: p, error }))));
    setRows(answers);
    setAt(Date.now());
  };
  useEffect(() => { void load(); }, [session]);
  if (!rows) return html`<p class="muted">Reading every project…</p>`;
  const sum = (o) => Object.values(o || {}).reduce((a, b) => a + b, 0);
  return html`<section aria-labelledby="h-projects"><h2 id="h-projects">All projects</h2>
    <div class="toolbar"><button onClick=${() => void load()}>Refresh</button><span class="muted">As of <${Ago} t=${at} /> — the selected project is live; this overview is read when opened.</span></div>
    ${rows.length === 0 ? html`<${Empty} title="No project yet."><p>A project is created by its first write.</p><//>` : html`
    <div class="panel scroll"><table data-testid="projects-table"><thead><tr><th>project</th><th class="num">active agents</th><th class="num">locks</th><th class="num">reservations</th><th class="num">waiting</th><th class="num">tasks</th><th class="num">failed</th><th>store</th><th class="num">last event</th></tr></thead>
      <tbody>${rows.map(({ project, s, error }) => html`<tr>
        <td><a href="#/overview" onClick=${(e) => { e.preventDefault(); onPick(project); }} aria-current=${project === current ? 'true' : undefined}>${project}</a></td>
        ${error ? html`<td colspan="8" class="error">${error.code}: ${error.message}</td>` : html`
        <td class="num">${(s.agents && s.agents.active) || 0}</td><td class="num">${s.locks}</td><td class="num">${s.reservations}</td><td class="num">${s.waiters}</td>
        <td class="num">${sum(s.tasks)}</td><td class="num">${(s.tasks && s.tasks.failed) || 0}</td><td>${s.store.status}</td><td class="num">${s.last_event_id}</td>`}
      </tr>`)}</tbody></table></div>`}
  </section>`;
}
