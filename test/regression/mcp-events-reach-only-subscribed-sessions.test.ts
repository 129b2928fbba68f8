/**
 * @module Issue 7, item 9 (cost): a committed event visits only the MCP sessions
 * that subscribed to something it changes (or asked for log messages) in its
 * project, so a write costs the same with thousands of idle sessions open.
 */
import { LoggingMessageNotificationSchema, ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, eventually, httpClient } from '../support/mcp.js';
import { randomId } from '../support/server.js';
import { startApp, type TestApp } from './support/app.js';
import { openSession } from './support/mcp-raw.js';

let server: TestApp;
beforeAll(async () => {
  server = await startApp();
});
afterAll(() => server.close());

describe('event delivery to MCP sessions', () => {
  it('adds no bus listener per open session', async () => {
    const before = server.bus.listeners();
    await Promise.all(Array.from({ length: 50 }, () => openSession(server.url)));
    expect(server.bus.listeners()).toBe(before);
  });

  it('still notifies a subscriber, in the project it registered into', async () => {
    const project = randomId('feed');
    const before = server.bus.listeners();
    const watcher = await httpClient(server.url);
    const updated: string[] = [];
    watcher.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
      updated.push(n.params.uri);
    });
    await watcher.subscribeResource({ uri: 'baton://locks' });
    // register_agent moves the connection (opened in 'default') to its project: notifications follow.
    await call(watcher, 'register_agent', { project, agent_id: 'watcher' });
    await call(watcher, 'acquire_lock', { name: 'seen' });
    await eventually(() => Promise.resolve(updated.includes('baton://locks')));
    expect(server.bus.listeners()).toBe(before);
    await watcher.close();
  });

  it('still sends log messages to a session that set a level', async () => {
    const project = randomId('log');
    const client = await httpClient(server.url, { query: { project } });
    const types: string[] = [];
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
      types.push((n.params.data as { type: string }).type);
    });
    await client.setLoggingLevel('info');
    await call(client, 'register_agent', { agent_id: 'logger' });
    await eventually(() => Promise.resolve(types.includes('agent.registered')));
    await client.close();
  });
});
