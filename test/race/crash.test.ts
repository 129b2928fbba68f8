/**
 * @module Crash durability: a server is SIGKILLed while a child process loads it,
 * then restarted on the same data directory. Every operation the client saw
 * acknowledged (HTTP 200) must still be there, and fencing tokens keep growing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { allTasks, restCaller, type CallCommand } from '../support/callers.js';
import { cleanupAll, randomId, REPO_ROOT, sleep, startServer, tempDir, type ServerProcess } from '../support/server.js';
import { killWorkers, runWorker } from '../support/workers.js';
import type { AckedOp, CrashLoadParams, LoopEnd } from './workers/crash-load.js';

const WORKER = join(REPO_ROOT, 'test/race/workers/crash-load.ts');

afterAll(async () => {
  killWorkers();
  await cleanupAll();
});

const readAcks = (file: string): AckedOp[] =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as AckedOp)
    : [];

/** Runs load until `minAcks` operations were acknowledged, then SIGKILLs the server mid-load. */
async function loadAndKill(server: ServerProcess, project: string, run: string, minAcks: number): Promise<AckedOp[]> {
  const log = join(tempDir('baton-crash-'), 'acked.jsonl');
  const params: CrashLoadParams = { url: server.url, project, log, loops: 6, run };
  const worker = runWorker<{ loops: LoopEnd[] }>(WORKER, params, { timeoutMs: 60_000 });
  const deadline = Date.now() + 30_000;
  while (readAcks(log).length < minAcks) {
    if (Date.now() > deadline) throw new Error(`Only ${readAcks(log).length} operations acknowledged in 30 s. Server stderr:\n${server.stderr()}`);
    await sleep(25);
  }
  await server.kill();
  const [summary] = await worker.done;
  // Every loop must have stopped because the server vanished, not because a call was refused.
  expect(summary?.loops.map((l) => l.stop)).toEqual(Array.from({ length: params.loops }, () => 'connection'));
  return readAcks(log);
}

async function allEvents(call: CallCommand): Promise<Map<number, { type: string; data: { topic?: string; payload?: { n: number } } }>> {
  const events = new Map<number, { type: string; data: { topic?: string; payload?: { n: number } } }>();
  let after = 0;
  for (;;) {
    const page = await call('get_events', { after, limit: 1000 });
    const list = page['events'] as { id: number; type: string; data: { topic?: string; payload?: { n: number } } }[];
    for (const e of list) events.set(e.id, e);
    if (list.length < 1000) return events;
    after = list.at(-1)!.id;
  }
}

async function expectAcknowledgedSurvived(call: CallCommand, acks: AckedOp[]): Promise<void> {
  const tasks = new Set((await allTasks(call)).map((t) => t['id'] as string));
  const ackedTasks = acks.flatMap((a) => (a.op === 'task' ? [a.id] : []));
  expect(ackedTasks.filter((id) => !tasks.has(id)), 'acknowledged tasks lost').toEqual([]);

  const latest = new Map<string, { value: number; version: number }>();
  for (const a of acks) if (a.op === 'state' && a.version > (latest.get(a.key)?.version ?? 0)) latest.set(a.key, a);
  for (const [key, acked] of latest) {
    const entry = await call('retrieve_data', { scope: 'crash', key });
    const version = entry['version'] as number;
    expect(version, key).toBeGreaterThanOrEqual(acked.version);
    if (version === acked.version) expect(entry['value'], key).toBe(acked.value);
    else expect(entry['value'] as number, key).toBeGreaterThan(acked.value);
  }

  const events = await allEvents(call);
  for (const a of acks) {
    if (a.op !== 'event') continue;
    const stored = events.get(a.id);
    expect(stored?.type, `event ${a.id}`).toBe('custom');
    expect(stored?.data.topic, `event ${a.id}`).toBe(a.topic);
    expect(stored?.data.payload?.n, `event ${a.id}`).toBe(a.n);
  }
}

const maxToken = (acks: AckedOp[]): number => Math.max(0, ...acks.flatMap((a) => (a.op === 'lock' || a.op === 'release' ? [a.token] : [])));

describe('a server killed mid-load', () => {
  it('keeps every acknowledged operation across two crashes, and fencing tokens keep growing', async () => {
    const project = randomId('crash');
    let server = await startServer();
    const first = await loadAndKill(server, project, 'a', 150);
    expect(first.filter((a) => a.op === 'task').length).toBeGreaterThan(10);

    server = await server.restart();
    const afterFirst = restCaller(server.url, project, 'checker');
    await afterFirst('register_agent', {});
    await expectAcknowledgedSurvived(afterFirst, first);
    const probe = await afterFirst('acquire_lock', { name: 'probe' });
    expect(probe['token'] as number).toBeGreaterThan(maxToken(first));
    await afterFirst('release_lock', { name: 'probe' });

    // A second crash after recovery: the recovered database keeps taking load and keeps its promises.
    const second = await loadAndKill(server, project, 'b', 150);
    server = await server.restart();
    const afterSecond = restCaller(server.url, project, 'checker');
    await expectAcknowledgedSurvived(afterSecond, [...first, ...second]);
    expect(maxToken(second)).toBeGreaterThan(probe['token'] as number);
    const next = await afterSecond('acquire_lock', { name: 'probe' });
    expect(next['token'] as number).toBeGreaterThan(maxToken(second));
    await server.stop();
  }, 90_000);
});
