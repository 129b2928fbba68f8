/**
 * @module Views of members: an agent's summary (what a model needs to coordinate:
 * status, what it does, where) and the full record, and a service's health.
 */
import { z } from 'zod';
import { deriveStatus, type Member, type StatusThresholds } from '../../core/presence/member.js';
import { compact, iso, secondsSince } from './common.js';

const STATUS = z.enum(['active', 'idle', 'stale', 'unresponsive', 'abandoned', 'offline']);

export const agentSummarySchema = z.object({
  id: z.string(),
  name: z.string().optional().describe('When it differs from the id.'),
  status: STATUS,
  activity: z.enum(['working', 'waiting', 'idle']).optional(),
  current_file: z.string().optional(),
  branch: z.string().optional(),
  last_seen_s: z.number().describe('Seconds since the last heartbeat.'),
});

export const memberDetailSchema = agentSummarySchema.extend({
  kind: z.enum(['agent', 'service']),
  modules: z.array(z.string()).optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  registered_at: z.string(),
  last_heartbeat: z.string(),
  ended_at: z.string().optional(),
  service: z
    .object({
      version: z.string().optional(),
      tools: z.array(z.string()).optional(),
      capabilities: z.array(z.string()).optional(),
      dependencies: z.array(z.string()).optional(),
      health: z.enum(['healthy', 'degraded', 'unhealthy', 'unknown']),
      health_detail: z.string().optional(),
      health_at: z.string().optional(),
    })
    .optional(),
});

/** An agent row of a list: the summary, and with `detail` the full record. */
export const agentRowSchema = memberDetailSchema.partial().extend({ id: z.string(), status: STATUS, last_seen_s: z.number() });

export type AgentSummary = z.infer<typeof agentSummarySchema>;
export type MemberDetail = z.infer<typeof memberDetailSchema>;

export function agentSummary(m: Member, now: number, t: StatusThresholds): AgentSummary {
  const branch = m.metadata['branch'];
  return compact({
    id: m.id,
    name: m.name === m.id ? undefined : m.name,
    status: deriveStatus(m, now, t),
    activity: m.activity === 'idle' ? undefined : m.activity,
    current_file: m.currentFile ?? undefined,
    branch: typeof branch === 'string' ? branch : undefined,
    last_seen_s: secondsSince(m.lastHeartbeat, now),
  });
}

export function memberDetail(m: Member, now: number, t: StatusThresholds): MemberDetail {
  return compact({
    ...agentSummary(m, now, t),
    name: m.name,
    activity: m.activity,
    kind: m.kind,
    modules: m.modules,
    metadata: Object.keys(m.metadata).length > 0 ? m.metadata : undefined,
    registered_at: iso(m.registeredAt),
    last_heartbeat: iso(m.lastHeartbeat),
    ended_at: m.endedAt === null ? undefined : iso(m.endedAt),
    service: m.service
      ? compact({
          version: m.service.version ?? undefined,
          tools: m.service.tools,
          capabilities: m.service.capabilities,
          dependencies: m.service.dependencies,
          health: m.service.health,
          health_detail: m.service.healthDetail ?? undefined,
          health_at: m.service.healthAt === null ? undefined : iso(m.service.healthAt),
        })
      : undefined,
  });
}

/** A service row of a list: who, status, version and health; `detail` gives the full record (tools, capabilities, …). */
export function serviceSummary(m: Member, now: number, t: StatusThresholds): z.infer<typeof agentRowSchema> {
  return compact({
    ...agentSummary(m, now, t),
    service: m.service ? compact({ version: m.service.version ?? undefined, health: m.service.health }) : undefined,
  });
}
