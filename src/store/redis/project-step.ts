/**
 * @module One project as one step sees it: the meta hash read first (its `rev`
 * and `last` event id are the revision the commit checks), the writes buffered as ops for commit.lua,
 * and overlays of the records written so far, so the step reads its own writes.
 * Nothing reaches Redis before the commit; a conflict discards the whole step.
 */
import type { Redis } from 'ioredis';
import type { BatonEvent } from '../../core/events/event.js';
import type { Lease, LeaseKind, Waiter } from '../../core/leases/lease.js';
import type { Member } from '../../core/presence/member.js';
import type { StateEntry } from '../../core/state/entry.js';
import type { Task } from '../../core/tasks/task.js';
import type { ProjectKeys, RedisKeys } from './keys.js';
import type { ScriptArg, Scripts } from './scripts.js';

export interface RedisContext {
  client: Redis;
  scripts: Scripts;
  keys: RedisKeys;
}

/** The project is held exclusively by another step (escalated after conflicts): wait and retry. */
export class ProjectBusy extends Error {
  constructor() {
    super('The project is held by another step.');
    this.name = 'ProjectBusy';
  }
}

export type CommitOutcome = 'committed' | 'conflict' | 'busy';

export const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Base rows merged with a step's overlay: overlay entries replace or delete rows by id. */
export function merge<T>(base: Iterable<[string, T]>, overlay: Iterable<[string, T | null]>, include: (row: T) => boolean = () => true): T[] {
  const rows = new Map(base);
  for (const [id, row] of overlay) {
    if (row === null || !include(row)) rows.delete(id);
    else rows.set(id, row);
  }
  return [...rows.values()];
}

/** How long an escalated step may hold its project before others may proceed. */
const LOCK_TTL_MS = 5_000;

export class ProjectStep {
  readonly keys: ProjectKeys;
  private metaLoad: Promise<void> | undefined;
  private meta: Record<string, string> = {};
  private readonly metaWrites = new Map<string, string>();
  private readonly ops: ScriptArg[] = [];
  private readonly opKeys = new Map<string, number>();
  /** Read calls made, and whether a decision used the meta: one read of either kind needs no validation. */
  reads = 0;
  private usedMeta = false;
  /** Set by ensureProject: create the project at this time unless it exists (decided at commit). */
  private createAt: number | undefined;

  // Overlays: records written by this step (null = deleted).
  readonly members = new Map<string, Member>();
  readonly leases = new Map<string, { kind: LeaseKind; lease: Lease | null }>();
  readonly seenLeases = new Map<string, Lease>();
  readonly waiters = new Map<number, { kind: LeaseKind; waiter: Waiter | null }>();
  readonly seenWaiters = new Map<number, Waiter>();
  readonly tasks = new Map<string, Task>();
  /** Keyed `scope\0key`. */
  readonly state = new Map<string, StateEntry | null>();
  readonly clearedScopes = new Set<string>();
  readonly requests = new Map<string, unknown>();

  // Read caches: a step that looks records up one by one loads a small hash whole instead.
  memberCache: Map<string, Member> | undefined;
  memberLookups = 0;
  taskCache: Map<string, Task> | undefined;
  taskLookups = 0;
  /** Task count seen on the second lookup; the third loads them all when this is small. */
  taskCount: number | undefined;
  readonly events: BatonEvent[] = [];

  private readonly ctx: RedisContext;
  readonly project: string;
  /** Lock owner when this step holds the project exclusively, else ''. */
  private readonly owner: string;

  /** Whether this step may commit; a read-only step skips the meta in its reads. */
  private readonly writable: boolean;

  constructor(ctx: RedisContext, project: string, writable: boolean, owner: string) {
    this.ctx = ctx;
    this.project = project;
    this.writable = writable;
    this.owner = owner;
    this.keys = ctx.keys.project(project);
  }

