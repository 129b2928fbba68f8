/**
 * @module Issue 7, item 8: resources/subscribe accepts only the resources this
 * server serves, refusing any other URI with -32602 and a readable message, so a
 * session cannot pile up subscriptions to arbitrary (and arbitrarily large) URIs.
 */
import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, eventually, httpClient } from '../support/mcp.js';
import { randomId } from '../support/server.js';
import { startApp, type TestApp } from './support/app.js';

let server: TestApp;
beforeAll(async () => {
  server = await startApp();
});
afterAll(() => server.close());

describe('resources/subscribe', () => {
  it('refuses a URI the server does not serve with -32602, naming the ones it does', async () => {
    const client = await httpClient(server.url);
    const refused = await client.subscribeResource({ uri: 'baton://nope' }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: -32602 });
    expect(String(refused)).toContain('baton://nope');
    expect(String(refused)).toContain('baton://locks');
    await client.close();
  });

  it('refuses a huge URI without echoing it whole', async () => {
    const client = await httpClient(server.url);
    const refused = await client.subscribeResource({ uri: `baton://${'x'.repeat(900_000)}` }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: -32602 });
    expect(String(refused).length).toBeLessThan(500);
    await client.close();
  });

  it('still subscribes to a served resource and notifies on change', async () => {
    const project = randomId('sub');
    const client = await httpClient(server.url, { query: { project } });
    const updated: string[] = [];
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
      updated.push(n.params.uri);
    });
    for (const uri of ['baton://status', 'baton://agents', 'baton://locks', 'baton://tasks']) await client.subscribeResource({ uri });
    await call(client, 'register_agent', { agent_id: 'sub' });
    await call(client, 'acquire_lock', { name: 'watched' });
    await eventually(() => Promise.resolve(updated.includes('baton://locks') && updated.includes('baton://agents')));
    await client.close();
  });
});
