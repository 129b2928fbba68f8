/**
 * @module `baton run` as a process, against a real server: two (and four) runs on
 * one lock never overlap (a file each appends its token to at start and end),
 * the second waits then runs, signals reach the command, a lost lease stops it
 * (SIGTERM, then SIGKILL after the grace), a SIGKILLed run's lease lapses after
 * --ttl and the next run takes over, and every exit code is the documented one.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alive, baton, spawnBaton, until } from '../support/cli-process.js';
import { cleanupAll, randomId, startServer, tempDir, type ServerProcess } from '../support/server.js';

let server: ServerProcess;
let env: Record<string, string>;
let dir: string;

beforeAll(async () => {
  server = await startServer();
  env = { BATON_URL: server.url, BATON_PROJECT: randomId('run') };
  dir = tempDir();
});

afterAll(async () => {
  await cleanupAll();
});

/** A node one-liner as a command. */
const node = (source: string): string[] => [process.execPath, '-e', source];

/** A command that appends `start TOKEN`, waits, appends `end TOKEN`. */
const appender = (file: string, ms: number): string[] =>
  node(`const fs=require('fs');const t=process.env.BATON_LOCK_TOKEN;fs.appendFileSync(${JSON.stringify(file)},'start '+t+'\\n');setTimeout(()=>{fs.appendFileSync(${JSON.stringify(file)},'end '+t+'\\n')},${ms})`);

function assertNoOverlap(file: string, runs: number): void {
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  expect(lines).toHaveLength(runs * 2);
  const tokens = new Set<string>();
  for (let i = 0; i < lines.length; i += 2) {
    const [start, token] = lines[i]!.split(' ');
    expect(start).toBe('start');
    expect(lines[i + 1]).toBe(`end ${token}`);
    expect(Number(token)).toBeGreaterThan(0);
    tokens.add(token!);
  }
  expect(tokens.size).toBe(runs);
}

