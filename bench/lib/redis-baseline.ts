/**
 * @module The minimal Lua baseline on Redis: what apply-plan.lua writes for one
 * task claim, one completion, one lock grant and one release, each as its own
 * small script, called by EVALSHA once per operation from 64 callers on one
 * connection with auto-pipelining off (like the store's). As in Baton, this
 * process decides (which task, the fencing token, the event id) and builds the
 * JSON records; the scripts only write. Per task pair: the task record twice
 * (with its status and claim-expiry zsets), two events on the stream, one
 * request record (hash and purge index), the header counters and revision; per
 * lock pair: the lease hash and expiry zset, two events, the counters. Left out:
 * the revision check, the cross-project sweep indexes and the PUBLISH that
 * apply-plan.lua does once per batch.
 */
import { Redis } from 'ioredis';
import { runClosedLoop } from './closed-loop.js';
import type { Measurement } from './types.js';

const TTL_MS = 15 * 60_000;
/** Ready tasks per seeding script: a script blocks Redis while it runs, and others may share the server. */
const SEED_CHUNK = 10_000;

/** Seeds ready tasks `base-<from..to>` (record and status:ready). KEYS tasks ready; ARGV from to json-before-id json-between json-after-seq. */
const SEED = `
for i = tonumber(ARGV[1]), tonumber(ARGV[2]) do
  local n = string.format('%d', i)
  redis.call('HSET', KEYS[1], 'base-' .. n, ARGV[3] .. n .. ARGV[4] .. n .. ARGV[5])
  redis.call('ZADD', KEYS[2], i, 'base-' .. n)
end
return 0`;

/** KEYS meta tasks ready claimed claimExpiry events requests requestIndex; ARGV id seq task expiry event type json token field record now member. */
const CLAIM = `
if redis.call('HEXISTS', KEYS[7], ARGV[9]) == 1 then return 0 end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('ZADD', KEYS[4], ARGV[2], ARGV[1])
redis.call('ZADD', KEYS[5], ARGV[4], ARGV[1])
redis.call('XADD', KEYS[6], ARGV[5] .. '-0', 't', ARGV[6], 'e', ARGV[7])
redis.call('HSET', KEYS[7], ARGV[9], ARGV[10])
redis.call('ZADD', KEYS[8], ARGV[11], ARGV[12])
redis.call('HSET', KEYS[1], 'seq:token', ARGV[8], 'last', ARGV[5])
return redis.call('HINCRBY', KEYS[1], 'rev', 1)`;

/** KEYS meta tasks claimed done claimExpiry events; ARGV id seq task event type json. */
const COMPLETE = `
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('ZADD', KEYS[4], ARGV[2], ARGV[1])
redis.call('ZREM', KEYS[5], ARGV[1])
redis.call('XADD', KEYS[6], ARGV[4] .. '-0', 't', ARGV[5], 'e', ARGV[6])
redis.call('HSET', KEYS[1], 'last', ARGV[4])
return redis.call('HINCRBY', KEYS[1], 'rev', 1)`;

/** KEYS meta leases leaseExpiry events; ARGV id lease expiry event type json token. */
const GRANT = `
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then return 0 end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])
redis.call('XADD', KEYS[4], ARGV[4] .. '-0', 't', ARGV[5], 'e', ARGV[6])
redis.call('HSET', KEYS[1], 'seq:token', ARGV[7], 'last', ARGV[4])
return redis.call('HINCRBY', KEYS[1], 'rev', 1)`;

/** KEYS meta leases leaseExpiry events; ARGV id event type json. */
const RELEASE = `
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('XADD', KEYS[4], ARGV[2] .. '-0', 't', ARGV[3], 'e', ARGV[4])
redis.call('HSET', KEYS[1], 'last', ARGV[2])
return redis.call('HINCRBY', KEYS[1], 'rev', 1)`;

export interface RedisBaselineRun {
  workers: number;
  durationMs: number;
  warmupMs: number;
}

export interface RedisBaseline {
  /** Claim+complete pairs over the seeded ready tasks; stops early (and says so in `notes`) when they run out. */
  taskPairs(run: RedisBaselineRun, notes: string[]): Promise<Measurement>;
  /** Grant+release pairs, worker w on its own lock. */
  lockPairs(run: RedisBaselineRun): Promise<Measurement>;
  close(): void;
}

const eventJson = (type: string, actor: string, subject: string, data: unknown, at: number): string => JSON.stringify({ type, actor, subject, data, at });

