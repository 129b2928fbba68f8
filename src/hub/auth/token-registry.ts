/**
 * @module Tokens with a lifecycle: minted with a role, project scopes, an optional
 * bound agent and expiry; kept in the store (any engine) as a digest, never the
 * token; listed, revoked and rotated by admins. Every process keeps the records in
 * memory so checking a request costs no round trip, and reloads them when the
 * store's log says they changed (the bus carries other processes' writes), so a
 * revocation on one coordinator is refused by all of them within the bus's
 * delivery time. Each verified access carries a signal that aborts when its token
 * is revoked or expires, which is how open streams learn to close.
 *
 * Records live in a project whose name no call can spell (project ids start with
 * a letter or digit), as shared-state entries: scope `tokens` for the records and
 * `token-use` for last-used times, so a busy token's use never races an admin's
 * revocation of the same record.
 */
import { CoordinationError, invalidInput, isCoordinationError, notFound } from '../../core/errors.js';
import type { BatonEvent } from '../../core/events/event.js';
import type { StateEntry } from '../../core/state/entry.js';
import type { EventBus } from '../../bus/event-bus.js';
import type { MutationContext, Store } from '../../store/store.js';
import type { Access } from '../context.js';
import { digestOf, mintToken, sameDigest, tokenIdOf } from './token-secret.js';

/** The project holding server-wide records; unreachable by any call (see PROJECT_ID in hub.ts). */
const SYSTEM_PROJECT = '_baton';
const RECORDS = 'tokens';
const USES = 'token-use';
/** Which token holds a name: taken by compare-and-set, so two coordinators cannot give one name to two live tokens. */
const NAMES = 'token-names';
/** A claim whose token never appeared (its coordinator died between the two writes) frees the name after this. */
const ORPHAN_CLAIM_MS = 60_000;
/** Last-used times are written at most this often per token and process. */
const USE_WRITE_INTERVAL_MS = 60_000;
/** A safety net under the bus: records are read again at least this often. */
const RELOAD_INTERVAL_MS = 5_000;
const LIST_LIMIT = 10_000;

export type Role = Access['role'];

/** A token as an admin sees it: everything but the secret. */
export interface TokenView {
  id: string;
  name: string;
  role: Role;
  projects: string[];
  agent: string | null;
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
  lastUsedAt: number | null;
  /** Where it came from: the store (managed here) or the server's configuration (BATON_TOKENS / config.json). */
  source: 'store' | 'config';
}

interface TokenRecord extends Omit<TokenView, 'lastUsedAt' | 'source'> {
  digest: string;
}

export interface NewToken {
  name: string;
  role: Role;
  projects: string[];
  agent?: string | undefined;
  expiresInMs?: number | undefined;
}

export interface StaticToken {
  token: string;
  role: Role;
  projects: readonly string[];
  agent?: string | undefined;
}

export interface TokenRegistry {
  /** Whether requests must present a token: a token is configured, or one was ever created (revoked and expired ones count). */
  required(): boolean;
  /** The access a presented token grants, or undefined when it is unknown, revoked or expired. */
  verify(presented: string): Access | undefined;
  create(input: NewToken, actor: string | null): Promise<{ token: string; view: TokenView }>;
  list(): TokenView[];
  revoke(id: string, actor: string | null): Promise<TokenView>;
  /** A new secret for the same grant; the old one stops working at once. */
  rotate(id: string, actor: string | null): Promise<{ token: string; view: TokenView }>;
  /** Reads the store again now (the bus triggers this; tests may too). */
  reload(): Promise<void>;
  close(): void;
}

export interface TokenRegistryOptions {
  store: Store;
  bus: EventBus;
  staticTokens?: readonly StaticToken[];
  log?: { error(message: string, detail?: unknown): void };
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9 ._:@-]{0,63}$/;

function recordOf(entry: StateEntry): TokenRecord | undefined {
  const v = entry.value as Partial<TokenRecord> | null;
  if (!v || typeof v.id !== 'string' || typeof v.digest !== 'string' || typeof v.role !== 'string') return undefined;
  return v as TokenRecord;
}

function viewOf(record: TokenRecord, lastUsedAt: number | null): TokenView {
  const { digest: _secret, ...view } = record;
  return { ...view, lastUsedAt, source: 'store' };
}

