/**
 * @module What each event becomes on MQTT, shared by the embedded broker and the
 * outbound bridge: the event on `baton/<project>/events/<type>` (QoS 1, its id in
 * the payload, so subscribers can deduplicate) — a custom event on
 * `baton/<project>/events/custom/<its topic>`, so MQTT wildcards select topics — and retained state topics for live
 * agents and held leases, cleared (an empty retained message) when they end.
 *
 * Seed 004's topic names are an option (`mqtt_compat: ["seed004"]`), published
 * in addition, as one table from event type to topic (SEED004 below). They carry
 * no project level, as seed 004 serves one project: the payload names it. Like
 * every event, they are notices with ids, not the bodies: a message's text is read
 * with get_inbox or list_threads (`seq` is its event id).
 */
import type { BatonEvent } from '../../core/events/event.js';
import { eventView } from '../../hub/views/records.js';

export interface MqttMessage {
  topic: string;
  payload: Buffer;
  retain: boolean;
}

export const MQTT_COMPAT = ['seed004'] as const;
export type MqttCompat = (typeof MQTT_COMPAT)[number];

/** The coordinator's own bookkeeping (sweep and bridge leadership, bridge cursors) is never pushed. */
export const SYSTEM_PROJECT = 'baton-system';

const eventsTopic = (project: string, type: string): string => `baton/${project}/events/${type}`;
const agentStateTopic = (project: string, agent: string): string => `baton/${project}/state/agents/${agent}`;
/** Resource names may hold '/', '+' or '#': percent-encoded, they stay one topic level. */
const leaseStateTopic = (project: string, kind: string, resource: string, holder: string): string =>
  `baton/${project}/state/leases/${kind}/${encodeURIComponent(resource)}/${encodeURIComponent(holder)}`;

const payloads = new WeakMap<BatonEvent, Buffer>();
const EMPTY = Buffer.alloc(0);

/** The event as JSON (the SSE data shape), serialised once per event for every client. */
function eventPayload(e: BatonEvent): Buffer {
  let payload = payloads.get(e);
  if (!payload) {
    payload = Buffer.from(JSON.stringify({ ...eventView(e), project: e.project }));
    payloads.set(e, payload);
  }
  return payload;
}

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

/** The retained status of a live agent. */
export const agentOnline = (project: string, agent: string, data: { name: string; kind: string; event_id?: number; at: string }): MqttMessage =>
  ({ topic: agentStateTopic(project, agent), payload: json({ status: 'online', ...data }), retain: true });

/** The retained record of a held lease. */
export const leaseHeld = (project: string, data: { kind: string; resource: string; holder: string; token: number; expires_at: number; event_id?: number; at: string }): MqttMessage =>
  ({ topic: leaseStateTopic(project, data.kind, data.resource, data.holder), payload: json(data), retain: true });

/** Retained state an event sets or clears (an empty retained payload clears a topic). */
function stateMessages(e: BatonEvent): MqttMessage[] {
  const at = new Date(e.at).toISOString();
  if (e.type === 'agent.registered') return [agentOnline(e.project, e.subject, { name: e.data.name, kind: e.data.kind, event_id: e.id, at })];
  if (e.type === 'agent.signed_off' || e.type === 'agent.abandoned') return [{ topic: agentStateTopic(e.project, e.subject), payload: EMPTY, retain: true }];
  if (e.type === 'lease.acquired' || e.type === 'lease.renewed') return [leaseHeld(e.project, { ...e.data, event_id: e.id, at })];
  if (e.type === 'lease.released' || e.type === 'lease.expired' || e.type === 'lease.broken') {
    return [{ topic: leaseStateTopic(e.project, e.data.kind, e.data.resource, e.data.holder), payload: EMPTY, retain: true }];
  }
  return [];
}

