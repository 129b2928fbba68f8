/**
 * @module Views of shared state and of events.
 */
import { z } from 'zod';
import type { BatonEvent } from '../../core/events/event.js';
import type { StateEntry } from '../../core/state/entry.js';
import { compact, iso, secondsUntil } from './common.js';

export const keySchema = z.object({
  key: z.string(),
  version: z.number().int(),
  updated_by: z.string().optional(),
  updated_at: z.string(),
  expires_in_s: z.number().optional(),
});

export const entrySchema = keySchema.extend({ scope: z.string(), value: z.unknown() });

export const eventSchema = z.object({
  id: z.number().int(),
  type: z.string(),
  actor: z.string().optional(),
  subject: z.string(),
  data: z.record(z.string(), z.unknown()),
  at: z.string(),
});

export type EventView = z.infer<typeof eventSchema>;

export function keyView(e: StateEntry, now: number): z.infer<typeof keySchema> {
  return compact({ key: e.key, version: e.version, updated_by: e.updatedBy ?? undefined, updated_at: iso(e.updatedAt), expires_in_s: e.expiresAt === null ? undefined : secondsUntil(e.expiresAt, now) });
}

export function entryView(e: StateEntry, now: number): z.infer<typeof entrySchema> {
  return { scope: e.scope, ...keyView(e, now), value: e.value };
}

export function eventView(e: BatonEvent): EventView {
  return compact({ id: e.id, type: e.type, actor: e.actor ?? undefined, subject: e.subject, data: e.data as Record<string, unknown>, at: iso(e.at) });
}
