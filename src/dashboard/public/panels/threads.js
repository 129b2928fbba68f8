// Threads of the consultation layer: status, round, participants, the scoring evidence that opened
// them, proposals and posts. The list is GET /api/v1/threads?all=true (open and resolving threads);
// a thread opened here is read with GET /api/v1/threads/{id} and kept current by thread.* events.
import { html, useState } from '../vendor/preact-htm.js';
import { Ago, Empty } from '../lib/ui.js';

const live = (t) => t.status === 'open' || t.status === 'resolving';
const who = (t) => t.participants.map((p) => `${p.agent_id} (${p.role})`).join(', ');

function Evidence({ because }) {
  if (!because || because.length === 0) return null;
  return html`<div data-testid="thread-evidence"><strong>Why it opened</strong>
    <ul>${because.map((e) => html`<li><strong>${e.agent_id}</strong> scored ${e.score} (layer ${e.layer}): ${e.reason}${e.files.length ? html` — <code>${e.files.join(', ')}</code>` : ''}</li>`)}</ul></div>`;
}

function Detail({ thread, detail, actor, canAct, onPost }) {
  const [text, setText] = useState('');
  const [type, setType] = useState('context');
  if (!detail) return html`<p class="muted">Loading the thread…</p>`;
  const t = detail.thread;
  return html`<div data-testid="thread-detail">
    <${Evidence} because=${t.opened_because} />
    ${t.proposal && html`<p><strong>Proposal by ${t.proposal.by}:</strong> ${t.proposal.text}${t.approvals && t.approvals.length ? html` <span class="muted">approved by ${t.approvals.join(', ')}</span>` : ''}</p>`}
    ${t.resolution && html`<p><strong>Resolved (${t.resolution.outcome})</strong>${t.resolution.summary ? `: ${t.resolution.summary}` : ''}</p>`}
    <strong>Posts</strong>
    <ol data-testid="thread-posts">${detail.posts.map((p) => html`<li><strong>${p.from}</strong> <span class="muted">${p.type}</span>: ${p.text}</li>`)}</ol>
    ${detail.truncated && html`<p class="muted">Older posts than these 200 are not shown.</p>`}
    ${canAct && live(t) && (t.kind === 'consult' || t.participants.some((p) => p.agent_id === actor)) && html`<form onSubmit=${(e) => { e.preventDefault(); onPost(thread, type, text, () => setText('')); }}>
      <label>Post as <select value=${type} onChange=${(e) => setType(e.target.value)} data-testid="post-type">${['context', 'warning', 'question', 'answer'].map((x) => html`<option value=${x} selected=${x === type}>${x}</option>`)}</select></label>
      <textarea rows="3" value=${text} onInput=${(e) => setText(e.target.value)} aria-label="Message" data-testid="post-text"></textarea>
      <button class="primary" type="submit" disabled=${!text.trim()} data-testid="post">Post…</button>
    </form>`}
  </div>`;
}

export function Threads({ model, actor, canAct, onPost }) {
  const [open, setOpen] = useState(null);
  if (model.threads === undefined) return html`<p class="muted">Loading threads…</p>`;
  if (model.threads === null) {
    return html`<section aria-labelledby="h-threads"><h2 id="h-threads">Threads</h2>
      <${Empty} title="This server does not serve consultation threads.">
        <p>Threads open when an agent announces work (<code>announce_work</code>) that overlaps another agent's intent, reservations, claimed tasks, recent edits or the dependency map; they settle it by posting, proposing and approving a resolution. This server answers no <code>GET /api/v1/threads</code>, so there is nothing to show.</p>
      <//></section>`;
  }
  const threads = model.threads;
  const toggle = (id) => {
    const next = open === id ? null : id;
    setOpen(next);
    if (next) model.openThread(next);
  };
  return html`<section aria-labelledby="h-threads"><h2 id="h-threads">Threads</h2>
    ${threads.length === 0 ? html`<${Empty} title="No open threads.">
      <p>A consultation opens when announced work collides (a peer scores 90 or more: the same file, an exclusive reservation, a claimed task's file); direct messages and broadcasts are threads too. Agents announce with <code>announce_work</code>; the editor hooks installed by <code>baton init</code> remind them.</p><//>` : html`
    <div class="panel scroll"><table data-testid="threads-table"><thead><tr><th>thread</th><th>kind</th><th>status</th><th>round</th><th>participants</th><th>files</th><th>opened</th><th>round ends</th></tr></thead>
      <tbody>${threads.map((t) => html`<tr data-thread=${t.thread_id}>
        <td><button class="chip" aria-expanded=${open === t.thread_id} onClick=${() => toggle(t.thread_id)}>${t.subject || t.thread_id}</button></td>
        <td>${t.kind}</td><td>${t.status}</td><td class="num">${t.round ?? ''}</td><td>${who(t)}</td>
        <td class="mono">${(t.files || []).slice(0, 3).join(', ')}${(t.files || []).length > 3 ? '…' : ''}</td>
        <td><${Ago} t=${Date.parse(t.opened_at)} now=${model.now} /></td>
        <td>${t.round_deadline ? html`<${Ago} t=${Date.parse(t.round_deadline)} now=${model.now} />` : ''}</td>
      </tr>${open === t.thread_id && html`<tr><td colspan="8"><${Detail} thread=${t} detail=${model.threadDetails.get(t.thread_id)} actor=${actor} canAct=${canAct} onPost=${onPost} /></td></tr>`}`)}</tbody></table></div>`}
  </section>`;
}
