/**
 * @module What the editor hooks decide, over hub commands only (hub.execute): the
 * same rules as any MCP or REST caller, with the client's session id as the agent.
 *
 * - session-start: registers the session (start_session: id, cwd, branch, worktree,
 *   client) and answers a short digest; notices start from here.
 * - pre-tool: refuses an edit of a file another agent reserved exclusively (naming the
 *   holder, since when, for how long, what to do); otherwise reserves the files for
 *   this agent (auto-reservation, AUTO_TTL_S, renewed by later edits once half used)
 *   and heartbeats with the file being edited.
 * - post-tool: records the edit (a `file.edited` event) and answers what is new for this
 *   agent since its last notice; each notice is given once (a compare-and-set cursor).
 * - stop: the turn ended: releases the auto-reservations (explicit ones keep their TTL).
 * - session-end: end_session: everything held is released, claims go back to the pool;
 *   except for a reason that says the session stays resumable (RESUMABLE_END_REASONS),
 *   which is treated as Stop: explicit reservations, locks and claims keep their TTL.
 * - the git guard: which staged files another live agent holds exclusively.
 */
import { realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { isCoordinationError } from '../core/errors.js';
import { globsOverlap } from '../core/leases/glob-overlap.js';
import type { Access, Caller } from '../hub/context.js';
import type { Hub } from '../hub/hub.js';
import { resolveProject, type ProjectIdentity } from '../project/identity.js';
import type { HookOutcome, HookRequest } from './client-formats.js';
import { noticesFor, type NoticeEvent } from './notices.js';

/** An auto-reservation lasts this long without an edit; an edit past half of it renews it. */
export const AUTO_TTL_S = 300;
/** The reason auto-reservations carry: how Stop tells them from the agent's own reservations. */
export const AUTO_REASON_PREFIX = 'auto: edited through';
/**
 * SessionEnd reasons after which the same session id may come back. Claude Code's hooks
 * reference (code.claude.com/docs/en/hooks, SessionEnd) lists clear, resume ("session
 * switched via interactive /resume"), logout, prompt_input_exit, bypass_permissions_disabled
 * and other; only `resume` says the user moved to another session in the same client while
 * this one stays on its list to switch back to. The others end it (Gemini CLI's exit, clear,
 * logout, prompt_input_exit, other and Cursor's sessionEnd reasons too): everything is
 * released, since a session that is gone must not keep files from the agents still working.
 */
const RESUMABLE_END_REASONS: ReadonlySet<string> = new Set(['resume']);
/** Where each agent's notice cursor lives in shared state. */
const NOTICE_SCOPE = 'baton.hooks';
const NOTICE_TTL_S = 7 * 24 * 3600;
/** Events read per notice check; more than this since the last notice advances the cursor silently. */
const NOTICE_PAGE = 200;
const MAX_PATHS = 100;
const IDENTITY_CACHE_MS = 2_000;
/** A pre-tool hook heartbeats when the file changes, else at most this often: the allow path stays one read. */
const HEARTBEAT_EVERY_MS = 20_000;
const AGENT_ID = /^[A-Za-z0-9_\-.:@]{1,128}$/;

interface Reservation {
  reservation_id?: string;
  paths?: string[];
  holder: string;
  mode?: 'exclusive' | 'shared';
  expires_in_s: number;
  acquired_at?: string;
  ttl_seconds?: number;
  reason?: string;
}

interface AgentRow {
  id: string;
  status: string;
  activity?: string;
  current_file?: string;
  branch?: string;
  metadata?: Record<string, unknown>;
}

export interface HookCaller {
  /** A project the client named (X-Baton-Project, BATON_PROJECT); else it is derived from the hook's cwd. */
  project?: string | undefined;
  access?: Access | undefined;
}

export interface GuardRequest {
  cwd: string;
  /** Staged paths, relative to the work tree's top. */
  files: readonly string[];
  /** The committing agent, when the environment says (BATON_AGENT, CLAUDE_CODE_SESSION_ID). */
  agent?: string | undefined;
  /** BATON_GUARD_BYPASS was set: allow, and log it. */
  bypass?: { by: string } | undefined;
}

export interface GuardConflict {
  path: string;
  holder: string;
  their_path: string;
  since?: string | undefined;
  expires_in_s: number;
}

export interface GuardAnswer {
  allowed: boolean;
  project: string;
  conflicts: GuardConflict[];
  bypassed?: boolean;
  message: string;
}

export interface HookDecisions {
  decide(request: HookRequest, caller?: HookCaller): Promise<HookOutcome>;
  guard(request: GuardRequest, caller?: HookCaller): Promise<GuardAnswer>;
}

/** An id the hub accepts: session ids are UUIDs, anything else is made safe rather than refused. */
export const agentIdOf = (sessionId: string): string => {
  const safe = sessionId.replace(/[^A-Za-z0-9_\-.:@]/g, '-').slice(0, 128);
  return AGENT_ID.test(safe) ? safe : 'session';
};

const minutes = (seconds: number): string => (seconds < 90 ? `${Math.max(1, Math.round(seconds))} s` : `${Math.round(seconds / 60)} min`);

/** The real path of a file that may not exist yet: its nearest existing ancestor resolved, the rest appended. */
function realish(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    const parent = dirname(path);
    return parent === path ? path : resolve(realish(parent), basename(path));
  }
}

