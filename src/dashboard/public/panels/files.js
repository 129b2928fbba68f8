// Hot files and recent edits by agent: GET /api/v1/files/activity and file.edited events once the
// file-activity layer is on this server; until then, what the page can say from reservations.
import { html, useMemo } from '../vendor/preact-htm.js';
import { Ago, Empty } from '../lib/ui.js';

export function Files({ model }) {
  const byAgent = useMemo(() => {
    const out = new Map();
    for (const e of model.edits) (out.get(e.agent) || out.set(e.agent, []).get(e.agent)).push(e);
    return [...out.entries()];
  }, [model.v.files]);
  const reserved = [...model.leases.values()].filter((l) => l.kind === 'files');
  const current = [...model.agents.values()].filter((a) => a.current_file);
  const hot = model.files || [];
  return html`<section aria-labelledby="h-files"><h2 id="h-files">Hot files and recent edits</h2>
    ${model.files === null && model.edits.length === 0 ? html`<${Empty} title="File activity is not recorded on this server yet.">
      <p>Hot files come from recorded edits (<code>record_file_edit</code>, the editor hooks, <code>GET /api/v1/files/activity</code>), which this Baton build does not serve yet. Once it does, edits appear here live (event <code>file.edited</code>).</p>
      <p>Meanwhile: ${reserved.length} reserved path set${reserved.length === 1 ? '' : 's'} (Locks panel) and ${current.length} agent${current.length === 1 ? '' : 's'} reporting a current file:</p>
      <ul>${current.map((a) => html`<li><code>${a.current_file}</code> — ${a.id}</li>`)}</ul>
    <//>` : html`
      <h3>Hot files</h3>
      ${hot.length === 0 ? html`<p class="muted">No file was edited recently.</p>` : html`<div class="panel scroll"><table data-testid="hot-files"><thead><tr><th>file</th><th>edits</th><th>agents</th><th>last edit</th></tr></thead>
        <tbody>${hot.map((f) => html`<tr><td class="mono">${f.path}</td><td class="num">${f.edits ?? f.count ?? ''}</td><td>${(f.agents || []).map((a) => (typeof a === 'string' ? a : a.agent)).join(', ')}</td><td><${Ago} t=${Date.parse(f.last_edit_at || f.at || '')} now=${model.now} /></td></tr>`)}</tbody></table></div>`}
      <h3>Recent edits by agent (live)</h3>
      ${byAgent.length === 0 ? html`<p class="muted">No edit since the page opened.</p>` : byAgent.map(([agent, edits]) => html`<div class="panel"><strong>${agent}</strong><ul>${edits.slice(0, 10).map((e) => html`<li class="mono">${e.path} <span class="muted"><${Ago} t=${e.at} now=${model.now} /></span></li>`)}</ul></div>`)}
    `}
  </section>`;
}
