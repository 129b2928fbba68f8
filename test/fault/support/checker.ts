/**
 * @module The fault-run checker: pure functions over the recorded history and the
 * store's final event log, each returning the violations it found as sentences
 * with their evidence (empty when the guarantee held). Exclusion is judged by the
 * fenced register's own clock; tokens, claims and completions by the log, and
 * every acknowledged grant, claim and completion must be in that log.
 */
import { digestOf, type ClientLine, type ConsumerRecord, type LogEvent, type RegisterWrite } from './history.js';

type Line<K extends ClientLine['kind']> = Extract<ClientLine, { kind: K }>;
export const linesOf = <K extends ClientLine['kind']>(lines: readonly ClientLine[], kind: K): Line<K>[] => lines.filter((l): l is Line<K> => l.kind === kind);

const num = (e: LogEvent, field: string): number => Number(e.data[field]);
const str = (e: LogEvent, field: string): string => String(e.data[field]);
const iso = (ms: number): string => new Date(ms).toISOString();
const show = (e: LogEvent | undefined): string => (e ? `#${e.id} ${e.type} ${e.subject} ${JSON.stringify(e.data)} at ${e.at}` : '(none)');

/** The log itself: ids strictly increasing without gaps. */
export function checkLogIds(log: readonly LogEvent[]): string[] {
  const out: string[] = [];
  for (let i = 1; i < log.length; i++) {
    const previous = log[i - 1]!;
    const e = log[i]!;
    if (e.id !== previous.id + 1) out.push(`The store's log jumps from id ${previous.id} to ${e.id}.`);
  }
  return out;
}

/** How close to its lease's end a refused write is "too close to call" (clocks of two processes). */
const CLOCK_SLACK_MS = 250;

/**
 * Never two holders in the critical section: the register refused no write made
 * while the writer's lease was live (a refusal means a newer token had written
 * while this holder still held its lease; one after the lease's end is fencing
 * doing its job), and the accepted writes of different tokens form disjoint
 * intervals in token order.
 */
export function checkExclusion(writes: readonly RegisterWrite[], log: readonly LogEvent[]): string[] {
  const out: string[] = [];
  const grantOf = new Map<string, LogEvent>();
  const expiry = new Map<string, number>();
  for (const e of log) {
    if (e.type !== 'lease.acquired' && e.type !== 'lease.renewed') continue;
    const key = `${e.subject}#${num(e, 'token')}`;
    if (e.type === 'lease.acquired') grantOf.set(key, e);
    expiry.set(key, Math.max(expiry.get(key) ?? 0, num(e, 'expires_at')));
  }
  for (const w of writes) {
    if (w.accepted) continue;
    const key = `${w.lock}#${w.token}`;
    const lapsedAt = expiry.get(key);
    if (lapsedAt !== undefined && w.at >= lapsedAt - CLOCK_SLACK_MS) continue;
    out.push(
      `Lock '${w.lock}': ${w.client} wrote '${w.phase}' with token ${w.token} at ${iso(w.at)} (its lease ran until ${lapsedAt === undefined ? '?' : iso(lapsedAt)}) after ${w.highestBy ?? '?'} had written with token ${w.highest}` +
        ` (two holders at once). Grants: ${show(grantOf.get(key))}; ${show(grantOf.get(`${w.lock}#${w.highest}`))}.`,
    );
  }
  const byLock = new Map<string, Map<number, { start: number; end: number; client: string }>>();
  for (const w of writes) {
    if (!w.accepted) continue;
    const spans = byLock.get(w.lock) ?? new Map<number, { start: number; end: number; client: string }>();
    byLock.set(w.lock, spans);
    const span = spans.get(w.token);
    if (!span) spans.set(w.token, { start: w.at, end: w.at, client: w.client });
    else {
      if (span.client !== w.client) out.push(`Lock '${w.lock}': token ${w.token} was used by both ${span.client} and ${w.client}.`);
      span.end = Math.max(span.end, w.at);
    }
  }
  for (const [lock, spans] of byLock) {
    const ordered = [...spans.entries()].sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < ordered.length; i++) {
      const [prevToken, prev] = ordered[i - 1]!;
      const [token, span] = ordered[i]!;
      if (span.start <= prev.end) {
        out.push(`Lock '${lock}': ${span.client} (token ${token}) entered at ${iso(span.start)} before ${prev.client} (token ${prevToken}) left at ${iso(prev.end)}.`);
      }
    }
  }
  return out;
}

