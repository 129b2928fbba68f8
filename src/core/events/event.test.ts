/**
 * @module The event catalogue: every type listed once, and the builder keeps
 * what it is given.
 */
import { describe, expect, it } from 'vitest';
import { event, EVENT_TYPES } from './event.js';

describe('events', () => {
  it('lists each event type once, named in the past tense with a family prefix', () => {
    expect(new Set(EVENT_TYPES).size).toBe(EVENT_TYPES.length);
    for (const type of EVENT_TYPES) expect(type).toMatch(/^(custom|[a-z]+\.[a-z_]+)$/);
  });

  it('builds an event from its parts', () => {
    expect(event('task.claimed', 'alice', 't1', { agent: 'alice', token: 3, attempts: 1 })).toEqual({
      type: 'task.claimed', actor: 'alice', subject: 't1', data: { agent: 'alice', token: 3, attempts: 1 },
    });
  });
});
