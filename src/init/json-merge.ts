/**
 * @module Merging Baton's entries into a JSON settings file as text edits
 * (jsonc-parser), so every other byte of the file (other entries, key order,
 * indentation, comments) stays as it was. Each change is recorded as a
 * JsonChange, so the entries can also be taken out of a file someone edited
 * after `baton init` (the byte-exact way back is text-edit.ts).
 */
import { applyEdits, findNodeAtLocation, modify, parse, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { InitError } from './init-error.js';
import { eolOf } from './text-edit.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonPath = readonly string[];

/** One change `baton init` made to a JSON file. */
export type JsonChange =
  /** `path` was set to our value; `previous` is what it held before (absent: nothing). `created` counts the parents it made. */
  | { readonly op: 'set'; readonly path: JsonPath; readonly previous?: JsonValue; readonly created: number }
  /** `value` was appended to the array at `path`; `created` counts the parents (the array included) it made. */
  | { readonly op: 'append'; readonly path: JsonPath; readonly value: JsonValue; readonly created: number };

/** What to write: `set` replaces a value whole, `default` sets it only when absent, `append` adds an element to an array unless an equal one is there. */
export type JsonWrite = { readonly op: 'set' | 'default' | 'append'; readonly path: JsonPath; readonly value: JsonValue };

const isObject = (value: unknown): value is Record<string, JsonValue> => typeof value === 'object' && value !== null && !Array.isArray(value);

function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

/** The parsed document; an InitError naming the file and the place when it is not a JSON object. */
export function parseJsonFile(text: string, file: string): Record<string, JsonValue> {
  if (text.trim() === '') return {};
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length > 0) {
    const [first] = errors as [ParseError];
    const line = text.slice(0, first.offset).split('\n').length;
    throw new InitError(`${file} is not valid JSON (${printParseErrorCode(first.error)} on line ${line})`, `fix ${file} (or move it aside), then run the command again; nothing was written`);
  }
  if (!isObject(value)) throw new InitError(`${file} does not hold a JSON object`, `fix ${file} (or move it aside), then run the command again; nothing was written`);
  return value;
}

interface Layout {
  /** One level of indentation ('  ', '    ' or a tab). */
  readonly unit: string;
  readonly eol: string;
}

/** Indentation and line ending as the file already uses them (two spaces for a new file). */
function layoutOf(text: string): Layout {
  const indent = /\n([ \t]+)["}\]]/.exec(text)?.[1];
  return { unit: indent?.startsWith('\t') ? '\t' : indent ?? '  ', eol: eolOf(text) };
}

function valueAt(root: JsonValue, path: JsonPath): JsonValue | undefined {
  let current: JsonValue | undefined = root;
  for (const key of path) current = isObject(current) ? current[key] : undefined;
  return current;
}

/** Throws when a parent on `path` exists and is not an object (we would have to overwrite someone's value). */
function checkContainers(root: JsonValue, path: JsonPath, file: string, leafIsArray: boolean): void {
  for (let depth = 1; depth <= path.length; depth++) {
    const value = valueAt(root, path.slice(0, depth));
    if (value === undefined) return;
    const wantArray = leafIsArray && depth === path.length;
    if (wantArray ? !Array.isArray(value) : depth < path.length && !isObject(value)) {
      throw new InitError(`${file}: "${path.slice(0, depth).join('.')}" is not ${wantArray ? 'an array' : 'an object'}`, `fix that entry in ${file}, then run the command again; nothing was written`);
    }
  }
}

/** The whitespace a line starts with, for the line holding `offset`. */
function indentAt(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))?.[0] ?? '';
}

/** A value as JSON laid out like the file, its inner lines indented from `indent`. */
const render = (value: JsonValue, indent: string, layout: Layout): string => JSON.stringify(value, null, layout.unit).split('\n').join(`${layout.eol}${indent}`);

const splice = (text: string, start: number, end: number, insert: string): string => text.slice(0, start) + insert + text.slice(end);

/**
 * Adds a member (`key` given: to an object) or an element (to an array) at the end
 * of a container node, written the way the container is laid out, and touches no
 * other byte: jsonc-parser's own formatter would re-lay out the neighbours too.
 */
function appendTo(text: string, container: Node, key: string | undefined, value: JsonValue, layout: Layout): string {
  const head = key === undefined ? '' : `${JSON.stringify(key)}: `;
  const open = container.offset;
  const close = container.offset + container.length - 1;
  const children = container.children ?? [];
  const last = children.at(-1);
  const oneLine = !text.slice(open, close).includes('\n');
  if (last) {
    const lastEnd = last.offset + last.length;
    if (oneLine) return splice(text, lastEnd, lastEnd, `, ${head}${JSON.stringify(value)}`);
    const indent = indentAt(text, last.offset);
    return splice(text, lastEnd, lastEnd, `,${layout.eol}${indent}${head}${render(value, indent, layout)}`);
  }
  const outer = indentAt(text, open);
  const inner = `${outer}${layout.unit}`;
  const body = `${layout.eol}${inner}${head}${render(value, inner, layout)}${layout.eol}${outer}`;
  // An empty container: replace the whitespace inside it; keep a comment that is there.
  return text.slice(open + 1, close).trim() === '' ? splice(text, open + 1, close, body) : splice(text, close, close, body);
}

