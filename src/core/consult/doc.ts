/**
 * @module A consultation record as the store keeps it: one generic row kind for
 * intents, threads, messages, deliveries, file edits, the dependency map and
 * action lines. The store indexes only what every kind shares (owner, status,
 * an ordering number and an expiry); the rest is the kind's JSON body, read and
 * decided on by the rules in this folder.
 */

export const DOC_KINDS = ['intent', 'thread', 'post', 'delivery', 'edit', 'depmap'] as const;
export type DocKind = (typeof DOC_KINDS)[number];

export interface Doc<B = unknown> {
  kind: DocKind;
  id: string;
  /** The agent it belongs to (intent holder, delivery recipient, editor), or null. */
  owner: string | null;
  /** The kind's state, e.g. an intent's `active`, a delivery's `unread`. */
  status: string;
  /** Order within a kind (a seq, a time); lists come back by sort, then id. */
  sort: number;
  /** When the sweep must look at it (an intent's TTL, a thread's round deadline, retention); null for never. */
  expiresAt: number | null;
  body: B;
}

/** What a list of docs of one kind may be narrowed by. */
export interface DocFilter {
  owner?: string | undefined;
  status?: string | undefined;
  /** sort ≥ from. */
  from?: number | undefined;
  /** sort ≤ to. */
  to?: number | undefined;
}

export const docMatches = (d: Pick<Doc, 'owner' | 'status' | 'sort'>, f: DocFilter): boolean =>
  (f.owner === undefined || d.owner === f.owner) &&
  (f.status === undefined || d.status === f.status) &&
  (f.from === undefined || d.sort >= f.from) &&
  (f.to === undefined || d.sort <= f.to);

/** An edit row: one per (agent, file), its sort the last edit time. */
export interface EditBody {
  file: string;
  count: number;
  first_at: number;
}

export const compareDocs = (a: Doc, b: Doc): number => a.sort - b.sort || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
