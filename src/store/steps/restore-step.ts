/**
 * @module The restore step: writes a backup snapshot into its project as one
 * atomic step, written once for every engine. The counters end at least at the
 * snapshot's and the project's own, so a fencing token, a waiter ticket or a task
 * number is never handed out twice, whatever the order of backups and restores.
 */
import { CoordinationError } from '../../core/errors.js';
import type { Task } from '../../core/tasks/task.js';
import type { ProjectSnapshot, RestoreOptions, RestoreResult } from '../store.js';
import { read, type StepGen } from '../step/reads.js';
import type { StepContext } from '../step/runner.js';
import { KEY_OF } from '../step/tables.js';

/** Whether the project holds anything: a header that ever advanced, or members. */
function* projectInUse(s: StepContext): StepGen<boolean> {
  const h = s.header;
  if (h.rev > 0 || h.lastEventId > 0 || h.token > 0 || h.ticket > 0 || h.taskSeq > 0) return true;
  return (yield* read({ t: 'members' })).length > 0;
}

export function* restoreProject(s: StepContext, snapshot: ProjectSnapshot, options: RestoreOptions): StepGen<RestoreResult> {
  if (!options.merge && (yield* projectInUse(s))) {
    throw new CoordinationError('ALREADY_EXISTS', `Project '${s.project}' already holds data; restore refuses to overwrite it.`, { project: s.project });
  }
  // A restore replaces the project's leases and queued waits: holders in the backup are the ones that count.
  for (const lease of yield* read({ t: 'leases' })) s.remove('lease', KEY_OF.lease(lease));
  for (const waiter of yield* read({ t: 'waiters' })) s.remove('waiter', KEY_OF.waiter(waiter));

  for (const member of snapshot.members) s.put('member', { ...member, project: s.project });
  for (const lease of snapshot.leases) s.put('lease', { ...lease, project: s.project });

  let state = 0;
  for (const entry of snapshot.state) {
    // A version never goes backwards either: a compare-and-set against an older read must still fail.
    const current = yield* read({ t: 'state', scope: entry.scope, key: entry.key });
    s.put('state', { ...entry, project: s.project, version: current ? Math.max(entry.version, current.version + 1) : entry.version });
    state++;
  }

  const fresh: Task[] = [];
  let kept = 0;
  for (const task of snapshot.tasks) {
    if (yield* read({ t: 'task', id: task.id })) kept++;
    else fresh.push(task);
  }
  // Engines index a task (age order, dependency edges) when its number is above the project's:
  // new tasks keep their numbers when they already are, else follow the project's, in the same order.
  const base = s.header.taskSeq;
  const ordered = [...fresh].sort((a, b) => a.seq - b.seq);
  const renumber = ordered.length > 0 && (ordered[0]?.seq ?? 0) <= base;
  ordered.forEach((task, i) => {
    s.put('task', { ...task, project: s.project, seq: renumber ? base + i + 1 : task.seq });
  });
  const highestSeq = ordered.reduce((max, t, i) => Math.max(max, renumber ? base + i + 1 : t.seq), 0);

  // Counters at least the snapshot's, and at least every token and ticket the snapshot's rows carry.
  const highestToken = [...snapshot.leases.map((l) => l.token), ...snapshot.tasks.map((t) => t.claim?.token ?? 0)].reduce((max, t) => Math.max(max, t), 0);
  s.raise('token', Math.max(snapshot.counters.token, highestToken));
  s.raise('ticket', snapshot.counters.ticket);
  s.raise('taskSeq', Math.max(renumber ? 0 : snapshot.counters.taskSeq, highestSeq));

  // Consultation records keep their ids; merging overwrites the project's doc of the same id.
  for (const doc of snapshot.docs) s.put('doc', doc);

  const events = s.appendRestored([...snapshot.events].sort((a, b) => a.id - b.id));
  return {
    project: s.project,
    members: snapshot.members.length,
    leases: snapshot.leases.length,
    tasks: fresh.length,
    tasksKept: kept,
    state,
    events,
    docs: snapshot.docs.length,
    counters: { token: s.header.token, ticket: s.header.ticket, taskSeq: s.header.taskSeq, lastEventId: s.header.lastEventId, oldestEventId: s.header.oldestEventId },
  };
}
