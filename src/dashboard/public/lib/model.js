// One project's state in the page: loaded once from REST, then kept current by the event
// stream (never by polling). Events are applied in batches, at most every FLUSH_MS and in an
// animation frame, so 100 events/s cost five renders per second, not a hundred.
import { api, ApiError } from './api.js';
import { openStream } from './stream.js';
import { createSeries } from './series.js';

const EVENTS_KEPT = 2000;
const FLUSH_MS = 200;
/** How much of the log the page replays at start to fill the timeline and the plots. */
const BACKLOG = 5000;
const LIVE_STATUSES = ['active', 'idle', 'stale', 'unresponsive'];
const BAD_STATUSES = new Set(['stale', 'unresponsive', 'abandoned', 'offline']);

export const leaseKey = (kind, resource, holder) => `${kind}|${resource}|${holder}`;

function leaseFromRow(row, kind, now) {
  return {
    kind,
    resource: row.reservation_id || row.name,
    holder: row.holder,
    token: row.token,
    paths: row.paths || [],
    mode: row.mode || 'exclusive',
    acquiredAt: row.acquired_at ? Date.parse(row.acquired_at) : now,
    expiresAt: row.expires_at ? Date.parse(row.expires_at) : now + row.expires_in_s * 1000,
    reason: row.reason || null,
  };
}

function agentFromRow(row, now) {
  return {
    ...row,
    lastHeartbeat: row.last_heartbeat ? Date.parse(row.last_heartbeat) : now - row.last_seen_s * 1000,
    registeredAt: row.registered_at ? Date.parse(row.registered_at) : null,
  };
}

