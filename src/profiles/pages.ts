/**
 * @module Helpers the profiles share: reading every page of a hub list (the seeds
 * answer whole lists; Baton pages them).
 */
import type { CommandOutput } from '../hub/command.js';
import type { ProfileContext } from './profile.js';

/** Pages read at most: a seed's "all" stays bounded (the answer says when it was cut). */
const MAX_PAGES = 20;

/** Every row of a paged hub list under `field`, and whether the bound cut it short. */
export async function allPages(ctx: ProfileContext, command: string, input: Record<string, unknown>, field: string): Promise<{ rows: unknown[]; truncated: boolean }> {
  const rows: unknown[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < MAX_PAGES; i++) {
    const page: CommandOutput = await ctx.run(command, { ...input, ...(cursor === undefined ? {} : { cursor }) });
    rows.push(...((page[field] ?? []) as unknown[]));
    cursor = typeof page['next_cursor'] === 'string' ? page['next_cursor'] : undefined;
    if (cursor === undefined) return { rows, truncated: false };
  }
  return { rows, truncated: true };
}
