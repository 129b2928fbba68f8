/**
 * @module Self-registration with a shared secret: a right secret answers a token
 * bound to a new agent in the configured projects; a wrong one is refused, and
 * an address that keeps trying is rate-limited with retry_after. Refused token
 * guesses lock an address out for the rest of the minute.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupAll, createClient, startServer, type ApiResponse, type ServerProcess } from '../support/server.js';

const SECRET = 'team-registration-secret-42';
let server: ServerProcess;
beforeAll(async () => {
  server = await startServer({ env: { BATON_REGISTRATION_SECRET: SECRET, BATON_TOKENS: JSON.stringify([{ token: 'operator-admin-token-123', role: 'admin' }]) } });
  await server.stop().then(async () => {
    // Registration is configured per server start; the config file keeps the projects.
    const { writeFileSync } = await import('node:fs');
    writeFileSync(`${server.dataDir}/config.json`, JSON.stringify({ registration_projects: ['web'] }));
  });
  server = await server.restart({ env: { BATON_REGISTRATION_SECRET: SECRET, BATON_TOKENS: JSON.stringify([{ token: 'operator-admin-token-123', role: 'admin' }]) } });
});
afterAll(async () => {
  await server.stop();
  await cleanupAll();
});

describe('self-registration', () => {
  it('gives a right secret a token bound to a new agent in the allowed projects', async () => {
    const answer = await createClient(server.url).post('/auth/register', { agent_name: 'worker', secret: SECRET });
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ agent_id: expect.stringMatching(/^worker-[0-9a-f]{6}$/) as unknown, projects: ['web'] });
    const agent = createClient(server.url, { token: String(answer.body['token']), project: 'web' });
    expect((await agent.post('/agents', { name: 'Worker' })).body).toMatchObject({ agent_id: answer.body['agent_id'] });
    expect((await agent.with({ project: 'api' }).get('/agents')).status).toBe(403);
    expect((await agent.post('/agents', { name: 'x', agent_id: 'someone-else' })).status).toBe(403);
  });

  it('refuses a wrong secret and bad input with typed errors, then rate-limits the address', async () => {
    const anonymous = createClient(server.url);
    expect((await anonymous.post('/auth/register', { agent_name: 'mallory', secret: 'wrong' })).body.error?.code).toBe('UNAUTHORIZED');
    expect((await anonymous.post('/auth/register', { agent_name: '../etc', secret: SECRET })).body.error?.code).toBe('INVALID_INPUT');
    expect((await anonymous.post('/auth/register', { agent_name: 'x', secret: SECRET, role: 'admin' })).body.error?.code).toBe('INVALID_INPUT');
    let limited: ApiResponse | undefined;
    for (let i = 0; i < 12 && !limited; i++) {
      const answer = await anonymous.post('/auth/register', { agent_name: 'mallory', secret: `guess-${i}` });
      if (answer.status === 429) limited = answer;
    }
    expect(limited?.body.error).toMatchObject({ code: 'RATE_LIMITED', details: { retry_after: expect.any(Number) as unknown } });
  });

  it('locks out an address that keeps guessing tokens', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 35; i++) statuses.push((await createClient(server.url, { token: `guess-${i}-0123456789abcdef`, project: 'web' }).get('/agents')).status);
    // 30 refusals a minute per address (the wrong registration secrets above count too), then 429 until the minute turns.
    const first = statuses.indexOf(429);
    expect(statuses[0]).toBe(401);
    expect(first).toBeGreaterThan(0);
    expect(statuses.slice(first).every((s) => s === 429)).toBe(true);
    // The lockout is per address, and holds for valid tokens from it too until the minute turns.
    expect((await createClient(server.url, { token: 'operator-admin-token-123', project: 'web' }).get('/agents')).status).toBe(429);
  });
});
