/**
 * @module The messages of /api/ws, as JSON text frames. The client subscribes to
 * projects (types, topic filters, a cursor), unsubscribes, and calls hub commands;
 * the server sends events, acknowledgements, results and typed errors. Parsing
 * answers INVALID_INPUT for anything else, so hostile frames never reach the hub.
 */
import { z } from 'zod';
import { invalidInput } from '../../core/errors.js';
import { EVENT_TYPES } from '../../core/events/event.js';
import { isTopicFilter } from '../../core/events/topic-filter.js';

const ref = z.union([z.string().max(100), z.number()]).optional();
const project = z.string().min(1).max(64);

const subscribe = z.object({
  op: z.literal('subscribe'),
  ref,
  projects: z.array(project).min(1).max(100),
  types: z.array(z.enum(EVENT_TYPES)).max(30).optional(),
  topics: z.array(z.string().refine(isTopicFilter, 'a topic filter: levels split by /, + one level, # the rest as the last level')).min(1).max(50).optional(),
  /** One cursor for every project, or one per project (missing ones start at 0). */
  after: z.union([z.number().int().min(0), z.record(z.string(), z.number().int().min(0))]).optional(),
}).strict();

const unsubscribe = z.object({ op: z.literal('unsubscribe'), ref, projects: z.array(project).min(1).max(100) }).strict();

const call = z.object({
  op: z.literal('call'),
  /** Echoed in the answer, so a client can have several calls in flight. */
  id: z.union([z.string().max(100), z.number()]),
  command: z.string().min(1).max(64),
  input: z.record(z.string(), z.unknown()).optional(),
}).strict();

const ping = z.object({ op: z.literal('ping'), ref }).strict();

const clientMessage = z.discriminatedUnion('op', [subscribe, unsubscribe, call, ping]);

export type ClientMessage = z.infer<typeof clientMessage>;
export type SubscribeMessage = z.infer<typeof subscribe>;

/** Parses one text frame; INVALID_INPUT names what is wrong. */
export function parseClientMessage(text: string): ClientMessage {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw invalidInput('The frame is not valid JSON; send one JSON object per text frame.', { field: 'frame' });
  }
  const parsed = clientMessage.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.map(String).join('.') || 'op';
    throw invalidInput(`Frame field '${field}': ${issue?.message ?? 'invalid'}. Ops: subscribe, unsubscribe, call, ping.`, { field });
  }
  return parsed.data;
}

/** The cursor a subscription starts from for one of its projects. */
export const cursorFor = (message: SubscribeMessage, projectId: string): number =>
  typeof message.after === 'number' ? message.after : (message.after?.[projectId] ?? 0);
