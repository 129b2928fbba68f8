/**
 * @module Paging for every list: `limit` (with a default that keeps a page well
 * under the model's budget), an opaque `cursor` naming where the last page ended,
 * and the page's `total`, `next_cursor` and `truncated`. Cursors are the sort key
 * of the last row returned, so paging never skips or repeats a row that stays.
 */
import { z } from 'zod';
import { invalidInput } from '../core/errors.js';

export const cursorField = z.string().max(400).optional().describe('next_cursor from the last page.');

export const pageInput = (defaultLimit: number, max = 500) => ({
  limit: z.number().int().min(1).max(max).optional().describe(`Default ${defaultLimit}, at most ${max}.`),
  cursor: cursorField,
  detail: z.boolean().optional().describe('Full records.'),
});

export const pageOutput = {
  total: z.number().int().describe('Rows in all pages.'),
  next_cursor: z.string().optional().describe('Pass as cursor for the next page; absent on the last page.'),
  truncated: z.boolean().describe('True when more rows follow.'),
};

export type Key = string | number;

export function encodeCursor(key: readonly Key[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): Key[] | undefined {
  if (cursor === undefined) return undefined;
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.every((k) => typeof k === 'string' || typeof k === 'number')) return key;
  } catch {
    // Falls through to the refusal.
  }
  throw notOurs();
}

const notOurs = () => invalidInput('cursor is not one this server gave: pass next_cursor from the previous page, or omit it.', { field: 'cursor' });

/** A cursor naming one key (a state key), undefined without a cursor. */
export function decodeKeyCursor(cursor: string | undefined): string | undefined {
  const key = decodeCursor(cursor);
  if (key === undefined) return undefined;
  if (key.length !== 1 || typeof key[0] !== 'string') throw notOurs();
  return key[0];
}

/** A cursor of numbers only (a position per list, or a log's id), `count` of them; all 0 without a cursor. */
export function decodePositions(cursor: string | undefined, count: number): number[] {
  const key = decodeCursor(cursor);
  if (key === undefined) return Array.from({ length: count }, () => 0);
  if (key.length !== count || !key.every((k): k is number => typeof k === 'number')) throw notOurs();
  return key;
}

const compare = (a: readonly Key[], b: readonly Key[]): number => {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? '';
    const y = b[i] ?? '';
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
};

export interface Page<T> {
  rows: T[];
  total: number;
  next_cursor?: string;
  truncated: boolean;
}

/** One page of `rows`, ordered by `keyOf` ascending, after `cursor`. */
export function page<T>(rows: readonly T[], keyOf: (row: T) => Key[], limit: number, cursor: string | undefined): Page<T> {
  const after = decodeCursor(cursor);
  const sorted = [...rows].sort((a, b) => compare(keyOf(a), keyOf(b)));
  const rest = after ? sorted.filter((r) => compare(keyOf(r), after) > 0) : sorted;
  const taken = rest.slice(0, limit);
  const last = taken.at(-1);
  const truncated = rest.length > taken.length;
  return { rows: taken, total: rows.length, truncated, ...(truncated && last !== undefined ? { next_cursor: encodeCursor(keyOf(last)) } : {}) };
}

/** One of several lists paged by one cursor: its rows on this page, its total, and where it stopped. */
export interface Part<T> {
  rows: T[];
  total: number;
  more: boolean;
  at: number;
}

/** Up to `limit` rows after position `after`, by a unique numeric key ascending (a token, a ticket). */
export function partAfter<T>(rows: readonly T[], keyOf: (row: T) => number, limit: number, after: number): Part<T> {
  const rest = rows.filter((r) => keyOf(r) > after).sort((a, b) => keyOf(a) - keyOf(b));
  const taken = rest.slice(0, limit);
  const last = taken.at(-1);
  return { rows: taken, total: rows.length, more: rest.length > taken.length, at: last === undefined ? after : keyOf(last) };
}

/**
 * truncated and next_cursor of lists paged together (a lock's holders and its queue): each
 * page takes up to `limit` of each list, so paging on until no next_cursor shows every row once.
 */
export function together(parts: readonly Part<unknown>[]): { truncated: boolean; next_cursor?: string } {
  const truncated = parts.some((p) => p.more);
  return { truncated, ...(truncated ? { next_cursor: encodeCursor(parts.map((p) => p.at)) } : {}) };
}
