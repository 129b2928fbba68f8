/**
 * @module What a write did beyond its own result, read from the events it
 * appended, so an answer can say the next step: who was handed a released lease,
 * which tasks a completion unblocked, what a sign-off released.
 */
import { z } from 'zod';
import type { BatonEvent } from '../../core/events/event.js';

const ofType = <K extends BatonEvent['type']>(events: readonly BatonEvent[], type: K): Extract<BatonEvent, { type: K }>[] =>
  events.filter((e): e is Extract<BatonEvent, { type: K }> => e.type === type);

export const handedToSchema = {
  handed_to: z.array(z.object({ agent: z.string(), name: z.string(), token: z.number().int() })).optional().describe('Waiters who got what you released.'),
};

export function handedTo(events: readonly BatonEvent[]): z.infer<z.ZodObject<typeof handedToSchema>> {
  const grants = ofType(events, 'lease.acquired').filter((e) => e.data.from_queue);
  return grants.length === 0 ? {} : { handed_to: grants.map((e) => ({ agent: e.data.holder, name: e.data.resource, token: e.data.token })) };
}

/** Tasks made ready by this write (their dependencies are now all done). */
export const unblocked = (events: readonly BatonEvent[]): string[] => ofType(events, 'task.ready').map((e) => e.subject);

export const releasedSchema = z.object({
  locks: z.array(z.string()).optional(),
  reservations: z.array(z.string()).optional(),
  slots: z.number().int().optional(),
  waits_ended: z.array(z.string()).optional(),
  tasks_returned: z.array(z.string()).optional().describe('Claims given back to the pool (ready again).'),
});

/** Everything a leaving member's write gave up, by kind. */
export function released(events: readonly BatonEvent[], agent: string): z.infer<typeof releasedSchema> {
  const leases = ofType(events, 'lease.released').filter((e) => e.data.holder === agent);
  const out: z.infer<typeof releasedSchema> = {};
  const locks = leases.filter((e) => e.data.kind === 'lock').map((e) => e.data.resource);
  const reservations = leases.filter((e) => e.data.kind === 'files').map((e) => e.data.resource);
  const slots = leases.filter((e) => e.data.kind === 'slot').length;
  const waits = ofType(events, 'lease.wait_ended').filter((e) => e.data.holder === agent).map((e) => e.data.resource);
  const tasks = ofType(events, 'task.requeued').filter((e) => e.data.agent === agent).map((e) => e.subject);
  if (locks.length > 0) out.locks = locks;
  if (reservations.length > 0) out.reservations = reservations;
  if (slots > 0) out.slots = slots;
  if (waits.length > 0) out.waits_ended = waits;
  if (tasks.length > 0) out.tasks_returned = tasks;
  return out;
}
