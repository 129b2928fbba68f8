/**
 * @module Profile `session-coordinator` (seed 002, Claude Session Coordinator):
 * claim an instance (claude_1, claude_2, …) with sign_on, keep scoped JSON
 * state, read other sessions' state through resources, release with sign_off.
 * The mapping, all through hub commands:
 *
 * - A claimed instance is a lock `session-coordinator/<instance>` held by the
 *   connection's agent (registered with the instance as its name), so presence
 *   decides it: two sessions never hold one instance, and an instance whose
 *   session goes silent is released when Baton abandons that agent (the seed
 *   kept it "taken" until someone signed off).
 * - Scopes and keys are Baton's shared state of the project; the seed prefixed
 *   every scope with machine:project, which the Baton project already isolates.
 */
import { z } from 'zod';
import { isCoordinationError } from '../core/errors.js';
import { wildcardMatcher } from '../core/wildcard.js';
import { allPages } from './pages.js';
import { defineTool, type Profile, type ProfileContext } from './profile.js';

const INSTANCE_PREFIX = 'session-coordinator/';
/** The seed's registry when none was written: four instances. */
const DEFAULT_INSTANCES = ['claude_1', 'claude_2', 'claude_3', 'claude_4'];
/** Held until sign_off; an abandoned session's instance is released by Baton's sweep before this. */
const INSTANCE_TTL_S = 86_400;
/** Registry reads a sign_on makes while peers keep winning the names it tries. */
const MAX_ROUNDS = 10;

const scope = z.string().min(1).max(200).describe("e.g. 'session:claude_1', 'issue:15'.");
const key = z.string().min(1).max(200);
const instanceId = z.string().min(1).max(100).regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only');

interface LockRow {
  name?: string;
  holder: string;
}

/** Instances by state: the default four, plus any taken beyond them. */
async function instances(ctx: ProfileContext): Promise<{ taken: Map<string, string>; registry: Record<string, 'available' | 'taken'> }> {
  const { rows } = await allPages(ctx, 'list_locks', { limit: 200 }, 'locks');
  const taken = new Map<string, string>();
  for (const l of rows as LockRow[]) if (l.name?.startsWith(INSTANCE_PREFIX)) taken.set(l.name.slice(INSTANCE_PREFIX.length), l.holder);
  const names = [...new Set([...DEFAULT_INSTANCES, ...taken.keys()])];
  return { taken, registry: Object.fromEntries(names.map((n) => [n, taken.has(n) ? 'taken' : 'available'])) };
}

/** The instance this connection's agent holds, if any. */
async function currentInstance(ctx: ProfileContext): Promise<string | undefined> {
  const me = await ctx.agent();
  const { taken } = await instances(ctx);
  return [...taken.entries()].find(([, holder]) => holder === me)?.[0];
}

async function sessionOf(ctx: ProfileContext, instance: string): Promise<Record<string, unknown>> {
  const project = (await ctx.read('coordinator_status', {}))['project'];
  return { project, session_id: instance, full_scope_prefix: project };
}

/** A value, or null where the seed answered None. */
async function valueOf(ctx: ProfileContext, s: string, k: string): Promise<unknown> {
  try {
    return (await ctx.read('retrieve_data', { scope: s, key: k }))['value'];
  } catch (error) {
    if (isCoordinationError(error) && error.code === 'NOT_FOUND') return null;
    throw error;
  }
}

async function keysOf(ctx: ProfileContext, s: string): Promise<string[]> {
  const { rows } = await allPages(ctx, 'list_keys', { scope: s, limit: 1000 }, 'keys');
  return (rows as { key: string }[]).map((r) => r.key);
}

async function stateOf(ctx: ProfileContext, instance: string): Promise<Record<string, unknown>> {
  const s = `session:${instance}`;
  if ((await keysOf(ctx, s)).length === 0) return { error: 'Session not found or not active' };
  const [current_issue, status, todos, last_updated] = await Promise.all(['current_issue', 'status', 'todos', 'last_updated'].map((k) => valueOf(ctx, s, k)));
  return { instance, current_issue, status, todos, last_updated };
}

