/**
 * @module A compatibility profile: one seed system's MCP surface (its tool names,
 * argument names and shapes, defaults, resources and prompts) as a thin mapping
 * onto the hub's commands. A profile decides no rule of its own: every lock,
 * claim, slot and value goes through hub.execute, so fencing, queues, presence
 * tiers and durability are Baton's. It only renames, fills defaults, and reshapes
 * answers into what the seed's users expect.
 */
import type { z } from 'zod';
import type { CommandOutput } from '../hub/command.js';

/** What a profile tool may do: run hub commands for the connection. */
export interface ProfileContext {
  /** Runs a hub command as this connection's agent, registering it first when the hub says it is unknown. */
  run(command: string, input?: Record<string, unknown>): Promise<CommandOutput>;
  /** Runs a hub command that needs no agent (reads, adding tasks) as whoever the caller is, registering no one. */
  read(command: string, input?: Record<string, unknown>): Promise<CommandOutput>;
  /** The same as another agent of this connection (seed 001's workerId), registered on first need. */
  runAs(agentId: string, command: string, input?: Record<string, unknown>): Promise<CommandOutput>;
  /** This connection's agent id (generated and registered on first need). */
  agent(): Promise<string>;
  /** Makes `agentId` this connection's agent for its later calls (a seed that registers under its own id), over the header's. */
  adopt(agentId: string): void;
  /** Worker slots per project (the hub's setting). */
  readonly workerSlots: number;
}

export interface ProfileTool<TInput extends z.ZodObject = z.ZodObject> {
  name: string;
  /** As short as Baton's own (models pay for every word); names the seed's behaviour where Baton's differs. */
  description: string;
  /** Strict: the seed's argument names; anything else is refused with a "did you mean". */
  input: TInput;
  mutating: boolean;
  destructive?: boolean;
  idempotent?: boolean;
  run(ctx: ProfileContext, input: z.output<TInput>): Promise<Record<string, unknown>>;
}

export interface ProfileResource {
  /** A fixed URI, or a template with {params} (RFC 6570 level 1). */
  uri: string;
  name: string;
  description: string;
  read(ctx: ProfileContext, params: Record<string, string>): Promise<unknown>;
}

export interface ProfilePrompt {
  name: string;
  description: string;
  render(ctx: ProfileContext): Promise<string>;
}

export interface Profile {
  name: string;
  /** The seed system it stands in for. */
  seed: string;
  /** The server name the seed announced (clients show it). */
  serverName: string;
  instructions: string;
  tools: readonly ProfileTool[];
  resources: readonly ProfileResource[];
  prompts: readonly ProfilePrompt[];
}

/** Defines a tool, keeping its run's input typed by its schema. */
export const defineTool = <TInput extends z.ZodObject>(tool: ProfileTool<TInput>): ProfileTool => tool;