export async function createTokenRegistry(options: TokenRegistryOptions): Promise<TokenRegistry> {
  const { store, bus } = options;
  const log = options.log ?? { error: () => undefined };
  const records = new Map<string, TokenRecord>();
  const lastUsed = new Map<string, number>();
  const usesWritten = new Map<string, number>();
  /** One controller per token id: aborted on revocation or expiry, closing what was opened with it. */
  const revokers = new Map<string, AbortController>();
  const staticTokens = (options.staticTokens ?? []).map((t, i) => ({ ...t, id: `config-${i + 1}`, digest: digestOf(t.token) }));
  let closed = false;

  const ctx = (): MutationContext => ({ project: SYSTEM_PROJECT, now: store.clock.now(), requestId: undefined, caller: '', digest: undefined });
  const live = (r: TokenRecord, now: number): boolean => r.revokedAt === null && (r.expiresAt === null || r.expiresAt > now);

  function signalOf(id: string): AbortSignal {
    let controller = revokers.get(id);
    if (!controller) revokers.set(id, (controller = new AbortController()));
    return controller.signal;
  }

  function endAccess(id: string, why: string): void {
    revokers.get(id)?.abort(new CoordinationError('UNAUTHORIZED', why));
    revokers.delete(id);
  }

  async function reload(): Promise<void> {
    const now = store.clock.now();
    const [entries, uses] = await Promise.all([
      store.listStateKeys(SYSTEM_PROJECT, RECORDS, '', now, LIST_LIMIT),
      store.listStateKeys(SYSTEM_PROJECT, USES, '', now, LIST_LIMIT),
    ]);
    records.clear();
    for (const entry of entries) {
      const record = recordOf(entry);
      if (record) records.set(record.id, record);
    }
    for (const use of uses) if (typeof use.value === 'number') lastUsed.set(use.key, Math.max(use.value, lastUsed.get(use.key) ?? 0));
    for (const id of [...revokers.keys()]) {
      const record = records.get(id);
      if (record && !live(record, now)) endAccess(id, record.revokedAt === null ? 'The token has expired.' : 'The token was revoked.');
    }
  }

  function noteUse(id: string, now: number): void {
    lastUsed.set(id, now);
    if (now - (usesWritten.get(id) ?? 0) < USE_WRITE_INTERVAL_MS) return;
    usesWritten.set(id, now);
    store.putState(ctx(), { scope: USES, key: id, value: now, actor: null }).catch((error: unknown) => {
      log.error('recording a token use failed', error);
    });
  }

  function verify(presented: string): Access | undefined {
    const now = store.clock.now();
    const digest = digestOf(presented);
    const id = tokenIdOf(presented);
    const record = id === undefined ? undefined : records.get(id);
    if (record && sameDigest(record.digest, digest) && live(record, now)) {
      // Streams opened with a token that later expires are ended by the next reload (at most RELOAD_INTERVAL_MS late).
      noteUse(record.id, now);
      return { role: record.role, projects: record.projects, agent: record.agent ?? undefined, tokenId: record.id, tokenName: record.name, revoked: signalOf(record.id) };
    }
    // Every configured token is compared, so the time taken does not tell which one was close.
    let match: (typeof staticTokens)[number] | undefined;
    for (const t of staticTokens) if (sameDigest(t.digest, digest)) match = t;
    if (!match) return undefined;
    return { role: match.role, projects: match.projects, agent: match.agent, tokenId: match.id, tokenName: match.id };
  }

  function checkInput(input: NewToken): void {
    if (!NAME.test(input.name)) throw invalidInput('name must be 1 to 64 letters, digits, spaces or . _ : @ -, starting with a letter or digit.', { field: 'name' });
    if (!['agent', 'observer', 'admin'].includes(input.role)) throw invalidInput('role must be agent, observer or admin.', { field: 'role' });
    if (input.projects.length === 0 || input.projects.length > 100) throw invalidInput('projects must list 1 to 100 project ids, or "*".', { field: 'projects' });
    if (input.expiresInMs !== undefined && !(input.expiresInMs > 0)) throw invalidInput('expires_in must be a positive duration.', { field: 'expires_in' });
    if ([...records.values()].some((r) => r.name === input.name && live(r, store.clock.now()))) throw nameTaken(input.name);
  }

  const nameTaken = (name: string): CoordinationError =>
    new CoordinationError('ALREADY_EXISTS', `A live token is already named '${name}': pick another name, or rotate that token.`, { name });

  /** Takes `name` for token `id` in the store, atomically: refused while another live (or just created) token holds it. */
  async function claimName(name: string, id: string): Promise<void> {
    const now = store.clock.now();
    const claim = await store.getState(SYSTEM_PROJECT, NAMES, name, now);
    if (claim) {
      const holder = typeof claim.value === 'string' ? records.get(claim.value) : undefined;
      // A holder this process has not loaded yet was created moments ago on another coordinator.
      if (holder ? live(holder, now) : now - claim.updatedAt < ORPHAN_CLAIM_MS) throw nameTaken(name);
    }
    try {
      await store.putState(ctx(), { scope: NAMES, key: name, value: id, actor: null, ifVersion: claim?.version ?? 0 });
    } catch (error) {
      if (isCoordinationError(error) && error.code === 'VERSION_CONFLICT') throw nameTaken(name);
      throw error;
    }
  }

  async function write(record: TokenRecord, actor: string | null): Promise<void> {
    const written = await store.putState(ctx(), { scope: RECORDS, key: record.id, value: record, actor });
    bus.publish(written.events);
    records.set(record.id, record);
  }

  function existing(id: string): TokenRecord {
    const record = records.get(id);
    if (!record) throw notFound('token', id);
    return record;
  }

  const unsubscribe = bus.subscribe(SYSTEM_PROJECT, (e: BatonEvent) => {
    if (e.type.startsWith('state.') && e.subject.startsWith(`${RECORDS}/`)) void reload().catch((error: unknown) => { log.error('reloading tokens failed', error); });
  });
  const timer = setInterval(() => {
    if (!closed) void reload().catch((error: unknown) => { log.error('reloading tokens failed', error); });
  }, RELOAD_INTERVAL_MS);
  timer.unref();
  await reload();

  return {
    // Once any token has existed the server stays in token mode: revoking or outliving the last one must not open it.
    required: () => staticTokens.length > 0 || records.size > 0,
    verify,
    async create(input, actor) {
      checkInput(input);
      const minted = mintToken();
      await claimName(input.name, minted.id);
      const now = store.clock.now();
      const record: TokenRecord = {
        id: minted.id,
        name: input.name,
        role: input.role,
        projects: [...new Set(input.projects)],
        agent: input.agent ?? null,
        createdAt: now,
        expiresAt: input.expiresInMs === undefined ? null : now + input.expiresInMs,
        revokedAt: null,
        digest: minted.digest,
      };
      await write(record, actor);
      return { token: minted.token, view: viewOf(record, null) };
    },
    list: () => [
      ...[...records.values()].map((r) => viewOf(r, lastUsed.get(r.id) ?? null)),
      ...staticTokens.map((t): TokenView => ({ id: t.id, name: t.id, role: t.role, projects: [...t.projects], agent: t.agent ?? null, createdAt: 0, expiresAt: null, revokedAt: null, lastUsedAt: null, source: 'config' })),
    ],
    async revoke(id, actor) {
      const record = existing(id);
      if (record.revokedAt !== null) return viewOf(record, lastUsed.get(id) ?? null);
      const revoked = { ...record, revokedAt: store.clock.now() };
      await write(revoked, actor);
      endAccess(id, 'The token was revoked.');
      return viewOf(revoked, lastUsed.get(id) ?? null);
    },
    async rotate(id, actor) {
      const record = existing(id);
      if (!live(record, store.clock.now())) throw invalidInput(`Token '${id}' is revoked or expired: create a new one instead.`, { field: 'id' });
      const minted = mintToken(id);
      const rotated = { ...record, digest: minted.digest };
      await write(rotated, actor);
      endAccess(id, 'The token was rotated.');
      return { token: minted.token, view: viewOf(rotated, lastUsed.get(id) ?? null) };
    },
    reload,
    close() {
      closed = true;
      clearInterval(timer);
      unsubscribe();
    },
  };
}
