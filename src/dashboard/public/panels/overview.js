// Overview: the counts that matter and a strip of problems, each linking to its panel.
import { html } from '../vendor/preact-htm.js';
import { Empty } from '../lib/ui.js';

const Card = ({ n, label, testid }) => html`<div class="card" data-testid=${testid}><div class="n">${n}</div><div class="l">${label}</div></div>`;

export function Overview({ model, go, onBreak, canAct }) {
  const agents = [...model.agents.values()].filter((a) => a.kind !== 'service');
  const by = (status) => agents.filter((a) => a.status === status).length;
  const leases = [...model.leases.values()];
  const tasks = [...model.tasks.values()];
  const count = (s) => tasks.filter((t) => t.status === s).length;
  const problems = model.problems();
  const store = model.status && model.status.store;
  return html`<section aria-labelledby="h-overview">
    <h2 id="h-overview">Overview of ${model.project}</h2>
    <div class="cards">
      <${Card} testid="count-agents" n=${by('active')} label=${`active agents (${agents.length} known)`} />
      <${Card} testid="count-locks" n=${leases.filter((l) => l.kind === 'lock').length} label="locks held" />
      <${Card} testid="count-reservations" n=${leases.filter((l) => l.kind === 'files').length} label="file reservations" />
      <${Card} testid="count-waiters" n=${model.waiters.size} label="waiting" />
      <${Card} testid="count-ready" n=${count('ready')} label="tasks ready" />
      <${Card} testid="count-claimed" n=${count('claimed')} label="tasks claimed" />
      <${Card} testid="count-done" n=${count('done')} label=${`tasks done of ${tasks.length}`} />
      <${Card} testid="count-failed" n=${count('failed')} label="tasks failed" />
      <${Card} testid="count-events" n=${model.lastId} label="last event id" />
      <${Card} testid="store-health" n=${store ? store.status : '…'} label=${store ? `store: ${store.engine}, ${store.latency_ms} ms` : 'store'} />
    </div>
    <h3>Problems</h3>
    ${problems.length === 0
      ? html`<ul class="problems" data-testid="problems"><li class="ok">Nothing needs attention: no stale holders, no long waits, no failed tasks, the store is healthy.</li></ul>`
      : html`<ul class="problems" data-testid="problems">${problems.map((p) => html`<li class=${p.level}>
          <span>${p.text}</span>
          <a href=${'#/' + p.target} onClick=${(e) => { e.preventDefault(); go(p.target, p.filter); }}>Show</a>
          ${p.lease && canAct && html`<button class="danger" onClick=${() => onBreak(p.lease)}>Release…</button>`}
        </li>`)}</ul>`}
    ${agents.length === 0 && tasks.length === 0 && html`<${Empty} title="No agents or tasks yet.">
      <p>Point an agent at this server (<code>baton init</code> in a repository, or the MCP entry <code>npx -y baton-mcp mcp</code>), or add a task from the Tasks panel. Everything appears here as it happens.</p>
    <//>`}
  </section>`;
}