export const sessionCoordinatorProfile: Profile = {
  name: 'session-coordinator',
  seed: '002 claude_session_coordinator',
  serverName: 'claude-session-coordinator',
  instructions:
    "Sessions share scoped state. Call sign_on() first (claims an instance such as claude_1), read session://context for who works on what, keep progress with store_data('issue:15', 'status', …) and retrieve_data, and sign_off() when done so others can take your instance.",
  tools: [
    defineTool({
      name: 'sign_on',
      description: 'Claim an instance (session_id, or the first available) and establish your session identity. Call first.',
      mutating: true,
      idempotent: true,
      input: z.object({ session_id: instanceId.optional().describe("e.g. 'claude_1' (default: first available).") }),
      async run(ctx, input) {
        const held = await currentInstance(ctx);
        if (held !== undefined && (input.session_id === undefined || input.session_id === held)) return sessionOf(ctx, held);
        // Peers signing on at once race for the same names: a lost race reads the registry again.
        for (let round = 0; round < MAX_ROUNDS; round++) {
          const { registry } = await instances(ctx);
          const free = Object.entries(registry).filter(([, state]) => state === 'available').map(([name]) => name);
          // Beyond the registry's instances, the next numbers (the seed handed out claude_1 again).
          const next = Array.from({ length: 4 }, (_, i) => `claude_${Object.keys(registry).length + i + 1}`);
          const candidates = input.session_id !== undefined ? [input.session_id] : [...free, ...next];
          for (const candidate of candidates) {
            const got = await ctx.run('acquire_lock', { name: `${INSTANCE_PREFIX}${candidate}`, ttl_seconds: INSTANCE_TTL_S });
            if (got['acquired'] !== true) {
              if (input.session_id !== undefined) return { error: `Instance ${candidate} is taken by ${typeof got['holder'] === 'string' ? got['holder'] : 'another session'}.`, taken_by: got['holder'] ?? null };
              continue;
            }
            if (held !== undefined) await ctx.run('release_lock', { name: `${INSTANCE_PREFIX}${held}` });
            await ctx.run('register_agent', { agent_id: await ctx.agent(), name: candidate, metadata: { instance: candidate } });
            return sessionOf(ctx, candidate);
          }
        }
        return { error: 'Every instance was taken meanwhile; call sign_on() again.' };
      },
    }),
    defineTool({
      name: 'sign_off',
      description: 'Release your instance for others; stored state stays.',
      mutating: true,
      idempotent: true,
      input: z.object({}),
      async run(ctx) {
        const held = await currentInstance(ctx);
        if (held === undefined) return { status: 'no active session' };
        const session = await sessionOf(ctx, held);
        await ctx.run('release_lock', { name: `${INSTANCE_PREFIX}${held}` });
        await ctx.run('sign_off', {});
        return { status: 'signed off', session };
      },
    }),
    defineTool({
      name: 'store_data',
      description: 'Store a JSON value under scope and key (at most 64 KiB).',
      mutating: true,
      destructive: true,
      input: z.object({ scope, key, value: z.json() }),
      async run(ctx, input) {
        const out = await ctx.read('store_data', { scope: input.scope, key: input.key, value: input.value });
        return { stored: true, scope: input.scope, key: input.key, version: out['version'] };
      },
    }),
    defineTool({
      name: 'retrieve_data',
      description: 'Read a value; null when none.',
      mutating: false,
      idempotent: true,
      input: z.object({ scope, key }),
      async run(ctx, input) {
        return { scope: input.scope, key: input.key, value: await valueOf(ctx, input.scope, input.key) };
      },
    }),
    defineTool({
      name: 'list_keys',
      description: 'The keys of a scope.',
      mutating: false,
      idempotent: true,
      input: z.object({ scope }),
      async run(ctx, input) {
        return { scope: input.scope, keys: await keysOf(ctx, input.scope) };
      },
    }),
    defineTool({
      name: 'list_scopes',
      description: "Every scope, or those matching pattern (glob, e.g. 'session:*').",
      mutating: false,
      idempotent: true,
      input: z.object({ pattern: z.string().max(200).optional() }),
      async run(ctx, input) {
        const matches = wildcardMatcher(input.pattern ?? '*');
        const { rows } = await allPages(ctx, 'list_keys', { limit: 1000 }, 'scopes');
        return { scopes: (rows as { scope: string }[]).map((r) => r.scope).filter(matches).sort() };
      },
    }),
    defineTool({
      name: 'delete_data',
      description: 'Delete one key; whether it existed.',
      mutating: true,
      destructive: true,
      idempotent: true,
      input: z.object({ scope, key }),
      async run(ctx, input) {
        return { deleted: (await ctx.read('delete_data', { scope: input.scope, key: input.key }))['deleted'] === true };
      },
    }),
    defineTool({
      name: 'delete_scope',
      description: 'Delete a scope and all its keys; whether it existed.',
      mutating: true,
      destructive: true,
      idempotent: true,
      input: z.object({ scope }),
      async run(ctx, input) {
        const n = (await ctx.read('delete_scope', { scope: input.scope }))['deleted_keys'];
        return { deleted: typeof n === 'number' && n > 0, deleted_keys: n };
      },
    }),
  ],
  resources: [
    {
      uri: 'session://context',
      name: 'context',
      description: 'Your session, the instances (available or taken) and what active sessions work on.',
      async read(ctx) {
        const [{ registry, taken }, mine, status] = await Promise.all([instances(ctx), currentInstance(ctx), ctx.read('coordinator_status', {})]);
        const active = await Promise.all(
          [...taken.keys()].map(async (instance) => {
            const s = `session:${instance}`;
            const [issue, todos] = await Promise.all([valueOf(ctx, s, 'current_issue'), valueOf(ctx, s, 'todos')]);
            return { instance, status: 'taken', current_issue: issue, todo_count: Array.isArray(todos) ? todos.length : 0 };
          }),
        );
        return {
          project: status['project'],
          current_session: mine === undefined ? null : await sessionOf(ctx, mine),
          instances: registry,
          active_sessions: active,
          first_available: Object.entries(registry).find(([, s]) => s === 'available')?.[0] ?? null,
          instructions: { if_not_signed_on: 'Call sign_on() to claim an instance', if_signed_on: 'Use store_data/retrieve_data to work with session state', when_done: 'Call sign_off() to release your instance' },
        };
      },
    },
    {
      uri: 'session://state/{id}',
      name: 'state',
      description: "Another session's state (current_issue, status, todos, last_updated), read-only.",
      read: (ctx, params) => stateOf(ctx, params['id'] ?? ''),
    },
  ],
  prompts: [
    {
      name: 'startup',
      description: 'Sign on and pick up where the last session left off.',
      async render(ctx) {
        const { registry } = await instances(ctx);
        const free = Object.entries(registry).filter(([, s]) => s === 'available').map(([n]) => n);
        return [
          'You are starting a session coordinated with other Claude sessions.',
          `Available instances: ${free.join(', ') || 'none (sign_on() will add one)'}.`,
          `1. Call sign_on() to claim ${free[0] ?? 'an instance'}.`,
          "2. Before working on an issue, check what is stored: retrieve_data('issue:<number>', 'status'), and 'todos', 'next_steps', 'branch'. Read session://context to see what other sessions work on.",
          '3. Tell the user what you found, then work, storing progress with store_data after each milestone.',
          '4. Call sign_off() when you are done.',
        ].join('\n');
      },
    },
    {
      name: 'sign-off',
      description: 'Store a handover, then release your instance.',
      async render(ctx) {
        const mine = await currentInstance(ctx);
        if (mine === undefined) return 'No active session to sign off from.';
        const todos = await valueOf(ctx, `session:${mine}`, 'todos');
        const open = Array.isArray(todos) ? todos.filter((t) => !(typeof t === 'object' && t !== null && (t as { status?: unknown }).status === 'completed')).length : 0;
        return [
          `You hold instance ${mine}${open > 0 ? ` and have ${open} incomplete todos` : ''}.`,
          "Before signing off, store the handover: store_data('issue:<number>', 'status', …), 'next_steps', 'blockers' and any notes.",
          `Then call sign_off() to release ${mine} for the next session; your stored state stays.`,
        ].join('\n');
      },
    },
  ],
};
