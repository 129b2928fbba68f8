/**
 * @module One pino JSON line as a person reads it: time, level, component, message,
 * request id, the other fields as key=value, an error's stack below. Used on a
 * terminal and by `baton logs`; a line that is not pino's is shown as it is.
 */

const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const LEVEL_COLOURS: Record<number, string> = { 10: '90', 20: '36', 30: '32', 40: '33', 50: '31', 60: '35' };
const OMITTED = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'component', 'reqId', 'err']);

const paint = (on: boolean, code: string, text: string): string => (on ? `\u001B[${code}m${text}\u001B[0m` : text);

const show = (value: unknown): string => (typeof value === 'string' && !/\s/.test(value) ? value : JSON.stringify(value));

export function prettyLine(line: string, colour: boolean): string {
  let entry: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(line);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return line.endsWith('\n') ? line : `${line}\n`;
    entry = parsed as Record<string, unknown>;
  } catch {
    return line.endsWith('\n') ? line : `${line}\n`;
  }
  const level = typeof entry['level'] === 'number' ? entry['level'] : 30;
  const time = typeof entry['time'] === 'number' ? new Date(entry['time']).toISOString().slice(11, 23) : '';
  const parts = [
    paint(colour, '90', time),
    paint(colour, LEVEL_COLOURS[level] ?? '0', (LEVEL_NAMES[level] ?? String(level)).padEnd(5)),
    typeof entry['component'] === 'string' ? paint(colour, '1', `[${entry['component']}]`) : '',
    typeof entry['msg'] === 'string' ? entry['msg'] : '',
    typeof entry['reqId'] === 'string' ? paint(colour, '90', `req=${entry['reqId']}`) : '',
    ...Object.entries(entry).filter(([k]) => !OMITTED.has(k)).map(([k, v]) => paint(colour, '90', `${k}=${show(v)}`)),
  ].filter((p) => p !== '');
  return `${parts.join(' ')}\n${errorText(entry['err'])}`;
}

/** An error's stack, then each cause's message, indented under the line. */
function errorText(err: unknown): string {
  if (typeof err !== 'object' || err === null) return '';
  const lines: string[] = [];
  const first = err as { stack?: unknown; message?: unknown; cause?: unknown };
  lines.push(typeof first.stack === 'string' ? first.stack : show(first.message));
  let cause: unknown = first.cause;
  for (let depth = 0; typeof cause === 'object' && cause !== null && depth < 5; depth++) {
    const { message, cause: next } = cause as { message?: unknown; cause?: unknown };
    lines.push(`caused by: ${typeof message === 'string' ? message : show(cause)}`);
    cause = next;
  }
  return `${lines.join('\n').replace(/^/gm, '    ')}\n`;
}
