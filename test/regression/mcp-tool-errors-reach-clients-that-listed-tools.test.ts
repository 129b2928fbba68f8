/**
 * @module A tool error must reach a client that listed the tools. SDK clients
 * check a result's structured content against the tool's output schema, errors
 * included; an error sent as structured content answered them a protocol error
 * (-32602 "Structured content does not match") instead of the typed error, so a
 * model saw neither the code nor what to do.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/main.js';
import { callError, httpClient, modernHttpClient, startInProcess } from '../support/mcp.js';
import { cleanupAll } from '../support/server.js';

let server: RunningServer;
beforeAll(async () => {
  server = await startInProcess();
});
afterAll(async () => {
  await server.close();
  await cleanupAll();
});

describe('tool errors after tools/list', () => {
  it('reach a 1.x SDK client as typed tool errors', async () => {
    const client = await httpClient(server.url, { query: { project: 'errors' } });
    expect((await client.listTools()).tools.some((t) => t.name === 'release_lock' && t.outputSchema)).toBe(true);
    const error = await callError(client, 'release_lock', { name: 'never-held', agent_id: 'nobody' });
    expect(error.code).toMatch(/^(NOT_FOUND|NOT_HOLDER|AGENT_REQUIRED)$/);
    expect(error.hint.length).toBeGreaterThan(0);
    await client.close();
  });

  it('reach a 2.x SDK client as typed tool errors', async () => {
    const client = await modernHttpClient(server.url, { query: { project: 'errors' } });
    await client.listTools();
    const error = await callError(client, 'release_lock', { name: 'never-held', agent_id: 'nobody' });
    expect(error.code).toMatch(/^(NOT_FOUND|NOT_HOLDER|AGENT_REQUIRED)$/);
    await client.close();
  });
});
