/**
 * @module One text edit and its inverse: what `baton init` records for every file
 * it changes, so `baton uninstall` can put the file back byte for byte. An edit is
 * the smallest span where two texts differ (common prefix and suffix trimmed).
 */
import { createHash } from 'node:crypto';

export interface TextEdit {
  /** Where the change starts, in UTF-16 code units of the text before it. */
  readonly offset: number;
  /** The text the edit took out. */
  readonly removed: string;
  /** The text the edit put in. */
  readonly inserted: string;
}

/** The one edit turning `before` into `after`; undefined when they are equal. */
export function diffText(before: string, after: string): TextEdit | undefined {
  if (before === after) return undefined;
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before[start] === after[start]) start++;
  let end = 0;
  while (end < max - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
  return { offset: start, removed: before.slice(start, before.length - end), inserted: after.slice(start, after.length - end) };
}

/** `text` with the edit undone; undefined when the text no longer holds what the edit inserted there. */
function revertEdit(text: string, edit: TextEdit): string | undefined {
  if (text.slice(edit.offset, edit.offset + edit.inserted.length) !== edit.inserted) return undefined;
  return text.slice(0, edit.offset) + edit.removed + text.slice(edit.offset + edit.inserted.length);
}

/** Reverts edits applied in order, last one first. */
export function revertEdits(text: string, edits: readonly TextEdit[]): string | undefined {
  return edits.reduceRight<string | undefined>((current, edit) => (current === undefined ? undefined : revertEdit(current, edit)), text);
}

export const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** The line ending a file uses (CRLF when its first line break is one), for the lines we add. */
export function eolOf(text: string): string {
  const lf = text.indexOf('\n');
  return lf > 0 && text[lf - 1] === '\r' ? '\r\n' : '\n';
}
