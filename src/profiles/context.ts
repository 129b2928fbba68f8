/**
 * @module The ProfileContext of one call: hub commands run as the connection's
 * agent. The seeds never register before acting (or register under their own
 * names), so a call the hub refuses with AGENT_REQUIRED for an unknown or
 * signed-off agent registers that agent (the hub's register_agent, idempotent)
 * and runs once more; a connection that names no agent gets one generated, kept
 * for its session.
 */
import { randomBytes } from 'node:crypto';
import { isCoordinationError, CoordinationError } from '../core/errors.js';
import type { CommandOutput } from '../hub/command.js';
import type { Caller } from '../hub/context.js';
import type { Hub } from '../hub/hub.js';
import type { ProfileContext } from './profile.js';

/** What a connection remembers across calls (nothing, for a stateless one). */
export interface ProfileConnection {
  agentId: string | undefined;
  /** The agent a seed registered under its own id (adopt): it wins over the header, as the seed named it on purpose. */
  adopted?: string | undefined;
  /** False for a 2026-07-28 (stateless) server or a REST call: nothing is remembered between calls. */
  remembers: boolean;
  /** Whether an agent is generated when the caller names none (not for a stateless server: it would be a new one each call). */
  mints: boolean;
}

export function createProfileContext(hub: Hub, profile: string, callerOfCall: Caller, connection: ProfileConnection): ProfileContext {
  let caller = callerOfCall;
  const agentId = (): string => {
    const known = connection.adopted ?? caller.agentId ?? connection.agentId;
    if (known !== undefined) return known;
    if (!connection.mints) {
      throw new CoordinationError('AGENT_REQUIRED', 'This connection names no agent and keeps no session: send X-Baton-Agent (baton mcp sends your session id).');
    }
    const minted = `${profile}-${randomBytes(4).toString('hex')}`;
    if (connection.remembers) connection.agentId = minted;
    else caller = { ...caller, agentId: minted };
    return minted;
  };

  const register = (id: string): Promise<CommandOutput> => hub.execute('register_agent', { agent_id: id, metadata: { client: `profile:${profile}` } }, { ...caller, agentId: id });

  async function runAs(id: string, command: string, input: Record<string, unknown> = {}): Promise<CommandOutput> {
    const as: Caller = { ...caller, agentId: id };
    try {
      return await hub.execute(command, input, as);
    } catch (error) {
      if (!isCoordinationError(error) || error.code !== 'AGENT_REQUIRED' || command === 'register_agent') throw error;
      await register(id);
      return hub.execute(command, input, as);
    }
  }

  return {
    run: (command, input) => runAs(agentId(), command, input),
    read: (command, input = {}) => hub.execute(command, input, { ...caller, agentId: connection.adopted ?? caller.agentId ?? connection.agentId }),
    runAs,
    agent: () => Promise.resolve(agentId()),
    adopt: (id) => {
      if (connection.remembers) connection.adopted = id;
      else caller = { ...caller, agentId: id };
    },
    workerSlots: hub.context.config.workerSlots,
  };
}
