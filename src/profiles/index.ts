/**
 * @module The compatibility profiles a connection may choose (`/mcp?profile=`,
 * `baton mcp --profile`, BATON_MCP_PROFILE). Without one, a connection gets
 * Baton's own lean catalog.
 */
import { invalidInput } from '../core/errors.js';
import { coordinationHubProfile } from './coordination-hub.js';
import { mcpCoordinatorProfile } from './mcp-coordinator.js';
import { powerPackProfile } from './power-pack.js';
import type { Profile } from './profile.js';
import { sessionCoordinatorProfile } from './session-coordinator.js';
import { taskCoordinatorProfile } from './task-coordinator.js';

export const PROFILES: readonly Profile[] = [powerPackProfile, taskCoordinatorProfile, sessionCoordinatorProfile, coordinationHubProfile, mcpCoordinatorProfile];

/** The profile named, or INVALID_INPUT listing those that exist. */
export function profileNamed(name: string): Profile {
  const found = PROFILES.find((p) => p.name === name);
  if (!found) throw invalidInput(`No MCP profile '${name.slice(0, 60)}'; profiles: ${PROFILES.map((p) => p.name).join(', ')} (or none, for Baton's own tools).`, { field: 'profile' });
  return found;
}