/**
 * Per lock, in log order: grant tokens strictly increase, and no grant while
 * another holder's lease is live (unreleased and unexpired at the grant's time).
 * Every grant a client saw acknowledged is in the log.
 */
export function checkLockLog(log: readonly LogEvent[], lines: readonly ClientLine[], locks: readonly string[]): string[] {
  const out: string[] = [];
  const wanted = new Set(locks);
  const lastToken = new Map<string, LogEvent>();
  const holder = new Map<string, { token: number; holder: string; expiresAt: number; event: LogEvent }>();
  const granted = new Set<string>();
  for (const e of log) {
    if (!e.type.startsWith('lease.') || str(e, 'kind') !== 'lock' || !wanted.has(e.subject)) continue;
    const lock = e.subject;
    const token = num(e, 'token');
    const at = Date.parse(e.at);
    const current = holder.get(lock);
    switch (e.type) {
      case 'lease.acquired': {
        const previous = lastToken.get(lock);
        if (previous && num(previous, 'token') >= token) out.push(`Lock '${lock}': grant ${show(e)} does not follow grant ${show(previous)} with a higher token.`);
        // A second grant to the holder itself (two queued tickets of one agent) replaces its lease: not two holders.
        if (current && current.expiresAt > at && current.holder !== str(e, 'holder')) {
          out.push(`Lock '${lock}': ${show(e)} while ${current.holder} held token ${current.token} until ${iso(current.expiresAt)} (${show(current.event)}).`);
        }
        lastToken.set(lock, e);
        holder.set(lock, { token, holder: str(e, 'holder'), expiresAt: num(e, 'expires_at'), event: e });
        granted.add(`${lock}#${str(e, 'holder')}#${token}`);
        break;
      }
      case 'lease.renewed':
        if (current?.token === token) current.expiresAt = num(e, 'expires_at');
        break;
      case 'lease.released':
      case 'lease.expired':
      case 'lease.broken':
        if (current?.token === token) holder.delete(lock);
        break;
      default:
        break;
    }
  }
  for (const g of linesOf(lines, 'grant')) {
    if (!granted.has(`${g.lock}#${g.agent}#${g.token}`)) out.push(`Lock '${g.lock}': ${g.client} was told it holds token ${g.token} (at ${iso(g.at)}), but the log has no such grant to ${g.agent}.`);
  }
  return out;
}

/** Grants of a lock to an agent that already held it live (its lease's token changes under it). */
export function sameHolderRegrants(log: readonly LogEvent[]): { lock: string; holder: string; tokens: [number, number]; ids: [number, number] }[] {
  const found: { lock: string; holder: string; tokens: [number, number]; ids: [number, number] }[] = [];
  const live = new Map<string, { event: LogEvent; expiresAt: number }>();
  for (const e of log) {
    if (!e.type.startsWith('lease.') || str(e, 'kind') !== 'lock') continue;
    const key = `${e.subject}#${str(e, 'holder')}`;
    const held = live.get(key);
    if (e.type === 'lease.acquired') {
      if (held && held.expiresAt > Date.parse(e.at)) found.push({ lock: e.subject, holder: str(e, 'holder'), tokens: [num(held.event, 'token'), num(e, 'token')], ids: [held.event.id, e.id] });
      live.set(key, { event: e, expiresAt: num(e, 'expires_at') });
    } else if (e.type === 'lease.renewed') {
      if (held) held.expiresAt = num(e, 'expires_at');
    } else if (e.type !== 'lease.queued' && e.type !== 'lease.wait_ended') {
      live.delete(key);
    }
  }
  return found;
}

/**
 * Tasks: never two live claims on one task, every completion by the live claim's
 * agent, each task completed exactly once and none left unfinished, and every
 * claim and completion a client saw acknowledged is in the log.
 */
