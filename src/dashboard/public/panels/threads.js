// Threads of the consultation layer (status, round, participants, the evidence that opened them,
// messages). Read from GET /api/v1/threads when this server has it; an explanation until then.
import { html, useState } from '../vendor/preact-htm.js';
import { Ago, Empty } from '../lib/ui.js';

export function Threads({ model, canAct, onPost }) {
  const [open, setOpen] = useState(null);
  const [text, setText] = useState('');
  const [type, setType] = useState('context');
  if (model.threads === undefined) return html`<p class="muted">Loading threads…</p>`;
  if (model.threads === null) {
    return html`<section aria-labelledby="h-threads"><h2 id="h-threads">Threads</h2>
      <${Empty} title="This server has no consultation threads yet.">
        <p>Threads open when an agent announces work (<code>announce_work</code>) that overlaps another agent's intent, recent edits or the dependency map, and settle it by posting, proposing and approving a resolution. This Baton build does not serve <code>GET /api/v1/threads</code>; once it does, threads appear here live (events <code>thread.*</code>, <code>intent.*</code>).</p>
      <//></section>`;
  }
  const threads = model.threads;
  return html`<section aria-labelledby="h-threads"><h2 id="h-threads">Threads</h2>
    ${threads.length === 0 ? html`<${Empty} title="No threads."><p>A thread opens when announced work collides (score ≥ 90) or when agents message each other.</p><//>` : html`
    <div class="panel scroll"><table data-testid="threads-table"><thead><tr><th>thread</th><th>status</th><th>round</th><th>participants</th><th>opened</th></tr></thead>
      <tbody>${threads.map((t) => html`<tr>
        <td><button class="chip" aria-expanded=${open === t.id} onClick=${() => setOpen(open === t.id ? null : t.id)}>${t.subject || t.title || t.id}</button></td>
        <td>${t.status}</td><td>${t.round ?? ''}</td><td>${(t.participants || []).map((p) => (typeof p === 'string' ? p : p.agent || p.id)).join(', ')}</td>
        <td><${Ago} t=${Date.parse(t.opened_at || t.created_at || '')} now=${model.now} /></td>
      </tr>${open === t.id && html`<tr><td colspan="5">
        ${t.evidence && html`<p><strong>Why it opened:</strong> <code>${JSON.stringify(t.evidence)}</code></p>`}
        <ol>${(t.messages || []).map((m) => html`<li><strong>${m.agent || m.from}</strong> <span class="muted">${m.type}</span>: ${m.body || m.text}</li>`)}</ol>
        ${canAct && t.status !== 'resolved' && t.status !== 'cancelled' && html`<form onSubmit=${(e) => { e.preventDefault(); onPost(t, type, text, () => setText('')); }}>
          <label>Post as <select value=${type} onChange=${(e) => setType(e.target.value)}>${['context', 'warning', 'question', 'answer'].map((x) => html`<option>${x}</option>`)}</select></label>
          <textarea rows="3" value=${text} onInput=${(e) => setText(e.target.value)} aria-label="Message"></textarea>
          <button class="primary" type="submit" disabled=${!text.trim()}>Post…</button>
        </form>`}
      </td></tr>`}`)}</tbody></table></div>`}
  </section>`;
}
