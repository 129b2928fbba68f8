/**
 * @module A page of tasks in insertion order for engines whose queries filter by
 * status but not by label: chunks after the cursor are read until the page is full
 * of tasks carrying every asked label, or the project has no more.
 */
import type { Task } from '../core/tasks/task.js';
import type { TaskQuery } from './store.js';

const hasLabels = (labels: readonly string[] | undefined) => (t: Task): boolean => !labels || labels.every((l) => t.labels.includes(l));

/** Chunks are larger than the page when labels thin them out. */
const chunkOf = (query: TaskQuery): number => (query.labels && query.labels.length > 0 ? Math.max(4 * query.limit, 200) : query.limit);

export async function labelledPage(query: TaskQuery, fetch: (afterSeq: number, limit: number) => Promise<Task[]>): Promise<Task[]> {
  const out: Task[] = [];
  const chunk = chunkOf(query);
  for (let after = query.afterSeq ?? 0; out.length < query.limit; ) {
    const rows = await fetch(after, chunk);
    out.push(...rows.filter(hasLabels(query.labels)));
    const last = rows.at(-1);
    if (!last || rows.length < chunk) break;
    after = last.seq;
  }
  return out.slice(0, query.limit);
}
