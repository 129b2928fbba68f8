/**
 * @module A block of lines Baton owns inside someone else's text file, between a
 * begin and an end sentinel: the AGENTS.md section (HTML comments) and the codex
 * config.toml tables (`#` comments). The begin sentinel carries a version, so a
 * later Baton can find and rewrite an older block; uninstall removes the block
 * and the blank line that init put before it.
 */
import { eolOf } from './text-edit.js';

export interface BlockSyntax {
  /** The begin line for this version, e.g. `<!-- baton:begin v1 ... -->`. */
  readonly begin: string;
  readonly end: string;
  /** Matches a begin line of any version (a whole line). */
  readonly anyBegin: RegExp;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Sentinels written as comments that start with `open` (and end with `close`), named `name`. */
export function blockSyntax(name: string, version: number, open: string, close = ''): BlockSyntax {
  const tail = close ? ` ${close}` : '';
  return {
    begin: `${open} baton:begin ${name} v${version} (written by \`baton init\`; \`baton uninstall\` removes it)${tail}`,
    end: `${open} baton:end ${name}${tail}`,
    anyBegin: new RegExp(`^${escape(open)} baton:begin ${escape(name)} v\\d+\\b.*$`, 'm'),
  };
}

interface Span {
  readonly start: number;
  /** Just past the end sentinel's line break (or the text's end). */
  readonly end: number;
}

/** Where the block is: from its begin line to past its end line. */
function findBlock(text: string, syntax: BlockSyntax): Span | undefined {
  const begin = syntax.anyBegin.exec(text);
  if (!begin) return undefined;
  const endAt = text.indexOf(syntax.end, begin.index);
  if (endAt < 0) return undefined;
  const lineEnd = text.indexOf('\n', endAt);
  return { start: begin.index, end: lineEnd < 0 ? text.length : lineEnd + 1 };
}

/**
 * The text with the block holding `body` (lines joined by '\n'; written with the
 * file's own line ending): an existing block of any version is rewritten in
 * place, else the block is appended after a blank line.
 */
export function putBlock(text: string | undefined, syntax: BlockSyntax, body: string): string {
  const current = text ?? '';
  const eol = current === '' ? '\n' : eolOf(current);
  const block = [syntax.begin, ...body.split('\n'), syntax.end].join(eol) + eol;
  const span = findBlock(current, syntax);
  if (span) return current.slice(0, span.start) + block + current.slice(span.end);
  if (current === '') return block;
  const separator = current.endsWith(eol + eol) ? '' : current.endsWith(eol) ? eol : eol + eol;
  return current + separator + block;
}

/** The text without the block (and the blank line before it, when one is there), for a file edited since init. */
export function removeBlock(text: string, syntax: BlockSyntax): string {
  const span = findBlock(text, syntax);
  if (!span) return text;
  const eol = eolOf(text);
  let start = span.start;
  // The blank line init put before an appended block.
  if (text.slice(0, start).endsWith(eol + eol)) start -= eol.length;
  return text.slice(0, start) + text.slice(span.end);
}
