/**
 * @module What in the event log is news for one agent, as short sentences for the
 * model: a lock it waited for was granted, something it held was broken or expired,
 * a task it had went back to the pool, a consultation thread opened with it, the
 * messages delivered to it (counted in one sentence that says who sent them and
 * how many need an ack), a message it sent or got that is overdue for an ack, a custom event addressed to it, or any other event whose
 * data names it as `to`. Its own doings are not news.
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

const list = (values: readonly string[], max = 3): string => (values.length > max ? `${values.slice(0, max).join(', ')} and ${values.length - max} more` : values.join(', '));

/** A consult thread someone else opened with this agent among its participants. */
function threadOpened(me: string, e: NoticeEvent): string | undefined {
  const d = e.data;
  const participants = Array.isArray(d['participants']) ? d['participants'] : [];
  if (d['kind'] !== 'consult' || e.actor === me || !participants.includes(me)) return undefined;
  const files = Array.isArray(d['files']) ? d['files'].filter((f): f is string => typeof f === 'string') : [];
  return `${e.actor ?? 'Someone'} opened consultation thread ${e.subject} with you${files.length > 0 ? ` over ${list(files)}` : ''}: settle it there before editing those files (list_threads with thread_id, post_to_thread, resolve_thread).`;
}

/** The messages delivered to this agent, as one sentence. */
function messagesSentence(messages: readonly NoticeEvent[]): string {
  const from = [...new Set(messages.map((m) => m.actor ?? 'someone'))];
  const threads = [...new Set(messages.map((m) => text(m.data['thread_id'])))];
  const acks = messages.filter((m) => m.data['ack_required'] === true).length;
  const count = messages.length === 1 ? '1 new message' : `${messages.length} new messages`;
  return `${count} for you from ${list(from)} in ${threads.length === 1 ? 'thread' : 'threads'} ${list(threads)}${acks > 0 ? ` (${acks} need${acks === 1 ? 's' : ''} an ack)` : ''}: read ${messages.length === 1 ? 'it' : 'them'} with get_inbox.`;
}

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
    case 'message.overdue':
      if (d['from'] === me) return `${text(d['to'])} has not acked your message in thread ${e.subject}: follow it up there, or send again.`;
      return d['to'] === me ? `A message from ${text(d['from'])} in thread ${e.subject} needs your ack and is overdue: read it with get_inbox, then ack_messages.` : undefined;
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

/** Where the messages' one sentence goes: at the first of them. */
const MESSAGES = Symbol('messages');

/** The notices in these events for agent `me`, oldest first, at most MAX_NOTICES (then a count of the rest). */
export function noticesFor(me: string, events: readonly NoticeEvent[]): string[] {
  const found: (string | typeof MESSAGES)[] = [];
  const messages: NoticeEvent[] = [];
  // A thread opened here is told once: the opening post it delivers is part of that sentence.
  const opening = new Set<string>();
  for (const e of events) {
    if (e.type === 'thread.opened') {
      const opened = threadOpened(me, e);
      if (opened !== undefined) {
        found.push(opened);
        opening.add(e.subject);
      }
    } else if (e.type === 'message.posted') {
      if (e.actor === me || !addressedTo(e.data, me)) continue;
      const threadId = text(e.data['thread_id']);
      if (opening.delete(threadId)) continue;
      if (messages.length === 0) found.push(MESSAGES);
      messages.push(e);
    } else {
      const n = notice(me, e);
      if (n !== undefined) found.push(n);
    }
  }
  return capped(found.map((n) => (n === MESSAGES ? messagesSentence(messages) : n)));
}

function capped(found: string[]): string[] {
  if (found.length <= MAX_NOTICES) return found;
  return [...found.slice(0, MAX_NOTICES), `(${found.length - MAX_NOTICES} more: get_events.)`];
}
