/**
 * @module The state around a fuzz run, over REST: the fuzz project seeded with
 * agents, locks, tasks, state and a service (so generated calls reach past
 * validation), and a canary in a project of its own — a lock, a claimed task and a
 * state key written before the fuzz — that must be exactly intact after it.
 */
import { TOOLSETS } from '../../../src/hub/command.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { createClient, randomId, startServer, tempDir, type RestClient, type ServerProcess } from '../../support/server.js';
import { FUZZ_PROJECT } from './values.js';

/** A server process whose waits are capped at 1 s (0.2 s when the call names none), so no generated call blocks for long. */
export async function startFuzzServer(): Promise<ServerProcess> {
  const dataDir = tempDir('baton-fuzz-');
  // Every toolset offered, the opt-in ones (operator) included, so every command is fuzzed over MCP.
  writeFileSync(join(dataDir, 'config.json'), JSON.stringify({ max_wait_seconds: 1, default_wait_seconds: 0.2, toolsets: TOOLSETS }));
  return startServer({ dataDir });
}

async function ok<TBody>(request: Promise<{ status: number; body: TBody }>, what: string): Promise<TBody> {
  const res = await request;
  if (res.status !== 200) throw new Error(`${what} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

const as = (url: string, agent: string): RestClient => createClient(url, { project: FUZZ_PROJECT, agent });

/** (Re)joins the fuzz project's agents: fuzzed sign_off calls keep signing them off. */
export async function rejoinFuzzAgents(url: string): Promise<void> {
  await ok(as(url, 'fa').post('/agents', { metadata: { branch: 'issue-42-auth' } }), 'register fa');
  await ok(as(url, 'fb').post('/agents', {}), 'register fb');
}

export async function seedFuzzProject(url: string): Promise<void> {
  await rejoinFuzzAgents(url);
  const fa = as(url, 'fa');
  await ok(fa.post('/locks/fz-lock/acquire', { ttl_seconds: 3600 }), 'lock');
  await ok(fa.post('/tasks', { tasks: [{ id: 'ft1', title: 'one' }, { id: 'ft2', title: 'two', dependencies: ['ft1'] }, { id: 'ft3', title: 'three' }] }), 'tasks');
  // A failed task, so reset_failed_task has something to reset.
  const claim = await ok(fa.post<{ token: number }>('/tasks/claim', { task_id: 'ft3' }), 'claim ft3');
  await ok(fa.post('/tasks/ft3/update', { token: claim.token, status: 'failed', error: 'seeded failure' }), 'fail ft3');
  await ok(fa.put('/state/fs/fk', { value: { seeded: true } }), 'state');
  await ok(fa.post('/services', { service_id: 'fsvc', name: 'fuzz service' }), 'service');
}

export interface Canary {
  project: string;
  lockToken: number;
  taskToken: number;
  stateVersion: number;
  lastEventId: number;
}

const CANARY_VALUE = { intact: true, list: [1, 2, 3], text: 'canary' };

export async function writeCanary(url: string): Promise<Canary> {
  const project = randomId('canary');
  const keeper = createClient(url, { project, agent: 'keeper' });
  await ok(keeper.post('/agents', {}), 'register keeper');
  const lock = await ok(keeper.post<{ token: number }>('/locks/canary-lock/acquire', { ttl_seconds: 86_400 }), 'canary lock');
  await ok(keeper.post('/tasks', { id: 'canary-task', title: 'must stay claimed' }), 'canary task');
  const claim = await ok(keeper.post<{ token: number }>('/tasks/claim', { task_id: 'canary-task', ttl_seconds: 86_400 }), 'canary claim');
  const state = await ok(keeper.put<{ version: number }>('/state/canary/k', { value: CANARY_VALUE }), 'canary state');
  const events = await ok(keeper.get<{ last_id: number }>('/events', { after: 0 }), 'canary events');
  return { project, lockToken: lock.token, taskToken: claim.token, stateVersion: state.version, lastEventId: events.last_id };
}

export async function expectCanaryIntact(url: string, canary: Canary): Promise<void> {
  const api = createClient(url, { project: canary.project });
  expect((await api.get('/locks/canary-lock')).body).toMatchObject({ held: true, locks: [{ holder: 'keeper', token: canary.lockToken }] });
  expect((await api.get('/tasks/canary-task')).body).toMatchObject({ task: { status: 'claimed', claimed_by: 'keeper', claim_token: canary.taskToken } });
  expect((await api.get('/state/canary/k')).body).toMatchObject({ value: CANARY_VALUE, version: canary.stateVersion });
  // Nothing at all happened in the canary's project during the fuzz.
  expect((await api.get('/events', { after: canary.lastEventId })).body).toMatchObject({ events: [] });
}
