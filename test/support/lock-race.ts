/**
 * @module The seeds' lock race: each client takes power-pack's `pytest` lock,
 * holds it a moment and releases it, `rounds` times, all at once. Answers the
 * most holders seen at one time (must be 1) and how many acquisitions succeeded.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { call } from './mcp.js';

export async function racePytest(clients: readonly Client[], rounds: number): Promise<{ maxHolding: number; acquisitions: number }> {
  let holding = 0;
  let maxHolding = 0;
  let acquisitions = 0;
  await Promise.all(
    clients.map(async (client) => {
      for (let round = 0; round < rounds; round++) {
        const got = await call(client, 'acquire_lock', { lock_name: 'pytest', timeout: 30 });
        if (got['success'] !== true) continue;
        holding += 1;
        acquisitions += 1;
        maxHolding = Math.max(maxHolding, holding);
        await new Promise((resolve) => setTimeout(resolve, 2));
        holding -= 1;
        await call(client, 'release_lock', { lock_name: 'pytest' });
      }
    }),
  );
  return { maxHolding, acquisitions };
}
