/**
 * @module Regression (reliability issue, item 5): a SQLite file deleted under a
 * running server went unnoticed (writes acknowledged into an unlinked file, health
 * green; after a restart they were gone and fencing tokens restarted at 1). Now
 * writes are refused with STORE_UNAVAILABLE saying why, and /health says so.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { assertBuilt, cleanupAll, createClient, startServer } from '../support/server.js';

afterAll(cleanupAll);

it('refuses writes and reports the store unhealthy once the database file is deleted', async () => {
  assertBuilt();
  const server = await startServer();
  try {
    const client = createClient(server.url, { project: 'demo', agent: 'alice' });
    expect((await client.post('/agents', {})).status).toBe(200);
    expect((await client.get('/health')).status).toBe(200);
    rmSync(join(server.dataDir, 'baton.db'));

    const write = await client.post('/locks/deploy/acquire', {});
    expect(write.status).toBe(503);
    expect(write.body).toMatchObject({ error: { code: 'STORE_UNAVAILABLE', details: { reason: 'file_deleted' } } });
    const health = await client.get('/health');
    expect(health.status).toBe(503);
    expect(JSON.stringify(health.body)).toContain('deleted');
  } finally {
    await server.stop();
  }
});