/** Seeds `tasks` ready tasks under `prefix:baseline:` and returns the baseline on a fresh connection. */
export async function openRedisBaseline(url: string, prefix: string, tasks: number): Promise<RedisBaseline> {
  const client = new Redis(url, { enableAutoPipelining: false, maxRetriesPerRequest: 3 });
  const key = (name: string): string => `${prefix}:baseline:${name}`;
  const k = {
    meta: key('meta'), tasks: key('tasks'), ready: key('status:ready'), claimed: key('status:claimed'), done: key('status:done'), claimExpiry: key('taskClaimed'),
    events: key('events'), requests: key('requests'), requestIndex: key('requests-index'), leases: key('leases'), leaseExpiry: key('leaseExpiry'),
  };
  const now = Date.now();
  const taskOf = (seq: number, status: string, claim: unknown, attempts: number, at: number): Record<string, unknown> => ({
    project: 'baseline', id: `base-${seq}`, title: 'Baseline task', description: '', dependencies: [], priority: 0, labels: [], files: [], status, output: null,
    error: null, progress: null, attempts, claim, createdAt: now, updatedAt: at, seq,
  });
  try {
    await client.hset(k.meta, 'rev', 0, 'created', now, 'seq:token', 0, 'seq:ticket', 0, 'seq:task', tasks, 'last', 0, 'oldest', 1);
    // The record is cut around its id and seq, which the script puts in.
    const [beforeId = '', afterId = ''] = JSON.stringify(taskOf(0, 'ready', null, 0, now)).replace('"base-0"', '"#"').split('"#"');
    const [between = '', afterSeq = ''] = afterId.split('"seq":0');
    for (let from = 1; from <= tasks; from += SEED_CHUNK) {
      await client.eval(SEED, 2, k.tasks, k.ready, from, Math.min(tasks, from + SEED_CHUNK - 1), `${beforeId}"base-`, `"${between}"seq":`, afterSeq);
    }
  } catch (error) {
    client.disconnect();
    throw error;
  }
  const sha = async (lua: string): Promise<string> => (await client.script('LOAD', lua)) as string;
  const scripts = { claim: await sha(CLAIM), complete: await sha(COMPLETE), grant: await sha(GRANT), release: await sha(RELEASE) };

  let token = 0;
  let eventId = 0;
  let nextTask = 1;

  async function claimAndComplete(worker: number): Promise<boolean> {
    if (nextTask > tasks) return false;
    const seq = nextTask++;
    const id = `base-${seq}`;
    const agent = `agent-${worker}`;
    const at = Date.now();
    token++;
    const claim = { agent, token, claimedAt: at, expiresAt: at + TTL_MS, ttlMs: TTL_MS };
    const task = taskOf(seq, 'claimed', claim, 1, at);
    eventId++;
    const field = `${agent}\u0000claim-${seq}`;
    const record = JSON.stringify({ caller: agent, requestId: `claim-${seq}`, fingerprint: `claimTask:${seq}`, result: { claimed: true, task, token }, createdAt: at });
    await client.evalsha(scripts.claim, 8, k.meta, k.tasks, k.ready, k.claimed, k.claimExpiry, k.events, k.requests, k.requestIndex,
      id, seq, JSON.stringify(task), at + TTL_MS, eventId, 'task.claimed', eventJson('task.claimed', agent, id, { agent, token, attempts: 1 }, at), token, field, record, at, `baseline\u0000${field}`);
    const doneAt = Date.now();
    eventId++;
    await client.evalsha(scripts.complete, 6, k.meta, k.tasks, k.claimed, k.done, k.claimExpiry, k.events,
      id, seq, JSON.stringify(taskOf(seq, 'done', null, 1, doneAt)), eventId, 'task.completed', eventJson('task.completed', agent, id, { agent }, doneAt));
    return true;
  }

  async function grantAndRelease(worker: number): Promise<void> {
    const holder = `agent-${worker}`;
    const resource = `bench-${worker}`;
    const id = `lock:${resource}:${holder}`;
    const at = Date.now();
    token++;
    eventId++;
    const lease = { id, project: 'baseline', kind: 'lock', resource, paths: [], holder, mode: 'exclusive', limit: null, ttlMs: TTL_MS, reason: null, token, acquiredAt: at, expiresAt: at + TTL_MS };
    const granted = await client.evalsha(scripts.grant, 4, k.meta, k.leases, k.leaseExpiry, k.events,
      id, JSON.stringify(lease), at + TTL_MS, eventId, 'lease.acquired', eventJson('lease.acquired', holder, resource, { kind: 'lock', resource, holder, token, mode: 'exclusive', expires_at: at + TTL_MS, from_queue: false }, at), token);
    if (Number(granted) === 0) throw new Error(`baseline lock ${resource} was held`);
    eventId++;
    await client.evalsha(scripts.release, 4, k.meta, k.leases, k.leaseExpiry, k.events, id, eventId, 'lease.released', eventJson('lease.released', holder, resource, { kind: 'lock', resource, holder, token: lease.token }, Date.now()));
  }

  const measure = (name: string, run: RedisBaselineRun, op: (worker: number) => Promise<boolean>): Promise<Measurement> =>
    runClosedLoop({ name, unit: 'pair', workers: run.workers, durationMs: run.durationMs, warmupMs: run.warmupMs, cpu: { serverProcess: 'redis-server' }, op });

  return {
    async taskPairs(run, notes) {
      const name = `minimal Lua task pair, ${run.workers} callers`;
      const m = await measure(name, run, claimAndComplete);
      if (nextTask > tasks) notes.push(`${name}: the ${tasks} seeded tasks ran out; the rate is over the shorter time`);
      return m;
    },
    lockPairs: (run) => measure(`minimal Lua lock pair, ${run.workers} callers`, run, async (w) => {
      await grantAndRelease(w);
      return true;
    }),
    close: () => {
      client.disconnect();
    },
  };
}
