/**
 * @module How client commands print: aligned tables and short lines for people
 * (colour only on a TTY and never with NO_COLOR), `--json` for machines (the
 * command's answer as the server gave it, one document on stdout), and errors on
 * stderr with their code and what to do (or, with --json, `{ "error": {...} }`
 * on stdout, so a script reads one document either way).
 */
import { errorCodeOf, exitCodeOf, hintOf, type ApiError } from './client/errors.js';
import type { ExitCode } from './client/exit-codes.js';

export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** Colour when the stream is a terminal, NO_COLOR is unset (any value disables it, no-color.org) and TERM is not dumb. */
export function useColour(stream: OutputStream, env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  return stream.isTTY === true && env['NO_COLOR'] === undefined && env['TERM'] !== 'dumb' && env['FORCE_COLOR'] !== '0';
}

const CODES = { bold: [1, 22], dim: [2, 22], red: [31, 39], green: [32, 39], yellow: [33, 39], cyan: [36, 39] } as const;
export type Style = keyof typeof CODES;

export type Paint = (style: Style, text: string) => string;

export const painter = (enabled: boolean): Paint => (style, text) => (enabled ? `\u001B[${CODES[style][0]}m${text}\u001B[${CODES[style][1]}m` : text);

// eslint-disable-next-line no-control-regex -- matching the escape sequences painter writes
const ANSI = /\u001B\[[0-9;]*m/g;
const visibleLength = (text: string): number => text.replace(ANSI, '').length;

export interface Column<Row> {
  header: string;
  value: (row: Row) => string | number | boolean | undefined | null;
  /** Right-align (numbers). */
  right?: boolean;
  style?: (row: Row) => Style | undefined;
}

/** An aligned table: a header line, then one line per row; "(none)" when empty. Cells are cut at 60 characters. */
export function table<Row>(rows: readonly Row[], columns: readonly Column<Row>[], paint: Paint = painter(false)): string {
  if (rows.length === 0) return `${paint('dim', '(none)')}\n`;
  const cells = rows.map((row) => columns.map((c) => cell(c.value(row))));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => visibleLength(r[i] ?? ''))));
  const line = (values: readonly string[], styleOf: (i: number) => Style | undefined): string =>
    values
      .map((v, i) => {
        const pad = ' '.repeat(Math.max(0, (widths[i] ?? 0) - visibleLength(v)));
        const padded = columns[i]?.right ? `${pad}${v}` : `${v}${pad}`;
        const style = styleOf(i);
        return style ? paint(style, padded) : padded;
      })
      .join('  ')
      .trimEnd();
  const head = line(columns.map((c) => c.header.toUpperCase()), () => 'bold');
  const body = rows.map((row, r) => line(cells[r] ?? [], (i) => columns[i]?.style?.(row)));
  return `${[head, ...body].join('\n')}\n`;
}

function cell(value: string | number | boolean | undefined | null): string {
  if (value === undefined || value === null || value === '') return '-';
  const text = String(value).replace(/\s+/g, ' ');
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

/** One record as `key  value` lines, the keys padded to the longest so the values line up. */
export function fields(record: Readonly<Record<string, unknown>>, paint: Paint): string {
  const entries = Object.entries(record);
  const width = Math.max(0, ...entries.map(([k]) => k.length));
  return entries.map(([k, v]) => `${paint('bold', k.padEnd(width))}  ${typeof v === 'string' ? v : JSON.stringify(v)}\n`).join('');
}

/** Seconds as people read them: 42s, 3m10s, 2h05m, 3d. */
export function duration(seconds: number | undefined | null): string {
  if (seconds === undefined || seconds === null || !Number.isFinite(seconds)) return '-';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(s / 86_400)}d`;
}

/** One JSON document on its own line(s). */
export function printJson(value: unknown, out: OutputStream = process.stdout): void {
  out.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** The --json shape of an error: the code (the server's catalog code, or UNREACHABLE, USAGE, BUSY, FAILED), message, hint, details, and the exit code. */
function errorJson(error: unknown): { error: { code: string; message: string; hint?: string; details?: unknown; exit_code: ExitCode } } {
  const details = (error as Partial<ApiError>).details ?? (error as { answer?: unknown }).answer;
  const hint = hintOf(error);
  return {
    error: {
      code: errorCodeOf(error),
      message: error instanceof Error ? error.message : String(error),
      ...(hint ? { hint } : {}),
      ...(details === undefined ? {} : { details }),
      exit_code: exitCodeOf(error),
    },
  };
}

/** Prints an error for people (stderr: `baton: CODE: message` and the hint) or as JSON (stdout), and answers its exit code. */
export function reportError(error: unknown, json: boolean, streams: { out: OutputStream; err: OutputStream } = { out: process.stdout, err: process.stderr }): ExitCode {
  const body = errorJson(error);
  if (json) {
    printJson(body, streams.out);
    return body.error.exit_code;
  }
  const paint = painter(useColour(streams.err));
  const code = body.error.code === 'FAILED' ? '' : `${body.error.code}: `;
  streams.err.write(`${paint('red', 'baton:')} ${code}${body.error.message}\n`);
  if (body.error.hint) streams.err.write(`  ${paint('dim', body.error.hint)}\n`);
  return body.error.exit_code;
}
