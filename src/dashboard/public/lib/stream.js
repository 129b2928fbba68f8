// The live feed: Baton's SSE stream (/api/events) read with fetch, so the token travels in the
// Authorization header (EventSource cannot send one and would put it in the URL). Reconnects
// with the last id it saw, so nothing is missed and nothing repeats.
import { headers } from './api.js';

/**
 * Opens the stream of `project` after event id `after`. Calls onEvents(batch) with parsed events,
 * onStatus('live' | 'reconnecting' | 'error', detail). Returns a function that closes it.
 */
export function openStream({ project, after, onEvents, onStatus }) {
  let cursor = after;
  let closed = false;
  let controller = null;
  let retry = 500;

  async function connect() {
    while (!closed) {
      controller = new AbortController();
      try {
        const url = `/api/events?project=${encodeURIComponent(project)}&after=${cursor}`;
        const response = await fetch(url, { headers: headers(project, { accept: 'text/event-stream' }), signal: controller.signal, cache: 'no-store', credentials: 'omit' });
        if (!response.ok || !response.body) {
          let body = null;
          try { body = await response.json(); } catch { body = null; }
          onStatus('error', (body && body.error) || { code: 'HTTP_' + response.status, message: `The event stream answered ${response.status}.` });
          if (response.status === 401 || response.status === 403 || response.status === 404) return;
        } else {
          onStatus('live');
          retry = 500;
          await read(response.body);
        }
      } catch (error) {
        if (closed) return;
        onStatus('reconnecting', { message: String(error && error.message || error) });
      }
      if (closed) return;
      onStatus('reconnecting', { message: `Reconnecting in ${Math.round(retry / 100) / 10} s` });
      await new Promise((resolve) => setTimeout(resolve, retry));
      retry = Math.min(retry * 2, 10_000);
    }
  }

  async function read(body) {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      const frames = buffer.split('\n\n');
      buffer = frames.pop() || '';
      const batch = [];
      for (const frame of frames) {
        let data = '';
        let type = 'message';
        for (const line of frame.split('\n')) {
          if (line.startsWith('data: ')) data += line.slice(6);
          else if (line.startsWith('event: ')) type = line.slice(7);
        }
        if (!data) continue;
        const parsed = JSON.parse(data);
        if (type === 'error') { onStatus('error', parsed.error || parsed); continue; }
        if (typeof parsed.id === 'number' && parsed.id > cursor) cursor = parsed.id;
        batch.push(parsed);
      }
      if (batch.length) onEvents(batch);
    }
  }

  void connect();
  return () => { closed = true; if (controller) controller.abort(); };
}
