/**
 * @module Raw TCP exchanges with an HTTP server (node:net), for requests no HTTP
 * client will send: malformed framing, bad header bytes, bodies that trickle in.
 */
import { connect, type Socket } from 'node:net';

export interface RawAnswer {
  /** Everything the server sent before it closed the connection (or before the deadline). */
  text: string;
  /** The status line's code, 0 when nothing came. */
  status: number;
  /** The parsed JSON body, when there is one. */
  body: unknown;
  /** Whether the server closed the connection before the deadline. */
  closed: boolean;
  /** Milliseconds from connecting to the close (or the deadline). */
  elapsedMs: number;
}

function parse(text: string): Pick<RawAnswer, 'status' | 'body'> {
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
  const cut = text.indexOf('\r\n\r\n');
  let body: unknown;
  try {
    body = cut === -1 ? undefined : JSON.parse(text.slice(cut + 4));
  } catch {
    body = undefined;
  }
  return { status, body };
}

/**
 * Connects, lets `write` send bytes (at any pace), and resolves once the server
 * closes the connection or `deadlineMs` passes, whichever comes first.
 */
export function rawExchange(port: number, write: (socket: Socket) => void, deadlineMs = 2_000): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    let text = '';
    let settled = false;
    const settle = (closed: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ text, ...parse(text), closed, elapsedMs: Date.now() - started });
    };
    const timer = setTimeout(() => {
      settle(false);
    }, deadlineMs);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      settle(true);
    });
    socket.on('connect', () => {
      write(socket);
    });
  });
}

/** Sends `bytes` at once. */
export const sendRaw = (port: number, bytes: string, deadlineMs?: number): Promise<RawAnswer> =>
  rawExchange(
    port,
    (socket) => {
      socket.write(bytes);
    },
    deadlineMs,
  );
