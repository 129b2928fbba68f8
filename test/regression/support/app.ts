/**
 * @module The HTTP app in this process over in-memory SQLite (or a given store), for regressions that
 * need transport settings the CLI does not expose (session cap, idle expiry,
 * request timeout), tokens, and a view of how many listeners the event bus holds.
 */
import type { FastifyInstance } from 'fastify';
import { createMemoryEventBus, type EventBus } from '../../../src/bus/event-bus.js';
import { createHub, type Hub } from '../../../src/hub/hub.js';
import { DEFAULT_LIMITS, type LimitsConfig } from '../../../src/hub/config.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../../src/store/store.js';
import { createHttpApp, type HttpAppOptions } from '../../../src/transports/http/http-app.js';
import { createTokenRegistry, type StaticToken } from '../../../src/hub/auth/token-registry.js';
import { LOOPBACK_HOSTS } from '../../../src/transports/http/security.js';

/** The in-process bus, counting the listeners subscribed to it right now. */
export interface CountingBus extends EventBus {
  listeners(): number;
}

function createCountingBus(): CountingBus {
  const inner = createMemoryEventBus();
  let live = 0;
  return {
    publish: (events) => {
      inner.publish(events);
    },
    subscribe(project, listener) {
      live++;
      const unsubscribe = inner.subscribe(project, listener);
      let done = false;
      return () => {
        if (!done) live--;
        done = true;
        unsubscribe();
      };
    },
    listeners: () => live,
  };
}

export interface TestApp {
  url: string;
  port: number;
  hub: Hub;
  bus: CountingBus;
  app: FastifyInstance;
  close(): Promise<void>;
}

export interface TestAppOptions extends Partial<Omit<HttpAppOptions, 'hub' | 'security' | 'version' | 'log'>> {
  tokens?: StaticToken[];
  /** Limits other than the defaults (DEFAULT_LIMITS). */
  limits?: Partial<LimitsConfig>;
  /** The store to serve (closed with the app); in-memory SQLite when omitted. */
  store?: Store;
}

const silent = { info: () => undefined, error: () => undefined };

export async function startApp(options: TestAppOptions = {}): Promise<TestApp> {
  const { tokens = [], limits, store = createSqliteStore({ path: ':memory:' }), ...http } = options;
  const bus = createCountingBus();
  const hub = createHub({ store, bus, log: silent, config: { limits: { ...DEFAULT_LIMITS, ...limits } } });
  // Its own bus, so the listener counts the regressions read are the transports' alone.
  const registry = await createTokenRegistry({ store, bus: createMemoryEventBus(), staticTokens: tokens });
  const app = createHttpApp({ ...http, hub, security: { tokens: registry, allowedHosts: LOOPBACK_HOSTS }, version: 'test', log: silent });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    hub,
    bus,
    app,
    async close() {
      registry.close();
      await app.close();
      await hub.close();
      await store.close();
    },
  };
}
