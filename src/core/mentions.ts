/**
 * @module Tool names in the words a caller reads (error hints, next steps,
 * prompts). A connection lists only some tools (its toolsets, or a seed's
 * profile), and a hint naming one it lacks sends a model to a dead end. So such
 * text names a tool as `[[tool|fallback]]`: the tool where the connection offers
 * it, else the fallback (neutral wording, or a tool every connection has). The
 * one renderer every hint and next step goes through.
 */

/** The tool names a connection lists; undefined when every command is reachable by name (REST, CLI, in-process). */
export type OfferedTools = ReadonlySet<string> | undefined;

const MENTION = /\[\[([a-z_]+)\|([^\]]*)\]\]/g;

/** The text as this caller reads it: each `[[tool|fallback]]` as the tool if offered, else the fallback. */
export const mentioning = (text: string, offered: OfferedTools): string =>
  text.replace(MENTION, (_match, tool: string, fallback: string) => (offered === undefined || offered.has(tool) ? tool : fallback));
