/**
 * @module Opens a coordinator's SSE stream (`/api/events`, Last-Event-ID) and
 * collects the ids of the events it pushes, in order, until enough arrived or
 * time ran out. Headers of an idle stream may not be sent before its first
 * event, so the stream is opened, not awaited: `opened` only gives it a moment.
 */
export interface StreamIds {
  /** Resolves with every id received (in order) once `want` arrived or `timeoutMs` passed. */
  ids: Promise<number[]>;
}

export function collectStreamIds(url: string, project: string, lastEventId: number, want: number, timeoutMs: number): StreamIds {
  const abort = new AbortController();
  const timer = setTimeout(() => {
    abort.abort();
  }, timeoutMs);
  const received: number[] = [];
  const ids = (async () => {
    try {
      const res = await fetch(`${url}/api/events`, {
        headers: { accept: 'text/event-stream', 'x-baton-project': project, 'last-event-id': String(lastEventId) },
        signal: abort.signal,
      });
      if (!res.ok || !res.body) throw new Error(`SSE answered ${res.status}: ${await res.text()}`);
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      while (received.length < want) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value.replace(/\r\n/g, '\n');
        for (let cut = buffer.indexOf('\n\n'); cut !== -1; cut = buffer.indexOf('\n\n')) {
          const id = /^id: (\d+)$/m.exec(buffer.slice(0, cut));
          if (id) received.push(Number(id[1]));
          buffer = buffer.slice(cut + 2);
        }
      }
    } catch (error) {
      if (!abort.signal.aborted) throw error;
    } finally {
      clearTimeout(timer);
      abort.abort();
    }
    return received;
  })();
  return { ids };
}
