/**
 * @module The server's structured log (pino): one JSON line per entry with the
 * component that wrote it (`hub`, `http`, `store`), the request id of the request
 * it belongs to, and an error's cause chain once. LOG_LEVEL picks the level; a
 * terminal gets readable lines instead of JSON; the daemon writes
 * <data-dir>/logs/server.log (BATON_LOG_FILE), rotated by size.
 */
import { pino, stdSerializers, type DestinationStream, type Logger as Pino } from 'pino';
import type { Logger } from '../hub/context.js';
import type { RequestLogEntry } from '../transports/http/http-app.js';
import type { ServerLogs } from './main.js';
import { currentRequestId } from '../transports/http/request-context.js';
import { prettyLine } from './log-format.js';
import { createRotatingFile, type RotatingFile } from './rotating-file.js';

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
type Level = (typeof LEVELS)[number];

export interface LogSettings {
  /** Default LOG_LEVEL, else info. */
  level?: string | undefined;
  /** Write here (rotated by size) instead of stderr; default BATON_LOG_FILE. */
  file?: string | undefined;
  /** Rotate when the file passes this size; default BATON_LOG_MAX_BYTES, else 10 MiB. */
  maxBytes?: number | undefined;
  /** Rotated files kept (server.log.1 … .N); default 5. */
  keep?: number | undefined;
  /** Human lines instead of JSON; default: when stderr is a terminal and no file is written. */
  pretty?: boolean | undefined;
}

/** The server's logging: a Logger per component and the access log, as startServer takes them. */
export interface ServerLogging extends ServerLogs {
  component(name: string): Logger;
  request(entry: RequestLogEntry): void;
  /** Where the log goes: a file path, or 'stderr'. */
  readonly destination: string;
  close(): void;
}

function levelOf(value: string | undefined): Level {
  if (value === undefined || value === '') return 'info';
  const level = value.toLowerCase();
  if ((LEVELS as readonly string[]).includes(level)) return level as Level;
  throw new Error(`LOG_LEVEL '${value}' is not a level; use one of ${LEVELS.join(', ')}`);
}

/** A Logger over a pino child: `detail` becomes `err` (with its cause chain) or `detail`. */
function asLogger(log: Pino): Logger {
  return {
    info: (message) => { log.info(message); },
    error: (message, detail) => {
      if (detail === undefined) log.error(message);
      else if (detail instanceof Error) log.error({ err: detail }, message);
      else log.error({ detail }, message);
    },
  };
}

export function createServerLogging(settings: LogSettings = {}): ServerLogging {
  const env = process.env;
  const level = levelOf(settings.level ?? env['LOG_LEVEL']);
  const file = settings.file ?? (env['BATON_LOG_FILE'] || undefined);
  let rotating: RotatingFile | undefined;
  let destination: DestinationStream;
  if (file !== undefined) {
    const maxBytes = settings.maxBytes ?? (Number(env['BATON_LOG_MAX_BYTES']) || 10 * 1024 * 1024);
    rotating = createRotatingFile(file, { maxBytes, keep: settings.keep ?? 5 });
    destination = rotating;
  } else if (settings.pretty ?? process.stderr.isTTY) {
    const colour = process.stderr.isTTY && !env['NO_COLOR'];
    destination = { write: (line: string) => { process.stderr.write(prettyLine(line, colour)); } };
  } else {
    destination = { write: (line: string) => { process.stderr.write(line); } };
  }
  const root = pino(
    {
      level,
      base: { pid: process.pid },
      serializers: { err: stdSerializers.errWithCause },
      // Every line written while a request is handled carries its id, whoever writes it.
      mixin: () => {
        const reqId = currentRequestId();
        return reqId === undefined ? {} : { reqId };
      },
    },
    destination,
  );
  const requests = root.child({ component: 'http' });
  return {
    component: (name) => asLogger(root.child({ component: name })),
    request: (entry) => { requests.info(entry, 'request'); },
    destination: file ?? 'stderr',
    close: () => rotating?.close(),
  };
}