export function createModel(project, session, onChange) {
  const m = {
    project,
    session,
    phase: 'loading', // loading | ready | empty | error
    error: null,
    stream: 'connecting',
    streamDetail: null,
    status: null,
    skew: 0,
    agents: new Map(),
    leases: new Map(),
    waiters: new Map(),
    tasks: new Map(),
    threads: undefined, // undefined: loading; null: this server has no threads (consultation layer absent)
    threadDetails: new Map(), // thread id -> { thread, posts }, for the threads the viewer opened
    files: undefined,
    edits: [],
    events: [],
    snapshotId: 0,
    lastId: 0,
    series: createSeries(),
    v: { agents: 0, leases: 0, tasks: 0, events: 0, threads: 0, files: 0, status: 0 },
  };
  let closeStream = null;
  let pending = [];
  let frame = 0;
  let closed = false;
  const timers = new Set();
  const later = (fn, ms) => { const t = setTimeout(() => { timers.delete(t); fn(); }, ms); timers.add(t); return t; };

  m.now = () => Date.now() + m.skew;
  const changed = () => { if (!closed) onChange(m); };

  // ---- loading -------------------------------------------------------------

  async function loadAgents() {
    const now = m.now();
    const [agents, services] = await Promise.all([
      api.all(project, '/agents', 'agents', { detail: true, limit: 200, status: [...LIVE_STATUSES, 'abandoned', 'offline'] }),
      api.all(project, '/services', 'services', { detail: true, limit: 200 }),
    ]);
    // Keep the very object of an agent that did not change, so its row is not drawn again.
    const previous = m.agents;
    m.agents = new Map([...agents.rows, ...services.rows].map((r) => {
      const next = agentFromRow(r, now);
      const old = previous.get(r.id);
      return [r.id, old && old.last_heartbeat === next.last_heartbeat && old.status === next.status && JSON.stringify(old) === JSON.stringify(next) ? old : next];
    }));
    m.v.agents++;
    scheduleTierCheck();
  }

  async function loadLeases() {
    const now = m.now();
    const [locks, reservations] = await Promise.all([
      api.all(project, '/locks', 'locks', { detail: true, limit: 500 }),
      api.all(project, '/reservations', 'reservations', { detail: true, limit: 500 }),
    ]);
    const leases = new Map();
    for (const row of locks.rows) { const l = leaseFromRow(row, row.kind || 'lock', now); leases.set(leaseKey(l.kind, l.resource, l.holder), l); }
    for (const row of reservations.rows) { const l = leaseFromRow(row, 'files', now); leases.set(leaseKey('files', l.resource, l.holder), l); }
    m.leases = leases;
    m.waiters = new Map(((locks.page && locks.page.waiters) || []).map((w) => [w.ticket, { ticket: w.ticket, kind: 'lock', resource: w.name, holder: w.holder, since: now - w.waiting_s * 1000 }]));
    m.v.leases++;
  }

  async function loadTasks() {
    const { rows } = await api.all(project, '/tasks', 'tasks', { limit: 200 });
    m.tasks = new Map(rows.map((t) => [t.id, t]));
    m.v.tasks++;
  }

  const features = session.features || {};
  async function loadThreads() {
    if (features.threads === false) { m.threads = null; m.v.threads++; return; }
    const answer = await api.optional(project, '/threads', { all: true, detail: true, limit: 200 });
    m.threads = answer ? answer.threads || [] : null;
    m.v.threads++;
  }

  /** One thread with its posts and the scoring evidence that opened it. */
  async function loadThread(id) {
    m.threadDetails.set(id, await api.get(project, `/threads/${encodeURIComponent(id)}`, { limit: 200 }));
    m.v.threads++;
  }
  m.openThread = (id) => { void loadThread(id).then(changed, () => undefined); };

  async function loadFiles() {
    if (features.file_activity === false) { m.files = null; m.v.files++; return; }
    const answer = await api.optional(project, '/activity/hot', { limit: 50 });
    m.files = answer ? answer.files || [] : null;
    m.v.files++;
  }

  async function loadStatus() {
    const status = await api.get(project, '/status');
    m.status = status;
    m.skew = Date.parse(status.time) - Date.now();
    m.v.status++;
    return status;
  }

  async function load() {
    try {
      const status = await loadStatus();
      m.snapshotId = status.last_event_id;
      m.lastId = status.last_event_id;
      await Promise.all([loadAgents(), loadLeases(), loadTasks(), loadThreads().catch(() => { m.threads = null; }), loadFiles().catch(() => { m.files = null; })]);
      m.phase = 'ready';
      changed();
      closeStream = openStream({ project, after: Math.max(0, m.snapshotId - BACKLOG), onEvents: receive, onStatus: streamStatus });
    } catch (error) {
      if (error instanceof ApiError && error.code === 'NOT_FOUND') {
        m.phase = 'empty';
        changed();
        // A project appears with its first write: follow the stream from the start so the page fills in.
        closeStream = openStream({ project, after: 0, onEvents: (events) => { if (m.phase === 'empty') { m.phase = 'loading'; void reload(); } receive(events); }, onStatus: streamStatus });
        return;
      }
      m.phase = 'error';
      m.error = error;
      changed();
    }
  }

  async function reload() {
    if (closeStream) closeStream();
    closeStream = null;
    m.events = [];
    m.series = createSeries();
    await load();
  }

  function streamStatus(state, detail) {
    m.stream = state;
    m.streamDetail = detail || null;
    // After a gap in the stream the store may have changed in ways the log shows, but also in ways it does not (its health).
    if (state === 'live' && m.phase === 'ready') void loadStatus().then(changed, () => undefined);
    changed();
  }

  // ---- live updates ----------------------------------------------------------

  let lastFlush = 0;
  function receive(events) {
    pending.push(...events);
    if (frame) return;
    const wait = Math.max(0, lastFlush + FLUSH_MS - Date.now());
    frame = -1;
    later(() => { frame = requestAnimationFrame(flush); }, wait);
  }

  const refetch = new Map();
  /** Re-reads one slice soon (coalesced): for changes the events name but do not carry (an agent's new file, a reset task's status). */
  function refresh(name, fn, delay) {
    if (refetch.has(name)) return;
    refetch.set(name, later(() => {
      fn().then(() => { refetch.delete(name); changed(); }, () => refetch.delete(name));
    }, delay));
  }

  function flush() {
    frame = 0;
    lastFlush = Date.now();
    const batch = pending;
    pending = [];
    for (const e of batch) {
      m.series.add(e);
      m.events.push(e);
      if (e.id > m.lastId) m.lastId = e.id;
      if (e.id > m.snapshotId) apply(e);
      // Edits before the snapshot are history the hot-files read summarised; the list by agent shows them too.
      else if (e.type === 'file.edited') noteEdit(e);
    }
    if (m.events.length > EVENTS_KEPT) m.events.splice(0, m.events.length - EVENTS_KEPT);
    m.v.events++;
    changed();
  }

  function apply(e) {
    const d = e.data || {};
    const at = Date.parse(e.at);
    const type = e.type;
    if (m.status) m.status.last_event_id = Math.max(m.status.last_event_id, e.id);
    if (type.startsWith('lease.')) {
      const key = leaseKey(d.kind, d.resource, d.holder);
      if (type === 'lease.acquired') {
        m.leases.set(key, { kind: d.kind, resource: d.resource, holder: d.holder, token: d.token, paths: d.paths || [], mode: d.mode || 'exclusive', acquiredAt: at, expiresAt: d.expires_at, reason: null });
        if (d.from_queue) for (const [ticket, w] of m.waiters) if (w.holder === d.holder && w.resource === d.resource) m.waiters.delete(ticket);
      } else if (type === 'lease.renewed') {
        const l = m.leases.get(key);
        if (l) m.leases.set(key, { ...l, expiresAt: d.expires_at, token: d.token });
      } else if (type === 'lease.released' || type === 'lease.expired' || type === 'lease.broken') m.leases.delete(key);
      else if (type === 'lease.queued') m.waiters.set(d.ticket, { ticket: d.ticket, kind: d.kind, resource: d.resource, holder: d.holder, since: at });
      else if (type === 'lease.wait_ended') m.waiters.delete(d.ticket);
      m.v.leases++;
    } else if (type.startsWith('task.')) {
      applyTask(e, d);
      m.v.tasks++;
    } else if (type === 'agent.registered' || type === 'service.registered' || type === 'service.health_reported') {
      refresh('agents', loadAgents, 150);
    } else if (type === 'agent.signed_off' || type === 'agent.abandoned') {
      const a = m.agents.get(e.subject);
      if (a) m.agents.set(e.subject, { ...a, status: type === 'agent.signed_off' ? 'offline' : 'abandoned', activity: undefined, current_file: undefined });
      m.v.agents++;
    } else if (type.startsWith('thread.') || type.startsWith('intent.') || type === 'message.posted') {
      refresh('threads', loadThreads, 200);
      if (m.threadDetails.has(e.subject)) refresh(`thread:${e.subject}`, () => loadThread(e.subject), 100);
    } else if (type === 'file.edited') {
      noteEdit(e);
      refresh('files', loadFiles, 1000);
    }
    // An agent that acts may have moved on (new file, new activity): re-read the agents, at most every few seconds.
    if (e.actor && m.agents.has(e.actor) && !type.startsWith('agent.')) refresh('agents', loadAgents, 3000);
  }

  function noteEdit(e) {
    const d = e.data || {};
    // One event names up to 20 files of one edit.
    for (const path of d.files || [e.subject]) m.edits.unshift({ path, agent: d.agent || e.actor, at: Date.parse(e.at) });
    if (m.edits.length > 500) m.edits.length = 500;
    m.v.files++;
  }

  function applyTask(e, d) {
    const id = e.subject;
    const t = m.tasks.get(id);
    switch (e.type) {
      case 'task.added':
        m.tasks.set(id, { id, title: d.title, status: d.status, priority: d.priority || undefined, dependencies: d.dependencies, claimed_by: undefined });
        return;
      case 'task.ready': if (t) m.tasks.set(id, { ...t, status: 'ready' }); return;
      case 'task.claimed': if (t) m.tasks.set(id, { ...t, status: 'claimed', claimed_by: d.agent }); return;
      case 'task.completed': if (t) m.tasks.set(id, { ...t, status: 'done', claimed_by: undefined }); return;
      case 'task.failed': if (t) m.tasks.set(id, { ...t, status: 'failed', claimed_by: undefined, error: d.error || undefined }); return;
      case 'task.cancelled': if (t) m.tasks.set(id, { ...t, status: 'cancelled', claimed_by: undefined }); return;
      case 'task.released':
      case 'task.requeued': if (t) m.tasks.set(id, { ...t, status: 'ready', claimed_by: undefined }); return;
      case 'task.reset':
        // Ready or pending depending on its dependencies: the server knows, so ask it.
        refresh(`task:${id}`, async () => { const { task } = await api.get(project, `/tasks/${encodeURIComponent(id)}`); m.tasks.set(id, task); m.v.tasks++; }, 50);
        return;
      case 'task.progress': if (t) m.tasks.set(id, { ...t, progress: d.progress || undefined }); return;
      default:
    }
  }

  /** An agent's status tier changes with time alone; re-read the agents when the next one is due to. */
  let tierTimer = null;
  function scheduleTierCheck() {
    if (tierTimer) { clearTimeout(tierTimer); timers.delete(tierTimer); }
    const t = session.thresholds_s;
    if (!t) return;
    const bounds = [t.active, t.idle, t.stale, t.unresponsive].map((s) => s * 1000);
    const now = m.now();
    let next = Infinity;
    for (const a of m.agents.values()) {
      if (a.status === 'offline' || a.status === 'abandoned') continue;
      const age = now - a.lastHeartbeat;
      const bound = bounds.find((b) => b > age);
      if (bound !== undefined) next = Math.min(next, bound - age);
    }
    if (Number.isFinite(next)) tierTimer = later(() => { void loadAgents().then(changed, () => undefined); }, Math.max(5000, next + 1000));
  }

  // ---- derived views ----------------------------------------------------------

  m.statusOf = (holder) => { const a = m.agents.get(holder); return a ? a.status : 'unknown'; };
  m.mayBreak = (lease) => BAD_STATUSES.has(m.statusOf(lease.holder)) || m.statusOf(lease.holder) === 'unknown';
  m.waitersFor = (resource) => [...m.waiters.values()].filter((w) => w.resource === resource || w.resource.startsWith(resource + ':') || w.resource.startsWith(resource + '.') || resource.startsWith(w.resource + ':') || resource.startsWith(w.resource + '.'));

  m.problems = () => {
    const out = [];
    const now = m.now();
    if (m.status && m.status.store && m.status.store.status !== 'healthy') {
      out.push({ level: 'bad', text: `The store (${m.status.store.engine}) is ${m.status.store.status}${m.status.store.reason ? ': ' + m.status.store.reason : ''}.`, target: 'overview' });
    }
    if (m.stream === 'reconnecting' || m.stream === 'error') out.push({ level: 'bad', text: 'The live event stream is down; the page shows the last state it saw.', target: 'timeline' });
    for (const l of m.leases.values()) {
      const status = m.statusOf(l.holder);
      if (!BAD_STATUSES.has(status) && status !== 'unknown') continue;
      const waiting = m.waitersFor(l.resource).length;
      out.push({ level: waiting > 0 ? 'bad' : 'warn', text: `${l.holder} (${status}) holds ${l.kind === 'files' ? 'reservation ' + (l.paths.join(', ') || l.resource) : l.kind + ' ' + l.resource}${waiting ? `, ${waiting} waiting` : ''}.`, lease: l, target: 'locks' });
    }
    const longest = [...m.waiters.values()].sort((a, b) => a.since - b.since).slice(0, 3);
    for (const w of longest) if (now - w.since > 60_000) out.push({ level: 'warn', text: `${w.holder} has waited ${Math.round((now - w.since) / 60000)} min for ${w.resource}.`, target: 'locks' });
    const failed = [...m.tasks.values()].filter((t) => t.status === 'failed');
    if (failed.length) out.push({ level: 'bad', text: `${failed.length} failed task${failed.length === 1 ? '' : 's'}: ${failed.slice(0, 3).map((t) => t.id).join(', ')}${failed.length > 3 ? '…' : ''}.`, target: 'tasks', filter: 'failed' });
    for (const th of m.threads || []) {
      // A round's start is known for the first round only (the thread's opening).
      const opened = th.round === 1 ? Date.parse(th.opened_at) : NaN;
      const deadline = Date.parse(th.round_deadline || '');
      if (Number.isFinite(opened) && Number.isFinite(deadline) && now > opened + (deadline - opened) / 2) {
        out.push({ level: 'warn', text: `Thread ${th.thread_id} (${th.subject}) is past half its round deadline, ${th.status}.`, target: 'threads' });
      }
    }
    return out;
  };

  m.reloadAll = reload;
  m.close = () => {
    closed = true;
    if (closeStream) closeStream();
    if (frame > 0) cancelAnimationFrame(frame);
    for (const t of timers) clearTimeout(t);
  };

  void load();
  return m;
}
