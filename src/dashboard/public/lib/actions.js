// The safe actions: each asks for confirmation in a dialog, then calls the same REST route (and
// so the same hub command and authorisation) an agent or script would. The server decides; the
// page only hides what the token may not do.
import { html, useEffect, useRef, useState } from '../vendor/preact-htm.js';
import { api, auth, ApiError } from './api.js';

/** Who the action is recorded as: the token's own agent, else the name chosen in the page. */
export const actorOf = (session) => session.agent || auth.actor;
export const canAct = (session) => session.role !== 'observer';

/** Cancelling and posting act for a registered member: the dashboard registers itself as a service once per page. */
const registered = new Set();
async function ensureMember(project, session) {
  if (session.agent) return;
  const key = `${project}|${auth.actor}`;
  if (registered.has(key)) return;
  await api.post(project, '/services', { service_id: auth.actor, name: `Dashboard (${auth.actor})`, capabilities: ['dashboard'] }, auth.actor);
  registered.add(key);
}

export const actions = {
  addTasks: (project, session, tasks) => api.post(project, '/tasks', { tasks }, actorOf(session)),
  resetTask: (project, session, id) => api.post(project, `/tasks/${encodeURIComponent(id)}/reset`, {}, actorOf(session)),
  async cancelTask(project, session, id) {
    await ensureMember(project, session);
    return api.post(project, `/tasks/${encodeURIComponent(id)}/update`, { status: 'cancelled' }, actorOf(session));
  },
  breakLease: (project, session, lease) => api.post(project, '/leases/break', { kind: lease.kind, name: lease.resource, holder: lease.holder, token: lease.token }, actorOf(session)),
  /** Posts as the page's actor; outside a consultation it first joins as an observer (no vote). */
  async postToThread(project, session, thread, type, body) {
    const actor = actorOf(session);
    const path = `/threads/${encodeURIComponent(thread.thread_id)}`;
    if (!thread.participants.some((p) => p.agent_id === actor)) {
      await ensureMember(project, session);
      await api.post(project, `${path}/resolve`, { verb: 'observe' }, actor);
    }
    return api.post(project, `${path}/posts`, { type, text: body }, actor);
  },
};

/** Parses "paste a DAG": a JSON array of tasks, or {"tasks": [...]}. */
export function parseDag(text) {
  const value = JSON.parse(text);
  const tasks = Array.isArray(value) ? value : value && Array.isArray(value.tasks) ? value.tasks : null;
  if (!tasks || tasks.length === 0) throw new Error('Paste a JSON array of tasks, or {"tasks": [...]}, each with at least a title.');
  return tasks;
}

/**
 * A confirmation dialog: `request` = { title, body, confirm, danger, run: async () => result, done(result) }.
 * Shows the server's error (code, message, what to do) when it refuses.
 */
export function ConfirmDialog({ request, onClose }) {
  const ref = useRef(null);
  const [state, setState] = useState({ busy: false, error: null });
  useEffect(() => {
    const dialog = ref.current;
    if (request && dialog && !dialog.open) { setState({ busy: false, error: null }); dialog.showModal(); }
    if (!request && dialog && dialog.open) dialog.close();
  }, [request]);
  if (!request) return html`<dialog ref=${ref} onClose=${onClose}></dialog>`;
  const submit = async (event) => {
    event.preventDefault();
    setState({ busy: true, error: null });
    try {
      const result = await request.run();
      if (request.done) request.done(result);
      onClose();
    } catch (error) {
      setState({ busy: false, error });
    }
  };
  const error = state.error;
  return html`<dialog ref=${ref} onClose=${onClose} aria-labelledby="confirm-title">
    <form method="dialog" onSubmit=${submit}>
      <h2 id="confirm-title">${request.title}</h2>
      <div>${request.body}</div>
      ${error && html`<p class="error" role="alert" data-testid="action-error"><strong>${error instanceof ApiError ? error.code : 'Error'}</strong>: ${error.message}${error.hint ? html`<br /><span class="muted">${error.hint}</span>` : ''}</p>`}
      <div class="toolbar">
        <button type="submit" class=${request.danger ? 'danger' : 'primary'} disabled=${state.busy} data-testid="confirm">${state.busy ? 'Working…' : request.confirm}</button>
        <button type="button" onClick=${onClose}>Cancel</button>
      </div>
    </form>
  </dialog>`;
}
