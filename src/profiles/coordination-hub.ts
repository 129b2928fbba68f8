/**
 * @module Profile `coordination-hub` (seed 003, the MCP Server Coordination
 * Proposal): the CoordinationHub interface it proposes as tools — publish and
 * subscribe events under its names (file:locked, task:claimed, health:degraded,
 * cache:invalidate, …; hub-events.ts maps them to and from Baton's log), a
 * server registry with tools, capabilities and dependencies, health reports,
 * unified health with per-server status and dependency states, shared state with
 * a TTL, and tool discovery across registered servers. Servers are Baton
 * services; state is the project's shared state in one scope; events are the one
 * ordered log, so a subscriber that was away reads what it missed.
 */
import { z } from 'zod';
import { isCoordinationError } from '../core/errors.js';
import { batonTypesFor, toSeedEvent, type LogEvent, type SeedEvent } from './hub-events.js';
import { allPages } from './pages.js';
import { defineTool, type Profile, type ProfileContext } from './profile.js';

/** The shared-state scope of setState/getState. */
const STATE_SCOPE = 'coordination-hub';
/** The proposal's own names are the interface; its Baton equivalents are named in the compat page. */
const EVENT_TYPE = z.string().min(1).max(200).regex(/^[A-Za-z0-9_\-.:/*]+$/, "letters, digits and _ - . : / (or '*')");
const serverId = z.string().min(1).max(128).regex(/^[A-Za-z0-9_\-.:@]+$/, 'letters, digits and _ - . : @ only');
const names = z.array(z.string().min(1).max(200)).max(500);

interface ServiceRow {
  id: string;
  name?: string;
  status: string;
  last_heartbeat: string;
  metadata?: Record<string, unknown>;
  service?: { version?: string; tools?: string[]; capabilities?: string[]; dependencies?: string[]; health: string; health_detail?: string; health_at?: string };
}

/** A Baton service as the proposal's ServerRegistry. */
function serverView(s: ServiceRow): Record<string, unknown> {
  const health = s.service?.health ?? 'unknown';
  const status = health === 'degraded' || health === 'unhealthy' ? 'degraded' : s.status === 'active' ? 'active' : 'inactive';
  return {
    serverId: s.id,
    name: s.name ?? s.id,
    version: s.service?.version ?? null,
    tools: s.service?.tools ?? [],
    status,
    lastSeen: s.last_heartbeat,
    capabilities: s.service?.capabilities ?? [],
    dependencies: s.service?.dependencies ?? [],
    health,
  };
}

async function services(ctx: ProfileContext): Promise<ServiceRow[]> {
  const { rows } = await allPages(ctx, 'list_services', { limit: 200, detail: true }, 'services');
  return rows as ServiceRow[];
}

/** Reads the log after `after` under seed names, waiting up to `waitSeconds` for a match. */
async function readEvents(ctx: ProfileContext, types: readonly string[], after: number, limit: number, waitSeconds: number): Promise<{ events: SeedEvent[]; next_after: number; timed_out?: boolean }> {
  const wanted = (e: SeedEvent): boolean => types.includes('*') || types.includes(e.type);
  const deadline = Date.now() + waitSeconds * 1000;
  let cursor = after;
  for (;;) {
    const remaining = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
    const page = await ctx.read('get_events', { after: cursor, types: batonTypesFor(types), limit, ...(remaining > 0 ? { wait_seconds: remaining } : {}) });
    const events = (page['events'] as LogEvent[]).map(toSeedEvent).filter((e): e is SeedEvent => e !== undefined && wanted(e));
    cursor = page['next_after'] as number;
    // Baton events the proposal has no name for (a lock, not a file) are skipped; keep reading while time is left.
    if (events.length > 0 || page['truncated'] === true) return { events, next_after: cursor };
    if (page['timed_out'] === true || remaining === 0) return { events, next_after: cursor, ...(waitSeconds > 0 ? { timed_out: true } : {}) };
  }
}

export const coordinationHubProfile: Profile = {
  name: 'coordination-hub',
  seed: '003 MCP Server Coordination Proposal',
  serverName: 'coordination-hub',
  instructions:
    "A hub for MCP servers: register_server on start, report_health periodically, publish_event / subscribe_events with the proposal's event names (file:locked, task:claimed, health:degraded, cache:invalidate), set_state/get_state for shared values with a TTL, get_unified_health and discover_tools across servers. subscribe_events returns next_after: pass it back as after.",
  tools: [
    defineTool({
      name: 'publish_event',
      description: "Publish an event (type e.g. 'cache:invalidate') with its source and data.",
      mutating: true,
      input: z.object({ type: EVENT_TYPE, source: z.string().max(200).optional(), data: z.json().optional(), timestamp: z.string().max(64).optional() }),
      async run(ctx, input) {
        const timestamp = input.timestamp ?? new Date().toISOString();
        const out = await ctx.read('publish_event', { topic: input.type, payload: { source: input.source ?? null, data: input.data ?? null, timestamp } });
        return { published: true, id: (out['event'] as { id: number }).id, type: input.type, timestamp };
      },
    }),
    defineTool({
      name: 'subscribe_events',
      description: "Events of these types ('*' for all) after a cursor, in order; wait_seconds (≤ 50) waits for the next.",
      mutating: false,
      idempotent: true,
      input: z.object({
        event_types: z.array(EVENT_TYPE).min(1).max(30).describe("e.g. ['file:locked', 'task:claimed'] or ['*']."),
        after: z.number().int().min(0).optional().describe('Your last next_after (0 = from the start).'),
        limit: z.number().int().min(1).max(500).optional(),
        wait_seconds: z.number().min(0).max(50).optional(),
      }),
      async run(ctx, input) {
        const after = input.after ?? (input.wait_seconds ? ((await ctx.read('get_events', { after: 0, limit: 1 }))['last_id'] as number) : 0);
        return readEvents(ctx, input.event_types, after, input.limit ?? 100, input.wait_seconds ?? 0);
      },
    }),
    defineTool({
      name: 'register_server',
      description: 'Register (or update) an MCP server with its version, tools, capabilities and dependencies.',
      mutating: true,
      idempotent: true,
      input: z.object({ serverId, name: z.string().min(1).max(500), version: z.string().max(100).optional(), tools: names.optional(), capabilities: names.optional(), dependencies: names.optional() }),
      async run(ctx, input) {
        const out = await ctx.read('register_service', { service_id: input.serverId, name: input.name, version: input.version, tools: input.tools, capabilities: input.capabilities, dependencies: input.dependencies });
        return { registered: true, server: serverView(out['service'] as ServiceRow) };
      },
    }),
    defineTool({
      name: 'get_server',
      description: 'One registered server, or null.',
      mutating: false,
      idempotent: true,
      input: z.object({ serverId }),
      async run(ctx, input) {
        const found = (await services(ctx)).find((s) => s.id === input.serverId);
        return { server: found ? serverView(found) : null };
      },
    }),
    defineTool({
      name: 'list_servers',
      description: 'Every registered server with status and tools.',
      mutating: false,
      idempotent: true,
      input: z.object({}),
      async run(ctx) {
        return { servers: (await services(ctx)).map(serverView) };
      },
    }),
    defineTool({
      name: 'report_health',
      description: "Report a server's health (healthy, degraded, unhealthy); degraded and recovered reach subscribers as health events.",
      mutating: true,
      idempotent: true,
      input: z.object({ serverId, status: z.enum(['healthy', 'degraded', 'unhealthy']), errors: z.number().int().min(0).optional(), lastCheck: z.string().max(64).optional() }),
      async run(ctx, input) {
        const detail = input.errors === undefined ? undefined : `${input.errors} errors`;
        const out = await ctx.read('report_health', { service_id: input.serverId, status: input.status, ...(detail ? { detail } : {}) });
        return { reported: true, server: serverView(out['service'] as ServiceRow) };
      },
    }),
    defineTool({
      name: 'get_unified_health',
      description: 'Overall health, each server’s status, and the state of the dependencies servers declare.',
      mutating: false,
      idempotent: true,
      input: z.object({}),
      async run(ctx) {
        const [health, rows] = await Promise.all([ctx.read('health_check', {}), services(ctx)]);
        const store = health['store'] as { engine: string; status: string };
        const servers = Object.fromEntries(
          rows.map((s) => {
            const errors = /^(\d+) errors$/.exec(s.service?.health_detail ?? '')?.[1];
            return [s.id, { status: serverView(s)['status'], health: s.service?.health ?? 'unknown', lastCheck: s.service?.health_at ?? s.last_heartbeat, tools: s.service?.tools?.length ?? 0, errors: errors === undefined ? 0 : Number(errors) }];
          }),
        );
        // A declared dependency is connected when a registered server of that id or name reports healthy.
        const dependencies: Record<string, string> = { [store.engine]: store.status === 'unhealthy' ? 'disconnected' : 'connected' };
        for (const dep of new Set(rows.flatMap((s) => s.service?.dependencies ?? []))) {
          if (dep in dependencies) continue;
          const provider = rows.find((s) => s.id === dep || s.name === dep);
          dependencies[dep] = provider === undefined ? 'unknown' : provider.service?.health === 'healthy' ? 'connected' : 'disconnected';
        }
        const states = Object.values(servers).map((s) => s.health);
        const overall = store.status === 'unhealthy' || states.includes('unhealthy') ? 'unhealthy' : store.status === 'degraded' || states.includes('degraded') || Object.values(dependencies).includes('disconnected') ? 'degraded' : 'healthy';
        return { overall, servers, dependencies };
      },
    }),
    defineTool({
      name: 'set_state',
      description: 'Set a shared value (at most 64 KiB); ttl in seconds.',
      mutating: true,
      destructive: true,
      input: z.object({ key: z.string().min(1).max(200), value: z.json(), ttl: z.number().int().min(1).max(31_536_000).optional() }),
      async run(ctx, input) {
        const out = await ctx.read('store_data', { scope: STATE_SCOPE, key: input.key, value: input.value, ...(input.ttl === undefined ? {} : { ttl_seconds: input.ttl }) });
        return { stored: true, key: input.key, version: out['version'] };
      },
    }),
    defineTool({
      name: 'get_state',
      description: 'A shared value, or null.',
      mutating: false,
      idempotent: true,
      input: z.object({ key: z.string().min(1).max(200) }),
      async run(ctx, input) {
        try {
          const out = await ctx.read('retrieve_data', { scope: STATE_SCOPE, key: input.key });
          return { key: input.key, value: out['value'], version: out['version'] };
        } catch (error) {
          if (isCoordinationError(error) && error.code === 'NOT_FOUND') return { key: input.key, value: null };
          throw error;
        }
      },
    }),
    defineTool({
      name: 'delete_state',
      description: 'Delete a shared value.',
      mutating: true,
      destructive: true,
      idempotent: true,
      input: z.object({ key: z.string().min(1).max(200) }),
      async run(ctx, input) {
        return { deleted: (await ctx.read('delete_data', { scope: STATE_SCOPE, key: input.key }))['deleted'] === true };
      },
    }),
    defineTool({
      name: 'discover_tools',
      description: 'Every tool of every registered server, with its server and dependencies; toolName finds one.',
      mutating: false,
      idempotent: true,
      input: z.object({ toolName: z.string().min(1).max(200).optional() }),
      async run(ctx, input) {
        const tools = (await services(ctx)).flatMap((s) => (s.service?.tools ?? []).map((t) => ({ toolName: t, serverId: s.id, status: serverView(s)['status'], dependencies: s.service?.dependencies ?? [] })));
        return { tools: input.toolName === undefined ? tools : tools.filter((t) => t.toolName === input.toolName) };
      },
    }),
  ],
  resources: [],
  prompts: [],
};