export function createHookDecisions(hub: Hub): HookDecisions {
  const identities = new Map<string, { at: number; identity: ProjectIdentity }>();
  const beats = new Map<string, { at: number; file: string }>();

  /** The project of a directory, cached briefly: hooks arrive in bursts from one directory. */
  function identityOf(cwd: string | undefined): ProjectIdentity | undefined {
    if (cwd === undefined || !isAbsolute(cwd)) return undefined;
    const hit = identities.get(cwd);
    if (hit && Date.now() - hit.at < IDENTITY_CACHE_MS) return hit.identity;
    // The server's own environment is not the session's: BATON_PROJECT arrives as a header.
    const identity = resolveProject({ cwd, env: {} });
    if (identities.size > 1_000) identities.clear();
    identities.set(cwd, { at: Date.now(), identity });
    return identity;
  }

  /** Repository-relative paths of the files a tool writes; files outside the work tree are nobody's to reserve. */
  function repoPaths(paths: readonly string[], cwd: string | undefined, root: string | undefined): string[] {
    const base = root ?? cwd;
    if (base === undefined) return [];
    const top = realish(base);
    const out: string[] = [];
    for (const p of paths.slice(0, MAX_PATHS)) {
      const absolute = realish(isAbsolute(p) ? p : resolve(cwd ?? base, p));
      const rel = relative(top, absolute);
      if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) continue;
      const posix = rel.split(sep).join('/');
      if (posix === '.git' || posix.startsWith('.git/')) continue;
      if (!out.includes(posix)) out.push(posix);
    }
    return out;
  }

  const run = (name: string, input: Record<string, unknown>, caller: Caller) => hub.execute(name, input, caller);

  /** Runs an agent's command; an agent the store does not know (hooks installed mid-session, a restart) is registered first. */
  async function asAgent(name: string, input: Record<string, unknown>, caller: Caller, register: () => Promise<unknown>) {
    try {
      return await run(name, input, caller);
    } catch (error) {
      if (!isCoordinationError(error) || error.code !== 'AGENT_REQUIRED') throw error;
      await register();
      return await run(name, input, caller);
    }
  }

  async function holderLine(holder: string, caller: Caller): Promise<string> {
    try {
      const { agents } = (await run('list_agents', { status: ['active', 'idle', 'stale', 'unresponsive', 'abandoned', 'offline'], detail: true, limit: 200 }, caller)) as { agents: AgentRow[] };
      const row = agents.find((a) => a.id === holder);
      if (!row) return `agent '${holder}'`;
      const doing = row.current_file ? `, ${row.activity ?? 'working'} on ${row.current_file}` : row.activity && row.activity !== 'idle' ? `, ${row.activity}` : '';
      const branch = row.branch ? `, branch ${row.branch}` : '';
      return `agent '${holder}' (${row.status}${doing}${branch})`;
    } catch {
      return `agent '${holder}'`;
    }
  }

  async function denial(paths: string[], blocking: Reservation[], caller: Caller): Promise<HookOutcome> {
    const first = blocking[0];
    if (!first) return { deny: 'Baton: these files are reserved by another agent.' };
    const who = await holderLine(first.holder, caller);
    const files = paths.filter((p) => blocking.some((r) => r.paths?.some((g) => globsOverlap(g, p))));
    const since = first.acquired_at ? ` since ${first.acquired_at.slice(11, 19)} UTC` : '';
    const others = blocking.length > 1 ? ` (and ${blocking.length - 1} more reservation${blocking.length > 2 ? 's' : ''})` : '';
    const globs = first.paths?.join(', ') ?? '';
    return {
      deny:
        `Baton: ${files.join(', ') || paths.join(', ')} is reserved exclusively by ${who}${since}, for ${minutes(first.expires_in_s)} more ` +
        `(reservation ${first.reservation_id ?? '?'} on ${globs})${others}. Do not edit it now: work on other files, ` +
        `ask the holder (their session ends or the reservation expires, then the edit is allowed), or see list_reservations.`,
    };
  }

  async function preTool(paths: string[], me: string, caller: Caller, client: string, register: () => Promise<unknown>): Promise<HookOutcome> {
    const beatKey = `${caller.project ?? ''}/${me}`;
    const last = beats.get(beatKey);
    if (!last || last.file !== paths[0] || Date.now() - last.at > HEARTBEAT_EVERY_MS) {
      await asAgent('heartbeat', { activity: 'working', current_file: paths[0] }, caller, register);
      if (beats.size > 10_000) beats.clear();
      beats.set(beatKey, { at: Date.now(), file: paths[0] ?? '' });
    }
    const { reservations } = (await run('list_reservations', { paths, detail: true, limit: 200 }, caller)) as { reservations: Reservation[] };
    const others = reservations.filter((r) => r.holder !== me);
    const blocking = others.filter((r) => r.mode !== 'shared');
    if (blocking.length > 0) return denial(paths, blocking, caller);
    const mine = reservations.filter((r) => r.holder === me);
    const covering = (p: string) => mine.filter((r) => r.paths?.some((g) => globsOverlap(g, p)));
    const isAuto = (r: Reservation) => r.reason?.startsWith(AUTO_REASON_PREFIX) === true;
    const fresh = (r: Reservation) => !isAuto(r) || r.expires_in_s > AUTO_TTL_S / 2;
    const wanted = paths.filter((p) => !covering(p).some(fresh));
    if (wanted.length === 0) return {};
    // Renewing an auto-reservation is a new one over the same files, then the old released: never a gap.
    const stale = mine.filter((r) => isAuto(r) && !fresh(r) && r.paths?.some((g) => wanted.some((p) => globsOverlap(g, p))));
    const mode = others.length > 0 ? 'shared' : 'exclusive';
    // The renewed reservation keeps every file of the one it replaces.
    const renewing = [...new Set([...wanted, ...stale.flatMap((r) => r.paths ?? [])])].slice(0, MAX_PATHS);
    const answer = (await asAgent('reserve_files', { paths: renewing, mode, ttl_seconds: AUTO_TTL_S, reason: `${AUTO_REASON_PREFIX} ${client}` }, caller, register)) as {
      reserved: boolean;
      overlaps?: { holder: string; reservation_id: string; their_path: string }[];
    };
    if (!answer.reserved) {
      // Another agent reserved in between: read what it holds now and refuse with it.
      const { reservations: now } = (await run('list_reservations', { paths, detail: true, limit: 200 }, caller)) as { reservations: Reservation[] };
      return denial(paths, now.filter((r) => r.holder !== me && r.mode !== 'shared'), caller);
    }
    for (const old of stale) if (old.reservation_id) await run('release_files', { reservation_id: old.reservation_id }, caller).catch(() => undefined);
    return {};
  }

  async function notices(me: string, caller: Caller): Promise<string | undefined> {
    const key = `notices.${me}`;
    let version = 0;
    let after: number | undefined;
    try {
      const entry = (await run('retrieve_data', { scope: NOTICE_SCOPE, key }, caller)) as { version: number; value: { after?: unknown } };
      version = entry.version;
      after = typeof entry.value.after === 'number' ? entry.value.after : undefined;
    } catch (error) {
      if (!isCoordinationError(error) || error.code !== 'NOT_FOUND') throw error;
    }
    type NoticePage = { events: NoticeEvent[]; next_after: number; last_id: number };
    const read = (from: number | undefined) => run('get_events', { after: from ?? 0, limit: from === undefined ? 1 : NOTICE_PAGE }, caller) as Promise<NoticePage>;
    // A cursor beyond the log (the project was restored from an older backup): start again from now.
    const page = await read(after).catch((error: unknown) => {
      if (!isCoordinationError(error) || error.code !== 'CURSOR_AHEAD') throw error;
      after = undefined;
      return read(undefined);
    });
    // No cursor yet (hooks installed mid-session): start from now, nothing before counts as new.
    const next = after === undefined ? page.last_id : page.next_after;
    const found = after === undefined ? [] : noticesFor(me, page.events);
    if (found.length === 0 && (after !== undefined && next - after < NOTICE_PAGE)) return undefined;
    try {
      // Compare-and-set: of two hooks of one session reading the same cursor, one delivers.
      await run('store_data', { scope: NOTICE_SCOPE, key, value: { after: next }, if_version: version, ttl_seconds: NOTICE_TTL_S }, caller);
    } catch (error) {
      if (isCoordinationError(error) && error.code === 'VERSION_CONFLICT') return undefined;
      throw error;
    }
    return found.length === 0 ? undefined : `Baton — new for you: ${found.join(' ')}`;
  }

  /** Notices start now for a new session; a session that resumes or was compacted keeps its cursor (nothing is skipped). */
  async function startNotices(me: string, caller: Caller): Promise<void> {
    const page = (await run('get_events', { after: 0, limit: 1 }, caller)) as { last_id: number };
    try {
      await run('store_data', { scope: NOTICE_SCOPE, key: `notices.${me}`, value: { after: page.last_id }, if_version: 0, ttl_seconds: NOTICE_TTL_S }, caller);
    } catch (error) {
      if (!isCoordinationError(error) || error.code !== 'VERSION_CONFLICT') throw error;
    }
  }

  async function releaseAuto(me: string, caller: Caller): Promise<number> {
    const { reservations } = (await run('list_reservations', { holder: me, detail: true, limit: 200 }, caller)) as { reservations: Reservation[] };
    let released = 0;
    for (const r of reservations) {
      if (!r.reason?.startsWith(AUTO_REASON_PREFIX) || !r.reservation_id) continue;
      await run('release_files', { reservation_id: r.reservation_id }, caller).catch(() => undefined);
      released++;
    }
    return released;
  }

  function digestText(answer: Record<string, unknown>, me: string): string {
    const others = answer['others'] as { live: number; agents: AgentRow[] };
    const yours = answer['yours'] as { locks: { name?: string }[]; reservations: { paths?: string[] }[]; claims: { id: string; title?: string }[] };
    const tasks = answer['tasks'] as { best_ready: { id: string; title?: string }[] };
    const handover = answer['handover'] as { note: string; by: string } | undefined;
    const who = others.agents.map((a) => `${a.id}${a.current_file ? ` on ${a.current_file}` : ''}${a.branch ? ` (${a.branch})` : ''}`).join(', ');
    const lines = [
      `Baton: you are agent ${me} in project ${String(answer['project'])}. ${others.live === 0 ? 'No other agent is live.' : `${others.live} other agent${others.live === 1 ? '' : 's'} live: ${who}.`}`,
      yours.locks.length + yours.reservations.length + yours.claims.length > 0
        ? `You hold: ${[...yours.locks.map((l) => `lock ${l.name ?? ''}`), ...yours.reservations.map((r) => (r.paths ?? []).join(' ')), ...yours.claims.map((t) => `task ${t.id}`)].join(', ')}.`
        : '',
      tasks.best_ready.length > 0 ? `Ready tasks: ${tasks.best_ready.map((t) => `${t.id}${t.title ? ` "${t.title}"` : ''}`).join(', ')} (claim_task).` : '',
      handover ? `Last handover by ${handover.by}: ${handover.note.slice(0, 300)}` : '',
      `Files you edit are reserved for you automatically for ${AUTO_TTL_S / 60} min (renewed by edits, released when your turn ends); an edit of a file another agent reserved is refused and says who holds it.`,
    ];
    return lines.filter((l) => l !== '').join('\n');
  }

  return {
    async decide(request, hookCaller = {}) {
      if (request.sessionId === undefined) return {};
      const identity = identityOf(request.cwd);
      const project = hookCaller.project ?? identity?.id ?? 'default';
      const me = agentIdOf(request.sessionId);
      const caller: Caller = { project, agentId: me, access: hookCaller.access };
      const metadata = {
        client: request.client,
        ...(request.cwd ? { cwd: request.cwd } : {}),
        ...(identity?.branch ? { branch: identity.branch } : {}),
        ...(identity?.root ? { worktree: identity.root } : {}),
      };
      const register = () => run('register_agent', { metadata }, caller);
      /** The turn ended, or the session may resume: the auto-reservations go, the rest keeps its TTL. */
      const pause = async (): Promise<void> => {
        beats.delete(`${project}/${me}`);
        await releaseAuto(me, caller);
        await asAgent('heartbeat', { activity: 'idle', current_file: null }, caller, register).catch(() => undefined);
      };
      switch (request.event) {
        case 'session-start': {
          const answer = await run('start_session', { metadata }, caller);
          await startNotices(me, caller);
          return { context: digestText(answer, me) };
        }
        case 'pre-tool': {
          const paths = repoPaths(request.paths, request.cwd, identity?.root);
          return paths.length === 0 ? {} : preTool(paths, me, caller, request.client, register);
        }
        case 'post-tool': {
          const paths = repoPaths(request.paths, request.cwd, identity?.root);
          if (paths.length > 0) await asAgent('publish_event', { topic: 'file.edited', payload: { paths, tool: request.tool ?? null, client: request.client } }, caller, register);
          const text = await notices(me, caller);
          return text === undefined ? {} : { context: text };
        }
        case 'stop':
          await pause();
          return {};
        case 'session-end': {
          if (request.reason !== undefined && RESUMABLE_END_REASONS.has(request.reason)) {
            await pause();
            return {};
          }
          await run('end_session', {}, caller).catch((error: unknown) => {
            // A session that was never registered, or already signed off, has nothing to release.
            if (!isCoordinationError(error) || error.code !== 'AGENT_REQUIRED') throw error;
          });
          return {};
        }
      }
    },

    async guard(request, hookCaller = {}) {
      const identity = identityOf(request.cwd);
      const project = hookCaller.project ?? identity?.id ?? 'default';
      const caller: Caller = { project, access: hookCaller.access };
      const files = [...new Set(request.files)].filter((f) => f !== '');
      const reservations: Reservation[] = [];
      for (let i = 0; i < files.length; i += MAX_PATHS) {
        const chunk = chunkByChars(files.slice(i, i + MAX_PATHS));
        for (const paths of chunk) {
          const { reservations: found } = (await run('list_reservations', { paths, detail: true, limit: 200 }, caller)) as { reservations: Reservation[] };
          for (const r of found) if (!reservations.some((x) => x.reservation_id === r.reservation_id)) reservations.push(r);
        }
      }
      // Without the committer's id, an agent registered from this very work tree is taken as the committer.
      let sameTree = new Set<string>();
      if (request.agent === undefined && identity?.root !== undefined && reservations.length > 0) {
        const { agents } = (await run('list_agents', { detail: true, limit: 200 }, caller)) as { agents: AgentRow[] };
        sameTree = new Set(agents.filter((a) => a.metadata?.['worktree'] === identity.root).map((a) => a.id));
      }
      const committer = request.agent === undefined ? undefined : agentIdOf(request.agent);
      const held = reservations.filter((r) => r.mode !== 'shared' && r.holder !== committer && !sameTree.has(r.holder));
      const conflicts: GuardConflict[] = [];
      for (const path of files) {
        const r = held.find((x) => x.paths?.some((g) => globsOverlap(g, path)));
        const theirs = r?.paths?.find((g) => globsOverlap(g, path));
        if (r && theirs !== undefined) conflicts.push({ path, holder: r.holder, their_path: theirs, since: r.acquired_at, expires_in_s: r.expires_in_s });
      }
      if (conflicts.length === 0) return { allowed: true, project, conflicts, message: 'baton: no staged file is reserved by another agent' };
      const list = conflicts.slice(0, 10).map((c) => `  ${c.path}  reserved by ${c.holder}${c.since ? ` since ${c.since.slice(11, 19)} UTC` : ''} (${minutes(c.expires_in_s)} left)`).join('\n');
      if (request.bypass) {
        await run('publish_event', { topic: 'hooks.guard_bypassed', payload: { by: request.bypass.by, files: conflicts.slice(0, 50).map((c) => ({ path: c.path, holder: c.holder })) } }, caller).catch(() => undefined);
        return { allowed: true, bypassed: true, project, conflicts, message: `baton: BATON_GUARD_BYPASS set: committing files reserved by other agents (logged):\n${list}` };
      }
      return {
        allowed: false,
        project,
        conflicts,
        message:
          `baton: commit refused: ${conflicts.length} staged file${conflicts.length === 1 ? ' is' : 's are'} reserved exclusively by another live agent:\n${list}\n` +
          'Unstage them (git restore --staged <file>), wait until the holder releases them, or commit anyway with BATON_GUARD_BYPASS=1 (logged).',
      };
    },
  };
}

/** reserve_files and list_reservations take at most 4,096 characters of paths per call. */
function chunkByChars(paths: string[]): string[][] {
  const chunks: string[][] = [];
  let current: string[] = [];
  let size = 0;
  for (const p of paths.filter((x) => x.length <= 500)) {
    if (size + p.length > 4_000 && current.length > 0) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(p);
    size += p.length;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
