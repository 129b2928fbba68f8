// The Baton dashboard: a shell (session and token, project switcher, navigation by hash) over
// one live model per project and the panels that read it. Preact + htm, no build step.
import { html, render, useEffect, useMemo, useRef, useState } from './vendor/preact-htm.js';
import { api, auth, ApiError } from './lib/api.js';
import { actions, actorOf, canAct as mayAct, ConfirmDialog, parseDag } from './lib/actions.js';
import { createModel } from './lib/model.js';
import { Overview } from './panels/overview.js';
import { Agents } from './panels/agents.js';
import { Leases } from './panels/leases.js';
import { Tasks } from './panels/tasks.js';
import { Threads } from './panels/threads.js';
import { Files } from './panels/files.js';
import { Timeline } from './panels/timeline.js';
import { Plots } from './panels/plots.js';
import { Projects } from './panels/projects.js';

const PANELS = [
  ['overview', 'Overview'], ['agents', 'Agents'], ['locks', 'Locks'], ['tasks', 'Tasks'], ['threads', 'Threads'],
  ['files', 'Files'], ['timeline', 'Timeline'], ['plots', 'Plots'], ['projects', 'All projects'],
];

function route() {
  const [path, search] = location.hash.replace(/^#\/?/, '').split('?');
  const params = new URLSearchParams(search || '');
  return { panel: PANELS.some(([id]) => id === path) ? path : 'overview', project: params.get('project'), filter: params.get('filter') };
}

function TokenForm({ error, onToken }) {
  const [value, setValue] = useState('');
  return html`<main class="panel" style=${{ maxWidth: '560px', margin: '10vh auto' }}>
    <h1>Baton dashboard</h1>
    <p>This server requires a token. It is kept in this tab's session storage only (never in a URL) and sent as <code>Authorization: Bearer</code>. An observer token shows its projects read-only.</p>
    ${error && html`<p class="error" role="alert">${error}</p>`}
    <form onSubmit=${(e) => { e.preventDefault(); onToken(value.trim()); }}>
      <label>Token <input type="password" autocomplete="off" value=${value} onInput=${(e) => setValue(e.target.value)} data-testid="token-input" required /></label>
      <div class="toolbar" style=${{ marginTop: '.75rem' }}><button class="primary" type="submit">Open</button></div>
    </form>
  </main>`;
}

function TaskForm({ onChange }) {
  const [t, setT] = useState({ title: '', description: '', dependencies: '', priority: '', labels: '' });
  const set = (k) => (e) => { const next = { ...t, [k]: e.target.value }; setT(next); onChange(next); };
  return html`<div>
    <label>Title <input value=${t.title} onInput=${set('title')} required data-testid="task-title" /></label>
    <label>Description <textarea rows="3" value=${t.description} onInput=${set('description')}></textarea></label>
    <label>Depends on (task ids, comma-separated) <input value=${t.dependencies} onInput=${set('dependencies')} /></label>
    <label>Priority (higher first) <input type="number" value=${t.priority} onInput=${set('priority')} /></label>
    <label>Labels (comma-separated) <input value=${t.labels} onInput=${set('labels')} /></label>
  </div>`;
}

const list = (s) => s.split(',').map((x) => x.trim()).filter(Boolean);

function Dashboard({ session, onSignOut }) {
  const [where, setWhere] = useState(route);
  const projects = session.projects;
  const project = where.project || (projects.includes(session.default_project) || projects.length === 0 ? session.default_project : projects[0]);
  const [, setVersion] = useState(0);
  const [dialog, setDialog] = useState(null);
  const [flash, setFlash] = useState(null);
  const frame = useRef(0);
  const model = useMemo(() => createModel(project, session, () => {
    // Render at most once per frame, however many changes arrive.
    if (!frame.current) frame.current = requestAnimationFrame(() => { frame.current = 0; setVersion((n) => n + 1); });
  }), [project, session]);
  useEffect(() => () => model.close(), [model]);
  // The first render with the project's data: the bench reads this mark (time to first render).
  useEffect(() => {
    if (model.phase === 'ready' && performance.getEntriesByName('baton-dashboard-ready').length === 0) performance.mark('baton-dashboard-ready');
  });
  useEffect(() => {
    const onHash = () => setWhere(route());
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  const go = (panel, filter, nextProject = project) => {
    const params = new URLSearchParams();
    if (nextProject !== session.default_project) params.set('project', nextProject);
    if (filter) params.set('filter', filter);
    const q = params.toString();
    location.hash = `#/${panel}${q ? '?' + q : ''}`;
  };
  const canAct = mayAct(session);
  const done = (text) => (result) => { setFlash(text); setTimeout(() => setFlash(null), 4000); return result; };

  const onBreak = (lease) => setDialog({
    title: `Release ${lease.kind === 'files' ? 'reservation' : 'lock'} ${lease.kind === 'files' ? lease.paths.join(', ') : lease.resource}?`,
    body: html`<p>${lease.holder} is <strong>${model.statusOf(lease.holder)}</strong> and holds it with token ${lease.token}. Releasing it hands it to the next waiter. The server refuses if ${lease.holder} has become active or idle again, or the lease changed since.</p><p class="muted">Recorded on the timeline as broken by ${actorOf(session)}.</p>`,
    confirm: 'Release', danger: true,
    run: () => actions.breakLease(project, session, lease), done: done(`Released ${lease.resource}.`),
  });
  const onAction = (kind, task) => {
    let draft = {};
    let pasted = '';
    if (kind === 'reset') setDialog({ title: `Reset failed task ${task.id}?`, body: html`<p>It becomes ready again (or pending until its dependencies are done), with its attempts kept.</p>`, confirm: 'Reset', run: () => actions.resetTask(project, session, task.id), done: done(`Reset ${task.id}.`) });
    if (kind === 'cancel') setDialog({ title: `Cancel task ${task.id}?`, body: html`<p>“${task.title}” will not be claimed again${task.claimed_by ? `, and ${task.claimed_by}'s claim ends` : ''}. Tasks that depend on it stay pending.</p>`, confirm: 'Cancel task', danger: true, run: () => actions.cancelTask(project, session, task.id), done: done(`Cancelled ${task.id}.`) });
    if (kind === 'add') setDialog({
      title: 'Add a task', confirm: 'Add task',
      body: html`<${TaskForm} onChange=${(t) => { draft = t; }} />`,
      run: () => {
        if (!draft.title) throw new Error('Give the task a title.');
        const priority = draft.priority === '' || draft.priority === undefined ? undefined : Number(draft.priority);
        return actions.addTasks(project, session, [{ title: draft.title, ...(draft.description ? { description: draft.description } : {}), ...(list(draft.dependencies || '').length ? { dependencies: list(draft.dependencies) } : {}), ...(priority !== undefined ? { priority } : {}), ...(list(draft.labels || '').length ? { labels: list(draft.labels) } : {}) }]);
      },
      done: done('Task added.'),
    });
    if (kind === 'paste') setDialog({
      title: 'Paste a task graph', confirm: 'Add tasks',
      body: html`<p class="muted">JSON: an array of tasks or <code>{"tasks": [...]}</code>, each with <code>title</code> and optionally <code>id</code>, <code>dependencies</code>, <code>priority</code>, <code>labels</code>, <code>files</code>. Up to 500, added atomically; cycles are refused.</p>
        <textarea rows="10" onInput=${(e) => { pasted = e.target.value; }} aria-label="Task graph JSON" data-testid="dag-json"></textarea>`,
      run: () => actions.addTasks(project, session, parseDag(pasted)),
      done: done('Tasks added.'),
    });
  };
  const onPost = (thread, type, text, clear) => setDialog({
    title: `Post to thread ${thread.thread_id}?`, body: html`<p><strong>${type}</strong>: ${text}</p><p class="muted">As ${actorOf(session)}${thread.participants.some((p) => p.agent_id === actorOf(session)) ? '' : ', joining the thread as an observer (no vote)'}.</p>`, confirm: 'Post',
    run: () => actions.postToThread(project, session, thread, type, text), done: (r) => { clear(); done('Posted.')(r); },
  });

  const counts = {
    agents: [...model.agents.values()].filter((a) => a.status === 'active').length,
    locks: model.leases.size,
    tasks: model.tasks.size,
    timeline: model.lastId,
  };
  const panel = where.panel;
  let body;
  if (panel === 'projects') body = html`<${Projects} session=${session} current=${project} onPick=${(p) => go('overview', null, p)} />`;
  else if (model.phase === 'loading') body = html`<p class="muted" role="status">Loading ${project}…</p>`;
  else if (model.phase === 'error') body = html`<div class="empty error" role="alert"><p><strong>${model.error.code || 'Error'}</strong>: ${model.error.message}</p>${model.error.hint && html`<p>${model.error.hint}</p>`}<button onClick=${() => void model.reloadAll()}>Try again</button></div>`;
  else if (model.phase === 'empty') body = html`<div class="empty" role="status"><p><strong>Project ${project} has nothing in it yet.</strong></p><p>It is created by its first write: an agent registering, a task added, a lock taken. This page fills in the moment that happens.</p></div>`;
  else if (panel === 'overview') body = html`<${Overview} model=${model} go=${go} onBreak=${onBreak} canAct=${canAct} />`;
  else if (panel === 'agents') body = html`<${Agents} model=${model} />`;
  else if (panel === 'locks') body = html`<${Leases} model=${model} onBreak=${onBreak} canAct=${canAct} />`;
  else if (panel === 'tasks') body = html`<${Tasks} model=${model} canAct=${canAct} onAction=${onAction} initialFilter=${where.filter} />`;
  else if (panel === 'threads') body = html`<${Threads} model=${model} actor=${actorOf(session)} canAct=${canAct} onPost=${onPost} />`;
  else if (panel === 'files') body = html`<${Files} model=${model} />`;
  else if (panel === 'timeline') body = html`<${Timeline} model=${model} />`;
  else body = html`<${Plots} model=${model} />`;

  const liveClass = model.stream === 'live' ? 'on' : model.stream === 'connecting' ? '' : 'off';
  return html`<div class="layout">
    <a class="skip" href="#main">Skip to content</a>
    <header class="top">
      <h1>Baton</h1>
      <label>Project <select value=${project} onChange=${(e) => go(panel === 'projects' ? 'overview' : panel, null, e.target.value)} data-testid="project-switcher">
        ${[...new Set([...projects, project])].map((p) => html`<option value=${p}>${p}</option>`)}
      </select></label>
      <span class=${'live ' + liveClass} role="status" data-testid="live" title=${model.streamDetail ? model.streamDetail.message || '' : ''}><span class="dot"></span>${model.stream === 'live' ? 'live' : model.stream}</span>
      <span class="spacer"></span>
      ${flash && html`<span class="success" role="status" data-testid="flash">${flash}</span>`}
      <span class="muted" data-testid="role">${session.auth === 'token' ? `${session.role} token${session.agent ? ' as ' + session.agent : ''}` : 'loopback, no token'}${canAct ? '' : ' · read-only'}</span>
      ${canAct && !session.agent && html`<label class="muted">acting as <input size="10" value=${auth.actor} onChange=${(e) => { auth.actor = e.target.value.trim() || 'dashboard'; }} aria-label="Acting as" /></label>`}
      ${session.auth === 'token' && html`<button onClick=${onSignOut}>Forget token</button>`}
    </header>
    <nav class="side" aria-label="Panels">
      ${PANELS.map(([id, label]) => html`<a href=${'#/' + id + (project !== session.default_project ? '?project=' + encodeURIComponent(project) : '')} aria-current=${panel === id ? 'page' : undefined} data-panel=${id}>${label}${counts[id] !== undefined ? html`<span class="count">${counts[id]}</span>` : ''}</a>`)}
    </nav>
    <main id="main" tabindex="-1">${body}</main>
    <${ConfirmDialog} request=${dialog} onClose=${() => setDialog(null)} />
  </div>`;
}

function App() {
  const [state, setState] = useState({ phase: 'loading' });
  const open = async () => {
    try {
      setState({ phase: 'ready', session: await api.session() });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) setState({ phase: 'token', error: auth.token ? 'That token was not accepted.' : null });
      else setState({ phase: 'error', error });
    }
  };
  useEffect(() => { void open(); }, []);
  if (state.phase === 'loading') return html`<p class="boot">Connecting…</p>`;
  if (state.phase === 'token') return html`<${TokenForm} error=${state.error} onToken=${(t) => { auth.token = t; void open(); }} />`;
  if (state.phase === 'error') return html`<p class="boot error" role="alert">${state.error.message}</p>`;
  return html`<${Dashboard} session=${state.session} onSignOut=${() => { auth.token = ''; void open(); }} />`;
}

render(html`<${App} />`, document.getElementById('app'));
