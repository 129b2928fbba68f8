/**
 * @module A minimal Server-Sent Events reader for tests: opens a stream with
 * fetch and hands out parsed frames (id, event, data) until aborted.
 */

export interface SseFrame {
  id: number | undefined;
  event: string;
  data: unknown;
}

export interface SseStream {
  status: number;
  /** The next frame, or null when the stream ended or `timeoutMs` passed without one. */
  next(timeoutMs?: number): Promise<SseFrame | null>;
  close(): void;
}

function parseFrame(block: string): SseFrame | null {
  let id: number | undefined;
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':') || line === '') continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') id = Number(value);
    else if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  if (data.length === 0) return null;
  return { id, event, data: JSON.parse(data.join('\n')) };
}

/** Opens `url` as an event stream; rejects when the server answers with a non-stream error. */
export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseStream & { errorBody?: unknown }> {
  const abort = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
  if (!res.ok || !res.body) {
    const errorBody: unknown = await res.json().catch(() => null);
    return { status: res.status, errorBody, next: () => Promise.resolve(null), close: () => { abort.abort(); } };
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  const frames: SseFrame[] = [];
  let buffer = '';
  let ended = false;
  let pendingRead: Promise<void> | undefined;

  const pump = (): Promise<void> =>
    (pendingRead ??= reader.read().then(
      ({ value, done }) => {
        pendingRead = undefined;
        if (done) {
          ended = true;
          return;
        }
        buffer += value.replace(/\r\n/g, '\n');
        let cut = buffer.indexOf('\n\n');
        while (cut !== -1) {
          const frame = parseFrame(buffer.slice(0, cut));
          if (frame) frames.push(frame);
          buffer = buffer.slice(cut + 2);
          cut = buffer.indexOf('\n\n');
        }
      },
      () => {
        pendingRead = undefined;
        ended = true;
      },
    ));

  return {
    status: res.status,
    async next(timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (frames.length === 0 && !ended) {
        const remaining = deadline - Date.now();
        if (remaining <= 0) return null;
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([pump(), new Promise<void>((resolve) => (timer = setTimeout(resolve, remaining)))]);
        clearTimeout(timer);
      }
      return frames.shift() ?? null;
    },
    close() {
      abort.abort();
    },
  };
}
