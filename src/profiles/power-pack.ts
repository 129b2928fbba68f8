/**
 * @module Profile `power-pack` (seed 000, claude-power-pack's MCP Coordination
 * Server): named locks with a TTL in seconds (default 300), the issue/wave
 * hierarchy and `work` from the branch, sessions with the tiers active / idle /
 * stale / abandoned, and a health check. Every call is a hub command: the lock
 * is Baton's fenced lease; a stale holder is broken (the seed's "override
 * allowed") by the hub's own force rule, which never breaks an active or idle one.
 */
import { z } from 'zod';
import { wildcardMatcher } from '../core/wildcard.js';
import type { CommandOutput } from '../hub/command.js';
import { allPages } from './pages.js';
import { defineTool, type Profile, type ProfileContext } from './profile.js';

/** The seed's DEFAULT_LOCK_TIMEOUT. */
const DEFAULT_TIMEOUT_S = 300;

const lockName = z.string().min(1).max(200).describe("'pytest', 'pr-create', 'issue:42', 'wave:5c.1', or 'work' (from your branch).");

/** The seed's tier for a Baton status: Baton's `unresponsive` (4–24 h) is the seed's stale band, still overridable. */
const TIER: Readonly<Record<string, string>> = { active: 'active', idle: 'idle', stale: 'stale', unresponsive: 'stale', abandoned: 'abandoned', offline: 'signed_off' };
const BEHAVIOUR: Readonly<Record<string, string>> = {
  active: 'fully blocked',
  idle: 'blocked with warning',
  stale: 'override allowed',
  abandoned: 'auto-released',
  signed_off: 'released',
};

interface AgentRow {
  id: string;
  name?: string;
  status: string;
  last_seen_s: number;
  branch?: string;
  current_file?: string;
  activity?: string;
  metadata?: Record<string, unknown>;
}
interface LockRow {
  name?: string;
  holder: string;
  token: number;
  expires_in_s: number;
}

async function agentsByTier(ctx: ProfileContext): Promise<AgentRow[]> {
  const { rows } = await allPages(ctx, 'list_agents', { status: ['active', 'idle', 'stale', 'unresponsive', 'abandoned'], detail: true, limit: 200 }, 'agents');
  return rows as AgentRow[];
}

/** The tier of `holder`, for a refusal to say how blocked the caller is. */
async function tierOf(ctx: ProfileContext, holder: string): Promise<string | undefined> {
  const agent = (await agentsByTier(ctx)).find((a) => a.id === holder);
  return agent ? TIER[agent.status] : undefined;
}

function lockRow(l: LockRow): Record<string, unknown> {
  return { lock_name: l.name, holder: l.holder, token: l.token, expires_in_s: l.expires_in_s };
}

