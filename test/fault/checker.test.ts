/**
 * @module The fault checker and the fenced register on hand-made histories: each
 * kind of violation the fault runs look for is found and named, and a clean
 * history passes, so a green fault run means the guarantees held.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { checkConsumers, checkExclusion, checkLockLog, checkLogIds, checkTasks, sameHolderRegrants } from './support/checker.js';
import { startFencedRegister, writeRegister } from './support/fenced-register.js';
import type { ClientLine, ConsumerRecord, LogEvent, RegisterWrite } from './support/history.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
let nextId = 0;
const ev = (type: string, subject: string, data: Record<string, unknown>, atMs = 0): LogEvent => ({ id: ++nextId, type, actor: null, subject, data, at: new Date(T0 + atMs).toISOString() });
const fresh = (events: (() => LogEvent)[]): LogEvent[] => {
  nextId = 0;
  return events.map((make) => make());
};
const acquired = (lock: string, holder: string, token: number, atMs: number, ttlMs = 10_000) => () =>
  ev('lease.acquired', lock, { kind: 'lock', resource: lock, holder, token, expires_at: T0 + atMs + ttlMs }, atMs);
const released = (lock: string, holder: string, token: number, atMs: number) => () => ev('lease.released', lock, { kind: 'lock', resource: lock, holder, token }, atMs);
const write = (lock: string, token: number, client: string, at: number, accepted: boolean, highest = 0, highestBy: string | null = null): RegisterWrite => ({ lock, token, client, phase: 'enter', at, accepted, highest, highestBy });

describe('the fenced register', () => {
  const registers: { close(): Promise<void> }[] = [];
  afterAll(async () => {
    await Promise.all(registers.map((r) => r.close()));
  });

  it('accepts a token at least as high as the highest accepted for that lock, refuses a lower one, and records both', async () => {
    const register = await startFencedRegister();
    registers.push(register);
    expect(await writeRegister(register.url, { lock: 'a', token: 5, client: 'x', phase: 'enter' })).toBe(true);
    expect(await writeRegister(register.url, { lock: 'a', token: 5, client: 'x', phase: 'exit' })).toBe(true);
    expect(await writeRegister(register.url, { lock: 'b', token: 2, client: 'y', phase: 'enter' })).toBe(true);
    expect(await writeRegister(register.url, { lock: 'a', token: 4, client: 'z', phase: 'enter' })).toBe(false);
    expect(register.writes.map((w) => [w.lock, w.token, w.accepted, w.highestBy])).toEqual([
      ['a', 5, true, null],
      ['a', 5, true, 'x'],
      ['b', 2, true, null],
      ['a', 4, false, 'x'],
    ]);
  });
});

describe('the exclusion check', () => {
  it('passes accepted writes whose token intervals follow each other', () => {
    expect(checkExclusion([write('a', 1, 'x', 1, true), write('a', 1, 'x', 2, true), write('a', 2, 'y', 3, true)], [])).toEqual([]);
  });

  it('names a refused write as two holders at once, with both grants from the log', () => {
    const log = fresh([acquired('a', 'x', 1, 0), acquired('a', 'y', 2, 5)]);
    const found = checkExclusion([write('a', 2, 'y', 1, true), write('a', 1, 'x', 2, false, 2, 'y')], log);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/x wrote 'enter' with token 1 .* after y had written with token 2/);
    expect(found[0]).toContain('"holder":"y"');
  });

  it('does not count a write refused after the writer\'s lease ended: that is fencing at work', () => {
    const log = fresh([acquired('a', 'x', 1, 0, 1_000), acquired('a', 'y', 2, 1_000)]);
    expect(checkExclusion([write('a', 2, 'y', T0 + 1_100, true), write('a', 1, 'x', T0 + 1_200, false, 2, 'y')], log)).toEqual([]);
  });

  it('flags one token used by two clients', () => {
    expect(checkExclusion([write('a', 3, 'x', 1, true), write('a', 3, 'y', 2, true)], [])[0]).toMatch(/token 3 was used by both x and y/);
  });
});

describe('the lock-log check', () => {
  const grantLine = (client: string, lock: string, token: number): ClientLine => ({ kind: 'grant', client, agent: client, lock, token, renewed: false, expiresAt: 0, at: 0, waitedMs: 0, node: 0, retried: false });

  it('passes handoffs after releases and grants after a lapse', () => {
    const log = fresh([acquired('a', 'x', 1, 0), released('a', 'x', 1, 10), acquired('a', 'y', 2, 20, 100), acquired('a', 'z', 3, 200)]);
    expect(checkLockLog(log, [grantLine('x', 'a', 1), grantLine('z', 'a', 3)], ['a'])).toEqual([]);
  });

  it('flags a grant over a live holder and a token that does not grow', () => {
    const log = fresh([acquired('a', 'x', 5, 0), acquired('a', 'y', 4, 10)]);
    const found = checkLockLog(log, [], ['a']);
    expect(found).toHaveLength(2);
    expect(found[0]).toMatch(/does not follow grant/);
    expect(found[1]).toMatch(/while x held token 5/);
  });

  it('flags an acknowledged grant missing from the log', () => {
    expect(checkLockLog(fresh([acquired('a', 'x', 1, 0)]), [grantLine('y', 'a', 2)], ['a'])[0]).toMatch(/y was told it holds token 2/);
  });

  it('does not call a second grant to the same holder two holders, but reports it apart', () => {
    const log = fresh([acquired('a', 'x', 7, 0), acquired('a', 'x', 8, 0)]);
    expect(checkLockLog(log, [], ['a'])).toEqual([]);
    expect(sameHolderRegrants(log)).toEqual([{ lock: 'a', holder: 'x', tokens: [7, 8], ids: [1, 2] }]);
  });
});

describe('the task check', () => {
  const claimed = (task: string, agent: string, token: number) => () => ev('task.claimed', task, { agent, token, attempts: 1 });
  const completed = (task: string, agent: string) => () => ev('task.completed', task, { agent });
  const requeued = (task: string, agent: string) => () => ev('task.requeued', task, { agent, reason: 'expired' });
  const done = new Map([['t1', 'done'], ['t2', 'done']]);

  it('passes a lapsed claim taken over and completed once', () => {
    const log = fresh([claimed('t1', 'a', 1), requeued('t1', 'a'), claimed('t1', 'b', 2), completed('t1', 'b'), claimed('t2', 'a', 3), completed('t2', 'a')]);
    const lines: ClientLine[] = [{ kind: 'complete', client: 'b', agent: 'b', task: 't1', token: 2, at: 0, via: 'ack' }];
    expect(checkTasks(log, lines, ['t1', 't2'], done)).toEqual([]);
  });

  it('flags two live claims, a second completion, and a task left unfinished', () => {
    const log = fresh([claimed('t1', 'a', 1), claimed('t1', 'b', 2), completed('t1', 'b'), claimed('t1', 'a', 3), completed('t1', 'a')]);
    const found = checkTasks(log, [], ['t1', 't2'], new Map([['t1', 'done'], ['t2', 'ready']]));
    expect(found.join('\n')).toMatch(/Task t1: .*task.claimed.* while a's claim/);
    expect(found.join('\n')).toMatch(/Task t1: completed 2 times/);
    expect(found.join('\n')).toMatch(/Task t2: completed 0 times/);
    expect(found.join('\n')).toMatch(/Task t2: ends ready/);
  });

  it('flags acknowledged claims and completions the log does not have', () => {
    const log = fresh([claimed('t1', 'a', 1), completed('t1', 'a'), claimed('t2', 'b', 2), completed('t2', 'b')]);
    const lines: ClientLine[] = [
      { kind: 'claim', client: 'c', agent: 'c', task: 't1', token: 9, at: 0, expiresAt: 0, retried: false },
      { kind: 'complete', client: 'c', agent: 'c', task: 't1', token: 9, at: 0, via: 'ack' },
      { kind: 'complete', client: 'a', agent: 'a', task: 't1', token: 1, at: 0, via: 'verified' },
    ];
    const found = checkTasks(log, lines, ['t1', 't2'], done).join('\n');
    expect(found).toMatch(/c was told it claimed it with token 9/);
    expect(found).toMatch(/c's completion with token 9 was acknowledged/);
    expect(found).toMatch(/completion acknowledged to 2 clients/);
  });
});

describe('the consumer check', () => {
  const log = fresh(Array.from({ length: 6 }, (_, i) => () => ev('custom', `s${i + 1}`, {})));
  const consumer = (ids: number[], extra: Partial<ConsumerRecord> = {}): ConsumerRecord => ({
    kind: 'consumer',
    consumer: 'c',
    mode: 'sse',
    home: 0,
    start: 2,
    ids,
    digests: ids.map((id) => `${id}:custom:s${id}`),
    reconnects: 1,
    errors: [],
    ...extra,
  });

  it('passes a consumer that got exactly the events after its start', () => {
    expect(checkLogIds(log)).toEqual([]);
    expect(checkConsumers([consumer([3, 4, 5, 6])], log, 6)).toEqual([]);
  });

  it('names gaps, duplicates, wrong content and stalls', () => {
    expect(checkConsumers([consumer([3, 5, 6])], log, 6)[0]).toMatch(/received 5 where 4 was due: a gap \(missing 4..4\)/);
    expect(checkConsumers([consumer([3, 4, 4, 5, 6])], log, 6)[0]).toMatch(/received 4 where 5 was due: a duplicate/);
    expect(checkConsumers([consumer([3, 4], { digests: ['3:custom:s3', '4:custom:other'] })], log, 4)[0]).toMatch(/received 4:custom:other but the log has 4:custom:s4/);
    expect(checkConsumers([consumer([3, 4], { stalledAt: 4 })], log, 6)[0]).toMatch(/stopped at id 4, never reaching the final id 6/);
  });

  it('notices a log with a hole', () => {
    expect(checkLogIds([...log.slice(0, 2), ...log.slice(3)])).toEqual(["The store's log jumps from id 2 to 4."]);
  });
});
