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
});
