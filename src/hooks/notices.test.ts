import { describe, expect, it } from 'vitest';
import { noticesFor, type NoticeEvent } from './notices.js';

const e = (id: number, type: string, data: Record<string, unknown>, actor?: string, subject = 'x'): NoticeEvent => ({ id, type, data, subject, ...(actor ? { actor } : {}) });

describe('noticesFor', () => {
  it('tells an agent what happened to it, not what it did or what happened to others', () => {
    const events = [
      e(1, 'lease.acquired', { kind: 'lock', holder: 'me', token: 7, from_queue: true }, 'me', 'pytest'),
      e(2, 'lease.acquired', { kind: 'lock', holder: 'me', token: 8, from_queue: false }, 'me', 'build'),
      e(3, 'lease.broken', { kind: 'files', holder: 'me', by: 'ops' }, 'ops', 'res-1'),
      e(4, 'lease.expired', { kind: 'files', holder: 'me' }, undefined, 'res-2'),
      e(5, 'lease.expired', { kind: 'slot', holder: 'me' }, undefined, 'workers'),
      e(6, 'task.requeued', { agent: 'me', reason: 'expired' }, undefined, 't-1'),
      e(7, 'task.requeued', { agent: 'other', reason: 'expired' }, undefined, 't-2'),
      e(8, 'custom', { topic: 'message', payload: { to: 'me', text: 'hello' } }, 'bob'),
      e(9, 'custom', { topic: 'message', payload: { to: 'me', text: 'to myself' } }, 'me'),
      e(10, 'thread.posted', { to: ['me', 'carol'], summary: 'review src/a.ts?' }, 'carol', 'th-1'),
      e(11, 'lease.acquired', { kind: 'lock', holder: 'bob', token: 9, from_queue: true }, 'bob', 'pytest'),
    ];
    expect(noticesFor('me', events)).toEqual([
      'The lock pytest you waited for is yours now (token 7).',
      'Your reservation res-1 was broken by ops: stop relying on it.',
      'Your worker slot workers expired: acquire it again if you still need it.',
      'Task t-1 went back to the pool (expired).',
      'Message from bob on message: hello',
      'thread.posted from carol (th-1): review src/a.ts?',
    ]);
  });

  it('caps the list and says how many more there are', () => {
    const many = Array.from({ length: 12 }, (_, i) => e(i, 'custom', { topic: 't', payload: { to: 'me', text: `m${i}` } }, 'bob'));
    const found = noticesFor('me', many);
    expect(found).toHaveLength(9);
    expect(found.at(-1)).toBe('(4 more: get_events.)');
  });

  it('tells a consultation thread opened with the agent once, and the messages delivered to it in one sentence', () => {
    const opened = { kind: 'consult', initiator: 'bob', participants: ['bob', 'me'], files: ['src/auth.ts', 'src/a.ts', 'src/b.ts', 'src/c.ts'] };
    const posted = (id: number, from: string, thread: string, to: string[], ack = false) => e(id, 'message.posted', { thread_id: thread, from, to, importance: 'normal', ack_required: ack }, from, thread);
    const events = [
      e(1, 'thread.opened', opened, 'bob', 'thr-1'),
      posted(2, 'bob', 'thr-1', ['me']),
      posted(3, 'bob', 'thr-1', ['me']),
      e(4, 'thread.opened', { ...opened, participants: ['bob', 'carol'] }, 'bob', 'thr-2'),
      e(5, 'thread.opened', { kind: 'direct', initiator: 'carol', participants: ['me'], files: [] }, 'carol', 'thr-3'),
      posted(6, 'carol', 'thr-3', ['me'], true),
      posted(7, 'carol', 'thr-2', ['bob']),
      posted(8, 'me', 'thr-1', ['bob']),
      e(9, 'thread.opened', { ...opened, initiator: 'me', participants: ['me', 'bob'] }, 'me', 'thr-4'),
    ];
    expect(noticesFor('me', events)).toEqual([
      'bob opened consultation thread thr-1 with you over src/auth.ts, src/a.ts, src/b.ts and 1 more: settle it there before editing those files (list_threads with thread_id, post_to_thread, resolve_thread).',
      '2 new messages for you from bob, carol in threads thr-1, thr-3 (1 needs an ack): read them with get_inbox.',
    ]);
    expect(noticesFor('me', [posted(1, 'bob', 'thr-9', ['me'])])).toEqual(['1 new message for you from bob in thread thr-9: read it with get_inbox.']);
  });

  it('tells the sender and the recipient of a message overdue for an ack, and nobody else', () => {
    const overdue = e(1, 'message.overdue', { thread_id: 'thr-5', seq: 9, from: 'me', to: 'bob' }, undefined, 'thr-5');
    expect(noticesFor('me', [overdue])).toEqual(['bob has not acked your message in thread thr-5: follow it up there, or send again.']);
    expect(noticesFor('bob', [overdue])).toEqual(['A message from me in thread thr-5 needs your ack and is overdue: read it with get_inbox, then ack_messages.']);
    expect(noticesFor('carol', [overdue])).toEqual([]);
  });
});
