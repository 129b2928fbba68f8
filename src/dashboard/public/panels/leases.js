// Locks and reservations: holder, fencing token, age, expiry countdown, and the FIFO queue of waiters.
import { html, useMemo } from '../vendor/preact-htm.js';
import { Ago, Empty, Status } from '../lib/ui.js';

const leaseId = (l) => `${l.kind}|${l.resource}|${l.holder}`;

export function Leases({ model, onBreak, canAct }) {
  const { locks, files, queues } = useMemo(() => {
    const all = [...model.leases.values()].sort((a, b) => a.resource.localeCompare(b.resource));
    const queues = new Map();
    for (const w of [...model.waiters.values()].sort((a, b) => a.ticket - b.ticket)) (queues.get(w.resource) || queues.set(w.resource, []).get(w.resource)).push(w);
    return { locks: all.filter((l) => l.kind !== 'files'), files: all.filter((l) => l.kind === 'files'), queues };
  }, [model.v.leases, model.v.agents]);
  const row = (l) => {
    const status = model.statusOf(l.holder);
    const breakable = model.mayBreak(l);
    const queue = queues.get(l.resource) || [];
    return html`<tr key=${leaseId(l)} data-lease=${l.resource}>
      <td><code>${l.kind === 'files' ? l.paths.join(', ') || l.resource : l.resource}</code>${l.kind !== 'lock' && l.kind !== 'files' ? html` <span class="muted">${l.kind}</span>` : ''}${l.mode === 'shared' ? html` <span class="badge">shared</span>` : ''}</td>
      <td>${l.holder} <${Status} status=${status} /></td>
      <td class="num mono">${l.token}</td>
      <td><${Ago} t=${l.acquiredAt} now=${model.now} /></td>
      <td><${Ago} t=${l.expiresAt} now=${model.now} /></td>
      <td>${queue.length ? html`<ol class="mono" data-testid="queue">${queue.map((w) => html`<li>${w.holder} <span class="muted">waiting <${Ago} t=${w.since} now=${model.now} /></span></li>`)}</ol>` : html`<span class="muted">none</span>`}</td>
      <td>${canAct && html`<button class="danger" disabled=${!breakable} title=${breakable ? 'Release this stale holder’s lease (asks first)' : `${l.holder} is ${status}: only a stale or worse holder’s lease can be released`} onClick=${() => onBreak(l)} data-testid="break">Release…</button>`}</td>
    </tr>`;
  };
  const table = (rows, testid) => html`<div class="panel scroll"><table data-testid=${testid}>
    <thead><tr><th>${testid === 'reservations-table' ? 'paths' : 'lock'}</th><th>holder</th><th class="num">token</th><th>acquired</th><th>expires</th><th>queue (FIFO)</th><th></th></tr></thead>
    <tbody>${rows.map(row)}</tbody></table></div>`;
  const orphanQueues = [...queues.entries()].filter(([resource]) => !locks.some((l) => l.resource === resource));
  return html`<section aria-labelledby="h-locks">
    <h2 id="h-locks">Locks and reservations</h2>
    <h3>Locks</h3>
    ${locks.length ? table(locks, 'locks-table') : html`<${Empty} title="No lock is held."><p>Agents take named locks with <code>acquire_lock</code> (e.g. <code>pytest</code>, <code>pr-create</code>) or <code>baton run --lock NAME -- CMD</code>.</p><//>`}
    ${orphanQueues.length > 0 && html`<p class="muted">Also waiting: ${orphanQueues.map(([r, q]) => html`<code>${r}</code> (${q.length}) `)}</p>`}
    <h3>File reservations</h3>
    ${files.length ? table(files, 'reservations-table') : html`<${Empty} title="No file is reserved."><p>Agents reserve paths or globs with <code>reserve_files</code> before editing; editor hooks do it for them.</p><//>`}
  </section>`;
}
