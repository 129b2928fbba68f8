/**
 * @module The command: one hub operation with its input and output schemas,
 * toolset and description. Commands are the hub's API; REST routes and MCP tools
 * are derived from this list, so every surface validates, answers and documents
 * the same shapes.
 */
import { z } from 'zod';
import type { Call, HubContext } from './context.js';

export const TOOLSETS = ['presence', 'status', 'locks', 'files', 'tasks', 'workers', 'state', 'events', 'services', 'operator', 'consult', 'messages', 'activity', 'depmap'] as const;
export type Toolset = (typeof TOOLSETS)[number];

/** What a connection gets when it names no toolsets: the everyday coordination of a coding agent. */
export const DEFAULT_TOOLSETS: readonly Toolset[] = ['presence', 'status', 'locks', 'files', 'tasks'];
/** Served whatever a connection selects: without them it could not join, leave or look around. */
export const ALWAYS_ON: readonly Toolset[] = ['presence', 'status'];
/**
 * Offered over MCP only when the server's toolsets setting names them: `operator`
 * (break_lease) acts on other agents' leases, which a model should reach through
 * acquire_lock's `force` if at all; people use it from the dashboard and REST.
 */
export const OPT_IN_TOOLSETS: readonly Toolset[] = ['operator'];

export type CommandOutput = Record<string, unknown>;

export interface Command<TInput extends z.ZodObject = z.ZodObject, TOutput extends z.ZodObject = z.ZodObject> {
  name: string;
  toolset: Toolset;
  /** One or two short sentences: models pay for every word. Limits a model can hit go here, in words. */
  description: string;
  /** Strict: an argument the schema does not name is refused (with a "did you mean"). */
  input: TInput;
  /** What the command answers (MCP outputSchema, OpenAPI response). */
  output: TOutput;
  /** Mutating commands accept request_id and are replayed on repeat. */
  mutating: boolean;
  /** Deletes or overwrites something a caller cannot get back. */
  destructive?: boolean;
  /** A repeat with the same input changes nothing more than the first call. */
  idempotent?: boolean;
  /** May block up to the wait bound (long-poll). */
  blocking?: boolean;
  /** Input fields advertised to models although they route or identify (e.g. register_agent's agent_id). */
  advertise?: readonly string[];
  /** Input fields accepted but not advertised: a generic pager's `cursor` where the model's own position is `after`. */
  unadvertised?: readonly string[];
  run(ctx: HubContext, input: z.output<TInput>, call: Call): Promise<z.input<TOutput>>;
}

/** Fields every command accepts: which project, and who acts. Not advertised to models (the connection carries them). */
export const callerFields = {
  project: z.string().max(64).optional().describe("Project id (default: the connection's, else 'default')."),
  agent_id: z.string().max(128).optional().describe('Acting agent (default: the connection identity).'),
};

export const mutatingFields = {
  ...callerFields,
  request_id: z.string().min(1).max(200).optional().describe('Idempotency key: a repeat returns the first answer.'),
};

/** The routing and identity fields, accepted on every command and hidden from models. */
const ROUTING_FIELDS: readonly string[] = Object.keys(mutatingFields);

/** The input fields models are not shown: routing ones (unless advertised) and the command's unadvertised ones. */
export const hiddenFields = (command: Pick<Command, 'advertise' | 'unadvertised'>): ReadonlySet<string> =>
  new Set([...ROUTING_FIELDS.filter((f) => !command.advertise?.includes(f)), ...(command.unadvertised ?? [])]);

/** Defines a command, keeping its input and output types tied to its schemas. */
export const defineCommand = <TInput extends z.ZodObject, TOutput extends z.ZodObject>(command: Command<TInput, TOutput>): Command =>
  command;
