/**
 * @module The hot paths as single Lua scripts: claim a task, update or complete
 * it, and acquire or release a lock or slot that nothing else touches. Each
 * script decides only the cases it decides exactly like the shared step (same
 * result, same events) and answers 'fallback' otherwise; calls with a request id
 * always take the shared step, which records the answer for replays.
 */
import type { BatonEvent } from '../../core/events/event.js';
import { leaseId, type Lease } from '../../core/leases/lease.js';
import type { AcquireResult, ClaimTaskResult, Store, Written } from '../store.js';
import { translateRedisError } from './connection.js';
import { canonicalLockName, leaseNameMember, type ProjectKeys } from './keys.js';
import type { RedisContext } from './project-step.js';
import { decodeEvent, decodeTask, parseJson } from './records.js';
import type { ScriptArg, ScriptName, ScriptReply } from './scripts.js';

const taskScriptKeys = (k: ProjectKeys): string[] => [k.meta, k.lock, k.events, ...k.tasks];
const json = (value: unknown): string => JSON.stringify(value ?? null);
const isInt = (...values: number[]): boolean => values.every((v) => Number.isSafeInteger(v));

/** Reads `{event id, JSON}` pairs from `reply`, starting at `from`. */
function eventsOf(project: string, reply: ScriptReply[], from: number): BatonEvent[] {
  const events: BatonEvent[] = [];
  for (let i = from; i + 1 < reply.length; i += 2) events.push(decodeEvent(project, Number(reply[i]), String(reply[i + 1])));
  return events;
}

export function withFastPaths(store: Store, ctx: RedisContext): Store {
  const run = async (name: ScriptName, keys: readonly string[], args: readonly ScriptArg[]): Promise<ScriptReply[]> => {
    try {
      return (await ctx.scripts[name](keys, args)) as ScriptReply[];
    } catch (error) {
      throw translateRedisError(error);
    }
  };

  return {
    ...store,

    async claimTask(mctx, input): Promise<Written<ClaimTaskResult>> {
      if (mctx.requestId !== undefined || !isInt(mctx.now, input.ttlMs)) return store.claimTask(mctx, input);
      const { project } = mctx;
      const reply = await run('claim-task', taskScriptKeys(ctx.keys.project(project)), [mctx.now, json(input.agent), input.ttlMs, input.taskId ?? '', ...(input.labels ?? [])]);
      const [verdict, id, record] = reply.map(String);
      switch (verdict) {
        case 'none_ready':
          return { result: { ok: false, reason: 'none_ready', task: null }, events: [] };
        case 'claimed':
        case 'not_ready':
          return { result: { ok: false, reason: verdict, task: decodeTask(project, id ?? '', record ?? '') }, events: [] };
        case 'ok':
          return { result: { ok: true, task: decodeTask(project, id ?? '', record ?? '') }, events: eventsOf(project, reply, 3) };
        case 'fallback':
        case undefined:
        default:
          return store.claimTask(mctx, input);
      }
    },

    async updateTask(mctx, input) {
      if (mctx.requestId !== undefined || !isInt(mctx.now, input.token)) return store.updateTask(mctx, input);
      const { project } = mctx;
      const reply = await run('update-task', taskScriptKeys(ctx.keys.project(project)), [
        mctx.now,
        input.taskId,
        input.agent,
        json(input.agent),
        input.token,
        input.status ?? '',
        input.renew ? '1' : '0',
        input.output === undefined ? '' : json(input.output),
        input.error === undefined ? '' : json(input.error),
        input.progress === undefined ? '' : json(input.progress),
      ]);
      if (reply[0] !== 'ok') return store.updateTask(mctx, input);
      return { result: decodeTask(project, input.taskId, String(reply[1])), events: eventsOf(project, reply, 2) };
    },

    async acquireLease(mctx, input): Promise<Written<AcquireResult>> {
      const { request } = input;
      if (mctx.requestId !== undefined || request.kind === 'files' || !isInt(mctx.now, request.ttlMs)) return store.acquireLease(mctx, input);
      const { project, now } = mctx;
      const k = ctx.keys.project(project);
      const lease: Lease = { ...request, id: leaseId(request), project, token: 0, acquiredAt: now, expiresAt: now + request.ttlMs };
      const { token: _token, ...untokened } = lease;
      const data = { kind: lease.kind, resource: lease.resource, holder: lease.holder, mode: lease.mode, expires_at: lease.expiresAt, from_queue: false };
      const head = `{"type":"lease.acquired","actor":${json(request.holder)},"subject":${json(request.resource)},"at":${now},"data":{"token":`;
      const name = canonicalLockName(request.resource);
      const segments = name.split(':');
      const ancestors = segments.slice(1).map((_, i) => segments.slice(0, i + 1).join(':'));
      const reply = await run('acquire-lease', [k.meta, k.lock, k.events, k.leases[request.kind], k.leaseExpiry[request.kind], k.waiters[request.kind], k.leaseNames[request.kind]], [
        now,
        lease.id,
        lease.expiresAt,
        `,${JSON.stringify(untokened).slice(1)}`,
        head,
        `,${JSON.stringify(data).slice(1)}}`,
        leaseNameMember(request.resource, request.holder),
        name,
        ...ancestors,
      ]);
      if (reply[0] !== 'ok') return store.acquireLease(mctx, input);
      const token = Number(reply[1]);
      const event = { type: 'lease.acquired', actor: request.holder, subject: request.resource, data: { ...data, token }, project, id: Number(reply[2]), at: now } as BatonEvent;
      return { result: { ok: true, lease: { ...lease, token }, renewed: false, broken: [] }, events: [event] };
    },

    async releaseLease(mctx, ref) {
      if (mctx.requestId !== undefined || ref.kind === 'files' || (ref.token !== undefined && !Number.isSafeInteger(ref.token))) return store.releaseLease(mctx, ref);
      const { project, now } = mctx;
      const k = ctx.keys.project(project);
      const head = `{"type":"lease.released","actor":${json(ref.holder)},"subject":${json(ref.resource)},"at":${now},"data":${JSON.stringify({ kind: ref.kind, resource: ref.resource, holder: ref.holder }).slice(0, -1)},"token":`;
      const reply = await run('release-lease', [k.meta, k.lock, k.events, k.leases[ref.kind], k.leaseExpiry[ref.kind], k.waiters[ref.kind], k.leaseNames[ref.kind]], [
        now,
        leaseId(ref),
        ref.resource,
        ref.holder,
        ref.token ?? '',
        head,
        '}}',
        leaseNameMember(ref.resource, ref.holder),
      ]);
      if (reply[0] !== 'ok') return store.releaseLease(mctx, ref);
      return { result: parseJson<Lease>(String(reply[1])), events: [decodeEvent(project, Number(reply[2]), String(reply[3]))] };
    },
  };
}
