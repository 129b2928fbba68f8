/**
 * @module The ready tasks of one project, kept in claim order (core's
 * compareForClaim: priority, then age), with upsert and removal by id, so the
 * best ready task is found without a query.
 */
import type { Task } from '../../core/tasks/task.js';
import { compareForClaim } from '../../core/tasks/task-graph.js';

export class ReadyQueue {
  private readonly byId = new Map<string, Task>();
  private readonly ordered: Task[] = [];

  constructor(tasks: Iterable<Task>) {
    for (const task of tasks) this.upsert(task);
  }

  /** Index of the first task that does not sort before `task`. */
  private position(task: Task): number {
    let lo = 0;
    let hi = this.ordered.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareForClaim(this.ordered[mid] as Task, task) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  remove(id: string): void {
    const current = this.byId.get(id);
    if (!current) return;
    this.byId.delete(id);
    let i = this.position(current);
    while (i < this.ordered.length && this.ordered[i]?.id !== id) i++;
    this.ordered.splice(i, 1);
  }

  /** Adds or replaces a ready task. */
  upsert(task: Task): void {
    this.remove(task.id);
    this.byId.set(task.id, task);
    this.ordered.splice(this.position(task), 0, task);
  }

  top(limit: number): Task[] {
    return this.ordered.slice(0, limit);
  }
}
