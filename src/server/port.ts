/**
 * @module A TCP port as the user writes it (kept out of config.ts, which loads zod,
 * so the CLI can check a flag without loading the configuration schema).
 */

/** The port `text` names (0–65535; 0 picks a free one), or undefined. */
export function parsePort(text: string): number | undefined {
  const port = /^\d{1,5}$/.test(text.trim()) ? Number(text) : Number.NaN;
  return port <= 65_535 ? port : undefined;
}
