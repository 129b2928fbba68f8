// Times as people read them ("3 min ago"), exact on hover; small helpers shared by the panels.
export function ago(ms, now = Date.now()) {
  const s = Math.round((now - ms) / 1000);
  if (s < 0) return inFuture(-s);
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

function inFuture(s) {
  if (s < 60) return `in ${s} s`;
  if (s < 3600) return `in ${Math.floor(s / 60)} min`;
  return `in ${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

export function duration(seconds) {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

export const exact = (ms) => new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

export const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Brief text of an event's data for the timeline. */
export function eventSummary(e) {
  const d = e.data || {};
  switch (e.type) {
    case 'lease.acquired': return `${d.holder} got ${d.kind} ${d.resource} (token ${d.token})${d.from_queue ? ' from the queue' : ''}`;
    case 'lease.released': return `${d.holder} released ${d.kind} ${d.resource}`;
    case 'lease.broken': return `${d.by} broke ${d.holder}'s ${d.kind} ${d.resource}`;
    case 'lease.expired': return `${d.holder}'s ${d.kind} ${d.resource} expired`;
    case 'lease.queued': return `${d.holder} waits for ${d.resource} (ticket ${d.ticket})`;
    case 'lease.wait_ended': return `${d.holder} stopped waiting for ${d.resource}`;
    case 'task.added': return `${d.title || ''}`;
    case 'task.claimed': return `claimed by ${d.agent}`;
    case 'task.failed': return d.error || 'failed';
    case 'custom': return `${d.topic}: ${JSON.stringify(d.payload)}`;
    default: {
      const text = JSON.stringify(d);
      return text === '{}' ? '' : text;
    }
  }
}
