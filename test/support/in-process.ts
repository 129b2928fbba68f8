/**
 * @module A Baton HTTP app in the test process on a free port, over any store:
 * for push tests that need small bounds (a tiny slow-consumer buffer) or several
 * coordinators on one Redis or PostgreSQL namespace.
 */
import type { FastifyInstance } from 'fastify';
import { createMemoryEventBus, type EventBus } from '../../src/bus/event-bus.js';
import { createHub, type Hub } from '../../src/hub/hub.js';
import type { HubConfig } from '../../src/hub/config.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { createHttpApp, type HttpAppOptions } from '../../src/transports/http/http-app.js';
import { createTokenRegistry, type StaticToken } from '../../src/hub/auth/token-registry.js';
import { LOOPBACK_HOSTS } from '../../src/transports/http/security.js';

export interface InProcessServer {
  url: string;
  hub: Hub;
  app: FastifyInstance;
  close(): Promise<void>;
}

export interface InProcessOptions {
  store?: Store;
  bus?: EventBus;
  tokens?: StaticToken[];
  hub?: Partial<HubConfig>;
  ws?: HttpAppOptions['ws'];
  wsRoutes?: HttpAppOptions['wsRoutes'];
  /** Runs before listen (another surface over the same hub, e.g. the MQTT broker). */
  extend?: (hub: Hub, security: HttpAppOptions['security']) => Promise<Pick<HttpAppOptions, 'wsRoutes'> & { close?: () => Promise<void> }>;
}

export async function startInProcess(options: InProcessOptions = {}): Promise<InProcessServer> {
  const store = options.store ?? createSqliteStore({ path: ':memory:' });
  const hub = createHub({ store, bus: options.bus ?? createMemoryEventBus(), ...(options.hub ? { config: options.hub } : {}) });
  const registry = await createTokenRegistry({ store, bus: createMemoryEventBus(), staticTokens: options.tokens ?? [] });
  const security = { tokens: registry, allowedHosts: LOOPBACK_HOSTS };
  const extra = await options.extend?.(hub, security);
  const app = createHttpApp({ hub, security, version: 'test', log: { info: () => undefined, error: () => undefined }, ws: options.ws, wsRoutes: [...(options.wsRoutes ?? []), ...(extra?.wsRoutes ?? [])] });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    hub,
    app,
    async close() {
      await app.close();
      registry.close();
      await extra?.close?.();
      await hub.close();
      await store.close();
    },
  };
}
