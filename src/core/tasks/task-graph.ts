/**
 * @module The task DAG rules: a batch of new tasks is checked against the existing
 * graph (unknown dependencies, duplicate ids, cycles), and a task is ready once
 * every dependency is done. Dependencies are fixed when a task is added, so a
 * cycle can only form inside one batch.
 */
import { CoordinationError, invalidInput } from '../errors.js';
import type { NewTask, Task, TaskStatus } from './task.js';

/**
 * Validates a batch and returns it in dependency order (dependencies first).
 * `existing` maps the ids already in the project to their status.
 */
export function orderBatch(batch: NewTask[], existing: ReadonlyMap<string, TaskStatus>): NewTask[] {
  const byId = new Map<string, NewTask>();
  for (const task of batch) {
    if (byId.has(task.id) || existing.has(task.id)) {
      throw new CoordinationError('ALREADY_EXISTS', `Task '${task.id}' already exists.`, { task_id: task.id });
    }
    byId.set(task.id, task);
  }
  for (const task of batch) {
    for (const dep of task.dependencies) {
      if (!byId.has(dep) && !existing.has(dep)) {
        // The missing task leads: the one depending on it may carry an id the caller never saw (generated), so it is a detail.
        throw invalidInput(`Task '${dep}' does not exist: add it first (or in the same batch), or take it out of the dependencies.`, { field: 'dependencies', dependency: dep, task_id: task.id });
      }
    }
  }
  const ordered: NewTask[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (task: NewTask, path: string[]): void => {
    const seen = state.get(task.id);
    if (seen === 'done') return;
    if (seen === 'visiting') {
      const cycle = [...path.slice(path.indexOf(task.id)), task.id];
      throw new CoordinationError('TASK_CYCLE', `These dependencies form a cycle: ${cycle.join(' → ')}.`, { cycle });
    }
    state.set(task.id, 'visiting');
    for (const dep of task.dependencies) {
      const inBatch = byId.get(dep);
      if (inBatch) visit(inBatch, [...path, task.id]);
    }
    state.set(task.id, 'done');
    ordered.push(task);
  };
  for (const task of batch) visit(task, []);
  return ordered;
}

/** `ready` when every dependency is done, else `pending`. */
export function initialStatus(dependencies: string[], statusOf: (id: string) => TaskStatus | undefined): TaskStatus {
  return dependencies.every((dep) => statusOf(dep) === 'done') ? 'ready' : 'pending';
}

/** Orders ready tasks for "the best task for me": priority first, then age. */
export function compareForClaim(a: Pick<Task, 'priority' | 'seq'>, b: Pick<Task, 'priority' | 'seq'>): number {
  return b.priority - a.priority || a.seq - b.seq;
}
