/**
 * @module The audit log: every mutating call and every refused authentication,
 * with who (token name, agent), what (command, key inputs, result code), when and
 * from where. Entries are appended to the ordered log of a project no call can
 * name, so they share the log's durability, ordering and retention on every
 * engine, and admins read them back through the admin routes.
 *
 * Tamper evidence: each coordinator process writes its own hash chain (entry n
 * carries the hash of entry n-1 of the same chain and its own hash over both), so
 * processes never wait on each other to append. `verify` recomputes every chain:
 * an edited entry breaks its hash, a removed one breaks the next link. The oldest
 * retained entry of a chain anchors it (retention trims the log's head).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { BatonEvent } from '../../core/events/event.js';
import type { MutationContext, Store } from '../../store/store.js';

/** The project holding audit entries; unreachable by any call (see PROJECT_ID in hub.ts). */
const AUDIT_PROJECT = '_audit';
const TOPIC = 'audit';
/** Entries are written in the background within this time, so a call never waits on its audit record. */
const FLUSH_MS = 50;
/** Inputs kept in an entry: names and ids, never values or payloads. */
const KEY_INPUTS = ['project', 'agent_id', 'name', 'names', 'task_id', 'scope', 'key', 'paths', 'service_id', 'status', 'id', 'topic'];

export interface AuditFacts {
  /** A command, or `auth.refused`, or an admin action such as `token.create`. */
  action: string;
  project?: string | undefined;
  token?: string | undefined;
  agent?: string | undefined;
  from?: string | undefined;
  /** `ok`, or the error code the call ended with. */
  result: string;
  inputs?: Record<string, unknown> | undefined;
}

export interface AuditEntry extends AuditFacts {
  /** Position in the project log of audit entries. */
  id: number;
  at: string;
  chain: string;
  n: number;
  prev: string;
  hash: string;
}

export interface AuditVerdict {
  entries: number;
  chains: number;
  /** One sentence per broken link or hash; empty when the log is intact. */
  problems: string[];
}

export interface AuditLog {
  record(facts: AuditFacts): void;
  /** Entries after `after` (an entry id), oldest first. */
  read(after: number, limit: number): Promise<{ entries: AuditEntry[]; last_id: number }>;
  verify(): Promise<AuditVerdict>;
  /** Writes what is queued. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** The inputs worth keeping: ids and names, strings cut short. */
export function keyInputs(input: Record<string, unknown>): Record<string, unknown> | undefined {
  const kept: Record<string, unknown> = {};
  for (const field of KEY_INPUTS) {
    const value = input[field];
    if (typeof value === 'string') kept[field] = value.slice(0, 200);
    else if (Array.isArray(value)) kept[field] = value.slice(0, 20).map((v) => (typeof v === 'string' ? v.slice(0, 200) : typeof v));
    else if (typeof value === 'number' || typeof value === 'boolean') kept[field] = value;
  }
  return Object.keys(kept).length > 0 ? kept : undefined;
}

type Sealed = Omit<AuditEntry, 'id'>;

const hashOf = (entry: Omit<Sealed, 'hash'>): string => createHash('sha256').update(JSON.stringify(entry)).digest('hex');

function entryOf(e: BatonEvent): AuditEntry | undefined {
  const payload = e.type === 'custom' ? (e.data as { topic?: string; payload?: Sealed }).payload : undefined;
  if (!payload || typeof payload.hash !== 'string') return undefined;
  return { id: e.id, ...payload };
}

export function createAuditLog(options: { store: Store; log?: { error(message: string, detail?: unknown): void } }): AuditLog {
  const { store } = options;
  const chain = randomBytes(6).toString('hex');
  let n = 0;
  let prev = '';
  const queue: Sealed[] = [];
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();

  const ctx = (): MutationContext => ({ project: AUDIT_PROJECT, now: store.clock.now(), requestId: undefined, caller: '', digest: undefined });

  function flush(): Promise<void> {
    timer = undefined;
    const batch = queue.splice(0);
    // In order, one after the other: the chain's links must reach the log in the order they were made.
    writing = writing.then(async () => {
      for (const entry of batch) {
        await store.publishEvent(ctx(), null, TOPIC, entry).catch((error: unknown) => {
          options.log?.error('writing an audit entry failed', error);
        });
      }
    });
    return writing;
  }

  async function readAll(after: number, limit: number): Promise<{ entries: AuditEntry[]; last_id: number }> {
    const entries: AuditEntry[] = [];
    let cursor = after;
    let last = after;
    for (;;) {
      const page = await store.readEvents({ project: AUDIT_PROJECT, after: cursor, limit: Math.min(1000, limit - entries.length) }).catch((error: unknown) => {
        // Retention trimmed the head: continue from the oldest entry kept.
        const oldest = (error as { code?: string; details?: { oldest_id?: unknown } }).details?.oldest_id;
        if ((error as { code?: string }).code !== 'EVENTS_GAP' || typeof oldest !== 'number') throw error;
        cursor = oldest - 1;
        return store.readEvents({ project: AUDIT_PROJECT, after: cursor, limit: Math.min(1000, limit - entries.length) });
      });
      last = page.lastId;
      for (const e of page.events) {
        const entry = entryOf(e);
        if (entry) entries.push(entry);
        cursor = e.id;
      }
      if (page.events.length === 0 || entries.length >= limit) break;
    }
    return { entries, last_id: last };
  }

  return {
    record(facts) {
      n += 1;
      const unsealed = { ...facts, at: new Date(store.clock.now()).toISOString(), chain, n, prev };
      const entry: Sealed = { ...unsealed, hash: hashOf(unsealed) };
      prev = entry.hash;
      queue.push(entry);
      timer ??= setTimeout(() => void flush(), FLUSH_MS);
    },
    read: readAll,
    async verify() {
      await flush();
      const { entries } = await readAll(0, Number.MAX_SAFE_INTEGER);
      const heads = new Map<string, AuditEntry>();
      const problems: string[] = [];
      for (const entry of entries) {
        const { id: _position, hash, ...unsealed } = entry;
        if (hashOf(unsealed) !== hash) problems.push(`Entry ${entry.id} (chain ${entry.chain}, #${entry.n}) does not match its hash: it was changed.`);
        const before = heads.get(entry.chain);
        if (before && (entry.n !== before.n + 1 || entry.prev !== before.hash)) {
          problems.push(`Chain ${entry.chain} breaks between #${before.n} (entry ${before.id}) and #${entry.n} (entry ${entry.id}): an entry is missing or was changed.`);
        }
        heads.set(entry.chain, entry);
      }
      return { entries: entries.length, chains: heads.size, problems };
    },
    flush,
    async close() {
      if (timer) clearTimeout(timer);
      await flush();
    },
  };
}
