/**
 * @module A plan as the arguments of apply-plan.lua: the header after the plan,
 * then one op per write (HSET/HDEL/ZADD/ZREM on keys by index), with the index
 * zsets each row kind keeps written beside its record. Records are JSON.
 */
import type { Plan } from '../step/plan.js';
import { requestKey } from '../step/tables.js';
import { PROJECT_KEY_ORDER, type ProjectKeyName, type RedisKeys } from './keys.js';
import type { ScriptArg } from './scripts.js';

/** KEYS index (1-based) of a project key: the global keys come first. */
const GLOBAL_KEYS = 5;
const K = Object.fromEntries(PROJECT_KEY_ORDER.map((name, i) => [name, GLOBAL_KEYS + 1 + i])) as Record<ProjectKeyName, number>;

/** Stream entry ids and zset scores are integers; JSON keeps them exact. */
const json = (value: unknown): string => JSON.stringify(value);

export function encodePlan(plan: Plan, keys: RedisKeys, owner: string, encodedProject: string): { keys: string[]; args: ScriptArg[] } {
  const h = plan.header;
  const args: ScriptArg[] = [
    plan.project, plan.creates ? 'new' : String(plan.base.rev), owner, keys.channel,
    h.createdAt, h.token, h.ticket, h.taskSeq, h.lastEventId, h.oldestEventId, plan.trimBelow,
  ];
  const op = (...parts: ScriptArg[]): void => {
    args.push(...parts);
  };
  for (const [id, m] of plan.changes.member) {
    if (!m) throw new Error('A plan deleted a member, which the Redis engine never deletes.');
    op('H', K.members, id, json(m));
    if (m.endReason === null) op('Z', K.memberBeats, m.lastHeartbeat, id);
    else op('R', K.memberBeats, id);
  }
  for (const [id, l] of plan.changes.lease) {
    if (l) op('H', K.leases, id, json(l), 'Z', K.leaseExpiry, l.expiresAt, id);
    else op('D', K.leases, id, 'R', K.leaseExpiry, id);
  }
  for (const [ticket, w] of plan.changes.waiter) {
    if (w) op('H', K.waiters, ticket, json(w), 'Z', K.waiterDeadlines, w.deadline, ticket);
    else op('D', K.waiters, ticket, 'R', K.waiterDeadlines, ticket);
  }
  for (const [id, t] of plan.changes.task) {
    if (!t) throw new Error('A plan deleted a task, which the Redis engine never deletes.');
    op('H', K.tasks, id, json(t), 'T', id, 'Z', K[`status:${t.status}`], t.seq, id);
    if (t.status === 'claimed' && t.claim) op('Z', K.taskClaimed, t.claim.expiresAt, id);
    else op('R', K.taskClaimed, id);
    // A task numbered by this plan is new: its place in age order and its dependency edges are written once, with it.
    if (t.seq > plan.base.taskSeq) {
      op('Z', K.taskSeq, t.seq, id);
      for (const dep of t.dependencies) op('Z', K.taskDeps, 0, `${dep}\u0000${id}`);
    }
  }
  for (const [key, e] of plan.changes.state) {
    if (e) {
      op('H', K.state, key, json(e), 'Z', K.stateKeys, 0, key);
      if (e.expiresAt !== null) op('Z', K.stateExpiry, e.expiresAt, key);
      else op('R', K.stateExpiry, key);
    } else {
      op('D', K.state, key, 'R', K.stateKeys, key, 'R', K.stateExpiry, key);
    }
  }
  for (const [, r] of plan.changes.request) {
    if (!r) continue;
    const field = requestKey(r.caller, r.requestId);
    op('Q', field, json(r), r.createdAt, `${encodedProject}\u0000${field}`);
  }
  for (const [key, d] of plan.changes.doc) {
    if (d) op('P', key, d.kind, d.id, d.owner ?? '', d.status, d.expiresAt ?? '', d.sort, json(d));
    else op('X', key);
  }
  for (const e of plan.events) op('E', e.id, e.type, json({ type: e.type, actor: e.actor, subject: e.subject, data: e.data, at: e.at }));
  return { keys: [...keys.globalOrdered, ...keys.project(plan.project).ordered], args };
}
