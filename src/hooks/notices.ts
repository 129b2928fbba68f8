/**
 * @module What in the event log is news for one agent, as short sentences for the
 * model: a lock it waited for was granted, something it held was broken or expired,
 * a task it had went back to the pool, a message addressed to it (a custom event, or
 * any event type whose data names it as `to`: the consultation layer's messages and
 * threads when they arrive). Its own doings are not news.
 */

export interface NoticeEvent {
  id: number;
  type: string;
  actor?: string;
  subject: string;
  data: Record<string, unknown>;
}

const MAX_NOTICES = 8;
const MAX_TEXT = 200;

const text = (value: unknown): string => {
  if (typeof value === 'string') return value.slice(0, MAX_TEXT);
  if (value === undefined || value === null) return '';
  return JSON.stringify(value).slice(0, MAX_TEXT);
};

const addressedTo = (data: Record<string, unknown>, me: string): boolean => {
  const to = data['to'] ?? data['agent'] ?? data['recipients'];
  return to === me || (Array.isArray(to) && to.includes(me));
};

function notice(me: string, e: NoticeEvent): string | undefined {
  const d = e.data;
  const kindName = d['kind'] === 'files' ? 'reservation' : d['kind'] === 'slot' ? 'worker slot' : 'lock';
  switch (e.type) {
    case 'lease.acquired':
      return d['holder'] === me && d['from_queue'] === true ? `The ${kindName} ${e.subject} you waited for is yours now (token ${text(d['token'])}).` : undefined;
    case 'lease.broken':
      return d['holder'] === me ? `Your ${kindName} ${e.subject} was broken by ${text(d['by'])}: stop relying on it.` : undefined;
    case 'lease.expired':
      // Auto-reservations lapse between edits by design; only locks and slots are worth a word.
      return d['holder'] === me && d['kind'] !== 'files' ? `Your ${kindName} ${e.subject} expired: acquire it again if you still need it.` : undefined;
    case 'task.requeued':
      return d['agent'] === me ? `Task ${e.subject} went back to the pool (${text(d['reason'])}).` : undefined;
    case 'custom': {
      const payload = d['payload'];
      if (e.actor === me || typeof payload !== 'object' || payload === null || !addressedTo(payload as Record<string, unknown>, me)) return undefined;
      const p = payload as Record<string, unknown>;
      return `Message from ${e.actor ?? 'someone'} on ${text(d['topic'])}: ${text(p['text'] ?? p['message'] ?? p['body'] ?? payload)}`;
    }
    default:
      if (e.actor === me || !addressedTo(d, me)) return undefined;
      return `${e.type} from ${e.actor ?? 'someone'}${e.subject ? ` (${e.subject})` : ''}: ${text(d['text'] ?? d['message'] ?? d['summary'] ?? d['title'])}`;
  }
}

/** The notices in these events for agent `me`, oldest first, at most MAX_NOTICES (then a count of the rest). */
export function noticesFor(me: string, events: readonly NoticeEvent[]): string[] {
  const found = events.map((e) => notice(me, e)).filter((n): n is string => n !== undefined);
  if (found.length <= MAX_NOTICES) return found;
  return [...found.slice(0, MAX_NOTICES), `(${found.length - MAX_NOTICES} more: get_events.)`];
}
