/**
 * @module Limits per caller across two coordinators sharing a store (Redis,
 * PostgreSQL): an agent's request rate is counted once for both, and a token's
 * open waits too (a wait open on one refuses another on the other; ending it frees
 * the place). The injected-clock cases are in src/hub/auth/caller-limits.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PG_URL, REDIS_URL } from '../support/engines.js';
import { assertBuilt, cleanupAll, createClient, sleep, startServer, type ServerProcess } from '../support/server.js';

beforeAll(() => {
  assertBuilt();
});
afterAll(cleanupAll);

const ALICE = 'alice-token-0123456789abcdef';
const WATCHER = 'watcher-token-0123456789abcdef';
const TOKENS = [
  { token: ALICE, role: 'agent', projects: ['web'], agent: 'alice' },
  { token: WATCHER, role: 'observer', projects: ['web'] },
];
const LIMITS = { agent_requests_per_minute: 6, token_requests_per_minute: 0, token_waits: 1, agent_waits: 0 };

const SHARED = [
  { kind: 'redis', url: REDIS_URL },
  { kind: 'postgres', url: PG_URL },
] as const;

describe.each(SHARED)('limits across two coordinators on $kind', ({ kind, url }) => {
  let a: ServerProcess;
  let b: ServerProcess;
  beforeAll(async () => {
    const env = {
      BATON_STORE: kind, BATON_STORE_URL: url, BATON_STORE_NAMESPACE: `limits_${randomUUID().replaceAll('-', '').slice(0, 10)}`,
      BATON_TOKENS: JSON.stringify(TOKENS), BATON_LIMITS: JSON.stringify(LIMITS),
    };
    [a, b] = await Promise.all([startServer({ env }), startServer({ env })]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([a.stop(), b.stop()]);
  });

  it("counts an agent's requests once for both coordinators and refuses past the limit with retry_after", async () => {
    // The count is per minute window: start early enough in one that the test cannot straddle two.
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 45_000) await sleep(60_000 - intoMinute + 100);
    const onA = createClient(a.url, { token: ALICE, project: 'web' });
    const onB = createClient(b.url, { token: ALICE, project: 'web' });
    expect((await onA.post('/agents', { name: 'Alice' })).status).toBe(200);
    const statuses: number[] = [];
    const refusals: { from: string; retryAfter: unknown }[] = [];
    for (let i = 0; i < 10; i++) {
      const [server, client] = i % 2 === 0 ? ['a', onB] : ['b', onA];
      const answer = await client.get('/agents');
      statuses.push(answer.status);
      if (answer.status === 429) refusals.push({ from: server, retryAfter: answer.body.error?.details?.['retry_after'] });
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429, 429, 429]);
    expect(new Set(refusals.map((r) => r.from))).toEqual(new Set(['a', 'b']));
    for (const { retryAfter } of refusals) expect(retryAfter).toEqual(expect.any(Number));
  });

  it("holds a token's open wait on one coordinator against a wait on the other, and frees it when the wait ends", async () => {
    const onA = createClient(a.url, { token: WATCHER, project: 'web' });
    const onB = createClient(b.url, { token: WATCHER, project: 'web' });
    // Waits no event ends: from the log's end, for a type nothing here publishes (a cursor past the end is refused).
    const cursor = Number((await onA.get('/events', { after: 0, limit: 1 })).body['last_id']);
    const open = new AbortController();
    const openWait = (): Promise<number | 'aborted'> =>
      fetch(`${a.url}/api/v1/events/wait?after=${cursor}&types=deps.map_set&wait_seconds=30`, { headers: { authorization: `Bearer ${WATCHER}`, 'x-baton-project': 'web' }, signal: open.signal }).then((r) => r.status, () => 'aborted');
    let waiting = openWait();
    // Until A has taken the place, B may still get it: poll for the refusal (each poll a wait of one second).
    let refused: { status: number; code?: string | undefined } = { status: 0 };
    for (let i = 0; i < 20 && refused.status !== 429; i++) {
      // A's wait ended (refused because one of B's polls held the place at that moment): A asks again.
      if ((await Promise.race([waiting, Promise.resolve('pending' as const)])) !== 'pending') waiting = openWait();
      const answer = await onB.get('/events', { after: cursor, types: 'deps.map_set', wait_seconds: 1 });
      refused = { status: answer.status, code: answer.body.error?.code };
    }
    expect(refused).toEqual({ status: 429, code: 'RATE_LIMITED' });
    // A read without wait_seconds is no wait.
    expect((await onB.get('/events', { after: 0, limit: 1 })).status).toBe(200);
    open.abort();
    expect(await waiting).toBe('aborted');
    let freed = 0;
    for (let i = 0; i < 50 && freed !== 200; i++) freed = (await onB.get('/events', { after: cursor, types: 'deps.map_set', wait_seconds: 0.1 })).status;
    expect(freed).toBe(200);
  });
});
