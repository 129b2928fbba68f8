/**
 * @module Seed 004's topic table (mqtt_compat: ["seed004"]): each consultation,
 * broadcast and agent event becomes the messages a seed 004 client expects, with
 * the project and event id; without the option none of them is published.
 */
import { describe, expect, it } from 'vitest';
import { event as newEvent, type BatonEvent, type EventDataMap, type EventType } from '../../core/events/event.js';
import { messagesFor } from './mqtt-topics.js';

let nextId = 0;
const logged = <K extends EventType>(type: K, subject: string, data: EventDataMap[K]): BatonEvent =>
  ({ ...newEvent(type, 'ann', subject, data), project: 'web', id: ++nextId, at: Date.UTC(2026, 0, 1) });

/** The seed 004 messages of an event: topic and parsed payload. */
const seed004 = (e: BatonEvent): { topic: string; json: Record<string, unknown>; retain: boolean }[] =>
  messagesFor(e, ['seed004']).filter((m) => m.topic.startsWith('coordinator/')).map((m) => ({ topic: m.topic, json: JSON.parse(m.payload.toString('utf8')) as Record<string, unknown>, retain: m.retain }));

describe('seed 004 MQTT topics', () => {
  it('maps a consult thread from opening to every end state', () => {
    const opened = logged('thread.opened', 'T1', { kind: 'consult', initiator: 'bob', participants: ['bob', 'ann'], files: ['src/auth.ts'] });
    expect(seed004(opened)).toEqual([
      { topic: 'coordinator/consultations/new', retain: false, json: { thread_id: 'T1', initiator_id: 'bob', participants: ['bob', 'ann'], target_files: ['src/auth.ts'], project: 'web', event_id: opened.id } },
      { topic: 'coordinator/consultations/T1/status', retain: false, json: { thread_id: 'T1', status: 'open', round: 1, project: 'web', event_id: opened.id } },
    ]);
    const status = (e: BatonEvent): unknown => seed004(e).map((m) => [m.topic, m.json['status'], m.json['resolution'] ?? null]);
    expect(status(logged('thread.proposed', 'T1', { by: 'bob', round: 1 }))).toEqual([['coordinator/consultations/T1/status', 'resolving', null]]);
    expect(status(logged('thread.contested', 'T1', { by: 'ann', round: 2 }))).toEqual([['coordinator/consultations/T1/status', 'open', null]]);
    expect(status(logged('thread.resolved', 'T1', { outcome: 'consensus', round: 2 }))).toEqual([['coordinator/consultations/T1/status', 'resolved', 'consensus']]);
    expect(status(logged('thread.resolved', 'T1', { outcome: 'timeout', round: 1 }))).toEqual([['coordinator/consultations/T1/status', 'timeout', 'timeout']]);
    expect(status(logged('thread.cancelled', 'T1', { outcome: 'initiator_gone' }))).toEqual([['coordinator/consultations/T1/status', 'cancelled', 'initiator_gone']]);
  });

  it('maps posts to the thread, broadcasts to coordinator/broadcast, agents to their retained status', () => {
    const post = logged('message.posted', 'T1', { thread_id: 'T1', from: 'ann', to: ['bob'], importance: 'normal', ack_required: false });
    expect(seed004(post)).toEqual([{ topic: 'coordinator/consultations/T1/messages', retain: false, json: { thread_id: 'T1', agent_id: 'ann', importance: 'normal', seq: post.id, project: 'web', event_id: post.id } }]);
    const broadcast = logged('thread.opened', 'B1', { kind: 'broadcast', initiator: 'ann', participants: ['bob', 'cy'], files: [] });
    expect(seed004(broadcast).map((m) => [m.topic, m.json['recipients']])).toEqual([['coordinator/broadcast', ['bob', 'cy']]]);
    expect(seed004(logged('thread.opened', 'D1', { kind: 'direct', initiator: 'ann', participants: ['bob'], files: [] }))).toEqual([]);
    expect(seed004(logged('custom', 'broadcast', { topic: 'broadcast', payload: { note: 'deploy at 5' } })).map((m) => [m.topic, m.json])).toEqual([['coordinator/broadcast', { note: 'deploy at 5' }]]);
    expect(seed004(logged('agent.registered', 'ann', { name: 'Ann', kind: 'agent', rejoined: false })).map((m) => [m.topic, m.json['status'], m.retain])).toEqual([['coordinator/agents/ann/status', 'online', true]]);
    expect(seed004(logged('agent.abandoned', 'ann', { released: 0, requeued: 0, last_heartbeat: 0 })).map((m) => [m.topic, m.json['status'], m.retain])).toEqual([['coordinator/agents/ann/status', 'offline', true]]);
  });

  it('publishes none of them without the option', () => {
    const e = logged('thread.opened', 'T2', { kind: 'consult', initiator: 'bob', participants: ['bob'], files: [] });
    expect(messagesFor(e, []).map((m) => m.topic)).toEqual(['baton/web/events/thread.opened']);
  });
});
