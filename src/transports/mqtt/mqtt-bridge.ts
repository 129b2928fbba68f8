/**
 * @module The outbound MQTT bridge (--mqtt-url), off by default: every event of
 * every project published at QoS 1 on an existing broker, as mqtt-topics.ts names
 * them, retained state topics included. It reads the store's log from a cursor per
 * project kept in the store (system project, scope `mqtt-bridge`), moved only after
 * the broker acknowledged a page: a restart neither skips nor floods (at-least-once;
 * the ids in the payloads let subscribers drop repeats). A first start begins at
 * the current heads; a project created later starts at its beginning. With several
 * coordinators, only the holder of the `mqtt-bridge` lease publishes; when it stops
 * (released) or dies (lapsed after its TTL), the next holder reloads the cursors from
 * the store and republishes from there: repeats of the last unsaved page, no gap.
 */
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import { isCoordinationError } from '../../core/errors.js';
import type { Logger } from '../../hub/context.js';
import type { Hub } from '../../hub/hub.js';
import { createLeadership } from '../../hub/leadership.js';
import { messagesFor, SYSTEM_PROJECT, type MqttCompat } from './mqtt-topics.js';

export interface MqttBridgeOptions {
  hub: Hub;
  url: string;
  username?: string | undefined;
  password?: string | undefined;
  compat?: readonly MqttCompat[] | undefined;
  log: Logger;
  /** This process's id in the leadership lease. */
  nodeId: string;
  /** How often it checks leadership and every project's log when no event woke it (default 1 s). */
  intervalMs?: number | undefined;
}

export interface MqttBridge {
  /** Publishes everything committed so far (tests and shutdown); resolves when acknowledged. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

const SCOPE = 'mqtt-bridge';
const STARTED_KEY = 'started';
const cursorKey = (project: string): string => `cursor/${project}`;
const PAGE = 500;

export function createMqttBridge(options: MqttBridgeOptions): MqttBridge {
  const { hub, log } = options;
  const ctx = hub.context;
  const compat = options.compat ?? [];
  const intervalMs = options.intervalMs ?? 1_000;
  const leadership = createLeadership(ctx, 'mqtt-bridge', options.nodeId, Math.max(10_000, intervalMs * 10));
  const clientOptions: IClientOptions = { clientId: `baton-bridge-${options.nodeId}`.slice(0, 64), reconnectPeriod: 1_000, connectTimeout: 10_000, ...(options.username ? { username: options.username } : {}), ...(options.password ? { password: options.password } : {}) };
  const client: MqttClient = connect(options.url, clientOptions);
  client.on('error', (error) => { log.error(`mqtt bridge: ${options.url}: ${error.message}`); });

  /** Cursors of the projects this leader follows; undefined until it leads. */
  let cursors: Map<string, number> | undefined;
  const dirty = new Set<string>();
  let running: Promise<void> | undefined;
  let again = false;
  let closed = false;

  const unsubscribe = ctx.bus.subscribe('*', (e) => {
    if (e.project === SYSTEM_PROJECT) return;
    dirty.add(e.project);
    void wake();
  });

  const saveCursor = async (key: string, value: number): Promise<void> => {
    ctx.bus.publish((await ctx.store.putState({ project: SYSTEM_PROJECT, now: ctx.now() }, { scope: SCOPE, key, value, actor: options.nodeId })).events);
  };

  async function loadCursors(): Promise<Map<string, number>> {
    const now = ctx.now();
    const saved = new Map<string, number>();
    for (const entry of await ctx.store.listStateKeys(SYSTEM_PROJECT, SCOPE, 'cursor/', now, 100_000)) {
      const full = await ctx.store.getState(SYSTEM_PROJECT, SCOPE, entry.key, now);
      if (full && typeof full.value === 'number') saved.set(entry.key.slice('cursor/'.length), full.value);
    }
    const started = await ctx.store.getState(SYSTEM_PROJECT, SCOPE, STARTED_KEY, now);
    for (const project of await ctx.store.listProjects()) {
      if (project === SYSTEM_PROJECT) continue;
      dirty.add(project);
      if (saved.has(project)) continue;
      // The very first start begins at the heads (no flood of history); later, a project without a cursor is new.
      const head = started ? 0 : (await ctx.store.readEvents({ project, after: 0, limit: 1 }).catch(() => ({ lastId: 0 }))).lastId;
      saved.set(project, head);
      if (head > 0) await saveCursor(cursorKey(project), head);
    }
    if (!started) await saveCursor(STARTED_KEY, now);
    return saved;
  }

  /** Publishes one project's events after its cursor, a page at a time, moving the cursor after each acknowledged page. */
  async function drain(project: string, follow: Map<string, number>): Promise<void> {
    for (;;) {
      const after = follow.get(project) ?? 0;
      let page;
      try {
        page = await ctx.store.readEvents({ project, after, limit: PAGE });
      } catch (error) {
        if (!isCoordinationError(error) || error.code !== 'EVENTS_GAP') throw error;
        const oldest = Number(error.details?.['oldest_id'] ?? after + 1);
        log.error(`mqtt bridge: events of '${project}' after ${after} were trimmed before they were published; resuming at ${oldest}`);
        follow.set(project, oldest - 1);
        continue;
      }
      if (page.events.length === 0) return;
      // Pipelined: the client sends in order and each promise settles on its PUBACK.
      await Promise.all(page.events.flatMap((e) => messagesFor(e, compat)).map((m) => client.publishAsync(m.topic, m.payload, { qos: 1, retain: m.retain })));
      const last = page.events.at(-1)?.id ?? after;
      follow.set(project, last);
      await saveCursor(cursorKey(project), last);
      if (page.events.length < PAGE) return;
    }
  }

  async function pump(): Promise<void> {
    if (closed) return;
    if (!(await leadership.hold())) {
      cursors = undefined;
      return;
    }
    if (!client.connected) return;
    cursors ??= await loadCursors();
    const follow = cursors;
    for (const project of [...dirty]) {
      dirty.delete(project);
      try {
        await drain(project, follow);
      } catch (error) {
        dirty.add(project);
        throw error;
      }
    }
  }

  // Read through a function: set by wakes during the await, which narrowing would call always false.
  const rerun = (): boolean => again && !closed;

  function wake(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await pump();
        } while (rerun());
      } catch (error) {
        log.error('mqtt bridge: publishing failed; retrying', error);
      } finally {
        running = undefined;
      }
    })();
    return running;
  }

  const timer = setInterval(() => {
    // A follower re-checks every project when it becomes leader; the leader catches anything the bus missed.
    if (cursors) for (const project of cursors.keys()) dirty.add(project);
    void wake();
  }, intervalMs);
  timer.unref();
  client.on('connect', () => { void wake(); });

  return {
    async flush() {
      if (cursors) for (const project of cursors.keys()) dirty.add(project);
      await wake();
    },
    async close() {
      closed = true;
      clearInterval(timer);
      unsubscribe();
      await running;
      await leadership.release();
      await client.endAsync();
    },
  };
}