describe('baton run --lock', () => {
  it('runs two concurrent invocations one after the other, the second waiting; their tokens never overlap', async () => {
    const file = join(dir, 'two.log');
    const first = spawnBaton(['run', '--lock', 'pytest', '--', ...appender(file, 800)], env);
    await until(() => existsSync(file), 15_000, 'the first run to start');
    const second = spawnBaton(['run', '--lock', 'pytest', '--', ...appender(file, 100)], env);
    const [a, b] = await Promise.all([first.done, second.done]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(b.stderr).toMatch(/waiting for lock 'pytest', held by run-/);
    assertNoOverlap(file, 2);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(Number(lines[2]!.split(' ')[1])).toBeGreaterThan(Number(lines[0]!.split(' ')[1]));
  });

  it('serialises four runs that start together, and several locks taken in any order', async () => {
    const file = join(dir, 'four.log');
    const runs = [
      spawnBaton(['run', '--lock', 'a', '--lock', 'b', '--', ...appender(file, 150)], env),
      spawnBaton(['run', '--lock', 'b', '--lock', 'a', '--', ...appender(file, 150)], env),
      spawnBaton(['run', '--lock', 'a', '--', ...appender(file, 150)], env),
      spawnBaton(['run', '--lock', 'b', '--lock', 'a', '--', ...appender(file, 150)], env),
    ];
    const results = await Promise.all(runs.map((r) => r.done));
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    // Runs holding only 'a' still exclude those holding 'a' and 'b'.
    assertNoOverlap(file, 4);
  });

  it('passes the fencing tokens to the command: BATON_LOCK_TOKEN, one per lock, and the run agent', async () => {
    const out = join(dir, 'env.json');
    const r = await baton(['run', '--lock', 'wave:5c.1', '--lock', 'deploy', '--', ...node(`require('fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify(process.env))`)], env);
    expect(r.code, r.stderr).toBe(0);
    const seen = JSON.parse(readFileSync(out, 'utf8')) as Record<string, string>;
    expect(Number(seen['BATON_LOCK_TOKEN_WAVE_5C_1'])).toBeGreaterThan(0);
    expect(Number(seen['BATON_LOCK_TOKEN_DEPLOY'])).toBeGreaterThan(0);
    // Locks are taken in name order: 'deploy' first.
    expect(seen['BATON_LOCK_TOKEN']).toBe(seen['BATON_LOCK_TOKEN_DEPLOY']);
    expect(seen['BATON_AGENT']).toMatch(/^run-/);
    expect(seen['BATON_URL']).toBe(server.url);
    // Released at the end.
    expect((await baton(['lock', 'check', 'deploy'], env)).code).toBe(0);
  });

  it('holds a worker slot and a file reservation, renewed while the command runs, released after', async () => {
    const out = join(dir, 'slot.json');
    const r = await baton(['run', '--slot', '--reserve', 'src/run/**', '--ttl', '2', '--', ...node(`setTimeout(()=>require('fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify(process.env)), 2500)`)], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/lost/);
    const seen = JSON.parse(readFileSync(out, 'utf8')) as Record<string, string>;
    expect(Number(seen['BATON_SLOT_TOKEN'])).toBeGreaterThan(0);
    expect(seen['BATON_RESERVATION_ID']).toMatch(/^res/);
    expect(Number(seen['BATON_RESERVATION_TOKEN'])).toBeGreaterThan(0);
    expect(seen['BATON_LOCK_TOKEN']).toBe(seen['BATON_RESERVATION_TOKEN']);
  });
});

describe('baton run signals and lease loss', () => {
  it('heartbeats while the command runs, so its holder stays active however long it takes', async () => {
    const agentFile = join(dir, 'agent');
    const live = spawnBaton(['run', '--lock', 'long-job', '--ttl', '2', '--', ...node(`require('fs').writeFileSync(${JSON.stringify(agentFile)}, process.env.BATON_AGENT);setTimeout(()=>{},2600)`)], env);
    await until(() => existsSync(agentFile), 15_000, 'the command to start');
    const agent = readFileSync(agentFile, 'utf8');
    const lastHeartbeat = async (): Promise<number> =>
      Date.parse((JSON.parse((await baton(['agent', 'show', agent, '--json'], env)).stdout) as { agent: { last_heartbeat: string } }).agent.last_heartbeat);
    const first = await lastHeartbeat();
    let later = first;
    for (const deadline = Date.now() + 5_000; later <= first && Date.now() < deadline; ) {
      await new Promise((r) => setTimeout(r, 200));
      later = await lastHeartbeat();
    }
    expect(later).toBeGreaterThan(first);
    expect((await live.done).code).toBe(0);
  });

  it('forwards SIGTERM, SIGINT and SIGHUP to the command and exits with its code', async () => {
    for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
      const marker = join(dir, `sig-${signal}`);
      const live = spawnBaton(['run', '--lock', `sig-${signal}`, '--', ...node(`const fs=require('fs');process.on('${signal}',()=>{fs.appendFileSync(${JSON.stringify(marker)},'got ${signal}');process.exit(7)});fs.writeFileSync(${JSON.stringify(marker)},'');setInterval(()=>{},1000)`)], env);
      await until(() => existsSync(marker), 15_000, 'the command to start');
      live.child.kill(signal);
      const r = await live.done;
      expect(r.code, r.stderr).toBe(7);
      expect(readFileSync(marker, 'utf8')).toBe(`got ${signal}`);
      expect((await baton(['lock', 'check', `sig-${signal}`], env)).code).toBe(0);
    }
  });

  it('a signal while waiting leaves the queue, takes nothing, and exits 128+N', async () => {
    await baton(['lock', 'acquire', 'busy-wait', '--agent', 'holder-1'], env);
    const live = spawnBaton(['run', '--lock', 'busy-wait', '--', 'true'], env);
    await until(() => live.stderr().includes('waiting for'), 15_000, 'the run to queue');
    live.child.kill('SIGINT');
    const r = await live.done;
    expect(r.code).toBe(130);
    const listed = JSON.parse((await baton(['lock', 'list', 'busy-wait', '--json'], env)).stdout) as { waiters: unknown[]; locks: { holder: string }[] };
    expect(listed.locks.map((l) => l.holder)).toEqual(['holder-1']);
    expect(listed.waiters).toEqual([]);
    await baton(['lock', 'release', 'busy-wait', '--agent', 'holder-1'], env);
  });

  it('stops the command when its lease is lost: SIGTERM, then SIGKILL after the grace; exit 76', async () => {
    const marker = join(dir, 'lost');
    const pidFile = join(dir, 'lost.pid');
    // The command ignores SIGTERM (noting it), so only SIGKILL ends it.
    const live = spawnBaton(['run', '--lock', 'fragile', '--ttl', '2', '--grace', '1', '--', ...node(`const fs=require('fs');process.on('SIGTERM',()=>fs.appendFileSync(${JSON.stringify(marker)},'TERM'));fs.writeFileSync(${JSON.stringify(pidFile)},String(process.pid));setInterval(()=>{},1000)`)], env);
    await until(() => existsSync(pidFile), 15_000, 'the command to start');
    const commandPid = Number(readFileSync(pidFile, 'utf8'));
    // Freeze baton run past its TTL (the command keeps running), let another agent take the lock, then thaw it.
    live.child.kill('SIGSTOP');
    await new Promise((r) => setTimeout(r, 3000));
    const thief = await baton(['lock', 'acquire', 'fragile', '--agent', 'thief'], env);
    expect(thief.code, thief.stderr).toBe(0);
    live.child.kill('SIGCONT');
    const r = await live.done;
    expect(r.code, r.stderr).toBe(76);
    expect(r.stderr).toMatch(/lost lock 'fragile'/);
    expect(readFileSync(marker, 'utf8')).toContain('TERM');
    expect(alive(commandPid)).toBe(false);
    // The thief still holds it: the lost run gave back nothing of theirs.
    const check = await baton(['lock', 'check', 'fragile', '--json'], env);
    expect((JSON.parse(check.stdout) as { locks: { holder: string }[] }).locks.map((l) => l.holder)).toEqual(['thief']);
  });

  it('when baton run itself is killed (SIGKILL), its lease lapses after --ttl and the next run takes the lock with a higher token', async () => {
    const first = join(dir, 'crash.first');
    // The command outlives the killed run (nothing can pass SIGKILL on); it notes its token and pid, and is killed below.
    const crashed = spawnBaton(['run', '--lock', 'crashy', '--ttl', '3', '--', ...node(`require('fs').writeFileSync(${JSON.stringify(first)}, process.env.BATON_LOCK_TOKEN+' '+process.pid);setInterval(()=>{},1000)`)], env);
    await until(() => existsSync(first) && readFileSync(first, 'utf8').includes(' '), 15_000, 'the first command to start');
    const [firstToken, orphan] = readFileSync(first, 'utf8').split(' ').map(Number);
    try {
      // 'exit', not 'close': the orphaned command still holds the run's stdout and stderr open.
      const exited = new Promise<NodeJS.Signals | null>((resolve) => crashed.child.once('exit', (_code, signal) => { resolve(signal); }));
      crashed.child.kill('SIGKILL');
      const killedAt = Date.now();
      expect(await exited).toBe('SIGKILL');
      // Nobody signed off: the lock is still held until the lease lapses.
      expect((await baton(['lock', 'check', 'crashy'], env)).code).toBe(75);
      const next = await baton(['run', '--lock', 'crashy', '--wait', '30', '--', ...node('process.stdout.write(process.env.BATON_LOCK_TOKEN)')], env);
      expect(next.code, next.stderr).toBe(0);
      expect(next.stderr).toMatch(/waiting for lock 'crashy', held by run-/);
      // Granted once the lease lapsed: within the TTL (3 s, its last renewal at most a third of it before the kill) plus the sweep's slack.
      expect(Date.now() - killedAt).toBeLessThan(3000 + 5000);
      expect(Number(next.stdout)).toBeGreaterThan(firstToken!);
    } finally {
      if (orphan !== undefined && alive(orphan)) process.kill(orphan, 'SIGKILL');
    }
  });
});

