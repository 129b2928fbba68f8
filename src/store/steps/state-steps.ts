/**
 * @module Shared-state steps: put with compare-and-set and TTL, delete a key or
 * a scope. Expired entries read as absent.
 */
import { CoordinationError } from '../../core/errors.js';
import { event } from '../../core/events/event.js';
import type { StateEntry } from '../../core/state/entry.js';
import type { PutStateInput } from '../store.js';
import { read, type StepGen } from '../step/reads.js';
import type { StepContext } from '../step/runner.js';
import { stateKey } from '../step/tables.js';

const isLiveEntry = (entry: StateEntry | null, now: number): entry is StateEntry => entry !== null && (entry.expiresAt === null || entry.expiresAt > now);

function* liveEntry(s: StepContext, scope: string, key: string): StepGen<StateEntry | null> {
  const entry = yield* read({ t: 'state', scope, key });
  return isLiveEntry(entry, s.now) ? entry : null;
}

export function* putState(s: StepContext, input: PutStateInput): StepGen<StateEntry> {
  const current = yield* liveEntry(s, input.scope, input.key);
  if (input.ifVersion !== undefined && (current?.version ?? 0) !== input.ifVersion) {
    throw new CoordinationError(
      'VERSION_CONFLICT',
      `${input.scope}/${input.key} is at version ${current?.version ?? 0} (absent is 0), not ${input.ifVersion}.`,
      { scope: input.scope, key: input.key, current_version: current?.version ?? 0 },
    );
  }
  const entry: StateEntry = {
    project: s.project,
    scope: input.scope,
    key: input.key,
    value: input.value,
    version: (current?.version ?? 0) + 1,
    updatedAt: s.now,
    updatedBy: input.actor,
    expiresAt: input.ttlMs === undefined ? null : s.now + input.ttlMs,
  };
  s.put('state', entry);
  s.emit(event('state.stored', input.actor, `${input.scope}/${input.key}`, { scope: input.scope, key: input.key, version: entry.version }));
  return entry;
}

export function* deleteState(s: StepContext, scope: string, key: string, actor: string | null): StepGen<boolean> {
  const existing = yield* read({ t: 'state', scope, key });
  if (existing) s.remove('state', stateKey(scope, key));
  const existed = isLiveEntry(existing, s.now);
  if (existed) s.emit(event('state.deleted', actor, `${scope}/${key}`, { scope, key }));
  return existed;
}

export function* deleteScope(s: StepContext, scope: string, actor: string | null): StepGen<number> {
  const entries = yield* read({ t: 'scope', scope });
  for (const e of entries) s.remove('state', stateKey(e.scope, e.key));
  if (entries.length > 0) s.emit(event('state.scope_deleted', actor, scope, { scope, keys: entries.length }));
  return entries.length;
}

export function* deleteExpiredState(s: StepContext): StepGen<number> {
  const expired = yield* read({ t: 'expiredState', now: s.now });
  for (const entry of expired) {
    s.remove('state', stateKey(entry.scope, entry.key));
    s.emit(event('state.deleted', null, `${entry.scope}/${entry.key}`, { scope: entry.scope, key: entry.key }));
  }
  return expired.length;
}
