/**
 * @module `baton mcp --profile NAME` and BATON_MCP_PROFILE: the built stdio
 * proxy serves a seed's tools, and under task-coordinator finds its server
 * through the seed's TASK_COORDINATOR_URL, as the seed's Claude config sets it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/main.js';
import { call, startInProcess, stdioClient } from '../support/mcp.js';
import { randomId } from '../support/server.js';

let server: RunningServer;
beforeAll(async () => {
  server = await startInProcess();
});
afterAll(async () => {
  await server.close();
});

describe('baton mcp with a profile', () => {
  it("serves seed 001's tools at TASK_COORDINATOR_URL, two instances with their own slots", async () => {
    const project = randomId('stdio');
    const env = { TASK_COORDINATOR_URL: server.url, BATON_PROJECT: project };
    const one = await stdioClient({ ...env, CLAUDE_CODE_SESSION_ID: 'claude-1' }, ['--profile', 'task-coordinator']);
    const two = await stdioClient({ ...env, CLAUDE_CODE_SESSION_ID: 'claude-2' }, ['--profile', 'task-coordinator']);
    expect((await one.client.listTools()).tools.map((t) => t.name)).toContain('claim_worker_slot');
    expect(await call(one.client, 'claim_worker_slot')).toMatchObject({ slot: 1 });
    expect(await call(two.client, 'claim_worker_slot')).toMatchObject({ slot: 2 });
    expect((await call(two.client, 'get_workers'))['workers']).toEqual(expect.arrayContaining([expect.objectContaining({ slot: 1, workerId: 'claude-1' })]));
    await Promise.all([one.close(), two.close()]);
  });

  it('takes the profile from BATON_MCP_PROFILE', async () => {
    const proxy = await stdioClient({ BATON_URL: server.url, BATON_MCP_PROFILE: 'power-pack', BATON_PROJECT: randomId('stdio'), CLAUDE_CODE_SESSION_ID: 's1' });
    expect(await call(proxy.client, 'acquire_lock', { lock_name: 'pytest' })).toMatchObject({ success: true });
    expect(await call(proxy.client, 'check_lock', { lock_name: 'pytest' })).toMatchObject({ holder: 's1' });
    await proxy.close();
  });
});