/** Sets `path` to `value`: replaces the value there, or adds it (with any missing parents) to the nearest existing object. */
function setAt(text: string, path: JsonPath, value: JsonValue, layout: Layout): string {
  const tree = parseTree(text);
  if (!tree) return text;
  const node = findNodeAtLocation(tree, [...path]);
  if (node) return splice(text, node.offset, node.offset + node.length, render(value, indentAt(text, node.parent?.offset ?? node.offset), layout));
  // The nearest existing object on the path, and the rest of the path nested inside the value.
  let depth = path.length - 1;
  let parent: Node | undefined;
  for (; depth > 0; depth--) {
    parent = findNodeAtLocation(tree, [...path.slice(0, depth)]);
    if (parent) break;
  }
  const [key, ...inside] = path.slice(depth);
  if (key === undefined) return text;
  const nested = inside.reduceRight<JsonValue>((inner, name) => ({ [name]: inner }), value);
  return appendTo(text, parent ?? tree, key, nested, layout);
}

/** Appends `value` to the array at `path` (created with its parents when missing). */
function appendAt(text: string, path: JsonPath, value: JsonValue, layout: Layout): string {
  const tree = parseTree(text);
  const node = tree ? findNodeAtLocation(tree, [...path]) : undefined;
  return node ? appendTo(text, node, undefined, value, layout) : setAt(text, path, [value], layout);
}

/** How many of the parents of `path` (the last `path` element excluded) do not exist yet. */
function missingParents(root: JsonValue, path: JsonPath): number {
  for (let depth = 0; depth < path.length - 1; depth++) {
    if (valueAt(root, path.slice(0, depth + 1)) === undefined) return path.length - 1 - depth;
  }
  return 0;
}

export interface JsonMergeResult {
  readonly text: string;
  readonly changes: JsonChange[];
}

/** Applies the writes to the JSON text (`undefined`: a new file), changing nothing a write already holds. */
export function mergeJson(text: string | undefined, writes: readonly JsonWrite[], file: string): JsonMergeResult {
  const layout = layoutOf(text ?? '');
  let current = text === undefined || text.trim() === '' ? '{}' : text;
  const changes: JsonChange[] = [];
  for (const write of writes) {
    const root = parseJsonFile(current, file);
    checkContainers(root, write.path, file, write.op === 'append');
    const existing = valueAt(root, write.path);
    if (write.op === 'set' || write.op === 'default') {
      if (existing !== undefined && (write.op === 'default' || jsonEqual(existing, write.value))) continue;
      const created = missingParents(root, write.path);
      current = setAt(current, write.path, write.value, layout);
      changes.push(existing === undefined ? { op: 'set', path: write.path, created } : { op: 'set', path: write.path, previous: existing, created });
    } else {
      if (Array.isArray(existing) && existing.some((element) => jsonEqual(element, write.value))) continue;
      const created = existing === undefined ? missingParents(root, write.path) + 1 : 0;
      current = appendAt(current, write.path, write.value, layout);
      changes.push({ op: 'append', path: write.path, value: write.value, created });
    }
  }
  if (text === undefined || text.trim() === '') current = `${current}${text ?? layout.eol}`;
  return { text: current, changes };
}

/** Removes a path (jsonc-parser takes the member and its comma, nothing else), then each parent that `created` says we made, while it is empty. */
function removeWithParents(text: string, path: JsonPath, created: number): string {
  let current = applyEdits(text, modify(text, [...path], undefined, {}));
  for (let depth = path.length - 1, left = created; left > 0 && depth > 0; depth--, left--) {
    const parent = valueAt(parseJsonFile(current, 'the file'), path.slice(0, depth));
    const empty = (isObject(parent) && Object.keys(parent).length === 0) || (Array.isArray(parent) && parent.length === 0);
    if (!empty) break;
    current = applyEdits(current, modify(current, [...path.slice(0, depth)], undefined, {}));
  }
  return current;
}

/**
 * Takes Baton's changes out of a JSON text that was edited since `baton init`
 * (last change first): a value we set goes back to what it was, an element we
 * appended goes (if still there), and parents we created go once empty.
 */
export function unmergeJson(text: string, changes: readonly JsonChange[], file: string): string {
  const layout = layoutOf(text);
  let current = text;
  for (const change of [...changes].reverse()) {
    const root = parseJsonFile(current, file);
    if (change.op === 'set') {
      if (valueAt(root, change.path) === undefined) continue;
      current = change.previous === undefined ? removeWithParents(current, change.path, change.created) : setAt(current, change.path, change.previous, layout);
    } else {
      const array = valueAt(root, change.path);
      if (!Array.isArray(array)) continue;
      const index = array.findIndex((element) => jsonEqual(element, change.value));
      if (index < 0) continue;
      current = array.length === 1 && change.created > 0
        ? removeWithParents(current, change.path, change.created - 1)
        : applyEdits(current, modify(current, [...change.path, index], undefined, {}));
    }
  }
  return current;
}
