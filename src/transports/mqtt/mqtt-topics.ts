/**
 * @module What each event becomes on MQTT, shared by the embedded broker and the
 * outbound bridge: the event on `baton/<project>/events/<type>` (QoS 1, its id in
 * the payload, so subscribers can deduplicate) — a custom event on
 * `baton/<project>/events/custom/<its topic>`, so MQTT wildcards select topics — and retained state topics for live
 * agents and held leases, cleared (an empty retained message) when they end.
 *
 * Seed 004's topic names are an option (`mqtt_compat: ["seed004"]`), as one table
 * from event type to topic. Its consultation topics (coordinator/consultations/new,
 * .../{id}/messages, .../{id}/status) are NOT mapped yet: the consultation layer's
 * thread events do not exist on this branch; adding them is one entry per type in
 * SEED004 below.
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

/** Seed 004's topics: event type → its messages. Consultation thread events go here once they exist. */
const SEED004: Partial<Record<BatonEvent['type'], (e: BatonEvent) => MqttMessage[]>> = {
  'agent.registered': (e) => [{ topic: `coordinator/agents/${e.subject}/status`, payload: json({ status: 'online', agent_id: e.subject, name: e.type === 'agent.registered' ? e.data.name : e.subject, event_id: e.id }), retain: true }],
  'agent.signed_off': (e) => [{ topic: `coordinator/agents/${e.subject}/status`, payload: json({ status: 'offline', agent_id: e.subject, event_id: e.id }), retain: true }],
  'agent.abandoned': (e) => [{ topic: `coordinator/agents/${e.subject}/status`, payload: json({ status: 'offline', agent_id: e.subject, event_id: e.id }), retain: true }],
  custom: (e) => (e.type === 'custom' && e.data.topic === 'broadcast' ? [{ topic: 'coordinator/broadcast', payload: json(e.data.payload), retain: false }] : []),
};

/** Every message an event becomes, in the order to publish them. */
export function messagesFor(e: BatonEvent, compat: readonly MqttCompat[]): MqttMessage[] {
  if (e.project === SYSTEM_PROJECT) return [];
  const topic = e.type === 'custom' ? `${eventsTopic(e.project, 'custom')}/${e.data.topic}` : eventsTopic(e.project, e.type);
  const messages = [{ topic, payload: eventPayload(e), retain: false }, ...stateMessages(e)];
  if (compat.includes('seed004')) messages.push(...(SEED004[e.type]?.(e) ?? []));
  return messages;
}

/** The project a `baton/<project>/...` topic or filter names ('+' or '#' for a wildcard), or undefined for other topics. */
export function projectOfTopic(topic: string): string | undefined {
  const levels = topic.split('/');
  if (levels[0] === '#') return '#';
  if (levels[0] !== 'baton') return undefined;
  return levels[1] ?? '#';
}
