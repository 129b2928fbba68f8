// Hot files and recent edits by agent: GET /api/v1/activity/hot (files edited by several agents in
// the server's edit window) at load, then file.edited events live; reservations and agents' current
// files beside them, since those say who is about to edit what.
import { html, useMemo } from '../vendor/preact-htm.js';
import { Ago, Empty } from '../lib/ui.js';

export function Files({ model }) {
  const byAgent = useMemo(() => {
    const out = new Map();
    for (const e of model.edits) (out.get(e.agent) || out.set(e.agent, []).get(e.agent)).push(e);
    return [...out.entries()];
  }, [model.v.files]);
  const current = [...model.agents.values()].filter((a) => a.current_file);
  if (model.files === undefined) return html`<p class="muted">Loading file activity…</p>`;
  if (model.files === null) {
    return html`<section aria-labelledby="h-files"><h2 id="h-files">Hot files and recent edits</h2>
      <${Empty} title="This server does not serve file activity."><p>It answers no <code>GET /api/v1/activity/hot</code>, so there is nothing to show.</p><//></section>`;
  }
  const hot = model.files;
  return html`<section aria-labelledby="h-files"><h2 id="h-files">Hot files and recent edits</h2>
    <h3>Hot files</h3>
    ${hot.length === 0 ? html`<${Empty} title="No file was edited by several agents lately.">
      <p>Edits are recorded by <code>record_file_edit</code> and by the editor hooks that <code>baton init</code> installs; a file two agents edit within the window shows here.</p><//>` : html`<div class="panel scroll"><table data-testid="hot-files"><thead><tr><th>file</th><th>edits</th><th>agents</th><th>last edit</th></tr></thead>
      <tbody>${hot.map((f) => html`<tr data-file=${f.file}><td class="mono">${f.file}</td><td class="num">${f.edits ?? ''}</td><td>${f.editors.join(', ')}</td><td><${Ago} t=${Date.parse(f.last_at)} now=${model.now} /></td></tr>`)}</tbody></table></div>`}
    <h3>Recent edits by agent</h3>
    ${byAgent.length === 0 ? html`<p class="muted">No edit in the recent log.</p>` : html`<div data-testid="recent-edits">${byAgent.map(([agent, edits]) => html`<div class="panel" data-agent=${agent}><strong>${agent}</strong><ul>${edits.slice(0, 10).map((e) => html`<li class="mono">${e.path} <span class="muted"><${Ago} t=${e.at} now=${model.now} /></span></li>`)}</ul></div>`)}</div>`}
    ${current.length > 0 && html`<h3>Current files</h3><ul>${current.map((a) => html`<li><code>${a.current_file}</code> — ${a.id}</li>`)}</ul>`}
  </section>`;
}