const consultation = (thread: string, leaf: 'messages' | 'status'): string => `coordinator/consultations/${thread}/${leaf}`;
const agentStatus = (e: BatonEvent, status: 'online' | 'offline', name?: string): MqttMessage[] =>
  [{ topic: `coordinator/agents/${e.subject}/status`, payload: json({ status, agent_id: e.subject, ...(name === undefined ? {} : { name }), project: e.project, event_id: e.id }), retain: true }];
/** A thread's status as seed 004 names it (open, resolving, resolved, timeout; cancelled is Baton's). */
const threadStatus = (e: BatonEvent, status: string, more: Record<string, unknown>): MqttMessage[] =>
  [{ topic: consultation(e.subject, 'status'), payload: json({ thread_id: e.subject, status, ...more, project: e.project, event_id: e.id }), retain: false }];

/** Seed 004's topics: event type → its messages. */
const SEED004: { [K in BatonEvent['type']]?: (e: Extract<BatonEvent, { type: K }>) => MqttMessage[] } = {
  'agent.registered': (e) => agentStatus(e, 'online', e.data.name),
  'agent.signed_off': (e) => agentStatus(e, 'offline'),
  'agent.abandoned': (e) => agentStatus(e, 'offline'),
  'thread.opened': (e) => {
    const base = { thread_id: e.subject, initiator_id: e.data.initiator, project: e.project, event_id: e.id };
    if (e.data.kind === 'broadcast') return [{ topic: 'coordinator/broadcast', payload: json({ ...base, recipients: e.data.participants }), retain: false }];
    if (e.data.kind !== 'consult') return [];
    return [
      { topic: 'coordinator/consultations/new', payload: json({ ...base, participants: e.data.participants, target_files: e.data.files }), retain: false },
      ...threadStatus(e, 'open', { round: 1 }),
    ];
  },
  'message.posted': (e) => [{ topic: consultation(e.data.thread_id, 'messages'), payload: json({ thread_id: e.data.thread_id, agent_id: e.data.from, importance: e.data.importance, seq: e.id, project: e.project, event_id: e.id }), retain: false }],
  'thread.proposed': (e) => threadStatus(e, 'resolving', { round: e.data.round, proposed_by: e.data.by }),
  'thread.approved': (e) => threadStatus(e, 'resolving', { round: e.data.round, approved_by: e.data.by }),
  'thread.contested': (e) => threadStatus(e, 'open', { round: e.data.round, contested_by: e.data.by }),
  'thread.resolved': (e) => threadStatus(e, e.data.outcome === 'timeout' ? 'timeout' : 'resolved', { round: e.data.round, resolution: e.data.outcome }),
  'thread.cancelled': (e) => threadStatus(e, 'cancelled', { resolution: e.data.outcome }),
  custom: (e) => (e.data.topic === 'broadcast' ? [{ topic: 'coordinator/broadcast', payload: json(e.data.payload), retain: false }] : []),
};

/** The seed 004 messages of one event (the table's entry for its type, typed by it). */
function seed004Messages(e: BatonEvent): MqttMessage[] {
  const map = SEED004[e.type] as ((e: BatonEvent) => MqttMessage[]) | undefined;
  return map?.(e) ?? [];
}

/** Every message an event becomes, in the order to publish them. */
export function messagesFor(e: BatonEvent, compat: readonly MqttCompat[]): MqttMessage[] {
  if (e.project === SYSTEM_PROJECT) return [];
  const topic = e.type === 'custom' ? `${eventsTopic(e.project, 'custom')}/${e.data.topic}` : eventsTopic(e.project, e.type);
  const messages = [{ topic, payload: eventPayload(e), retain: false }, ...stateMessages(e)];
  if (compat.includes('seed004')) messages.push(...seed004Messages(e));
  return messages;
}

/** The project a `baton/<project>/...` topic or filter names ('+' or '#' for a wildcard), or undefined for other topics. */
export function projectOfTopic(topic: string): string | undefined {
  const levels = topic.split('/');
  if (levels[0] === '#') return '#';
  if (levels[0] !== 'baton') return undefined;
  return levels[1] ?? '#';
}
