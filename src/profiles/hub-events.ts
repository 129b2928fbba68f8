/**
 * @module The coordination-hub proposal's event names (seed 003) mapped to and
 * from Baton's event log, one table each way. Baton's domain events become the
 * proposal's MCPEvent {type, source, data, timestamp}; an event published under
 * any other name (cache:invalidate, or the proposal's names published by hand)
 * is Baton's `custom` event with that topic, and reads back under its name.
 */

/** A Baton event as get_events answers it. */
export interface LogEvent {
  id: number;
  type: string;
  actor?: string | null;
  subject?: string;
  at: string;
  data?: Record<string, unknown>;
}

export interface SeedEvent {
  id: number;
  type: string;
  source: string;
  data: unknown;
  timestamp: string;
}

/** Seed name → the Baton event types it is read from (anything else is a custom topic). */
const SEED_TO_BATON: Readonly<Record<string, readonly string[]>> = {
  'file:locked': ['lease.acquired'],
  'file:unlocked': ['lease.released', 'lease.expired', 'lease.broken'],
  'task:claimed': ['task.claimed'],
  'task:completed': ['task.completed'],
  'task:released': ['task.released', 'task.requeued'],
  'health:degraded': ['service.health_reported'],
  'health:recovered': ['service.health_reported'],
};

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The seed's name for a Baton event and its data, or undefined when the proposal has none. */
export function toSeedEvent(e: LogEvent): SeedEvent | undefined {
  const data = e.data ?? {};
  const base = { id: e.id, source: text(e.actor) || 'baton', timestamp: e.at };
  switch (e.type) {
    case 'lease.acquired':
    case 'lease.released':
    case 'lease.expired':
    case 'lease.broken': {
      if (data['kind'] !== 'files') return undefined;
      const paths = Array.isArray(data['paths']) ? (data['paths'] as string[]) : [];
      return { ...base, type: e.type === 'lease.acquired' ? 'file:locked' : 'file:unlocked', data: { file: paths[0] ?? '', files: paths, agentId: data['holder'], reason: e.type.slice('lease.'.length) } };
    }
    case 'task.claimed':
      return { ...base, type: 'task:claimed', data: { taskId: e.subject, agentId: data['agent'] } };
    case 'task.completed':
      return { ...base, type: 'task:completed', data: { taskId: e.subject, agentId: data['agent'] } };
    case 'task.released':
    case 'task.requeued':
      return { ...base, type: 'task:released', data: { taskId: e.subject, agentId: data['agent'], ...(e.type === 'task.requeued' ? { reason: data['reason'] } : {}) } };
    case 'service.health_reported': {
      const status = text(data['status']);
      return { ...base, type: status === 'healthy' ? 'health:recovered' : 'health:degraded', data: { service: e.subject, status, detail: data['detail'] ?? null } };
    }
    case 'custom': {
      const payload = (data['payload'] ?? {}) as { source?: unknown; data?: unknown; timestamp?: unknown };
      return { ...base, type: text(data['topic']), source: text(payload.source) || base.source, data: payload.data ?? null, timestamp: text(payload.timestamp) || e.at };
    }
    default:
      return undefined;
  }
}

/** The Baton event types to read for these seed types ('*' = all the mapped ones and custom). */
export function batonTypesFor(seedTypes: readonly string[]): string[] {
  if (seedTypes.includes('*')) return [...new Set([...Object.values(SEED_TO_BATON).flat(), 'custom'])];
  return [...new Set(seedTypes.flatMap((t) => SEED_TO_BATON[t] ?? ['custom']))];
}
