/**
 * @module Where a read of the event log starts (get_events, and get_inbox, whose
 * deliveries carry event ids): `after`, the last id the reader saw, or a generic
 * pager's `cursor` (next_cursor of the last page, the same position). A position
 * beyond the log's end is refused alike by both reads (CURSOR_AHEAD): it is not one
 * this server gave, and reading from it would silently skip the events up to it.
 */
import { CoordinationError, invalidInput } from '../core/errors.js';
import { cursorField, decodePositions, encodeCursor } from './paging.js';

/** The generic pager's cursor: accepted, not advertised (a model reads `after` and `next_after`). */
export const logCursorInput = { cursor: cursorField };
export const LOG_CURSOR_UNADVERTISED = ['cursor'] as const;

/** The id a read starts after: `after`, or the position a next_cursor names (0 without either). */
export function startOf(after: number | undefined, cursor: string | undefined): number {
  if (after !== undefined && cursor !== undefined) throw invalidInput('Give after or cursor, not both.', { field: 'cursor' });
  return cursor === undefined ? (after ?? 0) : (decodePositions(cursor, 1)[0] ?? 0);
}

/** next_cursor of a read that stopped at `at` with more right away; none when it read up to the end. */
export const logNextCursor = (truncated: boolean, at: number): { next_cursor?: string } => (truncated ? { next_cursor: encodeCursor([at]) } : {});

/** CURSOR_AHEAD when `after` is beyond the log's newest id. */
export function assertNotAhead(after: number, lastId: number): void {
  if (after > lastId) throw new CoordinationError('CURSOR_AHEAD', `Cursor ${after} is beyond the log's end (${lastId}).`, { cursor: after, last_id: lastId });
}
