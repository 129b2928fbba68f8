/**
 * @module `baton lock acquire|release|list|check`: the named locks of the hub's
 * locks toolset (acquire_lock, release_lock, list_locks). `acquire --wait` waits
 * in the FIFO queue as long as asked (client/acquire.ts), printing who holds it.
 */
import { act, type CommonFlags, type Result } from '../act.js';
import { acquireWaiting, blockedLine } from '../client/acquire.js';
import { EXIT } from '../client/exit-codes.js';
import type { Answer } from '../client/http-client.js';
import { duration, table, type Paint } from '../output.js';

export interface AcquireFlags extends CommonFlags {
  wait?: number | undefined;
  ttl?: number | undefined;
  shared?: boolean | undefined;
  limit?: number | undefined;
  force?: boolean | undefined;
  reason?: string | undefined;
}

interface LeaseRow {
  name?: string;
  holder?: string;
  mode?: string;
  token?: number;
  expires_in_s?: number;
  reason?: string;
}

interface WaiterRow {
  name?: string;
  holder?: string;
  ticket?: number;
  waiting_s?: number;
}

const str = (value: unknown): string => (typeof value === 'string' || typeof value === 'number' ? String(value) : '');
const busyLine = (answer: Answer): string => `${typeof answer['holder'] === 'string' ? `'${str(answer['name'])}' is ` : ''}${blockedLine(answer)}.\n`;

export async function lockAcquire(name: string, flags: AcquireFlags): Promise<void> {
  await act(flags, async (client): Promise<Result> => {
    const input = {
      name,
      ...(flags.ttl !== undefined ? { ttl_seconds: flags.ttl } : {}),
      ...(flags.shared ? { mode: 'shared' } : {}),
      ...(flags.limit !== undefined ? { limit: flags.limit } : {}),
      ...(flags.force ? { force: true } : {}),
      ...(flags.reason !== undefined ? { reason: flags.reason } : {}),
    };
    const shown = new Set<string>();
    const answer = await acquireWaiting(client, 'acquire_lock', input, {
      waitSeconds: flags.wait ?? 0,
      onBlocked: (blocked) => {
        // Say who holds it once per holder, on stderr: stdout is the result.
        const holder = str(blocked['holder']);
        if ((flags.wait ?? 0) > 0 && !shown.has(holder)) process.stderr.write(`waiting: ${busyLine(blocked)}`);
        shown.add(holder);
      },
    });
    if (answer['acquired'] === true) {
      return { json: answer, human: (p: Paint) => `${p('green', 'acquired')} ${str(answer['name'])} token ${str(answer['token'])} (expires in ${duration(answer['expires_in_s'] as number)}${answer['renewed'] === true ? ', renewed' : ''})\n` };
    }
    return { json: answer, human: (p: Paint) => `${p('yellow', 'busy:')} ${busyLine(answer)}  Wait (longer) with --wait SECONDS or --wait forever, or try later.\n`, exitCode: EXIT.BUSY };
  });
}

export async function lockRelease(name: string, flags: CommonFlags & { token?: number | undefined }): Promise<void> {
  await act(flags, async (client): Promise<Result> => {
    const answer = await client.call('release_lock', { name, ...(flags.token !== undefined ? { token: flags.token } : {}) });
    const handed = (answer['handed_to'] ?? []) as { agent: string; token: number }[];
    const next = handed.length > 0 ? `; handed to ${handed.map((h) => `${h.agent} (token ${h.token})`).join(', ')}` : '';
    return { json: answer, human: (p: Paint) => `${p('green', 'released')} ${str(answer['name'])} (token ${str(answer['token'])})${next}\n` };
  });
}

function locksTable(answer: Answer, paint: Paint): string {
  const locks = (answer['locks'] ?? []) as LeaseRow[];
  const waiters = (answer['waiters'] ?? []) as WaiterRow[];
  let text = table(locks, [
    { header: 'lock', value: (l) => l.name },
    { header: 'holder', value: (l) => l.holder },
    { header: 'mode', value: (l) => l.mode ?? 'exclusive' },
    { header: 'token', value: (l) => l.token, right: true },
    { header: 'expires', value: (l) => duration(l.expires_in_s), right: true },
    { header: 'reason', value: (l) => l.reason },
  ], paint);
  const related = (answer['related'] ?? []) as LeaseRow[];
  if (related.length > 0) text += `\nrelated:\n${table(related, [{ header: 'lock', value: (l) => l.name }, { header: 'holder', value: (l) => l.holder }, { header: 'token', value: (l) => l.token, right: true }], paint)}`;
  if (waiters.length > 0) {
    text += `\nwaiting:\n${table(waiters, [
      { header: 'lock', value: (w) => w.name },
      { header: 'agent', value: (w) => w.holder },
      { header: 'ticket', value: (w) => w.ticket, right: true },
      { header: 'waiting', value: (w) => duration(w.waiting_s), right: true },
    ], paint)}`;
  }
  if (answer['truncated'] === true) text += paint('dim', `(more: --cursor ${str(answer['next_cursor'])})\n`);
  return text;
}

export async function lockList(name: string | undefined, flags: CommonFlags & { limit?: number | undefined; cursor?: string | undefined }): Promise<void> {
  await act(flags, async (client): Promise<Result> => {
    const answer = await client.call('list_locks', { ...(name !== undefined ? { name } : {}), ...(flags.limit !== undefined ? { limit: flags.limit } : {}), ...(flags.cursor ? { cursor: flags.cursor } : {}) });
    return { json: answer, human: (p) => locksTable(answer, p) };
  });
}

/** Exit 0 when the lock is free, 75 (busy) when held: `if baton lock check deploy; then …`. */
export async function lockCheck(name: string, flags: CommonFlags): Promise<void> {
  await act(flags, async (client): Promise<Result> => {
    const answer = await client.call('list_locks', { name });
    const held = answer['held'] === true;
    const holders = ((answer['locks'] ?? []) as LeaseRow[]).map((l) => l.holder).join(', ');
    return {
      json: answer,
      human: (p) => (held ? `${p('yellow', 'held')} ${str(answer['name'])} by ${holders}\n` : `${p('green', 'free')} ${str(answer['name'])}\n`),
      ...(held ? { exitCode: EXIT.BUSY } : {}),
    };
  });
}
