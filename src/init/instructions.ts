/**
 * @module What `baton init` tells the agent, in AGENTS.md (or the client's own
 * instructions file): the few tools a session needs, in the order it needs them.
 * Short on purpose: it is read on every turn.
 */

/** Bumped when the text changes, so init rewrites older sections. */
export const INSTRUCTIONS_VERSION = 1;

export const INSTRUCTIONS = `## Working alongside other agents (Baton)

Other agents may be editing this repository at the same time. Baton (MCP server \`baton\`) coordinates them:

- Start with \`start_session\` and say what you will work on; it shows who else is here and what they hold.
- Before editing, \`reserve_files\` with the paths or globs you will touch (\`take_free: true\` takes the free ones).
  An edit of a file another agent reserved is refused, with who holds it and what to do.
- For shared resources (test runs, a dev server, migrations) use \`acquire_lock\` (with \`wait_seconds\` to wait
  your turn) and \`release_lock\` as soon as you are done.
- Pick work with \`claim_task\` and report it with \`update_task\` (\`done\` when finished).
- Finish with \`end_session\` and a short handover \`note\`: it releases what you hold.`;

/** The line that makes CLAUDE.md (Claude Code's form) or GEMINI.md (Gemini CLI's documented `@./file.md`) include AGENTS.md. */
export const IMPORT_AGENTS = { claude: '@AGENTS.md', gemini: '@./AGENTS.md' } as const;