describe('baton run exit codes', () => {
  it("is the command's own code", async () => {
    expect((await baton(['run', '--lock', 'code', '--', ...node('process.exit(3)')], env)).code).toBe(3);
  });

  it('is 128+N when the command is killed by signal N', async () => {
    expect((await baton(['run', '--lock', 'code', '--', ...node("process.kill(process.pid,'SIGKILL')")], env)).code).toBe(137);
  });

  it('is 75 when busy and not waiting (--wait 0), or when --wait runs out', async () => {
    await baton(['lock', 'acquire', 'held', '--agent', 'holder-2'], env);
    const now = await baton(['run', '--lock', 'held', '--wait', '0', '--', 'true'], env);
    expect(now.code).toBe(75);
    expect(now.stderr).toMatch(/BUSY: lock 'held'.*holder-2/);
    const later = await baton(['run', '--lock', 'held', '--wait', '1', '--json', '--', 'true'], env);
    expect(later.code).toBe(75);
    expect(JSON.parse(later.stdout)).toMatchObject({ error: { code: 'BUSY', exit_code: 75, details: { acquired: false, holder: 'holder-2', timed_out: true } } });
    expect((JSON.parse(later.stdout) as { error: { details: Record<string, unknown> } }).error.details).not.toHaveProperty('queue_position');
  });

  it('is 69 when no server answers', async () => {
    const r = await baton(['run', '--lock', 'x', '--url', 'http://127.0.0.1:9', '--', 'true'], {});
    expect(r.code).toBe(69);
    expect(r.stderr).toMatch(/Cannot reach the Baton server/);
    const none = await baton(['run', '--lock', 'x', '--', 'true'], { BATON_DATA_DIR: tempDir() });
    expect(none.code).toBe(69);
    expect(none.stderr).toMatch(/baton start --daemon/);
  });

  it('is 127 for a command that does not exist, 2 for no command at all', async () => {
    expect((await baton(['run', '--lock', 'x', '--', 'no-such-command-baton'], env)).code).toBe(127);
    expect((await baton(['run', '--lock', 'x'], env)).code).toBe(2);
  });
});
