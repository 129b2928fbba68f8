/**
 * @module The command: one hub operation with its input schema, toolset and
 * description. Commands are the hub's API; REST routes and MCP tools are derived
 * from this list, so every surface validates and behaves the same.
 */
import { z } from 'zod';
import type { Call, HubContext } from './context.js';

export const TOOLSETS = ['presence', 'locks', 'files', 'tasks', 'state', 'events', 'services', 'status'] as const;
export type Toolset = (typeof TOOLSETS)[number];

export type CommandOutput = Record<string, unknown>;

export interface Command<TInput extends z.ZodObject = z.ZodObject> {
  name: string;
  toolset: Toolset;
  /** One or two short sentences: models pay for every word. */
  description: string;
  input: TInput;
  /** Mutating commands accept request_id and are replayed on repeat. */
  mutating: boolean;
  /** May block up to the wait bound (long-poll). */
  blocking?: boolean;
  run(ctx: HubContext, input: z.output<TInput>, call: Call): Promise<CommandOutput>;
}

/** Fields every command accepts: which project, and who acts. */
export const callerFields = {
  project: z.string().max(64).optional().describe("Project id (default: the connection's, else 'default')."),
  agent_id: z.string().max(128).optional().describe('Acting agent (default: the connection identity).'),
};

export const mutatingFields = {
  ...callerFields,
  request_id: z.string().min(1).max(200).optional().describe('Idempotency key: a repeat returns the first answer.'),
};

/** Defines a command, keeping its input type tied to its schema. */
export const defineCommand = <TInput extends z.ZodObject>(command: Command<TInput>): Command => command;
