/**
 * @module A unit of work: one transaction's repository, project and time, and the
 * events it appended (handed to the bus after commit).
 */
import type { BatonEvent, NewEvent } from '../../../core/events/event.js';
import type { Repository } from '../repository.js';

export interface Unit {
  readonly tx: Repository;
  readonly project: string;
  readonly now: number;
  readonly events: BatonEvent[];
  emit(event: NewEvent): Promise<void>;
}

export function createUnit(tx: Repository, project: string, now: number): Unit {
  const events: BatonEvent[] = [];
  return {
    tx,
    project,
    now,
    events,
    async emit(event) {
      events.push(await tx.appendEvent(project, now, event));
    },
  };
}
