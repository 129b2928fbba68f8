/**
 * @module A small client of /api/ws for tests, on the `ws` package: queues every
 * JSON frame, waits for the next one matching a predicate, calls commands.
 */
import WebSocket, { type ClientOptions } from 'ws';

export interface WsFrame {
  op: string;
  project?: string;
  event?: { id: number; type: string; subject: string; data: Record<string, unknown> };
  error?: { code: string; message: string; hint: string; details?: Record<string, unknown> };
  [key: string]: unknown;
}

export interface WsClient {
  readonly socket: WebSocket;
  readonly frames: WsFrame[];
  send(message: unknown): void;
  /** The next queued frame matching `match` (removed from the queue), or an error after `timeoutMs`. */
  next(match?: (f: WsFrame) => boolean, timeoutMs?: number): Promise<WsFrame>;
  /** Event frames until one has id >= lastId. */
  eventsUntil(lastId: number, project?: string, timeoutMs?: number): Promise<WsFrame[]>;
  call(command: string, input?: Record<string, unknown>): Promise<WsFrame>;
  /** Resolves with the close code once the socket closed. */
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

export const wsUrl = (httpUrl: string, query = ''): string => `${httpUrl.replace(/^http/, 'ws')}/api/ws${query}`;

let calls = 0;

/** Opens a socket; rejects with the HTTP status when the upgrade is refused. */
export function openWs(url: string, options: ClientOptions & { protocols?: string[] } = {}): Promise<WsClient> {
  const socket = new WebSocket(url, options.protocols ?? [], options);
  const frames: WsFrame[] = [];
  let wake: (() => void) | undefined;
  socket.on('message', (data) => {
    frames.push(JSON.parse((data as Buffer).toString('utf8')) as WsFrame);
    wake?.();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    socket.on('close', (code, reason) => {
      resolve({ code, reason: reason.toString() });
      wake?.();
    });
  });
  const client: WsClient = {
    socket,
    frames,
    closed,
    send: (message) => { socket.send(JSON.stringify(message)); },
    async next(match = () => true, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const index = frames.findIndex(match);
        if (index !== -1) return frames.splice(index, 1)[0]!;
        const remaining = deadline - Date.now();
        if (remaining <= 0 || socket.readyState === WebSocket.CLOSED) throw new Error(`no matching frame within ${timeoutMs} ms; queued: ${JSON.stringify(frames).slice(0, 500)}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, remaining);
          wake = () => {
            clearTimeout(timer);
            wake = undefined;
            resolve();
          };
        });
      }
    },
    async eventsUntil(lastId, project, timeoutMs = 10_000) {
      const got: WsFrame[] = [];
      for (;;) {
        const frame = await client.next((f) => f.op === 'event' && (project === undefined || f.project === project), timeoutMs);
        got.push(frame);
        if (frame.event!.id >= lastId) return got;
      }
    },
    call(command, input = {}) {
      const id = `c${++calls}`;
      client.send({ op: 'call', id, command, input });
      return client.next((f) => (f.op === 'result' || f.op === 'error') && f['id'] === id);
    },
    close: () => { socket.close(); },
  };
  return new Promise((resolve, reject) => {
    socket.once('open', () => { resolve(client); });
    socket.once('unexpected-response', (req, res) => {
      req.destroy();
      reject(Object.assign(new Error(`upgrade refused: ${res.statusCode ?? 0}`), { status: res.statusCode }));
    });
    socket.once('error', reject);
  });
}
