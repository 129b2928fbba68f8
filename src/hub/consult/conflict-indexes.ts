/**
 * @module Feeds the conflict index (core/consult/conflict-index.ts) of each
 * project in this coordinator process. The index is filled only from what an
 * announce step read inside the store (its complete read on a cold start, or
 * the agents it re-read), folded in after that step committed; the event bus
 * then says whose work changed since, so the next step re-reads only those
 * agents (and presence rows the index cannot vouch for, heartbeats being no events). Every process sees every event of a project in order (the bus), so
 * every process converges; the step also reads the log between what this
 * process has seen and its own position, so an event not yet delivered here is
 * never missed (intent-steps.ts explains why the verdict is exact).
 */
import type { EventBus } from '../../bus/event-bus.js';
import { agentsTouched, ConflictIndex } from '../../core/consult/conflict-index.js';
import type { IndexHandle, IndexObservation, IndexSnapshot } from '../../store/consult-port.js';

interface ProjectIndex {
  index: ConflictIndex;
  /** Every event up to this id is accounted for: the index is right for its agents, or they are dirty. */
  seenThrough: number;
  /** Agents whose work changed after the index last had them, with the id of the newest such event. */
  dirty: Map<string, number>;
}


/** A handle for one announce: commit() folds in what its step read, once the step is durable. */
export interface AnnounceIndex extends IndexHandle {
  commit(): void;
}

export interface ConflictIndexes {
  forAnnounce(project: string): AnnounceIndex;
  /** Forgets a project's index (the next announce reads everything again). */
  drop(project: string): void;
}

/** Projects whose index is kept; the least recently used beyond this is forgotten. */
const MAX_PROJECTS = 200;

export function createConflictIndexes(bus: EventBus): ConflictIndexes {
  const projects = new Map<string, ProjectIndex>();

  bus.subscribe('*', (e) => {
    const p = projects.get(e.project);
    if (!p || e.id <= p.seenThrough) return;
    const touched = agentsTouched(e, p.index);
    if (touched === 'all') {
      projects.delete(e.project);
      return;
    }
    for (const agent of touched) p.dirty.set(agent, e.id);
    // Only an unbroken run of events moves the mark; after a gap the step reads the rest from the log.
    if (e.id === p.seenThrough + 1) p.seenThrough = e.id;
  });

  function fold(project: string, o: IndexObservation): void {
    const p = projects.get(project);
    if (o.complete) {
      const dirty = new Map([...(p?.dirty ?? [])].filter(([, mark]) => mark > o.at));
      projects.delete(project);
      if (projects.size >= MAX_PROJECTS) projects.delete(projects.keys().next().value as string);
      const index = ConflictIndex.of(o.work);
      for (const [id, m] of o.members) index.setMember(id, m);
      projects.set(project, { index, seenThrough: Math.max(o.at, p?.seenThrough ?? 0), dirty });
      return;
    }
    // The index was dropped meanwhile (an unknown event): a partial read cannot rebuild it.
    if (!p) return;
    // An agent changed again after the step's position stays dirty: what the step read is already old.
    const current = (agent: string): boolean => (p.dirty.get(agent) ?? 0) <= o.at;
    for (const [id, m] of o.members) if (current(id)) p.index.setMember(id, m);
    for (const [agent, work] of o.work) {
      if (!current(agent)) continue;
      p.index.set(agent, work);
      p.dirty.delete(agent);
    }
    p.seenThrough = Math.max(p.seenThrough, o.at);
  }

  return {
    forAnnounce(project) {
      let last: IndexObservation | undefined;
      return {
        snapshot(): IndexSnapshot | null {
          const p = projects.get(project);
          return p ? { index: p.index, seenThrough: p.seenThrough, dirty: new Set(p.dirty.keys()) } : null;
        },
        observed(seen) {
          // A step may run more than once (an optimistic retry); only its last run committed.
          last = seen;
        },
        commit() {
          if (last) fold(project, last);
          last = undefined;
        },
      };
    },
    drop(project) {
      projects.delete(project);
    },
  };
}