export function checkTasks(log: readonly LogEvent[], lines: readonly ClientLine[], taskIds: readonly string[], finalStatus: ReadonlyMap<string, string>): string[] {
  const out: string[] = [];
  const ids = new Set(taskIds);
  const live = new Map<string, { agent: string; token: number; event: LogEvent }>();
  const completions = new Map<string, { agent: string; token: number | null; event: LogEvent }[]>();
  const claims = new Set<string>();
  for (const e of log) {
    if (!e.type.startsWith('task.') || !ids.has(e.subject)) continue;
    const task = e.subject;
    const claim = live.get(task);
    switch (e.type) {
      case 'task.claimed':
        if (claim) out.push(`Task ${task}: ${show(e)} while ${claim.agent}'s claim (token ${claim.token}, ${show(claim.event)}) was live.`);
        live.set(task, { agent: str(e, 'agent'), token: num(e, 'token'), event: e });
        claims.add(`${task}#${str(e, 'agent')}#${num(e, 'token')}`);
        break;
      case 'task.completed': {
        const agent = str(e, 'agent');
        if (claim?.agent !== agent) out.push(`Task ${task}: ${show(e)} but the live claim was ${claim ? `${claim.agent}'s (token ${claim.token})` : 'none'}.`);
        const list = completions.get(task) ?? [];
        list.push({ agent, token: claim?.agent === agent ? claim.token : null, event: e });
        completions.set(task, list);
        live.delete(task);
        break;
      }
      case 'task.failed':
      case 'task.released':
      case 'task.requeued':
      case 'task.cancelled':
        live.delete(task);
        break;
      default:
        break;
    }
  }
  for (const id of taskIds) {
    const done = completions.get(id) ?? [];
    if (done.length !== 1) out.push(`Task ${id}: completed ${done.length} times in the log${done.length > 0 ? ` (${done.map((d) => show(d.event)).join('; ')})` : ''}.`);
    const status = finalStatus.get(id);
    if (status !== 'done') out.push(`Task ${id}: ends ${status ?? 'missing'}, not done.`);
  }
  for (const c of linesOf(lines, 'claim')) {
    if (!claims.has(`${c.task}#${c.agent}#${c.token}`)) out.push(`Task ${c.task}: ${c.client} was told it claimed it with token ${c.token}, but the log has no such claim.`);
  }
  const ackedBy = new Map<string, string[]>();
  for (const c of linesOf(lines, 'complete')) {
    ackedBy.set(c.task, [...(ackedBy.get(c.task) ?? []), c.client]);
    const logged = completions.get(c.task)?.find((d) => d.agent === c.agent && d.token === c.token);
    if (!logged) out.push(`Task ${c.task}: ${c.client}'s completion with token ${c.token} was acknowledged (${c.via}) but is not in the log.`);
  }
  for (const [task, clients] of ackedBy) if (clients.length > 1) out.push(`Task ${task}: completion acknowledged to ${clients.length} clients: ${clients.join(', ')}.`);
  return out;
}

/**
 * Every consumer received exactly the log's events after its start cursor, in
 * order, each once, up to the final id.
 */
export function checkConsumers(consumers: readonly ConsumerRecord[], log: readonly LogEvent[], finalId: number): string[] {
  const out: string[] = [];
  const digest = new Map(log.map((e) => [e.id, digestOf(e)]));
  for (const c of consumers) {
    const who = `Consumer ${c.consumer} (${c.mode}, home coordinator ${c.home}, from ${c.start}, ${c.reconnects} reconnects)`;
    const bad = c.ids.findIndex((id, i) => id !== c.start + 1 + i);
    if (bad !== -1) {
      const got = c.ids[bad]!;
      const expected = c.start + 1 + bad;
      const what = got < expected ? (c.ids.slice(0, bad).includes(got) ? 'a duplicate' : 'an older id') : `a gap (missing ${expected}..${got - 1})`;
      out.push(`${who}: received ${got} where ${expected} was due: ${what}. Around it: ${c.ids.slice(Math.max(0, bad - 3), bad + 4).join(', ')}.`);
      continue;
    }
    const mismatch = c.digests.find((d) => digest.get(Number(d.split(':')[0])) !== d);
    if (mismatch) out.push(`${who}: received ${mismatch} but the log has ${digest.get(Number(mismatch.split(':')[0])) ?? 'nothing'} under that id.`);
    const last = c.ids.at(-1) ?? c.start;
    if (c.stalledAt !== undefined || last < finalId) out.push(`${who}: stopped at id ${last}, never reaching the final id ${finalId}${c.errors.length > 0 ? `; errors: ${c.errors.slice(-3).join(' | ')}` : ''}.`);
  }
  return out;
}
