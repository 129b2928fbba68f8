/**
 * @module Profile task-coordinator (seed 001) through the real MCP SDK client:
 * the seed's tools and argument names, its README's example workflow with two
 * Claude instances (slots 1 and 2, TASK-001 / TASK-002), its dependency setup,
 * the fencing the seed's token-less update_task gets from the token kept per
 * (task, worker), its REST API under /api, and 16 workers at once: no task
 * claimed twice, no slot held twice, no server error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/main.js';
import { call, callError, httpClient, startInProcess } from '../support/mcp.js';
import { randomId } from '../support/server.js';

const SEED_TOOLS = ['claim_worker_slot', 'release_worker_slot', 'get_workers', 'add_task', 'get_available_tasks', 'get_all_tasks', 'claim_task', 'update_task', 'reset_failed_task'];

let server: RunningServer;
beforeAll(async () => {
  server = await startInProcess();
});
afterAll(async () => {
  await server.close();
});

const instance = (project: string) => httpClient(server.url, { query: { profile: 'task-coordinator', project } });
type Task = { id: string; status: string; worker?: string; description: string; output?: unknown };

describe('profile task-coordinator', () => {
  it("lists the seed's tools with its argument names", async () => {
    const client = await instance(randomId('tc'));
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([...SEED_TOOLS].sort());
    const claim = tools.find((t) => t.name === 'claim_task');
    expect(Object.keys(claim?.inputSchema.properties ?? {})).toEqual(['taskId', 'workerId', 'workerSlot']);
    const update = tools.find((t) => t.name === 'update_task');
    expect(Object.keys(update?.inputSchema.properties ?? {})).toEqual(['taskId', 'status', 'workerId', 'output', 'error']);
    await client.close();
  });

  it("runs the README's example workflow: two instances, slots 1 and 2, TASK-001 and TASK-002", async () => {
    const project = randomId('tc');
    const one = await instance(project);
    const two = await instance(project);
    await call(one, 'add_task', { id: 'TASK-001', description: 'First task' });
    await call(one, 'add_task', { id: 'TASK-002', description: 'Second task' });
    // Claude Instance 1
    const slot1 = await call(one, 'claim_worker_slot');
    expect(slot1).toMatchObject({ success: true, slot: 1 });
    const tasks1 = (await call(one, 'get_available_tasks'))['tasks'] as Task[];
    expect(tasks1.map((t) => t.id)).toEqual(['TASK-001', 'TASK-002']);
    expect(await call(one, 'claim_task', { taskId: 'TASK-001', workerId: 'worker-1', workerSlot: slot1['slot'] })).toMatchObject({ success: true, task: { id: 'TASK-001', status: 'working', worker: 'worker-1' } });
    // Claude Instance 2, running concurrently
    const slot2 = await call(two, 'claim_worker_slot');
    expect(slot2).toMatchObject({ success: true, slot: 2 });
    const tasks2 = (await call(two, 'get_available_tasks'))['tasks'] as Task[];
    expect(tasks2.map((t) => t.id)).toEqual(['TASK-002']);
    expect(await call(two, 'claim_task', { taskId: 'TASK-002', workerId: 'worker-2', workerSlot: slot2['slot'] })).toMatchObject({ success: true });
    // Worker 1 finishes
    expect(await call(one, 'update_task', { taskId: 'TASK-001', status: 'done', workerId: 'worker-1', output: 'Completed successfully' })).toMatchObject({ success: true, task: { id: 'TASK-001', status: 'done' } });
    expect(await call(one, 'release_worker_slot', { slot: slot1['slot'] })).toMatchObject({ success: true, slot: 1 });
    const workers = (await call(two, 'get_workers'))['workers'] as { slot: number; active: boolean }[];
    expect(workers).toHaveLength(5);
    expect(workers.filter((w) => w.active).map((w) => w.slot)).toEqual([2]);
    const all = (await call(two, 'get_all_tasks'))['tasks'] as Task[];
    expect(all.find((t) => t.id === 'TASK-001')).toMatchObject({ status: 'done', output: 'Completed successfully' });
    expect(all.find((t) => t.id === 'TASK-002')).toMatchObject({ status: 'working', worker: 'worker-2' });
    // The slot freed by instance 1 is the next one handed out.
    expect(await call(one, 'claim_worker_slot')).toMatchObject({ slot: 1 });
    await Promise.all([one.close(), two.close()]);
  });

  it('sets up tasks with dependencies: only what is unblocked is available', async () => {
    const client = await instance(randomId('tc'));
    await call(client, 'add_task', { id: 'setup-project', description: 'Initialize Next.js project' });
    await call(client, 'add_task', { id: 'setup-db', description: 'Set up Prisma with SQLite' });
    await call(client, 'add_task', { id: 'setup-env', description: 'Create environment configuration' });
    await call(client, 'add_task', { id: 'auth-api', description: 'Implement auth API routes', dependencies: ['setup-project', 'setup-db'] });
    await call(client, 'add_task', { id: 'auth-ui', description: 'Create login pages', dependencies: ['setup-project'] });
    await call(client, 'add_task', { id: 'auth-context', description: 'Build auth context', dependencies: ['auth-api', 'auth-ui'] });
    const ids = async () => ((await call(client, 'get_available_tasks'))['tasks'] as Task[]).map((t) => t.id).sort();
    expect(await ids()).toEqual(['setup-db', 'setup-env', 'setup-project']);
    const { slot } = await call(client, 'claim_worker_slot');
    await call(client, 'claim_task', { taskId: 'setup-project', workerId: 'w', workerSlot: slot });
    const done = await call(client, 'update_task', { taskId: 'setup-project', status: 'done', workerId: 'w' });
    expect(done['unblocked']).toEqual(['auth-ui']);
    expect(await ids()).toEqual(['auth-ui', 'setup-db', 'setup-env']);
    const all = (await call(client, 'get_all_tasks'))['tasks'] as (Task & { waiting_on_dependencies?: boolean })[];
    expect(all.find((t) => t.id === 'auth-context')).toMatchObject({ status: 'available', waiting_on_dependencies: true });
    // A cycle or an unknown dependency is refused, as the hub refuses it.
    expect(await callError(client, 'add_task', { id: 'x', description: 'x', dependencies: ['nope'] })).toMatchObject({ code: expect.stringMatching(/NOT_FOUND|INVALID_INPUT/) });
    await client.close();
  });

  it('fails, resets and retries a task; only the claiming worker may update it', async () => {
    const client = await instance(randomId('tc'));
    await call(client, 'add_task', { id: 'flaky', description: 'Flaky job' });
    const { slot } = await call(client, 'claim_worker_slot');
    await call(client, 'claim_task', { taskId: 'flaky', workerId: 'w1', workerSlot: slot });
    expect(await callError(client, 'update_task', { taskId: 'flaky', status: 'done', workerId: 'intruder' })).toMatchObject({ code: 'NOT_HOLDER' });
    expect(await call(client, 'update_task', { taskId: 'flaky', status: 'working', workerId: 'w1', output: 'half way' })).toMatchObject({ success: true });
    expect(await call(client, 'update_task', { taskId: 'flaky', status: 'failed', workerId: 'w1', error: 'boom' })).toMatchObject({ task: { status: 'failed' } });
    expect(await call(client, 'reset_failed_task', { taskId: 'flaky' })).toMatchObject({ task: { status: 'available' } });
    expect(await call(client, 'claim_task', { taskId: 'flaky', workerId: 'w2', workerSlot: slot })).toMatchObject({ success: true });
    expect(await call(client, 'update_task', { taskId: 'flaky', status: 'done', workerId: 'w2' })).toMatchObject({ task: { status: 'done' } });
    // A claim without a slot, hostile arguments.
    expect(await callError(client, 'claim_task', { taskId: 'flaky', workerId: 'w', workerSlot: 4 })).toMatchObject({ code: 'NOT_HOLDER' });
    expect(await callError(client, 'claim_task', { task_id: 'flaky', workerId: 'w', workerSlot: 1 })).toMatchObject({ code: 'INVALID_INPUT' });
    expect(await callError(client, 'update_task', { taskId: 'flaky', status: 'exploded', workerId: 'w2' })).toMatchObject({ code: 'INVALID_INPUT' });
    expect(await callError(client, 'release_worker_slot', { slot: 99 })).toMatchObject({ code: 'NOT_FOUND' });
    await client.close();
  });

  it('serves its REST API under /api, as the seed client calls it', async () => {
    const project = randomId('tc');
    const api = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(new URL(`/api${path}`, server.url), { method, headers: { 'content-type': 'application/json', 'x-baton-project': project }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    expect((await api('GET', '/health')).body).toMatchObject({ status: 'ok' });
    // The seed's client posts its whole Task object.
    expect((await api('POST', '/add-task', { id: 'T1', description: 'via REST', status: 'available', dependencies: [] })).body).toMatchObject({ success: true });
    const slot = await api('POST', '/claim-worker-slot');
    expect(slot.body).toMatchObject({ success: true, slot: 1 });
    expect((await api('GET', '/available-tasks')).body).toMatchObject({ success: true, tasks: [{ id: 'T1', status: 'available' }] });
    expect((await api('POST', '/claim-task', { taskId: 'T1', workerId: 'script', workerSlot: 1 })).body).toMatchObject({ success: true });
    const again = await api('POST', '/claim-task', { taskId: 'T1', workerId: 'other', workerSlot: 1 });
    expect(again.body).toMatchObject({ success: false });
    expect((await api('POST', '/update-task', { taskId: 'T1', status: 'done', workerId: 'script', output: 'ok' })).body).toMatchObject({ success: true });
    expect((await api('GET', '/all-tasks')).body).toMatchObject({ tasks: [{ id: 'T1', status: 'done' }] });
    expect((await api('GET', '/workers')).body).toMatchObject({ workers: [{ slot: 1, active: true }, { slot: 2, active: false }, {}, {}, {}] });
    expect((await api('POST', '/release-worker-slot', { slot: 1 })).body).toMatchObject({ success: true });
    const bad = await api('POST', '/update-task', { taskId: 'T1', status: 'done', workerId: 'nobody' });
    expect(bad.status).toBe(409);
    expect(bad.body).toMatchObject({ success: false, code: 'NOT_HOLDER', error: expect.stringMatching(/claim_task/) });
    expect((await api('POST', '/claim-task', 'not an object')).status).toBe(400);
  });

  it('16 workers drain 48 tasks at once: each claimed once, at most 5 slots, no server error', async () => {
    const project = randomId('tc');
    const setup = await instance(project);
    for (let i = 0; i < 48; i++) await call(setup, 'add_task', { id: `T-${i}`, description: `task ${i}` });
    const clients = await Promise.all(Array.from({ length: 16 }, () => instance(project)));
    const completedBy = new Map<string, string[]>();
    let inSlots = 0;
    let maxInSlots = 0;
    const slotHolders = new Map<number, number>();
    await Promise.all(
      clients.map(async (client, i) => {
        const worker = `worker-${i}`;
        for (let attempt = 0; attempt < 200; attempt++) {
          const got = await call(client, 'claim_worker_slot');
          if (got['success'] !== true) {
            await new Promise((resolve) => setTimeout(resolve, 5));
            continue;
          }
          const slot = got['slot'] as number;
          slotHolders.set(slot, (slotHolders.get(slot) ?? 0) + 1);
          expect(slotHolders.get(slot)).toBe(1);
          inSlots += 1;
          maxInSlots = Math.max(maxInSlots, inSlots);
          const ready = (await call(client, 'get_available_tasks'))['tasks'] as Task[];
          const pick = ready[i % Math.max(ready.length, 1)];
          if (pick) {
            const claimed = await call(client, 'claim_task', { taskId: pick.id, workerId: worker, workerSlot: slot });
            if (claimed['success'] === true) {
              await call(client, 'update_task', { taskId: pick.id, status: 'done', workerId: worker, output: worker });
              completedBy.set(pick.id, [...(completedBy.get(pick.id) ?? []), worker]);
            }
          }
          inSlots -= 1;
          slotHolders.set(slot, (slotHolders.get(slot) ?? 1) - 1);
          await call(client, 'release_worker_slot', { slot });
          if (!pick) break;
        }
      }),
    );
    expect(maxInSlots).toBeLessThanOrEqual(5);
    expect(completedBy.size).toBe(48);
    for (const workers of completedBy.values()) expect(workers).toHaveLength(1);
    const all = (await call(setup, 'get_all_tasks'))['tasks'] as Task[];
    expect(all.every((t) => t.status === 'done')).toBe(true);
    await Promise.all([setup.close(), ...clients.map((c) => c.close())]);
  }, 120_000);
});

describe('profile task-coordinator: fencing without tokens', () => {
  let short: RunningServer;
  beforeAll(async () => {
    short = await startInProcess({ defaultClaimTtlMs: 300 });
  });
  afterAll(async () => {
    await short.close();
  });

  it("refuses a worker whose claim lapsed and was taken over, though the seed's call carries no token", async () => {
    const project = randomId('tc');
    const client = await httpClient(short.url, { query: { profile: 'task-coordinator', project } });
    await call(client, 'add_task', { id: 'T', description: 'contended' });
    const { slot } = await call(client, 'claim_worker_slot');
    await call(client, 'claim_task', { taskId: 'T', workerId: 'slow', workerSlot: slot });
    await new Promise((resolve) => setTimeout(resolve, 700));
    await short.hub.sweepOnce();
    expect(await call(client, 'claim_task', { taskId: 'T', workerId: 'fast', workerSlot: slot })).toMatchObject({ success: true });
    expect(await callError(client, 'update_task', { taskId: 'T', status: 'done', workerId: 'slow', output: 'stale result' })).toMatchObject({ code: expect.stringMatching(/LEASE_LOST|NOT_HOLDER/) });
    expect(await call(client, 'update_task', { taskId: 'T', status: 'done', workerId: 'fast', output: 'fresh' })).toMatchObject({ task: { status: 'done' } });
    const all = (await call(client, 'get_all_tasks'))['tasks'] as Task[];
    expect(all[0]).toMatchObject({ output: 'fresh' });
    await client.close();
  });
});