export const powerPackProfile: Profile = {
  name: 'power-pack',
  seed: '000 claude-power-pack mcp-coordination',
  serverName: 'coordination',
  instructions:
    'Coordination for Claude Code sessions. Before pytest: acquire_lock("pytest", 600), run, release_lock("pytest"). Before a PR: acquire_lock("pr-create"). acquire_lock("work") locks your branch\'s issue or wave. session_status() shows who works. Locks lapse after timeout seconds (default 300): call acquire_lock again to renew.',
  tools: [
    defineTool({
      name: 'acquire_lock',
      description: 'Acquire a lock for timeout seconds (default 300); again while held renews. Blocked while the holder is active or idle; a stale holder is overridden.',
      mutating: true,
      idempotent: true,
      input: z.object({ lock_name: lockName, timeout: z.number().int().min(1).max(86_400).optional().describe('Lock TTL in seconds (default 300).') }),
      async run(ctx, input) {
        const out = await ctx.run('acquire_lock', { name: input.lock_name, ttl_seconds: input.timeout ?? DEFAULT_TIMEOUT_S, force: true });
        const name = out['name'];
        if (out['acquired'] === true) {
          const broken = (out['broken'] as LockRow[] | undefined)?.map((l) => l.holder);
          return { success: true, lock_name: name, token: out['token'], expires_in_s: out['expires_in_s'], ...(out['renewed'] ? { renewed: true } : {}), ...(broken?.length ? { overrode: broken } : {}) };
        }
        const holder = typeof out['holder'] === 'string' ? out['holder'] : undefined;
        const tier = holder === undefined ? undefined : await tierOf(ctx, holder);
        return {
          success: false,
          lock_name: name,
          ...(holder === undefined ? {} : { holder }),
          ...(tier === undefined ? {} : { holder_tier: tier }),
          ...(tier === 'idle' ? { warning: `Held by an idle session (${holder ?? ''}): it was last seen ${typeof out['holder_last_seen_s'] === 'number' ? `${out['holder_last_seen_s']} s` : 'a while'} ago. Ask it, or wait until it goes stale.` } : {}),
          ...(out['holder_expires_in_s'] === undefined ? {} : { expires_in_s: out['holder_expires_in_s'] }),
          ...(out['retry_after_s'] === undefined ? {} : { retry_after_s: out['retry_after_s'] }),
          message: out['message'],
        };
      },
    }),
    defineTool({
      name: 'release_lock',
      description: 'Release a lock you hold.',
      mutating: true,
      input: z.object({ lock_name: lockName }),
      async run(ctx, input) {
        const out = await ctx.run('release_lock', { name: input.lock_name });
        return { success: true, lock_name: out['name'], ...(out['handed_to'] === undefined ? {} : { handed_to: out['handed_to'] }) };
      },
    }),
    defineTool({
      name: 'check_lock',
      description: 'Whether a lock is free: its holder, and held related locks (issue, wave, wave.issue).',
      mutating: false,
      idempotent: true,
      input: z.object({ lock_name: lockName }),
      async run(ctx, input) {
        const out = await ctx.run('list_locks', { name: input.lock_name });
        const held = (out['locks'] as LockRow[]).map(lockRow);
        const related = ((out['related'] ?? []) as LockRow[]).map(lockRow);
        const first = held[0];
        return { lock_name: out['name'], available: held.length === 0 && related.length === 0, ...(first ? { holder: first['holder'], expires_in_s: first['expires_in_s'] } : {}), ...(related.length > 0 ? { related } : {}) };
      },
    }),
    defineTool({
      name: 'list_locks',
      description: "Held locks whose name matches pattern (glob, default '*').",
      mutating: false,
      idempotent: true,
      input: z.object({ pattern: z.string().max(200).optional().describe("e.g. 'issue:*', 'wave:5c*'.") }),
      async run(ctx, input) {
        const matches = wildcardMatcher(input.pattern ?? '*');
        const { rows, truncated } = await allPages(ctx, 'list_locks', { limit: 200 }, 'locks');
        const locks = (rows as LockRow[]).filter((l) => matches(l.name ?? '')).map(lockRow);
        return { pattern: input.pattern ?? '*', count: locks.length, locks, ...(truncated ? { truncated: true } : {}) };
      },
    }),
    defineTool({
      name: 'register_session',
      description: 'Register this session for tracking; metadata such as {branch, cwd, issue} (branch names the `work` lock).',
      mutating: true,
      idempotent: true,
      input: z.object({ metadata: z.record(z.string(), z.json()).optional() }),
      async run(ctx, input) {
        const out = await ctx.run('register_agent', { agent_id: await ctx.agent(), ...(input.metadata ? { metadata: input.metadata } : {}) });
        return { success: true, session_id: out['agent_id'], status: TIER[String(out['status'])] };
      },
    }),
    defineTool({
      name: 'heartbeat',
      description: 'Update this session\'s heartbeat (keeps it active).',
      mutating: true,
      idempotent: true,
      input: z.object({}),
      async run(ctx) {
        const out = await ctx.run('heartbeat', {});
        return { success: true, session_id: out['agent_id'], status: TIER[String(out['status'])] };
      },
    }),
    defineTool({
      name: 'session_status',
      description: 'All sessions by tier (active < 5 min, idle < 1 h, stale < 24 h, abandoned), with the locks each holds.',
      mutating: false,
      idempotent: true,
      input: z.object({}),
      async run(ctx) {
        const [agents, lockPages] = await Promise.all([agentsByTier(ctx), allPages(ctx, 'list_locks', { limit: 200 }, 'locks')]);
        const locks = lockPages.rows as LockRow[];
        const me = await ctx.agent();
        const sessions = agents.map((a) => {
          const tier = TIER[a.status] ?? a.status;
          const held = locks.filter((l) => l.holder === a.id).map((l) => l.name);
          return {
            session_id: a.id,
            ...(a.name && a.name !== a.id ? { name: a.name } : {}),
            tier,
            behavior: BEHAVIOUR[tier],
            heartbeat_age_s: a.last_seen_s,
            ...(a.branch ? { branch: a.branch } : {}),
            ...(a.current_file ? { current_file: a.current_file } : {}),
            ...(held.length > 0 ? { locks: held } : {}),
            ...(a.id === me ? { you: true } : {}),
          };
        });
        const counts: Record<string, number> = { active: 0, idle: 0, stale: 0, abandoned: 0 };
        for (const s of sessions) counts[s.tier] = (counts[s.tier] ?? 0) + 1;
        return { sessions, counts, locks: locks.length };
      },
    }),
    defineTool({
      name: 'health_check',
      description: "The coordinator's store connection and latency.",
      mutating: false,
      idempotent: true,
      input: z.object({}),
      async run(ctx) {
        const out: CommandOutput = await ctx.run('health_check', {});
        const store = out['store'] as { engine: string; status: string; latency_ms: number };
        return { status: out['status'], connected: store.status !== 'unhealthy', engine: store.engine, latency_ms: store.latency_ms };
      },
    }),
  ],
  resources: [],
  prompts: [],
};
