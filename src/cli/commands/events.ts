/**
 * @module `baton events tail [--follow] [--types a,b] [--after ID] [-n N]`: the
 * project's ordered event log (get_events). Without --follow it prints the last
 * N events (default 20) and exits; with it, it then long-polls for new ones
 * until interrupted. Human lines are `id  time  type  subject  actor  data`;
 * --json prints one JSON event per line (NDJSON), so a pipe can read as it comes.
 */
import { type CommonFlags } from '../act.js';
import { connect } from '../client/connect.js';
import { ApiError } from '../client/errors.js';
import type { BatonClient } from '../client/http-client.js';
import { painter, reportError, useColour, type Paint } from '../output.js';

interface EventRow {
  id: number;
  type: string;
  actor?: string;
  subject: string;
  at?: string;
  data?: unknown;
}

export interface TailFlags extends CommonFlags {
  follow?: boolean | undefined;
  types?: string | undefined;
  after?: number | undefined;
  lines?: number | undefined;
}

function line(e: EventRow, p: Paint): string {
  const data = e.data === undefined ? '' : ` ${JSON.stringify(e.data)}`;
  return `${p('dim', String(e.id).padStart(6))}  ${p('dim', e.at ?? '')}  ${p('cyan', e.type)}  ${e.subject}${e.actor ? p('dim', ` by ${e.actor}`) : ''}${data.length > 200 ? `${data.slice(0, 199)}…` : data}\n`;
}

async function readPage(client: BatonClient, after: number, types: string[] | undefined, waitSeconds: number, signal: AbortSignal): Promise<{ events: EventRow[]; next: number; last: number }> {
  const answer = await client.call('get_events', { after, limit: 1000, ...(types ? { types } : {}), ...(waitSeconds > 0 ? { wait_seconds: waitSeconds } : {}) }, { signal });
  return { events: (answer['events'] ?? []) as EventRow[], next: answer['next_after'] as number, last: answer['last_id'] as number };
}

/** The log's newest id: a one-event read from the start answers it, and once the log was trimmed, its EVENTS_GAP does. */
async function lastId(client: BatonClient, signal: AbortSignal): Promise<number> {
  try {
    return (await client.call('get_events', { after: 0, limit: 1 }, { signal }))['last_id'] as number;
  } catch (error) {
    const last = error instanceof ApiError && error.code === 'EVENTS_GAP' ? error.details?.['last_id'] : undefined;
    if (typeof last === 'number') return last;
    throw error;
  }
}

/** Every event after `from`, page by page, and the cursor after them. */
async function readAll(client: BatonClient, from: number, types: string[] | undefined, signal: AbortSignal): Promise<{ events: EventRow[]; after: number }> {
  const events: EventRow[] = [];
  let after = from;
  for (;;) {
    const page = await readPage(client, after, types, 0, signal);
    events.push(...page.events);
    after = page.next;
    if (page.events.length < 1000) return { events, after };
  }
}

export async function eventsTail(flags: TailFlags): Promise<void> {
  const abort = new AbortController();
  const stop = (): void => {
    abort.abort();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const paint = painter(useColour(process.stdout));
  const print = (e: EventRow): void => {
    process.stdout.write(flags.json ? `${JSON.stringify(e)}\n` : line(e, paint));
  };
  try {
    const client = connect(flags);
    const types = flags.types?.split(',').map((t) => t.trim()).filter((t) => t !== '');
    const wanted = Math.max(1, flags.lines ?? 20);
    let after: number;
    let backlog: EventRow[];
    if (flags.after !== undefined) {
      ({ events: backlog, after } = await readAll(client, flags.after, types, abort.signal));
    } else {
      // The last N: read a window back from the log's end, widening it until it holds N matching events or starts at 0.
      const last = await lastId(client, abort.signal);
      let window = wanted;
      for (;;) {
        const from = Math.max(0, last - window);
        ({ events: backlog, after } = await readAll(client, from, types, abort.signal));
        if (backlog.length >= wanted || from === 0) break;
        window *= 4;
      }
      backlog = backlog.slice(-wanted);
    }
    backlog.forEach(print);
    while (flags.follow && !abort.signal.aborted) {
      const page = await readPage(client, after, types, 25, abort.signal);
      page.events.forEach(print);
      after = page.next;
    }
  } catch (error) {
    if (!abort.signal.aborted) process.exitCode = reportError(error, flags.json === true);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