  /** Loads the meta hash once: the first command this step sends for the project. */
  loadMeta(): Promise<void> {
    this.metaLoad ??= (async () => {
      const { client } = this.ctx;
      const locking = this.owner ? client.set(this.keys.lock, this.owner, 'PX', LOCK_TTL_MS, 'NX') : undefined;
      const [taken, meta] = await Promise.all([locking, client.hgetall(this.keys.meta)]);
      if (locking && taken !== 'OK') throw new ProjectBusy();
      this.meta = meta;
    })();
    return this.metaLoad;
  }

  /** Sends `command` right after the meta load (same connection, so in that order) and awaits both. */
  async read<T>(command: () => Promise<T>): Promise<T> {
    if (!this.writable) return command();
    this.reads++;
    const [, value] = await Promise.all([this.loadMeta(), command()]);
    return value;
  }

  /** A meta field as this step sees it (its own writes first). Call after loadMeta. */
  metaField(field: string): string | undefined {
    this.usedMeta = true;
    return this.metaWrites.get(field) ?? this.meta[field];
  }

  setMeta(field: string, value: string | number): void {
    this.metaWrites.set(field, String(value));
  }

  exists(): boolean {
    return this.metaField('created') !== undefined || this.createAt !== undefined;
  }

  /**
   * Creates the project with this step unless it exists. Sends the meta load
   * without waiting for it, so the step's first read goes in the same round trip.
   */
  ensure(now: number): void {
    this.loadMeta().catch(() => undefined);
    this.createAt ??= now;
  }

  /** Index of `key` in the KEYS of commit.lua. */
  private keyIndex(key: string): number {
    if (key === this.keys.meta) return 1;
    if (key === this.keys.lock) return 2;
    const task = this.keys.tasks.indexOf(key);
    if (task >= 0) return 3 + task;
    let index = this.opKeys.get(key);
    if (index === undefined) {
      index = 3 + this.keys.tasks.length + this.opKeys.size;
      this.opKeys.set(key, index);
    }
    return index;
  }

  /** Buffers one op of commit.lua; `{ key }` arguments become indexes into its KEYS. */
  op(name: string, ...args: (ScriptArg | { key: string })[]): void {
    this.ops.push(name, ...args.map((a) => (typeof a === 'object' ? this.keyIndex(a.key) : a)));
  }

  get hasWrites(): boolean {
    return this.ops.length > 0 || this.metaWrites.size > 0;
  }

  /**
   * Commits the buffered writes if the project is unchanged since loadMeta. With
   * no writes (or `validateOnly`, for a step that failed), only checks that, when
   * the step read more than once, and frees the project lock if it held it.
   */
  async commit(validateOnly = false): Promise<CommitOutcome> {
    if (!this.metaLoad) return 'committed';
    try {
      await this.metaLoad;
    } catch (error) {
      if (error instanceof ProjectBusy) return 'busy';
      throw error;
    }
    const creates = this.createAt !== undefined && !('created' in this.meta);
    if (creates && !this.metaWrites.has('created')) this.setMeta('created', this.createAt ?? 0);
    const writes = !validateOnly && this.hasWrites;
    if (!writes && this.reads + (this.usedMeta ? 1 : 0) <= 1 && !this.owner) return 'committed';
    const { client, scripts, keys } = this.ctx;
    if (creates && writes) await client.sadd(keys.projects, this.project);
    const ops: ScriptArg[] = [];
    if (writes) {
      ops.push(...this.ops);
      for (const [field, value] of this.metaWrites) ops.push('hset', 1, field, value);
    }
    const allKeys = [this.keys.meta, this.keys.lock, ...this.keys.tasks, ...(writes ? this.opKeys.keys() : [])];
    const reply = await scripts.commit(allKeys, [this.meta['rev'] ?? '0', this.meta['last'] ?? '0', this.owner, ...ops]);
    return reply === 1 ? 'committed' : reply === 0 ? 'conflict' : 'busy';
  }

  validate(): Promise<CommitOutcome> {
    return this.commit(true);
  }
}
