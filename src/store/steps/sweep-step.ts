/**
 * @module The sweep of one project, as one step: expire leases and waits (handing
 * freed leases to waiters), requeue lapsed claims, abandon silent members, delete
 * expired state and trim the event log to its retention.
 */
import type { LeaseKind } from '../../core/leases/lease.js';
import { isLive } from '../../core/leases/lease.js';
import type { SweepPolicy, SweepResult } from '../store.js';
import { read, type StepGen } from '../step/reads.js';
import type { StepContext } from '../step/runner.js';
import { settle } from './lease-steps.js';
import { endMember } from './member-steps.js';
import { deleteExpiredState } from './state-steps.js';
import { sweepDocs } from './consult/sweep-docs.js';
import { requeueLapsedClaims } from './task-steps.js';

export type ProjectSweep = Omit<SweepResult, 'events'>;

const KINDS: readonly LeaseKind[] = ['lock', 'files', 'slot'];

export function* sweepProject(s: StepContext, policy: SweepPolicy): StepGen<ProjectSweep> {
  let expiredLeases = 0;
  for (const kind of KINDS) {
    expiredLeases += (yield* read({ t: 'leases', kind })).filter((l) => !isLive(l, s.now)).length;
    yield* settle(s, kind);
  }
  const requeuedTasks = yield* requeueLapsedClaims(s);
  // deriveStatus calls a member abandoned from exactly unresponsiveMs of silence; `before` is exclusive.
  const silent = yield* read({ t: 'silentMembers', before: s.now - policy.thresholds.unresponsiveMs + 1 });
  for (const member of silent) yield* endMember(s, member, 'abandoned');
  const expiredState = yield* deleteExpiredState(s);
  const dueDocs = yield* sweepDocs(s);
  const trimmedEvents = s.trimEvents(policy.eventRetention);
  return { expiredLeases, requeuedTasks, abandonedMembers: silent.length, expiredState, dueDocs, trimmedEvents };
}
